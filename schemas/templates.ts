// File templates per context: CSV (header from the first alias of each field, one example row)
// and JSON ({"data":[example]}).
import { requireSchema } from "./registry.ts";
import { toSafeCsv } from "./spreadsheet.ts";
import type { ContextSchema, IntakeRecord, JsonValue } from "./types.ts";

/** The CSV header of a field: its first alias, else its name. */
export function csvHeaderOf(schema: ContextSchema, field: string): string {
  const prop = Object.hasOwn(schema.properties, field) ? schema.properties[field] : undefined;
  return prop?.["x-intake-aliases"]?.[0] ?? field;
}

/** A typed value as it is written in a CSV cell (lists as a;b;c). */
export function toCsvCell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => toCsvCell(item)).join(";");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function exampleRecord(schema: ContextSchema): IntakeRecord {
  const example = schema.examples[0];
  if (example) return example;
  const record = new Map<string, JsonValue>();
  for (const [field, prop] of Object.entries(schema.properties)) {
    const value = prop.examples?.[0];
    if (value !== undefined) record.set(field, value);
  }
  // Own data properties whatever the field names.
  return Object.fromEntries(record);
}

export function csvTemplate(context: string | ContextSchema): string {
  const schema = requireSchema(context);
  const fields = Object.keys(schema.properties);
  const example = exampleRecord(schema);
  // Own fields only: a field named toString has no example unless the example gives it one.
  return toSafeCsv([fields.map((f) => toCsvCell(Object.hasOwn(example, f) ? example[f] : undefined))], {
    fields: fields.map((f) => csvHeaderOf(schema, f)),
    quoteAll: schema["x-intake-csv-quote-all"] === true,
  });
}

export function jsonTemplate(context: string | ContextSchema): { data: IntakeRecord[] } {
  return { data: [exampleRecord(requireSchema(context))] };
}
