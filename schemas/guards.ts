// Type guards every wing shares, written once.

/** A JSON object: not null, not an array. `V` is how the caller reads its values. */
export function isObject<V = unknown>(value: unknown): value is Record<string, V> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
