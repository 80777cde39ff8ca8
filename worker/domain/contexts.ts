// Every route finds a context here: a built-in (bundled, no query) or one of the caller's tenant's
// custom contexts (D1, read at most once per request and name). A custom context of another
// tenant, or any custom context without a key, is simply not found.
import type { Context } from "hono";
import {
  type ContextSchema,
  type ContextSummary,
  CUSTOM_CONTEXT_NAME,
  getSchema,
  summarizeContext,
} from "../../schemas/index.ts";
import type { AppEnv, ContextCache, ResolvedContext } from "../app-env.ts";
import { type CustomContextRow, getCustomContext, listCustomContexts } from "../db/custom-contexts.ts";

// Stored schemas parsed once per isolate, by their exact text (a revision's text never changes
// meaning), so the compiled validators (WeakMaps keyed by the schema object) are reused too.
const PARSED_MAX = 64;
const parsed = new Map<string, ContextSchema>();

/** A stored schema's JSON text as a schema (the same object for the same text, while cached). */
export function parseStoredSchema(text: string): ContextSchema {
  let schema = parsed.get(text);
  if (schema) {
    parsed.delete(text);
  } else {
    schema = JSON.parse(text) as ContextSchema;
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
  }
  parsed.set(text, schema);
  return schema;
}

function cacheOf(c: Context<AppEnv>): ContextCache {
  let cache = c.get("contexts");
  if (!cache) {
    cache = new Map();
    c.set("contexts", cache);
  }
  return cache;
}

const resolved = (row: CustomContextRow): ResolvedContext => ({
  name: row.name,
  schema: parseStoredSchema(row.schema),
  custom: row,
});

/** The tenant of the request's key, if one was presented and verified. */
export function tenantOf(c: Context<AppEnv>): string | undefined {
  return c.get("key")?.tenantId;
}

/** A context by name: built-in, else the caller's tenant's own; undefined when neither. */
export async function contextFor(c: Context<AppEnv>, name: string): Promise<ResolvedContext | undefined> {
  const builtin = getSchema(name);
  if (builtin) return { name, schema: builtin };
  const tenantId = tenantOf(c);
  if (!tenantId || !CUSTOM_CONTEXT_NAME.test(name)) return undefined;
  const cache = cacheOf(c);
  const hit = cache.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const row = await getCustomContext(c.var.db, tenantId, name);
  const found = row ? resolved(row) : undefined;
  cache.set(name, found ?? null);
  return found;
}

/** The schema of a context (see `contextFor`). */
export async function schemaFor(c: Context<AppEnv>, name: string): Promise<ContextSchema | undefined> {
  return (await contextFor(c, name))?.schema;
}

/** Forgets what this request read of a context (after it was created, updated or deleted). */
export function forgetContext(c: Context<AppEnv>, name: string): void {
  cacheOf(c).delete(name);
}

/** The caller's tenant's custom contexts (none without a key), in name order. */
export async function customContextsOf(c: Context<AppEnv>): Promise<ResolvedContext[]> {
  const tenantId = tenantOf(c);
  if (!tenantId) return [];
  const cache = cacheOf(c);
  const list = (await listCustomContexts(c.var.db, tenantId)).map(resolved);
  for (const context of list) cache.set(context.name, context);
  return list;
}

/**
 * Which of `names` are not contexts the caller may use (built-ins are known without a query; the
 * rest are looked up in one query).
 */
export async function unknownContexts(c: Context<AppEnv>, names: readonly string[]): Promise<string[]> {
  const others = names.filter((name) => !getSchema(name));
  if (others.length === 0) return [];
  if (others.length === 1) return (await contextFor(c, others[0] as string)) ? [] : others;
  const known = new Set((await customContextsOf(c)).map((ctx) => ctx.name));
  return others.filter((name) => !known.has(name));
}

/** A context's catalog summary (custom ones marked). */
export function summaryOf(context: ResolvedContext): ContextSummary & { custom?: true } {
  const summary = summarizeContext(context.name, context.schema);
  return context.custom ? { ...summary, custom: true } : summary;
}

/** Titles of contexts by name, for views that list an integration's contexts. */
export async function titlesOf(c: Context<AppEnv>, names: readonly string[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (const name of names) {
    const builtin = getSchema(name);
    if (builtin) titles.set(name, builtin.title);
  }
  if (titles.size < names.length)
    for (const ctx of await customContextsOf(c))
      if (names.includes(ctx.name)) titles.set(ctx.name, ctx.schema.title);
  return titles;
}
