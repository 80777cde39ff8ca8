// Data bodies: {"data":[...]}, a bare array, NDJSON or text/csv, read into raw records with their
// source lines. Malformed input gets a precise 4xx; nothing is guessed.
import type { Context } from "hono";
import { getSchema, type Issue, readCsv } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { isJsonType, mediaType, parseJsonSafely, unsupportedMediaType } from "./body.ts";
import type { Limits } from "./limits.ts";
import { badRequest, Problem } from "./problem.ts";

export interface RecordsBody {
  records: unknown[];
  /** Source line per record when the body has lines (NDJSON, CSV). */
  lines?: number[];
  /** Problems of the file itself (CSV header, ragged rows, quotes). */
  issues: Issue[];
  /** The raw text, for idempotency and batch hashes. */
  text: string;
}

const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonlines",
]);
const CSV_TYPES = new Set(["text/csv", "application/csv"]);
const ACCEPTED = "application/json, application/x-ndjson or text/csv";

/** Decodes a body strictly: invalid UTF-8 is a 400, never silently replaced with U+FFFD. */
export function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badRequest(
      "The request body is not valid UTF-8; save the file as UTF-8 (the extension can convert Windows-1252)",
    );
  }
}

/** Depth of nested arrays/objects below a record (a record's own fields are depth 1). */
function depthOf(value: unknown, limit: number, depth = 0): number {
  if (value === null || typeof value !== "object") return depth;
  if (depth > limit) return depth;
  let max = depth + 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

function checkShape(records: unknown[], limits: Limits, lines?: number[]): void {
  if (records.length === 0) throw badRequest("The body holds no records; send at least one");
  if (records.length > limits.maxRecordsPerBatch) {
    throw new Problem(
      413,
      "too-many-records",
      "Too many records",
      `The body holds ${records.length} records; at most ${limits.maxRecordsPerBatch} are accepted per request. Use a sync with batches`,
    );
  }
  for (let i = 0; i < records.length; i++) {
    if (depthOf(records[i], limits.maxNestingDepth) > limits.maxNestingDepth) {
      const where = lines ? `line ${lines[i]}` : `record ${i + 1}`;
      throw badRequest(`Record ${i + 1} (${where}) is nested deeper than ${limits.maxNestingDepth} levels`);
    }
  }
}

function parseNdjson(text: string): { records: unknown[]; lines: number[] } {
  const records: unknown[] = [];
  const lines: number[] = [];
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).trim();
    if (row === "") continue;
    try {
      records.push(parseJsonSafely(row));
    } catch (error) {
      const problem = error as Problem;
      throw badRequest(`NDJSON line ${i + 1}: ${problem.body?.detail ?? (error as Error).message}`);
    }
    lines.push(i + 1);
  }
  return { records, lines };
}

/** Reads a data body for `context` within the limits. */
export async function readRecordsBody(
  c: Context<AppEnv>,
  context: string,
  limits: Limits,
): Promise<RecordsBody> {
  const type = mediaType(c);
  const text = decodeUtf8(await c.req.arrayBuffer());
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw badRequest("The request body is empty; send records");
  if (isJsonType(type)) {
    const value = parseJsonSafely(body);
    let records: unknown[];
    if (Array.isArray(value)) records = value;
    else if (
      value !== null &&
      typeof value === "object" &&
      Array.isArray((value as { data?: unknown }).data)
    ) {
      const keys = Object.keys(value);
      if (keys.length !== 1)
        throw badRequest(`The body must be {"data":[...]} with no other members; found ${keys.join(", ")}`);
      records = (value as { data: unknown[] }).data;
    } else {
      throw badRequest('The body must be {"data":[...records]} or a JSON array of records');
    }
    checkShape(records, limits);
    return { records, issues: [], text: body };
  }
  if (type && NDJSON_TYPES.has(type)) {
    const { records, lines } = parseNdjson(body);
    checkShape(records, limits, lines);
    return { records, lines, issues: [], text: body };
  }
  if (type && CSV_TYPES.has(type)) {
    const schema = getSchema(context);
    if (!schema) throw badRequest(`Unknown context "${context}"`);
    const csv = readCsv(body, schema, context);
    const records = csv.rows.map((r) => r.record);
    const lines = csv.rows.map((r) => r.line);
    if (records.length === 0 && csv.issues.length === 0)
      throw badRequest("The CSV has a header but no records");
    if (records.length > 0) checkShape(records, limits, lines);
    return { records, lines, issues: csv.issues, text: body };
  }
  throw unsupportedMediaType(type, ACCEPTED);
}
