// Normalization of values arriving as text (SPEC §1 "Values arriving as text"): trim, empty =
// absent, booleans in any case, numbers, `a;b;c` lists, timestamps to ISO UTC, defaults.
// Nothing else is changed: other fixes are suggestions (see suggestions.ts).
import { toIsoUtc } from "./formats.ts";
import type { ContextSchema, DefaultBy, IntakeRecord, JsonValue, PropertySchema } from "./types.ts";

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Sets `key` as an own data property, so `__proto__` stays a plain (unknown) field. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function trimList(items: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of items) {
    if (typeof item === "string") {
      const t = item.trim();
      if (t !== "") out.push(t);
    } else {
      out.push(item);
    }
  }
  return out;
}

/** One text value converted to what the property wants; left as text when it does not convert. */
export function normalizeText(text: string, prop: PropertySchema | undefined): JsonValue | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (!prop) return t;
  switch (prop.type) {
    case "boolean": {
      const lower = t.toLowerCase();
      return lower === "true" ? true : lower === "false" ? false : t;
    }
    case "integer":
      return INTEGER.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
    case "number":
      return NUMBER.test(t) && Number.isFinite(Number(t)) ? Number(t) : t;
    case "array": {
      if (t.startsWith("[")) {
        try {
          const parsed: unknown = JSON.parse(t);
          if (Array.isArray(parsed)) return trimList(parsed as JsonValue[]);
        } catch {
          // not a JSON list literal: read it as a;b;c
        }
      }
      return trimList(t.split(";"));
    }
    default:
      if (prop.format === "intake-timestamp") return toIsoUtc(t) ?? t;
      return t;
  }
}

function normalizeValue(value: unknown, prop: PropertySchema | undefined): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return normalizeText(value, prop);
  if (typeof value === "number" && prop?.format === "decimal" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && prop?.type === "array") return trimList(value as JsonValue[]);
  return value as JsonValue;
}

interface NormalizePlan {
  defaults: [string, JsonValue][];
  defaultsBy: [string, DefaultBy][];
}

const plans = new WeakMap<ContextSchema, NormalizePlan>();

function planOf(schema: ContextSchema): NormalizePlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = { defaults: [], defaultsBy: [] };
    for (const [field, prop] of Object.entries(schema.properties)) {
      if (prop.default !== undefined) plan.defaults.push([field, prop.default]);
      else if (prop["x-intake-default-by"]) plan.defaultsBy.push([field, prop["x-intake-default-by"]]);
    }
    plans.set(schema, plan);
  }
  return plan;
}

/**
 * A raw record (CSV cells or a JSON object) as typed values per the context's schema, with
 * defaults applied. Unknown fields are kept as they are so that validation can name them.
 *
 * When nothing would change (a plain object whose values are already trimmed and typed, with its
 * defaults present), the record is the input object itself: no copy, which is what keeps a clean
 * JSON batch cheap. Otherwise it is a new object (copied from the first field that changes on).
 * Either way the caller must not mutate the input afterwards expecting the record to stay as is.
 */
export function normalizeRecord(raw: Readonly<Record<string, unknown>>, schema: ContextSchema): IntakeRecord {
  const props = schema.properties;
  const plain = Object.getPrototypeOf(raw) === Object.prototype;
  let out: IntakeRecord | undefined;
  const keys = Object.keys(raw);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = raw[key];
    const prop = Object.hasOwn(props, key) ? props[key] : undefined;
    const normalized = normalizeValue(value, prop);
    if (out === undefined) {
      if (plain && normalized === value && value !== undefined) continue;
      // The first change: copy the fields before it, unchanged.
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j] as string, raw[keys[j] as string]);
    }
    if (normalized !== undefined) setOwn(out, key, normalized);
  }
  const plan = planOf(schema);
  for (const [field, value] of plan.defaults) {
    if (Object.hasOwn(out ?? raw, field)) continue;
    out ??= copyOf(raw);
    out[field] = value;
  }
  for (const [field, rule] of plan.defaultsBy) {
    if (Object.hasOwn(out ?? raw, field)) continue;
    out ??= copyOf(raw);
    const on = out[rule.field];
    out[field] =
      typeof on === "string" && Object.hasOwn(rule.cases, on)
        ? (rule.cases[on] as JsonValue)
        : rule.otherwise;
  }
  return out ?? (raw as IntakeRecord);
}

/** A plain copy of a record whose values needed no change. */
function copyOf(raw: Readonly<Record<string, unknown>>): IntakeRecord {
  const out: IntakeRecord = {};
  for (const key of Object.keys(raw)) setOwn(out, key, raw[key]);
  return out;
}
