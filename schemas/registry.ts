// The schemas the extension validates with, by context name: the Worker's live ones (a tenant's
// custom contexts included) over the ones bundled at build time. The extension's page and its
// pipeline worker are separate realms: each registers the schema it is handed (the page after it
// fetched it, the pipeline worker through its `registerSchema` message), and both resolve through here.
// The Worker never registers: one isolate serves every tenant.
import { getSchema } from "./catalog.ts";
import type { ContextSchema } from "./types.ts";

const live = new Map<string, ContextSchema>();

/** Why `value` cannot be used as a context schema, or undefined when it can. */
export function contextSchemaProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "it is not a JSON object";
  const schema = value as Partial<Record<keyof ContextSchema, unknown>>;
  if (typeof schema.$id !== "string" || !schema.$id.startsWith("urn:intake:"))
    return 'its "$id" is not an urn:intake: identifier';
  if (schema.type !== "object") return 'its "type" is not "object"';
  const properties = schema.properties;
  if (properties === null || typeof properties !== "object" || Array.isArray(properties))
    return 'its "properties" is not an object';
  const key = schema["x-intake-key"];
  if (!Array.isArray(key) || key.some((f) => typeof f !== "string" || !Object.hasOwn(properties, f)))
    return 'its "x-intake-key" does not name its own fields';
  return undefined;
}

/**
 * Validates with `schema` for `context` from now on (in this realm). Throws a TypeError naming
 * the problem when `schema` is not a context schema.
 */
export function registerSchema(context: string, schema: ContextSchema): void {
  const problem = contextSchemaProblem(schema);
  if (problem) throw new TypeError(`The schema for "${context}" cannot be used: ${problem}`);
  live.set(context, schema);
}

/** The schema registered for `context`, else the bundled one; undefined for an unknown context. */
export function resolveSchema(context: string): ContextSchema | undefined {
  return live.get(context) ?? getSchema(context);
}

/**
 * A schema as it is (a tenant's custom context), or the one `resolveSchema` finds by name; a
 * RangeError for an unknown context.
 */
export function requireSchema(context: string | ContextSchema): ContextSchema {
  if (typeof context !== "string") return context;
  const schema = resolveSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  return schema;
}

/** Drops every registered schema (a new connection; tests). */
export function forgetSchemas(): void {
  live.clear();
}
