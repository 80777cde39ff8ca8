// Live schemas: after connecting, the extension reads the Worker's catalog and the chosen context's
// schema (If-None-Match / ETag), keeps them in extension storage per Worker URL, and validates with
// exactly that schema. When the Worker cannot be reached or answers an error, the copy saved last
// time is used, then the one built into the extension — and the words say which.
import { type ContextSchema, contextSchemaProblem, getSchema, listContexts } from "../schemas/index.ts";
import type { ApiClient, ContextInfo, RequestOptions } from "./api-client.ts";
import { catalogsItem, type Saved, schemasItem } from "./storage.ts";

/** Where a schema (or the catalog) came from: the Worker now, the copy saved earlier, the bundle. */
export type SchemaOrigin = "worker" | "saved" | "bundled";

export interface LiveSchema {
  context: string;
  schema: ContextSchema;
  origin: SchemaOrigin;
  /** When the saved copy was fetched from the Worker (origin "worker" or "saved"). */
  savedAt?: string;
  /** Why the Worker's current copy is not used (origin "saved" or "bundled"). */
  problem?: string;
}

export interface LiveCatalog {
  contexts: ContextInfo[];
  origin: SchemaOrigin;
  savedAt?: string;
  problem?: string;
}

/** Schemas kept at most (over every Worker URL); the least recently fetched are dropped first. */
export const MAX_SAVED_SCHEMAS = 100;

/**
 * Always asked of the Worker, never of the browser's HTTP cache: our own If-None-Match reaches it,
 * and its 304 reaches us.
 */
const FRESH: RequestOptions = { cache: "no-store" };

const workerKey = (client: ApiClient) => client.baseUrl.replace(/\/+$/, "");

/** The storage key of a Worker URL's schema of a context. */
export function schemaCacheKey(workerUrl: string, context: string): string {
  return `${workerUrl.replace(/\/+$/, "")} ${context}`;
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function saveSchema(key: string, saved: Saved<string>): Promise<void> {
  const all = { ...(await schemasItem.getValue()) };
  all[key] = saved;
  const keys = Object.keys(all).sort((a, b) => (all[a]?.savedAt ?? "").localeCompare(all[b]?.savedAt ?? ""));
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_SAVED_SCHEMAS))) delete all[old];
  await schemasItem.setValue(all);
}

/** A saved schema's JSON text, or undefined when it is not readable (then it is fetched again). */
function parseSaved(text: string): ContextSchema | undefined {
  try {
    const schema = JSON.parse(text) as ContextSchema;
    return contextSchemaProblem(schema) ? undefined : schema;
  } catch {
    return undefined;
  }
}

/**
 * The schema to validate `context` with: the Worker's (reusing the saved copy on 304), else the
 * saved copy, else the bundled one. Throws when none exists (a custom context never fetched).
 */
export async function loadSchema(
  client: ApiClient,
  context: string,
  now: () => Date = () => new Date(),
): Promise<LiveSchema> {
  const key = schemaCacheKey(workerKey(client), context);
  const all = await schemasItem.getValue();
  const saved = Object.hasOwn(all, key) ? all[key] : undefined;
  const savedSchema = saved ? parseSaved(saved.value) : undefined;
  let problem: string;
  try {
    const answer = await client.contextSchema(context, saved?.etag, FRESH);
    if (answer.notModified && saved && savedSchema) {
      return { context, schema: savedSchema, origin: "worker", savedAt: saved.savedAt };
    }
    if (answer.notModified) throw new Error("The Intake server answered 304 to a request without an ETag");
    const bad = contextSchemaProblem(answer.schema);
    if (bad) throw new Error(`The Intake server's schema for ${context} cannot be used: ${bad}`);
    const savedAt = now().toISOString();
    await saveSchema(key, { value: JSON.stringify(answer.schema), etag: answer.etag, savedAt });
    return { context, schema: answer.schema, origin: "worker", savedAt };
  } catch (error) {
    problem = why(error);
  }
  if (saved && savedSchema)
    return { context, schema: savedSchema, origin: "saved", savedAt: saved.savedAt, problem };
  const bundled = getSchema(context);
  if (bundled) return { context, schema: bundled, origin: "bundled", problem };
  throw new Error(
    `The schema of ${context} could not be loaded from the Intake server, and this extension has no copy of it: ${problem}`,
  );
}

/** The contexts the Worker offers this tenant (built-in and custom), else the saved list, else the bundled. */
export async function loadCatalog(
  client: ApiClient,
  now: () => Date = () => new Date(),
): Promise<LiveCatalog> {
  const key = workerKey(client);
  let problem: string;
  try {
    const { data } = await client.catalog(FRESH);
    const savedAt = now().toISOString();
    await catalogsItem.setValue({ ...(await catalogsItem.getValue()), [key]: { value: data, savedAt } });
    return { contexts: data, origin: "worker", savedAt };
  } catch (error) {
    problem = why(error);
  }
  const saved = (await catalogsItem.getValue())[key];
  if (saved) return { contexts: saved.value, origin: "saved", savedAt: saved.savedAt, problem };
  return { contexts: listContexts(), origin: "bundled", problem };
}

/** "27 Nov 2026" */
export function savedDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

/** The SchemaVer revision of an `$id` ("urn:intake:saas_users:1-0-2" -> "1-0-2"). */
export function revisionOf(schemaId: string): string {
  return schemaId.slice(schemaId.lastIndexOf(":") + 1);
}

export interface SchemaNote {
  tone: "muted" | "warning";
  /** Which copy is used, when it is not the Worker's current one. */
  title?: string;
  text: string;
  /** Why the Worker's current copy could not be read. */
  details?: string;
}

/**
 * What the flow says about the schema it validates with: its version (never its `$id`, which
 * holds the tenant's internal id for a custom context), and, when it is not the Worker's current
 * one, which copy is used instead and why.
 */
export function schemaNote(live: LiveSchema): SchemaNote {
  const id = `version ${revisionOf(live.schema.$id)}`;
  if (live.origin === "worker") return { tone: "muted", text: `Schema ${id}` };
  const details = live.problem;
  if (live.origin === "saved") {
    return {
      tone: "warning",
      title: `Using the schema saved on ${savedDate(live.savedAt ?? "")}`,
      text: `The Intake server's current schema could not be read, so the file is checked against the copy saved then (${id}).`,
      details,
    };
  }
  return {
    tone: "warning",
    title: "Using the schema built into this extension",
    text: `The Intake server's current schema could not be read, so the file is checked against this extension's own copy (${id}); the server may expect a newer one.`,
    details,
  };
}
