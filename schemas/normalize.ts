// Normalization of values arriving as text (SPEC §1 "Values arriving as text"): trim, empty =
// absent, booleans in any case, numbers, `a;b;c` lists, timestamps to ISO UTC, defaults.
// Nothing else is changed: other fixes are suggestions (see suggestions.ts).
import { toIsoUtc } from "./formats.ts";
import { type FieldSpec, fieldOk, type RecordFields, recordFields } from "./quick-verdict.ts";
import type { ContextSchema, DefaultBy, IntakeRecord, JsonValue, PropertySchema } from "./types.ts";

/** As `Object.hasOwn`; called this way inside a `for…in` over the same object, V8 answers it from the walk. */
const ownKey = Object.prototype.hasOwnProperty;

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

/** `trimList(text.split(";"))` in one pass: no piece is made of an empty or blank item. */
function splitList(text: string): JsonValue[] {
  // (The search also flattens a text made by joining, so the loop below reads it directly.)
  let i = text.indexOf(";");
  if (i === -1) return text.trim() === "" ? [] : [text.trim()];
  const out: JsonValue[] = [];
  const n = text.length;
  let from = 0;
  for (; i <= n; i++) {
    if (i < n && text.charCodeAt(i) !== 0x3b) continue;
    if (i > from) {
      const item = text.slice(from, i).trim();
      if (item !== "") out.push(item);
    }
    from = i + 1;
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
      // (A JSON list literal ends with "]": anything else is not parsed, however deep its "[[[…".)
      if (t.startsWith("[") && t.endsWith("]")) {
        try {
          const parsed: unknown = JSON.parse(t);
          if (Array.isArray(parsed)) return trimList(parsed as JsonValue[]);
        } catch {
          // not a JSON list literal: read it as a;b;c
        }
      }
      return splitList(t);
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

/** The schema's defaults, made once per schema with its field table (`tableOf`). */
function planOf(schema: ContextSchema): NormalizePlan {
  const plan: NormalizePlan = { defaults: [], defaultsBy: [] };
  for (const [field, prop] of Object.entries(schema.properties)) {
    if (prop.default !== undefined) plan.defaults.push([field, prop.default]);
    else if (prop["x-intake-default-by"]) plan.defaultsBy.push([field, prop["x-intake-default-by"]]);
  }
  return plan;
}

/**
 * Per schema, per position in a record's field list: the field last seen there and its property.
 * Records of one dataset mostly list the same fields in the same order, so a record usually costs
 * one comparison per key (of two strings that are one and the same) instead of a property lookup.
 */
interface FieldTable {
  keys: string[];
  props: (PropertySchema | undefined)[];
  /**
   * Per position: ONLY_TRIMS when a text value there is only trimmed (no property, or a plain text
   * one), plus MUST when the field is one the verdict requires.
   */
  flags: number[];
  /** Per position: the field's quick-verdict spec (see `recordFields`). */
  specs: (FieldSpec | undefined)[];
  /** The schema's verdict field by field, when it has that shape. */
  fields: RecordFields | undefined;
  /** The schema's defaults (see `planOf`). */
  plan: NormalizePlan;
}

const ONLY_TRIMS = 1;
const MUST = 2;

const tables = new WeakMap<ContextSchema, FieldTable>();
/** The schema of the last call and its table: records of one dataset come one after another. */
let lastSchema: ContextSchema | undefined;
let lastTable: FieldTable | undefined;

function tableOf(schema: ContextSchema): FieldTable {
  if (schema === lastSchema) return lastTable as FieldTable;
  let table = tables.get(schema);
  if (!table) {
    table = { keys: [], props: [], flags: [], specs: [], fields: recordFields(schema), plan: planOf(schema) };
    tables.set(schema, table);
  }
  lastSchema = schema;
  lastTable = table;
  return table;
}

/**
 * The quick verdict on the record `normalizeWithin` last answered, given in its walk over the
 * fields when it asked for one and the record is its input unchanged; undefined otherwise.
 */
let walkVerdict: boolean | undefined;

/** The verdict found by the last `normalizeWithin(…, true)` (see `walkVerdict`), once. */
export function takeWalkVerdict(): boolean | undefined {
  const verdict = walkVerdict;
  walkVerdict = undefined;
  return verdict;
}

/** Whether `normalizeText` only trims a value of this property. */
function onlyTrims(prop: PropertySchema | undefined): boolean {
  if (!prop) return true;
  const type = prop.type;
  return (
    type !== "boolean" &&
    type !== "integer" &&
    type !== "number" &&
    type !== "array" &&
    prop.format !== "intake-timestamp"
  );
}

/** `text.trim()`, undefined when empty; text that starts and ends with visible ASCII is itself. */
function trimmed(text: string): string | undefined {
  const n = text.length;
  if (n > 0) {
    const a = text.charCodeAt(0);
    const b = text.charCodeAt(n - 1);
    if (a > 0x20 && a < 0x7f && b > 0x20 && b < 0x7f) return text;
  }
  const t = text.trim();
  return t === "" ? undefined : t;
}

/** Whether a list holds a text longer than `max` (as `isOverLong` for a list). */
function listOverLong(items: readonly unknown[], max: number): boolean {
  for (const item of items) if (typeof item === "string" && item.length > max) return true;
  return false;
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
  return normalizeWithin(raw, schema, Number.POSITIVE_INFINITY) as IntakeRecord;
}

/**
 * As `normalizeRecord`, in the same single pass over the fields checking that no text (nor a
 * list's text item) is longer than `maxFieldLength`: undefined as soon as one is (see `isOverLong`;
 * the caller then handles the over-long fields on their own).
 */
export function normalizeWithin(
  raw: Readonly<Record<string, unknown>>,
  schema: ContextSchema,
  maxFieldLength: number,
  withVerdict = false,
): IntakeRecord | undefined {
  walkVerdict = undefined;
  const props = schema.properties;
  const table = tableOf(schema);
  const seenKeys = table.keys;
  const plain = Object.getPrototypeOf(raw) === Object.prototype;
  const bounded = maxFieldLength !== Number.POSITIVE_INFINITY;
  // The verdict in this walk: `for…in` visits the keys the verdict visits (own, then inherited).
  const fields = withVerdict && plain ? table.fields : undefined;
  let verdict = fields !== undefined;
  let out: IntakeRecord | undefined;
  let i = 0;
  let mustSeen = 0;
  // `for…in` skipping inherited keys: the own keys in `Object.keys` order, without that list.
  for (const key in raw) {
    if (!ownKey.call(raw, key)) {
      // Inherited: not part of the record, but the verdict sees it.
      if (verdict && fields?.rest !== undefined && !fields.rest(raw[key])) verdict = false;
      continue;
    }
    let prop: PropertySchema | undefined;
    let flags: number;
    let spec: FieldSpec | undefined;
    if (seenKeys[i] === key) {
      prop = table.props[i];
      flags = table.flags[i] as number;
      spec = table.specs[i];
    } else {
      prop = Object.hasOwn(props, key) ? props[key] : undefined;
      flags = (onlyTrims(prop) ? ONLY_TRIMS : 0) | (table.fields?.must.includes(key) ? MUST : 0);
      spec = table.fields?.specOf(key);
      seenKeys[i] = key;
      table.props[i] = prop;
      table.flags[i] = flags;
      table.specs[i] = spec;
    }
    if (flags >= MUST) mustSeen++;
    const value = raw[key];
    let normalized: JsonValue | undefined;
    if (typeof value === "string") {
      if (value.length > maxFieldLength) return undefined;
      normalized = (flags & ONLY_TRIMS) !== 0 ? trimmed(value) : normalizeText(value, prop);
    } else {
      if (bounded && Array.isArray(value) && listOverLong(value, maxFieldLength)) return undefined;
      normalized = normalizeValue(value, prop);
    }
    if (out === undefined) {
      if (plain && normalized === value && value !== undefined) {
        if (verdict) {
          const rest = (fields as RecordFields).rest;
          if (!(spec !== undefined ? fieldOk(spec, value) : rest === undefined || rest(value)))
            verdict = false;
        }
        i++;
        continue;
      }
      // The first change: copy the fields before it, unchanged.
      out = {};
      const before = Object.keys(raw);
      for (let j = 0; j < i; j++) setOwn(out, before[j] as string, raw[before[j] as string]);
    }
    if (normalized !== undefined) setOwn(out, key, normalized);
    i++;
  }
  const plan = table.plan;
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
  if (out === undefined && fields !== undefined) {
    // Own keys are distinct, so every required field is there when as many were seen.
    if (mustSeen !== fields.must.length) verdict = false;
    walkVerdict = verdict;
  }
  return out ?? (raw as IntakeRecord);
}

/** A plain copy of a record whose values needed no change. */
function copyOf(raw: Readonly<Record<string, unknown>>): IntakeRecord {
  const out: IntakeRecord = {};
  for (const key of Object.keys(raw)) setOwn(out, key, raw[key]);
  return out;
}
