// The fast verdict on a record: its schema compiled once into a tree of closures that answers
// valid / not valid exactly as @cfworker/json-schema would, for the keywords our schemas use.
// Written by hand because the compiling validators (Ajv) build code with `new Function`, which
// workerd and MV3 forbid, and build-time generation could not serve schemas that arrive at run
// time; @cfworker/json-schema stays the reference and writes the issues of invalid records.
// A schema with a keyword outside this subset is left to the reference (`compileVerdict` gives
// undefined). A differential test holds the two verdicts equal.
import { deepCompareStrict, format, ucs2length } from "@cfworker/json-schema";
import { isEmailQuick } from "./email-scan.ts";
import { FAST_FORMATS } from "./formats.ts";
import { isObject } from "./guards.ts";
import { type PatternMatcher, patternMatcher } from "./pattern-matcher.ts";
import type { JsonValue } from "./types.ts";

type Check = (value: unknown) => boolean;
type Schema = Record<string, unknown>;

/** Keywords that never change a verdict. */
const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

const COMPILED = new Set([
  "type",
  "enum",
  "const",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "required",
  "properties",
  "additionalProperties",
]);

/**
 * Whether a list holds the same item twice, with the equality of @cfworker/json-schema's
 * `uniqueItems` (=== for primitives, deep equality for lists and objects) in linear time: its own
 * check compares every pair, so a 1,000,000-item list would take 10^12 steps.
 */
export function hasDuplicateItems(items: readonly JsonValue[]): boolean {
  if (items.length >= STRING_TABLE_MIN) {
    const strings = hasDuplicateStrings(items);
    if (strings !== undefined) return strings;
  }
  const primitives = new Set<JsonValue>();
  const composites = new Set<string>();
  for (const item of items) {
    if (item !== null && typeof item === "object") {
      const key = canonicalJson(item);
      if (composites.has(key)) return true;
      composites.add(key);
    } else {
      if (primitives.has(item)) return true;
      primitives.add(item);
    }
  }
  return false;
}

/** From this many items a list of texts is checked with `hasDuplicateStrings`. */
const STRING_TABLE_MIN = 16;

/**
 * Whether a list of texts repeats one, by an open-addressing table of item numbers in a typed
 * array sized once (a Set of fresh strings grows, rehashing, as it fills); undefined when an item
 * is not a text.
 */
function hasDuplicateStrings(items: readonly JsonValue[]): boolean | undefined {
  const n = items.length;
  let size = 64;
  while (size < n * 2) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  for (let i = 0; i < n; i++) {
    const item = items[i];
    if (typeof item !== "string") return undefined;
    let h = 0x811c9dc5;
    for (let k = 0; k < item.length; k++) h = Math.imul(h ^ item.charCodeAt(k), 0x01000193);
    for (let at = (h ^ (h >>> 16)) & mask; ; at = (at + 1) & mask) {
      const slot = slots[at] as number;
      if (slot === 0) {
        slots[at] = i + 1;
        break;
      }
      if (items[slot - 1] === item) return true;
    }
  }
  return false;
}

/** JSON with object keys sorted, so deep-equal values have equal text. */
function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`)
    .join(",")}}`;
}

/** The quickest exact stand-in for one of @cfworker/json-schema's format functions. */
function fastFormat(reference: (value: string) => boolean): (value: string) => boolean {
  if (reference === format.email) return isEmailQuick;
  return FAST_FORMATS.get(reference) ?? reference;
}

/** As `Object.hasOwn`; called this way inside a `for…in` over the same object, V8 answers it from the walk. */
const ownKey = Object.prototype.hasOwnProperty;

const isNumber = (v: unknown): v is number => typeof v === "number";

/** The validator's idea of a type (an integer is a number without a fraction, NaN excluded). */
const TYPES: Record<string, Check> = {
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean",
  number: isNumber,
  integer: (v) => typeof v === "number" && !(v % 1) && !Number.isNaN(v),
  array: Array.isArray,
  object: isObject,
  null: (v) => v === null,
};

/** One check from several, all of which must pass. */
function all(checks: Check[]): Check {
  const [a, b, c] = checks;
  if (a === undefined) return () => true;
  if (b === undefined) return a;
  if (c === undefined) return (v) => a(v) && b(v);
  if (checks.length === 3) return (v) => a(v) && b(v) && c(v);
  return (v) => {
    for (const check of checks) if (!check(v)) return false;
    return true;
  };
}

/** `enum` (and `const`, an enum of one): === for primitives, deep equality for lists and objects. */
function oneOfValues(values: unknown[]): Check {
  if (values.length <= 8 && values.every((v) => typeof v === "string")) {
    // A few texts: comparing each beats hashing the value.
    const texts = values as string[];
    return (v) => {
      if (typeof v !== "string") return false;
      for (let i = 0; i < texts.length; i++) if (texts[i] === v) return true;
      return false;
    };
  }
  const primitives = new Set(values.filter((v) => !(v !== null && typeof v === "object")));
  const composites = values.filter((v) => v !== null && typeof v === "object");
  return (v) =>
    v !== null && typeof v === "object"
      ? composites.some((c) => deepCompareStrict(v, c))
      : primitives.has(v) && !Number.isNaN(v);
}

function typeCheck(type: unknown): Check | undefined {
  if (typeof type === "string") return Object.hasOwn(TYPES, type) ? TYPES[type] : undefined;
  if (!Array.isArray(type)) return undefined;
  const checks: Check[] = [];
  for (const t of type) {
    // In a list of types the validator takes an integer to be `v % 1 === 0` (so not Infinity).
    const check =
      t === "integer"
        ? (v: unknown) => typeof v === "number" && v % 1 === 0
        : typeof t === "string" && Object.hasOwn(TYPES, t)
          ? TYPES[t]
          : undefined;
    if (!check) return undefined;
    checks.push(check);
  }
  return (v) => checks.some((check) => check(v));
}

function stringCheck(s: Schema): Check | undefined | null {
  const checks: Check[] = [];
  const { minLength, maxLength, pattern, format: name } = s;
  if (minLength !== undefined) {
    if (!isNumber(minLength)) return null;
    // Code points never outnumber UTF-16 units, and are at least half of them.
    checks.push((v) => {
      const n = (v as string).length;
      return n >= minLength && (n >= 2 * minLength || ucs2length(v as string) >= minLength);
    });
  }
  if (maxLength !== undefined) {
    if (!isNumber(maxLength)) return null;
    checks.push((v) => (v as string).length <= maxLength || ucs2length(v as string) <= maxLength);
  }
  if (pattern !== undefined) {
    if (typeof pattern !== "string") return null;
    // After the length checks: a value longer than maxLength is never given to the pattern.
    const matcher = patternMatcher(pattern);
    checks.push((v) => matcher.test(v as string));
  }
  if (name !== undefined) {
    if (typeof name !== "string") return null;
    // Unknown formats are not checked, as by the validator.
    if (Object.hasOwn(format, name)) {
      const reference = format[name];
      if (typeof reference !== "function") return null;
      // An exact allocation-free equivalent when there is one (formats.ts), else the reference.
      const test = fastFormat(reference as (value: string) => boolean);
      checks.push((v) => test(v as string));
    } else if (name in format) return null;
  }
  if (checks.length === 0) return undefined;
  const check = all(checks);
  return (v) => typeof v !== "string" || check(v);
}

function numberCheck(s: Schema): Check | undefined | null {
  const checks: Check[] = [];
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = s;
  for (const bound of [minimum, maximum, exclusiveMinimum, exclusiveMaximum])
    if (bound !== undefined && !isNumber(bound)) return null;
  if (isNumber(minimum)) checks.push((v) => !((v as number) < minimum));
  if (isNumber(maximum)) checks.push((v) => !((v as number) > maximum));
  if (isNumber(exclusiveMinimum)) checks.push((v) => !((v as number) <= exclusiveMinimum));
  if (isNumber(exclusiveMaximum)) checks.push((v) => !((v as number) >= exclusiveMaximum));
  if (checks.length === 0) return undefined;
  const check = all(checks);
  return (v) => typeof v !== "number" || check(v);
}

function arrayCheck(s: Schema): Check | undefined | null {
  const checks: Check[] = [];
  const { items, minItems, maxItems, uniqueItems } = s;
  if (minItems !== undefined) {
    if (!isNumber(minItems)) return null;
    checks.push((v) => !((v as unknown[]).length < minItems));
  }
  if (maxItems !== undefined) {
    if (!isNumber(maxItems)) return null;
    checks.push((v) => !((v as unknown[]).length > maxItems));
  }
  if (items !== undefined && items !== true) {
    const item = items === false ? () => false : isObject(items) ? compileValue(items) : undefined;
    if (!item) return null;
    checks.push((v) => (v as unknown[]).every(item));
  }
  if (uniqueItems === true) checks.push((v) => !hasDuplicateItems(v as JsonValue[]));
  else if (uniqueItems !== undefined && uniqueItems !== false) return null;
  if (checks.length === 0) return undefined;
  const check = all(checks);
  return (v) => !Array.isArray(v) || check(v);
}

/**
 * A property schema of the usual shape (a text or boolean field: type, a few allowed texts, length
 * bounds, pattern, format) as data, checked by `fieldOk` in one function: no chain of closures
 * per value. Any other property keeps its compiled closure (`check`).
 */
interface FieldSpec {
  check: Check | undefined;
  type: number;
  texts: readonly string[] | undefined;
  minLength: number;
  maxLength: number;
  test: ((value: string) => boolean) | undefined;
  pattern: PatternMatcher | undefined;
}

const ANY = 0;
const TEXT = 1;
const BOOLEAN = 2;

const FLAT = new Set(["type", "enum", "const", "minLength", "maxLength", "pattern", "format"]);

/**
 * Patterns that a format of ours implies (every text the format accepts matches the pattern; the
 * schemas restate the format as a pattern for stock validators), so the pattern need not run
 * after the format: the verdict is the format's. A test holds each implication.
 */
export const IMPLIED_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  ddmmyyyy: ["^(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{4}$"],
  decimal: ["^-?[0-9]+(\\.[0-9]+)?$"],
  iso4217: ["^[A-Z]{3}$"],
  "iso3166-alpha2": ["^[A-Z]{2}$"],
};

function fieldSpec(s: unknown, check: Check): FieldSpec {
  const closure: FieldSpec = {
    check,
    type: ANY,
    texts: undefined,
    minLength: 0,
    maxLength: Number.POSITIVE_INFINITY,
    test: undefined,
    pattern: undefined,
  };
  if (!isObject(s)) return closure;
  for (const keyword of Object.keys(s))
    if (!FLAT.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith("x-")) return closure;
  const { type, enum: texts, const: only, minLength, maxLength, pattern, format: name } = s;
  const spec: FieldSpec = { ...closure, check: undefined };
  if (type === "string") spec.type = TEXT;
  else if (type === "boolean") spec.type = BOOLEAN;
  else if (type !== undefined) return closure;
  if (texts !== undefined && only !== undefined) return closure;
  if (texts !== undefined) {
    if (!Array.isArray(texts) || texts.length > 8 || !texts.every((t) => typeof t === "string"))
      return closure;
    spec.texts = texts as string[];
  } else if (only !== undefined) {
    if (typeof only !== "string") return closure;
    spec.texts = [only];
  }
  if (minLength !== undefined) {
    if (!isNumber(minLength)) return closure;
    spec.minLength = minLength;
  }
  if (maxLength !== undefined) {
    if (!isNumber(maxLength)) return closure;
    spec.maxLength = maxLength;
  }
  if (pattern !== undefined) {
    if (typeof pattern !== "string") return closure;
    spec.pattern = patternMatcher(pattern);
  }
  if (name !== undefined) {
    if (typeof name !== "string") return closure;
    if (Object.hasOwn(format, name)) {
      const reference = format[name];
      if (typeof reference !== "function") return closure;
      spec.test = fastFormat(reference as (value: string) => boolean);
      if (Object.hasOwn(IMPLIED_PATTERNS, name) && IMPLIED_PATTERNS[name]?.includes(pattern as string))
        spec.pattern = undefined;
    } else if (name in format) return closure;
  }
  return spec;
}

/** A value against a field's spec: the verdict of the property schema it was made from. */
function fieldOk(spec: FieldSpec, v: unknown): boolean {
  if (spec.check !== undefined) return spec.check(v);
  if (typeof v !== "string") {
    if (spec.type === TEXT || spec.texts !== undefined) return false;
    return spec.type === ANY || typeof v === "boolean";
  }
  if (spec.type === BOOLEAN) return false;
  const texts = spec.texts;
  if (texts !== undefined) {
    let found = false;
    for (let i = 0; i < texts.length; i++) {
      if (texts[i] === v) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  const n = v.length;
  const min = spec.minLength;
  // Code points never outnumber UTF-16 units, and are at least half of them.
  if (min > 0 && !(n >= min && (n >= 2 * min || ucs2length(v) >= min))) return false;
  const max = spec.maxLength;
  if (n > max && ucs2length(v) > max) return false;
  if (spec.test !== undefined && !spec.test(v)) return false;
  if (spec.pattern !== undefined && !spec.pattern.test(v)) return false;
  return true;
}

function objectCheck(s: Schema): Check | undefined | null {
  const { required, properties, additionalProperties } = s;
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === "string")))
    return null;
  if (properties !== undefined && !isObject(properties)) return null;
  const fields = new Map<string, Check>();
  const specs = new Map<string, FieldSpec>();
  for (const [field, sub] of Object.entries(properties ?? {})) {
    const check =
      sub === true ? () => true : sub === false ? () => false : isObject(sub) ? compileValue(sub) : undefined;
    if (!check) return null;
    fields.set(field, check);
    specs.set(field, fieldSpec(sub, check));
  }
  let other: Check | undefined;
  if (additionalProperties === false) other = () => false;
  else if (isObject(additionalProperties)) {
    other = compileValue(additionalProperties);
    if (!other) return null;
  } else if (additionalProperties !== undefined && additionalProperties !== true) return null;
  const must = (required ?? []) as string[];
  if (must.length === 0 && fields.size === 0 && !other) return undefined;
  const rest = other;
  if (rest === undefined) {
    return (v) => {
      if (!isObject(v)) return true;
      for (const field of must) if (!Object.hasOwn(v, field)) return false;
      for (const [field, check] of fields) if (Object.hasOwn(v, field) && !check(v[field])) return false;
      return true;
    };
  }
  // Records of one dataset mostly list the same fields in the same order: the check for the key
  // at each position is remembered, so a record usually costs a comparison per key (two strings
  // that are one and the same, as keys from one source mostly are) instead of a map lookup.
  const seenKeys: string[] = [];
  const seenSpecs: (FieldSpec | undefined)[] = [];
  return (v) => {
    if (!isObject(v)) return true;
    for (let i = 0; i < must.length; i++) if (!Object.hasOwn(v, must[i] as string)) return false;
    // `for…in`, as the validator walks additional properties (own, then inherited, enumerable keys).
    let at = 0;
    for (const key in v) {
      let spec: FieldSpec | undefined;
      if (seenKeys[at] === key) spec = seenSpecs[at];
      else {
        spec = specs.get(key);
        seenKeys[at] = key;
        seenSpecs[at] = spec;
      }
      at++;
      if (!(spec !== undefined && ownKey.call(v, key) ? fieldOk(spec, v[key]) : rest(v[key]))) return false;
    }
    return true;
  };
}

/** A schema (or subschema) as one check, or undefined when it uses a keyword not compiled here. */
function compileValue(s: Schema): Check | undefined {
  for (const keyword of Object.keys(s))
    if (!COMPILED.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith("x-")) return undefined;
  const checks: Check[] = [];
  if (s.type !== undefined) {
    const type = typeCheck(s.type);
    if (!type) return undefined;
    checks.push(type);
  }
  if (s.const !== undefined) checks.push(oneOfValues([s.const]));
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum)) return undefined;
    checks.push(oneOfValues(s.enum));
  }
  for (const part of [stringCheck(s), numberCheck(s), arrayCheck(s), objectCheck(s)]) {
    if (part === null) return undefined;
    if (part) checks.push(part);
  }
  return all(checks);
}

/**
 * The verdict function of a JSON schema (draft 2020-12), equal to @cfworker/json-schema's, or
 * undefined when the schema uses a keyword outside the compiled subset.
 */
export function compileVerdict(schema: object): ((instance: unknown) => boolean) | undefined {
  const check = compileValue(schema as Schema);
  return check && ((instance) => !!check(instance));
}

/**
 * A record schema's verdict taken apart field by field, so a caller walking a record's fields
 * anyway (normalization) can give the verdict in the same walk: `fieldOk(specOf(key), value)`
 * for each own field of `properties`, `rest(value)` for any other key `for…in` visits, and every
 * `must` field present. Undefined unless the schema is of that shape (an object type with
 * `required`, `properties` and `additionalProperties`, all in the compiled subset).
 */
export interface RecordFields {
  must: readonly string[];
  specOf: (field: string) => FieldSpec | undefined;
  /** The check of a field outside `properties` (undefined: any value). */
  rest: Check | undefined;
}

const recordFieldsOf = new WeakMap<object, RecordFields | null>();

export function recordFields(schema: object): RecordFields | undefined {
  let fields = recordFieldsOf.get(schema);
  if (fields === undefined) {
    fields = null;
    const s = schema as Schema;
    const shape = Object.keys(s).every(
      (keyword) =>
        ["type", "required", "properties", "additionalProperties"].includes(keyword) ||
        ANNOTATIONS.has(keyword) ||
        keyword.startsWith("x-"),
    );
    if (shape && s.type === "object" && compileValue(s) !== undefined && isObject(s.properties ?? {})) {
      const specs = new Map<string, FieldSpec>();
      let complete = true;
      for (const [field, sub] of Object.entries((s.properties ?? {}) as Schema)) {
        const check = isObject(sub) ? compileValue(sub) : undefined;
        if (!check) complete = false;
        else specs.set(field, fieldSpec(sub, check));
      }
      const additional = s.additionalProperties;
      const rest =
        additional === false ? () => false : isObject(additional) ? compileValue(additional) : undefined;
      if (complete && (rest !== undefined || additional === undefined || additional === true)) {
        fields = {
          must: (s.required ?? []) as string[],
          specOf: (field) => (Object.hasOwn(Object(s.properties), field) ? specs.get(field) : undefined),
          rest,
        };
      }
    }
    recordFieldsOf.set(schema, fields);
  }
  return fields ?? undefined;
}

export { type FieldSpec, fieldOk };
