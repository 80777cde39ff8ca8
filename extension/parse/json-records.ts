// JSON text -> records: an array, {"data":[...]}, a single object, or NDJSON (one value a line).
import type { JsonValue } from "../../schemas/index.ts";

export type JsonShape = "array" | "data" | "object" | "ndjson";

export interface JsonRecord {
  /** Source line when known (NDJSON). */
  line?: number;
  value: JsonValue;
}

export type JsonParseResult =
  | { ok: true; shape: JsonShape; records: JsonRecord[]; issues: { line?: number; message: string }[] }
  | { ok: false; message: string };

const isObject = (v: unknown): v is Record<string, JsonValue> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function parseNdjson(text: string): JsonParseResult {
  const records: JsonRecord[] = [];
  const issues: { line?: number; message: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      records.push({ line: i + 1, value: JSON.parse(raw) as JsonValue });
    } catch {
      issues.push({ line: i + 1, message: `Line ${i + 1} is not valid JSON` });
    }
  });
  if (records.length === 0) return { ok: false, message: "The file holds no JSON records" };
  return { ok: true, shape: "ndjson", records, issues };
}

/** Parses a JSON or NDJSON file; the shape is detected, never asked. */
export function parseJsonRecords(text: string): JsonParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trim();
  if (trimmed === "") return { ok: false, message: "The file is empty" };
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch (error) {
    // Several JSON values one per line are NDJSON; anything else is broken JSON.
    if (/\n\s*[[{]/.test(trimmed)) return parseNdjson(body);
    return { ok: false, message: `The file is not valid JSON: ${(error as Error).message}` };
  }
  if (Array.isArray(whole)) {
    return {
      ok: true,
      shape: "array",
      records: whole.map((value) => ({ value: value as JsonValue })),
      issues: [],
    };
  }
  if (isObject(whole) && Array.isArray(whole.data)) {
    return { ok: true, shape: "data", records: whole.data.map((value) => ({ value })), issues: [] };
  }
  if (isObject(whole)) return { ok: true, shape: "object", records: [{ line: 1, value: whole }], issues: [] };
  return { ok: false, message: 'The JSON file must hold an object, a list of objects or {"data": [...]}' };
}

/** Column names of JSON records: every key, in order of first appearance. */
export function jsonColumns(records: readonly JsonRecord[]): string[] {
  const seen = new Set<string>();
  for (const { value } of records) if (isObject(value)) for (const key of Object.keys(value)) seen.add(key);
  return [...seen];
}
