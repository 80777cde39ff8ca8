// A tenant's own context (POST/PUT /v1/contexts): the definition is checked against Intake's
// meta-schema — a safe subset of JSON Schema 2020-12 — with one precise problem per mistake, then
// completed into a context schema like the built-ins (same annotations, `$id` by SchemaVer). The
// rules and their words live here once; the Worker answers them, the console can show them. A
// field's own keywords are checked in custom-field.ts; the bounds are custom-context-limits.ts.
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
import { CONTEXT_NAMES } from "./catalog.ts";
import { normalizeHeader } from "./csv.ts";
import { CUSTOM_CONTEXT_LIMITS, CUSTOM_CONTEXT_NAME } from "./custom-context-limits.ts";
import { checkField } from "./custom-field.ts";
import {
  type DefinitionProblem,
  Problems,
  pointerSegment,
  REFERENCES,
  referenceMessage,
  shown,
  stringList,
  text,
  unknownKeyword,
} from "./definition-problems.ts";
import { isObject } from "./guards.ts";
import { DEFAULT_LIMITS, FORBIDDEN_KEYS, nestingDepth } from "./limits.ts";
import { plural } from "./messages.ts";
import { normalizeRecord } from "./normalize.ts";
import type { ContextSchema, IntakeRecord, PropertySchema } from "./types.ts";
import { validateRecord } from "./validate.ts";

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const DRAFT = "https://json-schema.org/draft/2020-12/schema";

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
const BODY_MEMBERS = ["name", "title", "category", "description", "schema"];

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
