// A tenant's own context (POST/PUT /v1/contexts): the definition is checked against Intake's
// meta-schema — a safe subset of JSON Schema 2020-12 — with one precise problem per mistake, then
// completed into a context schema like the built-ins (same annotations, `$id` by SchemaVer). The
// rules and their words live here once; the Worker answers them, the console can show them.
//
// The subset: an object of properties typed string / number / integer / boolean / array of
// strings; `required`; `enum`; `format` (email, date, date-time, uri and Intake's custom
// formats); `minLength`/`maxLength`; `minimum`/`maximum`; `pattern` (size-capped and linear-time);
// `uniqueItems`; descriptions and examples; and the Intake annotations: `x-intake-key` (every key
// field required), `x-intake-key-case-insensitive`, `x-intake-aliases`, `x-intake-synonyms`,
// `x-intake-hint`, `x-intake-category`. Nothing is fetched: `$ref` is refused. Field names are
// ordinary names whatever they are (`toString`, `valueOf`: every map of them is a Map or checked with
// Object.hasOwn), except `constructor`, `__proto__` and `prototype`, which no JSON body or file may
// hold (limits.ts FORBIDDEN_KEYS), so no record could carry them: they are refused by name.
import { CONTEXT_NAMES, getSchema } from "./catalog.ts";
import { normalizeHeader } from "./csv.ts";
import { CUSTOM_FORMATS } from "./formats.ts";
import { isObject } from "./guards.ts";
import { DEFAULT_LIMITS, FORBIDDEN_KEYS, nestingDepth } from "./limits.ts";
import { clipText, plural } from "./messages.ts";
import { normalizeRecord } from "./normalize.ts";
import { MAX_PATTERN_LENGTH, patternProblem } from "./pattern-audit.ts";
import type { ContextSchema, IntakeRecord, JsonValue, PropertySchema } from "./types.ts";
import { validateRecord } from "./validate.ts";

export const CUSTOM_CONTEXT_LIMITS = Object.freeze({
  /** Bytes of a POST/PUT /v1/contexts body. */
  maxDefinitionBytes: 256 * 1024,
  /** Nesting of a definition body: body → schema → properties → field → items → enum is 6. */
  maxDefinitionDepth: 8,
  maxFields: 200,
  maxKeyFields: 5,
  maxEnumValues: 1000,
  maxEnumValueLength: 200,
  maxAliases: 20,
  maxAliasLength: 100,
  maxTextLength: 2000,
  maxTitleLength: 200,
  maxExamples: 5,
  maxPatternLength: MAX_PATTERN_LENGTH,
  maxContextsPerTenant: 100,
});

/** A custom context's name: lower-case letters, digits and underscores, starting with a letter. */
export const CUSTOM_CONTEXT_NAME = /^[a-z][a-z0-9_]{1,63}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const DRAFT = "https://json-schema.org/draft/2020-12/schema";

export const CUSTOM_FIELD_TYPES = ["string", "number", "integer", "boolean", "array"] as const;
export const CUSTOM_FORMAT_NAMES: readonly string[] = Object.freeze([
  "email",
  "date",
  "date-time",
  "uri",
  ...Object.keys(CUSTOM_FORMATS),
]);

const TOP_KEYWORDS = [
  "$schema",
  "$id",
  "title",
  "description",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "examples",
  "x-intake-key",
  "x-intake-key-case-insensitive",
  "x-intake-category",
];
const FIELD_KEYWORDS = [
  "type",
  "description",
  "examples",
  "enum",
  "format",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "pattern",
  "items",
  "uniqueItems",
  "x-intake-aliases",
  "x-intake-synonyms",
  "x-intake-hint",
];
const BODY_MEMBERS = ["name", "title", "category", "description", "schema"];
const REFERENCES = new Set(["$ref", "$dynamicRef", "$recursiveRef"]);
const DEFINITIONS = new Set(["$defs", "definitions", "$anchor", "$dynamicAnchor"]);

/** The pattern a built-in writes for a custom format, so stock validators reach the same verdict. */
const FORMAT_PATTERNS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const name of CONTEXT_NAMES)
    for (const prop of Object.values(getSchema(name)?.properties ?? {}))
      if (prop.format && prop.pattern && Object.hasOwn(CUSTOM_FORMATS, prop.format) && !map.has(prop.format))
        map.set(prop.format, prop.pattern);
  return map;
})();

/** One problem of a definition: where (a JSON Pointer into the request body) and what. */
export interface DefinitionProblem {
  pointer: string;
  message: string;
}

/** A definition that passed: what the Worker stores, before its `$id` is given. */
export interface CustomContextDefinition {
  name: string;
  title: string;
  category: string;
  description: string;
  /** The complete schema, `$id` excepted (the caller sets it). */
  schema: Omit<ContextSchema, "$id">;
}

export type DefinitionResult =
  | { ok: true; value: CustomContextDefinition }
  | { ok: false; errors: DefinitionProblem[] };

/** The scoped name in a custom context's `$id`: `urn:intake:<tenant id>.<name>:M-R-A`. */
export function customScopedName(tenantId: string, name: string): string {
  return `${tenantId}.${name}`;
}

/** A value for a message, without ever serializing something large or deep. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(clipText(value, 60));
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? `a list of ${value.length.toLocaleString("en-US")}` : "an object";
}

const pointerSegment = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

function referenceMessage(keyword: string, value: unknown): string {
  if (keyword === "$ref" && typeof value === "string" && /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(value))
    return `remote $ref ${shown(value)} is not allowed: the Worker never fetches other documents; write the field out in "properties"`;
  return `${keyword} is not supported: a custom context schema is self-contained; write the field out in "properties"`;
}

function unknownKeyword(keyword: string, allowed: readonly string[], where: string): string {
  if (REFERENCES.has(keyword) || DEFINITIONS.has(keyword))
    return `${keyword} is not supported: a custom context schema is self-contained; write the field out in "properties"`;
  return `unknown keyword ${shown(keyword)} ${where}; allowed: ${allowed.join(", ")}`;
}

class Problems {
  readonly list: DefinitionProblem[] = [];
  add(pointer: string, message: string): void {
    if (this.list.length < 100) this.list.push({ pointer, message });
  }
}

function text(
  problems: Problems,
  pointer: string,
  value: unknown,
  label: string,
  max: number,
  required: boolean,
): string | undefined {
  if (value === undefined) {
    if (required) problems.add(pointer, `${label} is required`);
    return undefined;
  }
  if (typeof value !== "string") {
    problems.add(pointer, `${label} must be text; got ${shown(value)}`);
    return undefined;
  }
  const trimmed = value.trim();
  if (required && trimmed === "") problems.add(pointer, `${label} must not be empty`);
  else if (trimmed.length > max)
    problems.add(
      pointer,
      `${label} is ${plural(trimmed.length, "character")} long; at most ${max.toLocaleString("en-US")}`,
    );
  return trimmed;
}

function stringList(
  problems: Problems,
  pointer: string,
  value: unknown,
  label: string,
  maxItems: number,
  maxLength: number,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.add(pointer, `${label} must be a list of texts; got ${shown(value)}`);
    return undefined;
  }
  if (value.length > maxItems) {
    problems.add(
      pointer,
      `${label} has ${plural(value.length, "value")}; at most ${maxItems.toLocaleString("en-US")}`,
    );
    return undefined;
  }
  const seen = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (typeof item !== "string" || item.trim() === "") {
      problems.add(`${pointer}/${i}`, `${label} must hold non-empty texts; got ${shown(item)}`);
      return undefined;
    }
    if (item.length > maxLength) {
      problems.add(
        `${pointer}/${i}`,
        `${label} values are at most ${maxLength} characters; this one has ${item.length.toLocaleString("en-US")}`,
      );
      return undefined;
    }
    if (seen.has(item)) problems.add(`${pointer}/${i}`, `${label} lists ${shown(item)} twice`);
    seen.add(item);
  }
  return value as string[];
}

function count(
  problems: Problems,
  pointer: string,
  value: unknown,
  label: string,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    problems.add(
      pointer,
      `${label} must be a whole number from 0 to ${max.toLocaleString("en-US")}; got ${shown(value)}`,
    );
    return undefined;
  }
  return value;
}

function scalarExample(value: unknown): value is JsonValue {
  return (
    value === null ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "string" && value.length <= 200) ||
    (Array.isArray(value) &&
      value.length <= 20 &&
      value.every((v) => typeof v === "string" && v.length <= 200))
  );
}

function checkField(
  problems: Problems,
  pointer: string,
  field: string,
  raw: unknown,
  maxFieldLength: number,
): PropertySchema | undefined {
  if (!isObject(raw)) {
    problems.add(pointer, `field ${field} must be an object such as {"type":"string"}; got ${shown(raw)}`);
    return undefined;
  }
  const before = problems.list.length;
  for (const keyword of Object.keys(raw)) {
    if (REFERENCES.has(keyword))
      problems.add(`${pointer}/${pointerSegment(keyword)}`, referenceMessage(keyword, raw[keyword]));
    else if (!FIELD_KEYWORDS.includes(keyword))
      problems.add(
        `${pointer}/${pointerSegment(keyword)}`,
        unknownKeyword(keyword, FIELD_KEYWORDS, `in field ${field}`),
      );
  }
  const type = raw.type;
  if (type === undefined) {
    problems.add(`${pointer}/type`, `field ${field} needs a type: ${CUSTOM_FIELD_TYPES.join(", ")}`);
    return undefined;
  }
  if (type === "object") {
    problems.add(`${pointer}/type`, `field ${field}: nested objects are not supported; use separate fields`);
    return undefined;
  }
  if (typeof type !== "string" || !(CUSTOM_FIELD_TYPES as readonly string[]).includes(type)) {
    problems.add(
      `${pointer}/type`,
      `field ${field}: type must be one of ${CUSTOM_FIELD_TYPES.join(", ")}; got ${shown(type)}`,
    );
    return undefined;
  }
  const prop: PropertySchema = { type: type as PropertySchema["type"] };
  const isString = type === "string";
  const isNumber = type === "number" || type === "integer";
  const only = (keyword: string, allowed: boolean, what: string) => {
    if (raw[keyword] !== undefined && !allowed)
      problems.add(
        `${pointer}/${keyword}`,
        `field ${field}: ${keyword} applies only to ${what} fields, not ${type}`,
      );
    return raw[keyword] !== undefined && allowed;
  };
  const description = text(
    problems,
    `${pointer}/description`,
    raw.description,
    `field ${field}: description`,
    CUSTOM_CONTEXT_LIMITS.maxTextLength,
    false,
  );
  if (description !== undefined) prop.description = description;
  const hint = text(
    problems,
    `${pointer}/x-intake-hint`,
    raw["x-intake-hint"],
    `field ${field}: x-intake-hint`,
    CUSTOM_CONTEXT_LIMITS.maxTextLength,
    false,
  );
  if (hint !== undefined) prop["x-intake-hint"] = hint;

  if (type === "array") {
    const items = raw.items;
    if (!isObject(items) || items.type !== "string" || Object.keys(items).length !== 1) {
      problems.add(
        `${pointer}/items`,
        isObject(items) && typeof items.$ref === "string"
          ? referenceMessage("$ref", items.$ref)
          : `field ${field}: an array field must have "items": {"type":"string"} (lists of texts only)`,
      );
    } else prop.items = { type: "string" };
    if (raw.uniqueItems !== undefined) {
      if (typeof raw.uniqueItems !== "boolean")
        problems.add(`${pointer}/uniqueItems`, `field ${field}: uniqueItems must be true or false`);
      else prop.uniqueItems = raw.uniqueItems;
    }
  } else {
    only("items", false, "array");
    only("uniqueItems", false, "array");
  }

  if (only("enum", isString || isNumber, "string, number or integer")) {
    const values = raw.enum;
    if (!Array.isArray(values) || values.length === 0)
      problems.add(`${pointer}/enum`, `field ${field}: enum must be a non-empty list of values`);
    else if (values.length > CUSTOM_CONTEXT_LIMITS.maxEnumValues)
      problems.add(
        `${pointer}/enum`,
        `field ${field}: enum has ${plural(values.length, "value")}; at most ${CUSTOM_CONTEXT_LIMITS.maxEnumValues.toLocaleString("en-US")} (use a pattern or leave the values open)`,
      );
    else {
      const seen = new Set<unknown>();
      let ok = true;
      values.forEach((v, i) => {
        const fits = isString
          ? typeof v === "string" && v.length <= CUSTOM_CONTEXT_LIMITS.maxEnumValueLength
          : typeof v === "number" && Number.isFinite(v) && (type !== "integer" || Number.isInteger(v));
        if (!fits) {
          ok = false;
          problems.add(
            `${pointer}/enum/${i}`,
            isString && typeof v === "string"
              ? `field ${field}: enum values are at most ${CUSTOM_CONTEXT_LIMITS.maxEnumValueLength} characters; this one has ${v.length.toLocaleString("en-US")}`
              : `field ${field}: enum value ${shown(v)} is not ${type === "integer" ? "an integer" : `a ${type}`}`,
          );
        } else if (seen.has(v)) {
          ok = false;
          problems.add(`${pointer}/enum/${i}`, `field ${field}: enum lists ${shown(v)} twice`);
        }
        seen.add(v);
      });
      if (ok) prop.enum = values as JsonValue[];
    }
  }
  if (only("format", isString, "string")) {
    if (typeof raw.format !== "string" || !CUSTOM_FORMAT_NAMES.includes(raw.format))
      problems.add(
        `${pointer}/format`,
        `field ${field}: format must be one of ${CUSTOM_FORMAT_NAMES.join(", ")}; got ${shown(raw.format)}`,
      );
    else prop.format = raw.format;
  }
  const minLength = only("minLength", isString, "string")
    ? count(problems, `${pointer}/minLength`, raw.minLength, `field ${field}: minLength`, maxFieldLength)
    : undefined;
  const maxLength = only("maxLength", isString, "string")
    ? count(problems, `${pointer}/maxLength`, raw.maxLength, `field ${field}: maxLength`, maxFieldLength)
    : undefined;
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength)
    problems.add(
      `${pointer}/minLength`,
      `field ${field}: minLength ${minLength} is more than maxLength ${maxLength}`,
    );
  if (minLength !== undefined) (prop as Record<string, unknown>).minLength = minLength;
  if (maxLength !== undefined) prop.maxLength = maxLength;
  for (const bound of ["minimum", "maximum"] as const) {
    if (!only(bound, isNumber, "number or integer")) continue;
    const value = raw[bound];
    if (typeof value !== "number" || !Number.isFinite(value))
      problems.add(`${pointer}/${bound}`, `field ${field}: ${bound} must be a number; got ${shown(value)}`);
    else (prop as Record<string, unknown>)[bound] = value;
  }
  const min = (prop as Record<string, unknown>).minimum as number | undefined;
  const max = (prop as Record<string, unknown>).maximum as number | undefined;
  if (min !== undefined && max !== undefined && min > max)
    problems.add(`${pointer}/minimum`, `field ${field}: minimum ${min} is more than maximum ${max}`);
  if (only("pattern", isString, "string")) {
    if (typeof raw.pattern !== "string")
      problems.add(`${pointer}/pattern`, `field ${field}: pattern must be text; got ${shown(raw.pattern)}`);
    else {
      // The longest value the pattern can be given: longer ones fail maxLength first.
      const problem = patternProblem(raw.pattern, Math.min(maxLength ?? maxFieldLength, maxFieldLength));
      if (problem) problems.add(`${pointer}/pattern`, `field ${field}: the pattern ${problem}`);
      else prop.pattern = raw.pattern;
    }
  } else if (prop.format && FORMAT_PATTERNS.has(prop.format)) {
    // Written out for stock validators, as the built-ins do.
    prop.pattern = FORMAT_PATTERNS.get(prop.format);
  }
  for (const list of ["x-intake-aliases", "x-intake-synonyms"] as const) {
    const values = stringList(
      problems,
      `${pointer}/${list}`,
      raw[list],
      `field ${field}: ${list}`,
      CUSTOM_CONTEXT_LIMITS.maxAliases,
      CUSTOM_CONTEXT_LIMITS.maxAliasLength,
    );
    if (values) prop[list] = values;
  }
  if (raw.examples !== undefined) {
    if (!Array.isArray(raw.examples) || raw.examples.length > 10 || !raw.examples.every(scalarExample))
      problems.add(
        `${pointer}/examples`,
        `field ${field}: examples must be a list of at most 10 plain values`,
      );
    else prop.examples = raw.examples as JsonValue[];
  }
  return problems.list.length === before ? prop : undefined;
}

/**
 * Field names and aliases compare as CSV headers resolve (`normalizeHeader`: compatibility forms,
 * case and anything but letters and digits aside); a header with no letter or digit of a-z/0-9
 * left compares in NFC, case, spaces, dashes and underscores aside, so "Café" written composed and
 * decomposed are the same header either way.
 */
const headerForm = (s: string) =>
  normalizeHeader(s) ||
  `\u0000${s
    .normalize("NFC")
    .toLowerCase()
    .replace(/[\s_-]+/g, "")}`;

/**
 * Checks a POST/PUT /v1/contexts body against the meta-schema. `name` is the context's name from
 * the URL (PUT); the body's `name` must then be absent or equal. `scopedName` is what the `$id`
 * must name when the definition gives one. Never serializes or recurses into what it refuses, so
 * deep or huge input costs no more than reading it.
 */
export function checkCustomContext(
  body: unknown,
  options: { name?: string; scopedName: (name: string) => string; maxFieldLength?: number },
): DefinitionResult {
  const problems = new Problems();
  const maxFieldLength = options.maxFieldLength ?? DEFAULT_LIMITS.maxFieldLength;
  if (!isObject(body))
    return { ok: false, errors: [{ pointer: "", message: "The body must be a JSON object" }] };
  const depth = nestingDepth(body, CUSTOM_CONTEXT_LIMITS.maxDefinitionDepth);
  if (depth > CUSTOM_CONTEXT_LIMITS.maxDefinitionDepth)
    return {
      ok: false,
      errors: [
        {
          pointer: "",
          message: `The definition is nested deeper than ${CUSTOM_CONTEXT_LIMITS.maxDefinitionDepth} levels; a context definition needs 5 at most (body, schema, properties, field, enum)`,
        },
      ],
    };
  for (const member of Object.keys(body))
    if (!BODY_MEMBERS.includes(member))
      problems.add(
        `/${pointerSegment(member)}`,
        `unknown member ${shown(member)}; a context definition has ${BODY_MEMBERS.join(", ")}`,
      );

  let name = options.name;
  if (name === undefined) {
    const given = text(problems, "/name", body.name, "name", 64, true);
    if (given !== undefined && given !== "") {
      if (!CUSTOM_CONTEXT_NAME.test(given))
        problems.add(
          "/name",
          `name must be 2 to 64 lower-case letters, digits or underscores, starting with a letter; got ${shown(given)}`,
        );
      else if (CONTEXT_NAMES.includes(given))
        problems.add("/name", `name ${shown(given)} is a built-in context; choose another name`);
      else name = given;
    }
  } else if (body.name !== undefined && body.name !== name)
    problems.add(
      "/name",
      `name ${shown(body.name)} differs from the context in the URL (${name}); a context cannot be renamed`,
    );

  const title = text(problems, "/title", body.title, "title", CUSTOM_CONTEXT_LIMITS.maxTitleLength, true);
  const category = text(problems, "/category", body.category, "category", 100, true);
  let description = text(
    problems,
    "/description",
    body.description,
    "description",
    CUSTOM_CONTEXT_LIMITS.maxTextLength,
    false,
  );

  const raw = body.schema;
  if (!isObject(raw)) {
    problems.add(
      "/schema",
      raw === undefined ? "schema is required" : `schema must be a JSON Schema object; got ${shown(raw)}`,
    );
    return { ok: false, errors: problems.list };
  }
  for (const keyword of Object.keys(raw)) {
    const pointer = `/schema/${pointerSegment(keyword)}`;
    if (REFERENCES.has(keyword)) problems.add(pointer, referenceMessage(keyword, raw[keyword]));
    else if (!TOP_KEYWORDS.includes(keyword))
      problems.add(pointer, unknownKeyword(keyword, TOP_KEYWORDS, "in schema"));
  }
  if (raw.$schema !== undefined && raw.$schema !== DRAFT)
    problems.add("/schema/$schema", `$schema must be ${DRAFT} (or left out); got ${shown(raw.$schema)}`);
  if (raw.$id !== undefined && name !== undefined) {
    const prefix = `urn:intake:${options.scopedName(name)}:`;
    if (typeof raw.$id !== "string" || !raw.$id.startsWith(prefix))
      problems.add(
        "/schema/$id",
        `$id is given by the Worker (${prefix}M-R-A); leave it out or keep it; got ${shown(raw.$id)}`,
      );
  }
  for (const [keyword, expected] of [
    ["title", title],
    ["x-intake-category", category],
  ] as const)
    if (raw[keyword] !== undefined && raw[keyword] !== expected)
      problems.add(
        `/schema/${keyword}`,
        `schema ${keyword} ${shown(raw[keyword])} differs from the ${keyword === "title" ? "title" : "category"} given (${shown(expected)}); leave it out`,
      );
  if (raw.description !== undefined) {
    const inner = text(
      problems,
      "/schema/description",
      raw.description,
      "schema description",
      CUSTOM_CONTEXT_LIMITS.maxTextLength,
      false,
    );
    if (description !== undefined && inner !== undefined && inner !== description)
      problems.add(
        "/schema/description",
        "schema description differs from the description given; give it once",
      );
    description ??= inner;
  }
  if (raw.type !== "object")
    problems.add(
      "/schema/type",
      `schema type must be "object" (a record of fields); got ${raw.type === undefined ? "none" : shown(raw.type)}`,
    );
  if (raw.additionalProperties !== undefined && typeof raw.additionalProperties !== "boolean")
    problems.add("/schema/additionalProperties", "additionalProperties must be true or false");
  if (
    raw["x-intake-key-case-insensitive"] !== undefined &&
    typeof raw["x-intake-key-case-insensitive"] !== "boolean"
  )
    problems.add(
      "/schema/x-intake-key-case-insensitive",
      "x-intake-key-case-insensitive must be true or false",
    );

  const properties = new Map<string, PropertySchema>();
  const rawProps = raw.properties;
  if (!isObject(rawProps) || Object.keys(rawProps).length === 0) {
    problems.add("/schema/properties", "properties must be an object with at least one field");
  } else {
    const fields = Object.keys(rawProps);
    if (fields.length > CUSTOM_CONTEXT_LIMITS.maxFields) {
      problems.add(
        "/schema/properties",
        `the schema has ${plural(fields.length, "field")}; at most ${CUSTOM_CONTEXT_LIMITS.maxFields.toLocaleString("en-US")}`,
      );
    } else {
      const headers = new Map<string, string>();
      for (const field of fields) {
        const pointer = `/schema/properties/${pointerSegment(field)}`;
        if (!FIELD_NAME.test(field)) {
          problems.add(
            pointer,
            `field name ${shown(field)} must be 1 to 64 letters, digits or underscores, not starting with a digit`,
          );
          continue;
        }
        if (FORBIDDEN_KEYS.has(field)) {
          // JSON bodies and files refuse this key anywhere, so no record could ever carry the field.
          problems.add(
            pointer,
            `field name ${shown(field)} is reserved: no JSON request body or file may use the key ${shown(field)} (it could pollute prototypes), so no record could hold this field; choose another name`,
          );
          continue;
        }
        const prop = checkField(problems, pointer, field, rawProps[field], maxFieldLength);
        if (!prop) continue;
        properties.set(field, prop);
        for (const header of [field, ...(prop["x-intake-aliases"] ?? [])]) {
          const other = headers.get(headerForm(header));
          if (other !== undefined && other !== field)
            problems.add(pointer, `field ${field}: the header ${shown(header)} already names field ${other}`);
          headers.set(headerForm(header), field);
        }
      }
    }
  }
  const fieldNames = new Set(isObject(rawProps) ? Object.keys(rawProps) : []);
  const required =
    stringList(problems, "/schema/required", raw.required, "required", CUSTOM_CONTEXT_LIMITS.maxFields, 64) ??
    [];
  const requiredSet = new Set(required);
  required.forEach((f, i) => {
    if (!fieldNames.has(f))
      problems.add(`/schema/required/${i}`, `required names ${shown(f)}, which is not a field`);
  });
  const key = raw["x-intake-key"];
  if (key === undefined) {
    problems.add(
      "/schema/x-intake-key",
      'x-intake-key is required: the fields that identify a record (e.g. ["id"])',
    );
  } else {
    const keyFields = stringList(
      problems,
      "/schema/x-intake-key",
      key,
      "x-intake-key",
      CUSTOM_CONTEXT_LIMITS.maxKeyFields,
      64,
    );
    if (keyFields?.length === 0)
      problems.add("/schema/x-intake-key", "x-intake-key must name at least one field");
    keyFields?.forEach((f, i) => {
      const pointer = `/schema/x-intake-key/${i}`;
      if (!fieldNames.has(f)) problems.add(pointer, `key field ${shown(f)} is not a field`);
      else if (!requiredSet.has(f))
        problems.add(
          pointer,
          `key field ${f} is not required: add it to "required" (a record without its key cannot be identified)`,
        );
      else if (properties.get(f)?.type === "array")
        problems.add(pointer, `key field ${f} is a list; a key field must be a single value`);
    });
  }
  if (
    raw.examples !== undefined &&
    (!Array.isArray(raw.examples) ||
      raw.examples.length > CUSTOM_CONTEXT_LIMITS.maxExamples ||
      !raw.examples.every(isObject))
  )
    problems.add(
      "/schema/examples",
      `examples must be a list of at most ${CUSTOM_CONTEXT_LIMITS.maxExamples} example records`,
    );

  if (problems.list.length > 0 || name === undefined || title === undefined || category === undefined)
    return { ok: false, errors: problems.list };

  const schema: Omit<ContextSchema, "$id"> = {
    $schema: DRAFT,
    title,
    description: description ?? "",
    type: "object",
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: raw.additionalProperties === true,
    // Own data properties whatever the names (a field may be called toString or valueOf).
    properties: Object.fromEntries(properties),
    examples: [],
    "x-intake-category": category,
    "x-intake-key": key as string[],
    ...(raw["x-intake-key-case-insensitive"] === true ? { "x-intake-key-case-insensitive": true } : {}),
  };
  // Examples must be records of this very schema (the templates show them).
  const examples = (raw.examples ?? []) as Record<string, unknown>[];
  const full = { ...schema, $id: `urn:intake:${options.scopedName(name)}:1-0-0` } as ContextSchema;
  examples.forEach((example, i) => {
    const issues = validateRecord(normalizeRecord(example, full), full, name as string);
    for (const issue of issues.slice(0, 3))
      problems.add(`/schema/examples/${i}${issue.pointer}`, `example ${i + 1}: ${issue.message}`);
  });
  if (problems.list.length > 0) return { ok: false, errors: problems.list };
  schema.examples = examples.map((e) => normalizeRecord(e, full) as IntakeRecord);
  return { ok: true, value: { name, title, category, description: description ?? "", schema } };
}
