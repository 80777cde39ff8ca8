// Fields inferred from a sample file: the extension's own reader and column profiler, types,
// formats, allowed values and the record key guessed from the values; a title and name from the
// file's name.
import { format as formatChecks } from "@cfworker/json-schema";
import { isPlaceholder, profileColumn } from "../../mapping/profile.ts";
import { createDefaultPipeline, type PipelineClient } from "../../pipeline/client.ts";
import { PROFILE_ROWS } from "../../pipeline/protocol.ts";
import { emptyField, type FieldDraft, fieldNameOf } from "./draft.ts";

/** Bytes of a sample file read to infer fields (cut at the last whole line). */
export const SAMPLE_BYTES = 1 << 20;
/** Distinct values at most for a text column to be offered as a list of allowed values. */
const MAX_ALLOWED = 12;
/** The formats tried on a text column, most specific first; a format is chosen only when every value has it. */
const INFERRED_FORMATS = ["email", "date", "date-time", "intake-timestamp", "ddmmyyyy", "uri"];
const INTEGER = /^[+-]?(0|[1-9]\d*)$/;
const NUMBER = /^[+-]?(0|[1-9]\d*)(\.\d+)?$/;
const KEY_HEADER = /(^|[^a-z])(id|key|code|number|email|login|username)([^a-z]|$)/i;

/** `cells`: the column's first rows (its type); `filled`: whether no row of the sample leaves it empty. */
function inferField(header: string, name: string, cells: string[], filled: boolean): FieldDraft {
  const profile = profileColumn(cells);
  const values = cells.map((c) => c.trim()).filter((v) => !isPlaceholder(v));
  const field: FieldDraft = {
    ...emptyField(),
    name,
    required: filled && values.length > 0,
    aliases: header.trim() && header.trim() !== name ? header.trim() : "",
  };
  if (values.length === 0) return field;
  if (profile.booleanLike && profile.distinct === 2) return { ...field, type: "boolean" };
  if (values.every((v) => INTEGER.test(v))) return { ...field, type: "integer" };
  if (values.every((v) => NUMBER.test(v))) return { ...field, type: "number" };
  const check = formatChecks as Record<string, ((value: string) => boolean) | undefined>;
  const format = INFERRED_FORMATS.find(
    (f) =>
      values.every((v) => check[f]?.(v) === true) &&
      (f !== "uri" || values.every((v) => /^https?:\/\//i.test(v))),
  );
  if (format) return { ...field, format };
  // A list column holds single items too ("101" among "101;102"): a quarter of lists is enough.
  if ((profile.shares.list ?? 0) >= 0.25) return { ...field, type: "array" };
  if (profile.distinct >= 2 && profile.distinct <= MAX_ALLOWED && values.length >= 3 * profile.distinct)
    return { ...field, allowed: profile.top.map(([v]) => v).join(", ") };
  return field;
}

/**
 * Fields inferred from a sample file (CSV, or JSON records): its header names the fields (the
 * original header becomes an alias), its first rows give their types, formats and allowed values,
 * and the whole sample which are always filled (required); the first column whose values are all
 * present and all different, preferably one named like an id or email, becomes the record key.
 */
export async function inferFields(file: Blob, fileName: string): Promise<FieldDraft[]> {
  let sample = file;
  if (file.size > SAMPLE_BYTES) {
    const head = new Uint8Array(await file.slice(0, SAMPLE_BYTES).arrayBuffer());
    sample = new Blob([head.slice(0, head.lastIndexOf(10) + 1)]);
  }
  // Read in the pipeline worker, as an upload's file is (the page never runs the pipeline itself).
  const pipeline = createDefaultPipeline();
  try {
    return await inferFrom(pipeline, sample, fileName);
  } finally {
    pipeline.dispose();
  }
}

async function inferFrom(pipeline: PipelineClient, sample: Blob, fileName: string): Promise<FieldDraft[]> {
  let inspection = await pipeline.inspect(sample, { fileName });
  if (inspection.status === "needs-encoding")
    inspection = await pipeline.inspect(sample, { fileName, encoding: "windows-1252" });
  if (inspection.status === "error") throw new Error(inspection.message);
  if (inspection.status !== "ready") throw new Error("The file could not be read");
  if (inspection.columns.length === 0 || inspection.rowCount === 0)
    throw new Error("The file has no rows to infer fields from: give a sample with a header and some data.");
  const rows = Math.min(PROFILE_ROWS, inspection.rowCount);
  const taken = new Map<string, number>();
  const fields: { field: FieldDraft; cells: string[]; filled: boolean }[] = [];
  for (const [c, column] of inspection.columns.entries()) {
    const header = inspection.headers[c] || column;
    let name = fieldNameOf(header);
    const count = (taken.get(name) ?? 0) + 1;
    taken.set(name, count);
    if (count > 1) name = `${name}${count}`;
    // Required only when no row of the whole sample leaves it empty (not only the first rows).
    const all = await pipeline.columnValues(c, inspection.rowCount);
    const cells = all.slice(0, rows);
    const filled = !all.some(isPlaceholder);
    fields.push({ field: inferField(header, name, cells, filled), cells, filled });
  }
  const unique = fields.filter(({ cells, filled }) => {
    const p = profileColumn(cells);
    return filled && p.fill === 1 && p.uniqueness === 1 && p.count === cells.length;
  });
  const key =
    unique.find(({ field }) => KEY_HEADER.test(field.aliases || field.name) || field.format === "email") ??
    unique.find(({ field }) => field.type === "string");
  if (key) {
    key.field.key = true;
    key.field.required = true;
  }
  return fields.map(({ field }) => field);
}

/** "badges-2024.csv" -> "Badges 2024" */
export const titleOfFile = (fileName: string) => {
  const base = fileName
    .replace(/\.[^.]+$/, "")
    .replace(/[_\-.]+/g, " ")
    .trim();
  return base ? base[0]?.toUpperCase() + base.slice(1) : "";
};

export const nameOfTitle = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 64);
