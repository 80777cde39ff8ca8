// Column -> field mapping: auto-mapping by normalized names and schema aliases with a confidence,
// and applying a mapping (columns, ignored columns, constants, enum value maps) to a row.
// Scoring is by whole token sets, never by one shared word, so "First Name" cannot become
// lastName, "User Name" a user id, "Manager Email" the email or "State" a status.
import {
  type ContextSchema,
  type JsonValue,
  normalizeHeader,
  type PropertySchema,
  suggestFix,
} from "../schemas/index.ts";
import { headerTokens, matchScore } from "./mapping/header.ts";
import type { ColumnSuggestion } from "./mapping/suggest.ts";
import type { TableRow } from "./parse/source-table.ts";

export { headerTokens, matchScore };

/** Guesses below this stay unmapped and are only offered as a hint. */
export const AUTO_MAP_THRESHOLD = 0.6;

export interface Mapping {
  /** Per source column: the field it fills, or null when the column is ignored. */
  columns: (string | null)[];
  /** Field -> one value for every row. */
  constants: Record<string, string>;
  /** Field -> source value -> value to use instead (e.g. active -> ACTIVE). */
  valueMaps: Record<string, Record<string, string>>;
  /** The file's header text per column, kept so other integrations can reuse the choices. */
  headers?: string[];
}

export interface ColumnGuess {
  column: number;
  header: string;
  field: string | null;
  confidence: number;
  /** The best candidate when it was not confident enough (or its field was taken). */
  hint?: { field: string; confidence: number };
  reason: string;
}

function fieldScore(header: string, field: string, prop: PropertySchema): number {
  let best = matchScore(header, field, true);
  for (const alias of prop["x-intake-aliases"] ?? []) best = Math.max(best, matchScore(header, alias, false));
  return best;
}

/** Guesses a field for every column; each field is given to at most one column. */
export function autoMap(headers: readonly string[], schema: ContextSchema): ColumnGuess[] {
  const scores: { column: number; field: string; score: number }[] = [];
  headers.forEach((header, column) => {
    if (header.trim() === "") return;
    for (const [field, prop] of Object.entries(schema.properties)) {
      const score = fieldScore(header, field, prop);
      if (score > 0) scores.push({ column, field, score });
    }
  });
  scores.sort((a, b) => b.score - a.score || a.column - b.column);
  const byColumn = new Map<number, { field: string; score: number }>();
  const taken = new Map<string, number>();
  for (const s of scores) {
    if (s.score < AUTO_MAP_THRESHOLD || byColumn.has(s.column) || taken.has(s.field)) continue;
    byColumn.set(s.column, s);
    taken.set(s.field, s.column);
  }
  return headers.map((header, column) => {
    const chosen = byColumn.get(column);
    if (chosen) {
      const how = chosen.score >= 0.95 ? "name or alias" : "similar name";
      return { column, header, field: chosen.field, confidence: chosen.score, reason: `Matched by ${how}` };
    }
    const best = scores.find((s) => s.column === column);
    if (!best) return { column, header, field: null, confidence: 0, reason: "No matching field" };
    const owner = taken.get(best.field);
    const reason =
      best.score >= AUTO_MAP_THRESHOLD && owner !== undefined
        ? `${best.field} is already mapped from "${headers[owner]}"`
        : `Possibly ${best.field}, but not confident enough to map it`;
    return {
      column,
      header,
      field: null,
      confidence: 0,
      hint: { field: best.field, confidence: best.score },
      reason,
    };
  });
}

export function mappingFromGuesses(guesses: readonly ColumnGuess[]): Mapping {
  return { columns: guesses.map((g) => g.field), constants: {}, valueMaps: {} };
}

/** A short stable id of a header row (order and spelling-insensitive to case and punctuation). */
export function headerFingerprint(headers: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const ch of headers.map(normalizeHeader).join("|")) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${headers.length}-${hash.toString(16).padStart(8, "0")}`;
}

/** Whether a saved mapping still fits the schema and the file's columns. */
export function isUsableMapping(mapping: Mapping, columnCount: number, schema: ContextSchema): boolean {
  const fields = [...mapping.columns, ...Object.keys(mapping.constants)].filter(
    (f): f is string => f !== null,
  );
  return (
    mapping.columns.length === columnCount &&
    fields.every((f) => Object.hasOwn(schema.properties, f)) &&
    new Set(fields).size === fields.length
  );
}

/** The raw record of one row under a mapping; values stay as text for the core to normalize. */
export function applyMapping(row: TableRow, mapping: Mapping, schema: ContextSchema): JsonValue {
  if (row.notObject !== undefined) return row.notObject;
  const out: Record<string, JsonValue> = {};
  mapping.columns.forEach((field, i) => {
    if (!field || !Object.hasOwn(schema.properties, field)) return;
    const value = row.cells[i];
    if (value === undefined) return;
    const map = mapping.valueMaps[field];
    if (map && typeof value === "string") {
      const mapped = map[value.trim()];
      out[field] = mapped !== undefined && Object.hasOwn(map, value.trim()) ? mapped : value;
    } else {
      out[field] = value;
    }
  });
  for (const [field, value] of Object.entries(mapping.constants)) {
    if (value.trim() !== "" && Object.hasOwn(schema.properties, field)) out[field] = value;
  }
  return out;
}

/** For an enum field: source values that are not allowed but have an obvious match (active -> ACTIVE). */
export function suggestValueMap(
  values: readonly string[],
  prop: PropertySchema | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!prop?.enum) return out;
  for (const value of values) {
    const t = value.trim();
    if (t === "" || prop.enum.includes(t)) continue;
    const fix = suggestFix(t, prop);
    if (typeof fix === "string") out[t] = fix;
  }
  return out;
}

/** The mapping the suggestions apply: auto columns with their proposed value maps; hints left out. */
export function mappingFromSuggestions(
  headers: readonly string[],
  suggestions: readonly ColumnSuggestion[],
): Mapping {
  const valueMaps: Record<string, Record<string, string>> = {};
  for (const s of suggestions) if (s.auto && s.field && s.valueMap) valueMaps[s.field] = { ...s.valueMap };
  return {
    columns: suggestions.map((s) => (s.auto ? s.field : null)),
    constants: {},
    valueMaps,
    headers: [...headers],
  };
}

/**
 * Text rows to profile from what an inspection keeps today (up to 50 distinct values per column):
 * each column cycles through its distinct values, so a few repeated values still read as an
 * enum-like set and 50 different ones as unique. Use the file's first rows once the pipeline
 * hands them over.
 */
export function rowsFromInspection(inspection: {
  columns: readonly string[];
  distinct: readonly string[][];
}): string[][] {
  const height = Math.max(0, ...inspection.distinct.map((d) => d.length));
  return Array.from({ length: height }, (_, r) =>
    inspection.columns.map((_, c) => {
      const values = inspection.distinct[c] ?? [];
      return values.length > 0 ? (values[r % values.length] as string) : "";
    }),
  );
}

export { headerlessNames, looksLikeHeaderless } from "./mapping/headerless.ts";
export { historyFromSaved } from "./mapping/history.ts";
export {
  type ColumnSuggestion,
  type HistoryEntry,
  isPlaceholderHeader,
  type SuggestInput,
  suggestMapping,
} from "./mapping/suggest.ts";
