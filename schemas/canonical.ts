// One text per record: the JSON a record is stored as, whatever the order its fields came in (a
// CSV's columns, a JSON object's keys). The schema's fields come first in schema order, any other
// field after them by name, and the keys of nested objects by name, so two uploads of the same
// records store the same text and a difference compares values, not their order.
import type { ContextSchema, IntakeRecord, JsonValue } from "./types.ts";

const fieldOrder = new WeakMap<ContextSchema, Map<string, number>>();

function orderOf(schema: ContextSchema): Map<string, number> {
  let order = fieldOrder.get(schema);
  if (!order) {
    order = new Map(Object.keys(schema.properties ?? {}).map((name, i) => [name, i]));
    fieldOrder.set(schema, order);
  }
  return order;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function canonicalValue(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(canonicalValue);
  const out: Record<string, JsonValue> = Object.create(null);
  for (const name of Object.keys(value).sort(byName)) out[name] = canonicalValue(value[name] as JsonValue);
  return out;
}

/** The record's stored JSON: schema fields in schema order, then the rest by name, nested keys by name. */
export function canonicalRecordJson(record: IntakeRecord, schema: ContextSchema): string {
  const order = orderOf(schema);
  const names = Object.keys(record);
  // Most records come in canonical order already (schema fields, flat values): as they are.
  let last = -1;
  let canonical = true;
  for (const name of names) {
    const at = order.get(name);
    const value = record[name];
    if (
      at === undefined ||
      at < last ||
      (value !== null && typeof value === "object" && !Array.isArray(value))
    ) {
      canonical = false;
      break;
    }
    if (Array.isArray(value) && value.some((item) => item !== null && typeof item === "object")) {
      canonical = false;
      break;
    }
    last = at;
  }
  if (canonical) return JSON.stringify(record);
  names.sort((a, b) => {
    const ia = order.get(a);
    const ib = order.get(b);
    if (ia !== undefined && ib !== undefined) return ia - ib;
    if (ia !== undefined) return -1;
    if (ib !== undefined) return 1;
    return byName(a, b);
  });
  const out: Record<string, JsonValue> = Object.create(null);
  for (const name of names) out[name] = canonicalValue(record[name] as JsonValue);
  return JSON.stringify(out);
}
