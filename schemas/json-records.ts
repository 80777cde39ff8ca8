// The one JSON reader: a JSON document or NDJSON -> raw records with their source lines, for the
// Worker's data bodies, the extension's pipeline and the console's dry run. Forbidden keys and
// nesting depth are refused here, for the whole document, with the same words everywhere.

import { isObject } from "./guards.ts";
import {
  findForbiddenKey,
  forbiddenKeyMessage,
  type JsonSource,
  mayHoldForbiddenKey,
  nestingDepth,
  type RecordLimits,
  recordLimits,
  tooDeepMessage,
} from "./limits.ts";
import { splitLines } from "./lines.ts";

export type JsonShape = "array" | "data" | "object" | "ndjson";

export interface JsonRecords {
  ok: true;
  shape: JsonShape;
  records: unknown[];
  /** Source line per record when the document has one record a line (NDJSON, a single object). */
  lines?: number[];
  /** The top-level members of a {"data":[…]} document (the Worker accepts no other). */
  members: string[];
}

export interface JsonReadFailure {
  ok: false;
  message: string;
}

export interface ReadJsonOptions {
  /** For the words of problems ("The request body …" or "The file …"). Default "file". */
  source?: JsonSource;
  /** "detect" (default): a document, else NDJSON when it holds several values one a line. */
  format?: "json" | "ndjson" | "detect";
  /** Whether a single object is read as one record (the extension's files). */
  allowObject?: boolean;
  limits?: Partial<RecordLimits>;
}

const subject = (source: JsonSource) => (source === "file" ? "The file" : "The request body");

/**
 * Parses one JSON value, refusing `__proto__`, `constructor` and `prototype` keys anywhere. (JSON.parse
 * makes them plain own properties; they are refused so no later code can trip on them.)
 */
export function parseJsonValue(
  text: string,
  source: JsonSource = "request body",
): { ok: true; value: unknown } | JsonReadFailure {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${subject(source)} is not valid JSON: ${(error as Error).message}` };
  }
  if (mayHoldForbiddenKey(text)) {
    const forbidden = findForbiddenKey(value);
    if (forbidden) return { ok: false, message: forbiddenKeyMessage(forbidden, source) };
  }
  return { ok: true, value };
}

function readNdjson(text: string, source: JsonSource): JsonRecords | JsonReadFailure {
  const records: unknown[] = [];
  const lines: number[] = [];
  const rows = splitLines(text);
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).trim();
    if (row === "") continue;
    const parsed = parseJsonValue(row, source);
    if (!parsed.ok) return { ok: false, message: `NDJSON line ${i + 1}: ${parsed.message}` };
    records.push(parsed.value);
    lines.push(i + 1);
  }
  return { ok: true, shape: "ndjson", records, lines, members: [] };
}

function shapeMessage(source: JsonSource, allowObject: boolean): string {
  if (allowObject)
    return `${subject(source)} must hold an object, a list of objects or {"data":[...records]}`;
  return source === "file"
    ? 'The file must hold {"data":[...records]} or a JSON array of records'
    : 'The body must be {"data":[...records]} or a JSON array of records';
}

function readDocument(
  text: string,
  source: JsonSource,
  format: "json" | "detect",
  allowObject: boolean,
): JsonRecords | JsonReadFailure {
  const parsed = parseJsonValue(text, source);
  if (!parsed.ok) {
    // Several JSON values one a line are NDJSON; anything else is broken JSON.
    if (format === "detect" && /[\r\n]\s*[[{]/.test(text.trim())) return readNdjson(text, source);
    return parsed;
  }
  const value = parsed.value;
  if (Array.isArray(value)) return { ok: true, shape: "array", records: value, members: [] };
  if (isObject(value) && Array.isArray(value.data))
    return { ok: true, shape: "data", records: value.data, members: Object.keys(value) };
  if (allowObject && isObject(value))
    return { ok: true, shape: "object", records: [value], lines: [1], members: [] };
  return { ok: false, message: shapeMessage(source, allowObject) };
}

/**
 * Reads records from JSON text (a UTF-8 BOM is skipped): an array, {"data":[…]}, a single object
 * when allowed, or NDJSON. Refuses, for the whole document, broken JSON (naming the NDJSON line),
 * forbidden keys anywhere and records nested deeper than the limit.
 */
export function readJsonRecords(text: string, options: ReadJsonOptions = {}): JsonRecords | JsonReadFailure {
  const source = options.source ?? "file";
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") return { ok: false, message: `${subject(source)} is empty` };
  const format = options.format ?? "detect";
  const read =
    format === "ndjson"
      ? readNdjson(body, source)
      : readDocument(body, source, format, options.allowObject ?? false);
  if (!read.ok) return read;
  const { maxNestingDepth } = recordLimits(options.limits);
  for (let i = 0; i < read.records.length; i++) {
    if (nestingDepth(read.records[i], maxNestingDepth) > maxNestingDepth) {
      const line = read.shape === "ndjson" ? read.lines?.[i] : undefined;
      const where = line === undefined ? `record ${i + 1}` : `line ${line}`;
      return { ok: false, message: tooDeepMessage(i + 1, where, maxNestingDepth) };
    }
  }
  return read;
}

/** JSON when the name says so or the text starts like JSON; CSV otherwise. */
export function detectKind(fileName: string, text: string): "csv" | "json" {
  if (/\.(json|ndjson|jsonl)$/i.test(fileName)) return "json";
  if (/\.(csv|tsv|txt)$/i.test(fileName)) return "csv";
  return /^\uFEFF?\s*[[{]/.test(text) ? "json" : "csv";
}
