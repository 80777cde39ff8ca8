// A stored record's body: its values as a JSON array in the order of its dataset's field list
// (stores.fields), without the field names. An absent field is null there (the core never keeps
// a null or empty value) and trailing absent fields are left out. A record with fields the list
// does not name (a custom context that allows other fields) is stored as {"v": [the array],
// "x": {the other fields by name}}. The list only ever grows, so
// a record has one body whatever list it was written under, and two bodies are equal exactly
// when the records are: a difference compares them as text.
import { canonicalValue, type IntakeRecord, isObject, type JsonValue } from "../../schemas/index.ts";

/** Whether a value's JSON text is the same whatever order its nested keys came in. */
const flat = (v: JsonValue) =>
  v === null ||
  typeof v !== "object" ||
  (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object"));

/** The body of `record` under a field list. */
export function encodeBody(record: IntakeRecord, { index }: FieldList): string {
  const values: JsonValue[] = [];
  let extra: Record<string, JsonValue> | undefined;
  let last = -1;
  for (const name of Object.keys(record)) {
    const value = record[name] as JsonValue;
    if (value === null || value === undefined) continue;
    const at = index.get(name);
    const canonical = flat(value) ? value : canonicalValue(value);
    if (at === undefined) {
      extra ??= Object.create(null) as Record<string, JsonValue>;
      extra[name] = canonical;
      continue;
    }
    values[at] = canonical;
    if (at > last) last = at;
  }
  values.length = last + 1;
  for (let i = 0; i <= last; i++) if (values[i] === undefined) values[i] = null;
  if (!extra) return JSON.stringify(values);
  const sorted: Record<string, JsonValue> = {};
  for (const name of Object.keys(extra).sort()) sorted[name] = extra[name] as JsonValue;
  return JSON.stringify({ v: values, x: sorted });
}

/** SQL: the value of field position `i` of the body in column `col` (either form). */
export const bodyFieldSql = (col: string, i: number) =>
  `json_extract(${col}, CASE WHEN substr(${col}, 1, 1) = '{' THEN '$.v[${i}]' ELSE '$[${i}]' END)`;

/** The record a body holds under the field list `fields` (the list it was written under, or a longer one). */
export function decodeBody(body: string, fields: readonly string[]): IntakeRecord {
  const parsed = JSON.parse(body) as JsonValue[] | { v: JsonValue[]; x: Record<string, JsonValue> };
  const values = Array.isArray(parsed) ? parsed : parsed.v;
  const out: IntakeRecord = {};
  const n = Math.min(values.length, fields.length);
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value !== null && value !== undefined) out[fields[i] as string] = value;
  }
  if (!Array.isArray(parsed) && isObject(parsed.x)) Object.assign(out, parsed.x);
  return out;
}

/** A field list with its positions, for encoding many records. */
export interface FieldList {
  fields: readonly string[];
  index: ReadonlyMap<string, number>;
}

export const fieldList = (fields: readonly string[]): FieldList => ({
  fields,
  index: new Map(fields.map((f, i) => [f, i])),
});
