// The catalog of built-in contexts and discovery capabilities, read from the schema files.
import accessEntities from "./access_entities.schema.json" with { type: "json" };
import accessPairs from "./access_pairs.schema.json" with { type: "json" };
import accessRelations from "./access_relations.schema.json" with { type: "json" };
import applicationUsers from "./application_users.schema.json" with { type: "json" };
import capabilitiesJson from "./capabilities.json" with { type: "json" };
import contracts from "./contracts.schema.json" with { type: "json" };
import discoveredApplications from "./discovered_applications.schema.json" with { type: "json" };
import invoices from "./invoices.schema.json" with { type: "json" };
import listEmployees from "./list_employees.schema.json" with { type: "json" };
import listUsers from "./list_users.schema.json" with { type: "json" };
import saasUsers from "./saas_users.schema.json" with { type: "json" };
import type { Capability, ContextSchema } from "./types.ts";
import vendors from "./vendors.schema.json" with { type: "json" };

/** Context name -> schema, in the order SPEC §1 lists them. */
const SCHEMAS: Record<string, ContextSchema> = {
  saas_users: saasUsers as ContextSchema,
  list_employees: listEmployees as ContextSchema,
  list_users: listUsers as ContextSchema,
  access_relations: accessRelations as ContextSchema,
  access_pairs: accessPairs as ContextSchema,
  access_entities: accessEntities as ContextSchema,
  discovered_applications: discoveredApplications as ContextSchema,
  application_users: applicationUsers as ContextSchema,
  vendors: vendors as ContextSchema,
  invoices: invoices as ContextSchema,
  contracts: contracts as ContextSchema,
};

const CAPABILITIES = capabilitiesJson as Capability[];

export const CONTEXT_NAMES: readonly string[] = Object.freeze(Object.keys(SCHEMAS));

/** A context as the catalog lists it: what an admin needs to choose one. */
export interface ContextSummary {
  name: string;
  title: string;
  description: string;
  category: string;
  version: string;
  schemaId: string;
  key: string[];
  required: string[];
  fields: string[];
}

/** The schema of a context, or undefined when there is no such context. */
export function getSchema(name: string): ContextSchema | undefined {
  return Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
}

/** SchemaVer (MODEL-REVISION-ADDITION) from a `urn:intake:<context>:<version>` id. */
export function schemaVersion(schema: ContextSchema): string {
  return schema.$id.slice(schema.$id.lastIndexOf(":") + 1);
}

export function summarizeContext(name: string, schema: ContextSchema): ContextSummary {
  return {
    name,
    title: schema.title,
    description: schema.description,
    category: schema["x-intake-category"],
    version: schemaVersion(schema),
    schemaId: schema.$id,
    key: schema["x-intake-key"],
    required: schema.required ?? [],
    fields: Object.keys(schema.properties),
  };
}

export function getContext(name: string): ContextSummary | undefined {
  const schema = getSchema(name);
  return schema ? summarizeContext(name, schema) : undefined;
}

export function listCategories(): string[] {
  return [...new Set(CONTEXT_NAMES.map((name) => SCHEMAS[name]?.["x-intake-category"] ?? ""))];
}

const fold = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, " ");

/** What the catalog can be searched by: words (`q`) and a category. */
export interface ContextFilter {
  q?: string;
  category?: string;
}

/**
 * Whether a context matches every word of `q` (in name, title, description, category or field
 * names and aliases) and, when given, exactly `category` (case-insensitive).
 */
export function contextMatches(name: string, schema: ContextSchema, filter: ContextFilter = {}): boolean {
  const category = filter.category?.trim().toLowerCase();
  if (category && schema["x-intake-category"].toLowerCase() !== category) return false;
  const words = fold(filter.q ?? "")
    .split(" ")
    .filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(
    [
      name,
      schema.title,
      schema.description,
      schema["x-intake-category"],
      ...Object.entries(schema.properties).flatMap(([field, p]) => [field, ...(p["x-intake-aliases"] ?? [])]),
    ].join(" "),
  );
  return words.every((word) => haystack.includes(word));
}

/** The built-in contexts matching `filter` (see `contextMatches`). */
export function listContexts(filter: ContextFilter = {}): ContextSummary[] {
  return CONTEXT_NAMES.filter((name) => contextMatches(name, SCHEMAS[name] as ContextSchema, filter)).map(
    (name) => summarizeContext(name, SCHEMAS[name] as ContextSchema),
  );
}

export function listCapabilities(): Capability[] {
  return CAPABILITIES.map((c) => ({ ...c, contexts: [...c.contexts] }));
}

/** The capabilities that include a context. */
export function capabilitiesOf(context: string): Capability[] {
  return listCapabilities().filter((c) => c.contexts.includes(context));
}
