// The column mapping of a CLI run: the extension's suggestions, applied only where they are `auto`
// (as the extension applies them without asking); then a column whose header is exactly a field's
// name or alias (the Worker's own rule for a CSV body) for a field still free, even when its values
// do not fit — the extension would ask, the CLI cannot, and a column silently left out would drop
// data instead of reporting it; then a mapping file (--mapping) over all of it, naming columns by
// their header. The same file can be written from a run (--mapping-out) to edit. A full-name
// column split into first and last name (an auto suggestion, or the file's `splits`) is a split
// here as in the extension, by the same rule.
import {
  type ColumnSuggestion,
  type Mapping,
  mappedFields,
  mappingFromSuggestions,
  type NameSplit,
  splitOf,
} from "../extension/mapping.ts";
import { type ContextSchema, headerIndex, normalizeHeader } from "../schemas/index.ts";
import { UsageError } from "./exit-codes.ts";

/**
 * A mapping file: columns by header text ("E-mail": "emailId", "Shoe size": null to ignore it),
 * or the extension's own form (a list, one field or null per column); a value for every row
 * (`constants`); per field, source value -> value to store (`valueMaps`); columns of a person's
 * full name split into two fields, by header (`splits`: {"Name": {"first": "firstName", "last":
 * "lastName"}}).
 */
export interface MappingFile {
  context?: string;
  columns?: Record<string, string | null> | (string | null)[];
  constants?: Record<string, string>;
  valueMaps?: Record<string, Record<string, string>>;
  splits?: Record<string, { first: string; last: string }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const isStringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === "string");

/** Reads a mapping file's text; a wrong shape is a usage error naming what is wrong. */
export function parseMappingFile(text: string, name: string): MappingFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The mapping file ${name} is not JSON: ${(error as Error).message}`);
  }
  const wrong = (what: string) => new UsageError(`The mapping file ${name}: ${what}`);
  if (!isRecord(parsed)) throw wrong('expected an object such as {"columns": {"E-mail": "emailId"}}');
  const { context, columns, constants, valueMaps, splits } = parsed;
  if (context !== undefined && typeof context !== "string") throw wrong('"context" must be a string');
  if (columns !== undefined) {
    const values = Array.isArray(columns) ? columns : isRecord(columns) ? Object.values(columns) : undefined;
    if (!values?.every((v) => v === null || typeof v === "string"))
      throw wrong('"columns" must map each header to a field name or null');
  }
  if (constants !== undefined && !isStringMap(constants))
    throw wrong('"constants" must map fields to text values');
  if (valueMaps !== undefined && !(isRecord(valueMaps) && Object.values(valueMaps).every(isStringMap)))
    throw wrong('"valueMaps" must map fields to {"source value": "value"} objects');
  if (
    splits !== undefined &&
    !(
      isRecord(splits) &&
      Object.values(splits).every(
        (v) => isRecord(v) && typeof v.first === "string" && typeof v.last === "string",
      )
    )
  )
    throw wrong('"splits" must map headers to {"first": "firstName", "last": "lastName"} objects');
  return parsed as MappingFile;
}

/** The column a mapping file's header names: the same text, else the same letters and digits. */
function columnOf(header: string, names: readonly string[]): number {
  const exact = names.indexOf(header);
  if (exact >= 0) return exact;
  const key = normalizeHeader(header);
  return key === "" ? -1 : names.findIndex((name) => normalizeHeader(name) === key);
}

export interface EffectiveMapping {
  mapping: Mapping;
  /** What the file said that did not apply (a header the file does not have). */
  notes: string[];
}

/**
 * The mapping used: the auto suggestions, then the file's columns, constants and value maps over
 * them. `columns` are the file's column names (unique; "Column 3" for a blank header).
 */
export function effectiveMapping(
  columns: readonly string[],
  headers: readonly string[],
  suggestions: readonly ColumnSuggestion[],
  schema: ContextSchema,
  file?: MappingFile,
): EffectiveMapping {
  const auto = mappingFromSuggestions(headers, suggestions);
  const exact = headerIndex(schema);
  const taken = new Set(mappedFields(auto));
  auto.columns = auto.columns.map((field, i) => {
    const named = field || splitOf(auto, i) ? undefined : exact.get(normalizeHeader(headers[i] ?? ""));
    if (!named || taken.has(named)) return field;
    taken.add(named);
    return named;
  });
  if (!file) return { mapping: auto, notes: [] };
  const notes: string[] = [];
  const known = (field: string, where: string) => {
    if (!Object.hasOwn(schema.properties, field))
      throw new UsageError(
        `The mapping file names "${field}" (${where}), which is not a field of this context; fields: ${Object.keys(schema.properties).join(", ")}`,
      );
  };
  const chosen = new Map<number, string | null>();
  if (Array.isArray(file.columns)) {
    if (file.columns.length !== columns.length)
      throw new UsageError(
        `The mapping file lists ${file.columns.length} columns; the file has ${columns.length}`,
      );
    file.columns.forEach((field, i) => {
      chosen.set(i, field);
    });
  } else {
    for (const [header, field] of Object.entries(file.columns ?? {})) {
      const i = columnOf(header, columns);
      const j = i >= 0 ? i : columnOf(header, headers);
      if (j < 0) notes.push(`The mapping file names a column "${header}" that the file does not have`);
      else chosen.set(j, field);
    }
  }
  for (const field of chosen.values()) if (field) known(field, "columns");
  const fileSplits: NameSplit[] = [];
  for (const [header, { first, last }] of Object.entries(file.splits ?? {})) {
    const i = columnOf(header, columns);
    const j = i >= 0 ? i : columnOf(header, headers);
    if (j < 0) {
      notes.push(`The mapping file splits a column "${header}" that the file does not have`);
      continue;
    }
    known(first, "splits");
    known(last, "splits");
    if (chosen.get(j))
      throw new UsageError(
        `The mapping file both maps "${columns[j]}" to ${chosen.get(j)} and splits it; do one of them`,
      );
    chosen.set(j, null);
    fileSplits.push({ column: j, first, last });
  }
  const named = new Set([
    ...[...chosen.values()].filter((f): f is string => !!f),
    ...fileSplits.flatMap((s) => [s.first, s.last]),
  ]);
  const mapped = auto.columns.map((field, i) =>
    chosen.has(i) ? (chosen.get(i) ?? null) : field && named.has(field) ? null : field,
  );
  // An auto split goes when the file decides its column or gives one of its fields elsewhere.
  const splits = [
    ...(auto.splits ?? []).filter((s) => !chosen.has(s.column) && !named.has(s.first) && !named.has(s.last)),
    ...fileSplits,
  ].sort((a, b) => a.column - b.column);
  const result: Mapping = {
    columns: mapped,
    constants: { ...auto.constants, ...file.constants },
    valueMaps: { ...auto.valueMaps, ...file.valueMaps },
    headers: [...headers],
    ...(splits.length > 0 ? { splits } : {}),
  };
  const owner = new Map<string, number>();
  mapped.forEach((_, i) => {
    const split = splitOf(result, i);
    for (const field of split ? [split.first, split.last] : mapped[i] ? [mapped[i]] : []) {
      const before = owner.get(field);
      if (before !== undefined)
        throw new UsageError(
          before === i
            ? `The mapping file splits "${columns[i]}" into ${field} twice; name two fields`
            : `The mapping file maps both "${columns[before]}" and "${columns[i]}" to ${field}; map one of them`,
        );
      owner.set(field, i);
    }
  });
  for (const field of Object.keys(file.constants ?? {})) known(field, "constants");
  for (const field of Object.keys(file.valueMaps ?? {})) known(field, "valueMaps");
  return { mapping: result, notes };
}

/** Required fields that no column and no constant fills. */
export function unmappedRequired(mapping: Mapping, schema: ContextSchema): string[] {
  const filled = new Set([
    ...mappedFields(mapping),
    ...Object.entries(mapping.constants)
      .filter(([, value]) => value.trim() !== "")
      .map(([field]) => field),
  ]);
  return (schema.required ?? []).filter((field) => !filled.has(field));
}

/** The sentence of a refusal: which required fields nothing fills, and the hints the mapping has. */
export function unmappedMessage(
  missing: readonly string[],
  columns: readonly string[],
  suggestions: readonly ColumnSuggestion[],
): string {
  const hints = missing.flatMap((field) =>
    suggestions.flatMap((s, i) =>
      s.field === field && !s.auto
        ? [`"${columns[i]}" may be ${field} (${Math.round(s.confidence * 100)} %: ${s.reason})`]
        : [],
    ),
  );
  return [
    `No column is mapped to the required field${missing.length === 1 ? "" : "s"} ${missing.join(", ")}.`,
    ...hints.map((h) => `  ${h}`),
    "Map it in a mapping file (--mapping map.json; --mapping-out map.json writes one to edit).",
  ].join("\n");
}

/** The mapping as a mapping file (columns by header; split columns under `splits`), for --mapping-out. */
export function mappingFileOf(mapping: Mapping, columns: readonly string[], context: string): MappingFile {
  const out: MappingFile = { context, columns: {} };
  const splits: NonNullable<MappingFile["splits"]> = {};
  mapping.columns.forEach((field, i) => {
    const name = columns[i] ?? `Column ${i + 1}`;
    const split = splitOf(mapping, i);
    if (split && !field) splits[name] = { first: split.first, last: split.last };
    else (out.columns as Record<string, string | null>)[name] = field;
  });
  out.constants = { ...mapping.constants };
  out.valueMaps = { ...mapping.valueMaps };
  if (Object.keys(splits).length > 0) out.splits = splits;
  return out;
}

/** "Email→emailId, First Name→firstName, Name→firstName+lastName; ignored: Shoe size" */
export function describeMapping(mapping: Mapping, columns: readonly string[]): string {
  const used: string[] = [];
  const ignored: string[] = [];
  mapping.columns.forEach((field, i) => {
    const name = columns[i] ?? `Column ${i + 1}`;
    const split = splitOf(mapping, i);
    if (field) used.push(name === field ? name : `${name}→${field}`);
    else if (split) used.push(`${name}→${split.first}+${split.last}`);
    else ignored.push(name);
  });
  const constants = Object.entries(mapping.constants)
    .filter(([, v]) => v.trim() !== "")
    .map(([f, v]) => `${f}="${v}"`);
  return [
    used.join(", ") || "no column mapped",
    ...(constants.length ? [`constants: ${constants.join(", ")}`] : []),
    ...(ignored.length ? [`ignored: ${ignored.join(", ")}`] : []),
  ].join("; ");
}
