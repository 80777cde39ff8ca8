// Data bodies: {"data":[...]}, a bare array, NDJSON or text/csv, read into raw records with their
// source lines. Malformed input gets a precise 4xx; nothing is guessed.
import type { Context } from "hono";
import { readCsv, readJsonRecords } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { isJsonType, mediaType, unsupportedMediaType } from "../http/body.ts";
import type { Limits } from "../http/limits.ts";
import { badRequest, Problem } from "../http/problem.ts";
import { schemaFor } from "./contexts.ts";
import type { RecordsBody } from "./validate-batch.ts";

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

function checkCount(records: unknown[], limits: Limits): void {
  if (records.length === 0) throw badRequest("The body holds no records; send at least one");
  if (records.length > limits.maxRecordsPerBatch) {
    throw new Problem(
      413,
      "too-many-records",
      "Too many records",
      `The body holds ${records.length} records; at most ${limits.maxRecordsPerBatch} are accepted per request. Use a sync with batches`,
    );
  }
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
  const ndjson = type !== undefined && NDJSON_TYPES.has(type);
  if (isJsonType(type) || ndjson) {
    // The core's JSON reader: broken JSON (naming the NDJSON line), forbidden keys and nesting
    // depth are refused with its words; the request rules (one member, a count) are the Worker's.
    const read = readJsonRecords(body, {
      source: "request body",
      format: ndjson ? "ndjson" : "json",
      limits,
    });
    if (!read.ok) throw badRequest(read.message);
    if (read.shape === "data" && read.members.length !== 1)
      throw badRequest(
        `The body must be {"data":[...]} with no other members; found ${read.members.join(", ")}`,
      );
    checkCount(read.records, limits);
    return read.lines
      ? { records: read.records, lines: read.lines, issues: [] }
      : { records: read.records, issues: [] };
  }
  if (type && CSV_TYPES.has(type)) {
    const schema = await schemaFor(c, context);
    if (!schema) throw badRequest(`Unknown context "${context}"`);
    const csv = readCsv(body, schema, context);
    const records = csv.rows.map((r) => r.record);
    const lines = csv.rows.map((r) => r.line);
    if (records.length === 0 && csv.issues.length === 0)
      throw badRequest("The CSV has a header but no records");
    if (records.length > 0) checkCount(records, limits);
    return { records, lines, issues: csv.issues };
  }
  throw unsupportedMediaType(type, ACCEPTED);
}
