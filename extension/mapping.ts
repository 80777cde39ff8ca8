// Column -> field mapping: the mapping an admin confirms (columns, ignored columns, constants,
// enum value maps, a full-name column split into first and last name), built from
// suggestMapping's answer (header and value evidence, in extension/mapping/), applied to a row,
// fingerprinted and reused.
import {
  type ContextSchema,
  type JsonValue,
  normalizeHeader,
  type PropertySchema,
  suggestFix,
} from "../schemas/index.ts";
import { splitFullName } from "./mapping/name-split.ts";
import type { ColumnSuggestion } from "./mapping/suggest.ts";

/** A data row of the file as the mapping reads it (the pipeline's SourceRows hand them over). */
export interface TableRow {
  line?: number;
  cells: (JsonValue | undefined)[];
  /** A JSON item that is not an object: kept so validation names it. */
  notObject?: JsonValue;
}

export interface Mapping {
  /** Per source column: the field it fills, or null when the column is ignored. */
  columns: (string | null)[];
  /** Field -> one value for every row. */
  constants: Record<string, string>;
  /** Field -> source value -> value to use instead (e.g. active -> ACTIVE). */
  valueMaps: Record<string, Record<string, string>>;
  /** The file's header text per column, kept so other integrations can reuse the choices. */
  headers?: string[];
  /**
   * Columns of a person's full name, each split into two fields by splitFullName (its entry in
   * `columns` is null). Absent in mappings saved before splits existed.
   */
  splits?: NameSplit[];
}

/** One column split into a first-name and a last-name field ("Jane Doe" -> Jane / Doe). */
export interface NameSplit {
  column: number;
  first: string;
  last: string;
}

/** The split of `column`, if the mapping splits it. */
export const splitOf = (mapping: Mapping, column: number): NameSplit | undefined =>
  mapping.splits?.find((s) => s.column === column);

/** Every field a mapping's columns fill, in column order (a split column's two fields in its place). */
export function mappedFields(mapping: Mapping): string[] {
  const out: string[] = [];
  mapping.columns.forEach((field, column) => {
    if (field) out.push(field);
    else {
      const split = splitOf(mapping, column);
      if (split) out.push(split.first, split.last);
    }
  });
  return out;
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
  const splits = mapping.splits ?? [];
  if (!Array.isArray(splits)) return false;
  const splitsFit = splits.every(
    (s) =>
      typeof s === "object" &&
      s !== null &&
      Number.isInteger(s.column) &&
      s.column >= 0 &&
      s.column < columnCount &&
      mapping.columns[s.column] === null &&
      typeof s.first === "string" &&
      typeof s.last === "string",
  );
  if (!splitsFit || new Set(splits.map((s) => s.column)).size !== splits.length) return false;
  const fields = [
    ...mapping.columns,
    ...Object.keys(mapping.constants),
    ...splits.flatMap((s) => [s.first, s.last]),
  ].filter((f): f is string => f !== null);
  return (
    mapping.columns.length === columnCount &&
    fields.every((f) => Object.hasOwn(schema.properties, f)) &&
    new Set(fields).size === fields.length
  );
}

/** Whether two mappings map every row alike (same columns, splits, constants and value maps; `headers` aside). */
export function sameMapping(a: Mapping, b: Mapping): boolean {
  const entries = (o: Record<string, unknown>): string =>
    JSON.stringify(
      Object.keys(o)
        .sort()
        .map((k) => [
          k,
          o[k] !== null && typeof o[k] === "object" ? entries(o[k] as Record<string, unknown>) : o[k],
        ]),
    );
  return (
    a.columns.length === b.columns.length &&
    a.columns.every((field, i) => field === b.columns[i]) &&
    entries(a.constants) === entries(b.constants) &&
    entries(a.valueMaps) === entries(b.valueMaps) &&
    splitsKey(a) === splitsKey(b)
  );
}

const splitsKey = (m: Mapping) =>
  JSON.stringify(
    [...(m.splits ?? [])].sort((x, y) => x.column - y.column).map((s) => [s.column, s.first, s.last]),
  );

/** The raw record of one row under a mapping; values stay as text for the core to normalize. */
export function applyMapping(row: TableRow, mapping: Mapping, schema: ContextSchema): JsonValue {
  return compileMapping(mapping, schema)(row);
}

/**
 * applyMapping for many rows: the mapping read once (which column fills which field, through
 * which value map; which column is split into which two fields; the constants), then a plain loop
 * per row.
 */
export function compileMapping(mapping: Mapping, schema: ContextSchema): (row: TableRow) => JsonValue {
  const has = (field: string) => Object.hasOwn(schema.properties, field);
  const columns: number[] = [];
  const fields: string[] = [];
  const maps: (Record<string, string> | undefined)[] = [];
  mapping.columns.forEach((field, i) => {
    if (!field || !has(field)) return;
    columns.push(i);
    fields.push(field);
    maps.push(ownValue(mapping.valueMaps, field));
  });
  const splits = (mapping.splits ?? []).filter(
    (s) => !mapping.columns[s.column] && has(s.first) && has(s.last) && s.first !== s.last,
  );
  const constants = Object.entries(mapping.constants).filter(
    ([field, value]) => value.trim() !== "" && Object.hasOwn(schema.properties, field),
  );
  return (row) => {
    if (row.notObject !== undefined) return row.notObject;
    const out: Record<string, JsonValue> = {};
    const cells = row.cells;
    for (let k = 0; k < columns.length; k++) {
      const value = cells[columns[k] as number];
      if (value === undefined) continue;
      const map = maps[k];
      if (map && typeof value === "string") {
        const trimmed = value.trim();
        const mapped = map[trimmed];
        out[fields[k] as string] = mapped !== undefined && Object.hasOwn(map, trimmed) ? mapped : value;
      } else {
        out[fields[k] as string] = value;
      }
    }
    for (const split of splits) {
      const value = cells[split.column];
      if (value === undefined) continue;
      // Not text (a JSON number, an object): kept whole in the first field, for validation to name.
      if (typeof value !== "string") {
        out[split.first] = value;
        continue;
      }
      const { first, last } = splitFullName(value);
      if (first !== "") out[split.first] = first;
      if (last !== "") out[split.last] = last;
    }
    for (const [field, value] of constants) out[field] = value;
    return out;
  };
}

/** `record[key]` when it is the record's own (a field named `toString` is not Object's method). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
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
    // Defined, not assigned: a value "__proto__" is a value like any other.
    if (typeof fix === "string")
      Object.defineProperty(out, t, { value: fix, enumerable: true, writable: true, configurable: true });
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
  const splits = suggestions.flatMap((s, column) =>
    s.auto && !s.field && s.split ? [{ column, first: s.split.first, last: s.split.last }] : [],
  );
  return {
    columns: suggestions.map((s) => (s.auto ? s.field : null)),
    constants: {},
    valueMaps,
    headers: [...headers],
    ...(splits.length > 0 ? { splits } : {}),
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

export { isPlaceholderHeader } from "./mapping/header.ts";
export { headerlessNames, looksLikeHeaderless } from "./mapping/headerless.ts";
export { historyFromSaved } from "./mapping/history.ts";
export {
  hasFullNameField,
  meansFullName,
  NAME_SPLIT_RULE,
  type NameParts,
  nameSplitFields,
  splitFullName,
} from "./mapping/name-split.ts";
export {
  type ColumnSuggestion,
  type HistoryEntry,
  type SuggestInput,
  suggestMapping,
} from "./mapping/suggest.ts";
