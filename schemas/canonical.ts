// One text per value: nested objects with their keys in name order, so two uploads of the same
// records store the same text (the Worker's bodies, worker/db/bodies.ts) and a difference
// compares values, not the order their keys came in.
import type { JsonValue } from "./types.ts";

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A value with the keys of every nested object in name order (its canonical form). */
export function canonicalValue(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(canonicalValue);
  const out: Record<string, JsonValue> = {};
  for (const name of Object.keys(value).sort(byName)) out[name] = canonicalValue(value[name] as JsonValue);
  return out;
}
