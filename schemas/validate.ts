// Record validation with @cfworker/json-schema (draft 2020-12), its output turned into admin
// messages. Records first get the compiled quick verdict; only failing ones are run through the
// validator for all their errors. A field's `pattern` is never given to the validator (it would
// run it with RegExp, which can take exponential time): the one pattern matcher checks it, and its
// error is placed where the validator puts one (after minLength and maxLength, before format).
import { dereference, encodePointer, type OutputUnit, Validator, validate } from "@cfworker/json-schema";
import "./formats.ts";
import { clipText, clipValue, describeIssue, offerable, suggestFix } from "./messages.ts";
import { longerThan, type PatternMatcher, patternMatcher } from "./pattern-matcher.ts";
import { compileVerdict, hasDuplicateItems } from "./quick-verdict.ts";
import type { ContextSchema, IntakeRecord, Issue, JsonValue, PropertySchema } from "./types.ts";

/** An issue before it is placed in a dataset: the row is added by the caller. */
export type RecordIssue = Omit<Issue, "row" | "line">;

type JsonSchemaObject = ConstructorParameters<typeof Validator>[0];

export { hasDuplicateItems };

/** A property schema without `uniqueItems`, which `hasDuplicateItems` checks instead. */
function withoutUniqueItems(prop: PropertySchema): PropertySchema {
  if (!prop.uniqueItems) return prop;
  const { uniqueItems: _checkedSeparately, ...rest } = prop;
  return rest;
}

/** A property schema without `pattern`, which `patternMatcher` checks instead. */
function withoutPattern(prop: PropertySchema): PropertySchema {
  if (prop.pattern === undefined) return prop;
  const { pattern: _checkedSeparately, ...rest } = prop;
  return rest;
}

/** A field's pattern, as the matcher runs it. */
interface FieldPattern {
  field: string;
  matcher: PatternMatcher;
  /** The field's maxLength: a longer value is not given to the pattern (its work stays bounded). */
  maxLength: number;
  instanceLocation: string;
  keywordLocation: string;
}

function fieldPatterns(properties: Record<string, PropertySchema>): FieldPattern[] {
  const out: FieldPattern[] = [];
  for (const [field, prop] of Object.entries(properties)) {
    if (typeof prop?.pattern !== "string") continue;
    out.push({
      field,
      matcher: patternMatcher(prop.pattern),
      maxLength: typeof prop.maxLength === "number" ? prop.maxLength : Number.POSITIVE_INFINITY,
      instanceLocation: `#/${encodePointer(field)}`,
      keywordLocation: `#/properties/${encodePointer(field)}/pattern`,
    });
  }
  return out;
}

/** The validator's error for a value that does not match the field's pattern, or undefined. */
function patternUnit(p: FieldPattern, value: unknown): OutputUnit | undefined {
  if (typeof value !== "string" || longerThan(value, p.maxLength) || p.matcher.test(value)) return undefined;
  return {
    instanceLocation: p.instanceLocation,
    keyword: "pattern",
    keywordLocation: p.keywordLocation,
    error: "String does not match pattern.",
  };
}

/** Puts a pattern error among a record's errors where the validator would have: before the field's format error, else after its other errors, else before the errors of later fields. */
function placePatternUnit(
  units: OutputUnit[],
  unit: OutputUnit,
  laterField: (location: string) => boolean,
): void {
  const at = unit.instanceLocation;
  let index = units.findIndex((u) => u.instanceLocation === at && u.keyword === "format");
  if (index === -1) {
    let last = -1;
    for (let i = 0; i < units.length; i++) {
      const location = (units[i] as OutputUnit).instanceLocation;
      if (location === at || location.startsWith(`${at}/`)) last = i;
    }
    index = last !== -1 ? last + 1 : units.findIndex((u) => laterField(u.instanceLocation));
  }
  if (index === -1) units.push(unit);
  else units.splice(index, 0, unit);
}

const duplicatesIn = (value: JsonValue | undefined): boolean =>
  Array.isArray(value) && hasDuplicateItems(value);

interface CompiledContext {
  /** The verdict alone: compiled, or the reference's for a schema outside the compiled subset. */
  isValid: (record: IntakeRecord) => boolean;
  /** The validator's errors on a whole record (`uniqueItems` left to `hasDuplicateItems`). */
  full: (record: IntakeRecord) => OutputUnit[];
  /** Fields with `uniqueItems`. */
  unique: string[];
  /** Each property's position, to place a uniqueItems issue where the validator would. */
  order: Map<string, number>;
  /** The same errors as `full`, field by field (undefined when the schema's shape does not allow it). */
  byField: FieldValidators | undefined;
}

/**
 * A schema of the usual shape (an object type with `required`, `properties` and no or a false
 * `additionalProperties`, each property in the quick verdict's subset) run by the reference one
 * field at a time: the validator's own `validate` on the property's schema at the field's place,
 * only for the fields whose quick verdict fails. The reference walks the same properties in the
 * same order (schema order, then the record's other keys), so the errors are the same, in the same
 * order, without walking the valid fields of an invalid record.
 */
interface FieldValidators {
  fields: {
    field: string;
    schema: JsonSchemaObject;
    lookup: ReturnType<typeof dereference>;
    isValid: (value: unknown) => boolean;
    instanceLocation: string;
    schemaLocation: string;
    pattern: FieldPattern | undefined;
  }[];
  /** Whether a field outside `properties` is an error (`additionalProperties: false`). */
  closed: boolean;
}

const ROOT_KEYWORDS = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "examples",
  "type",
  "required",
  "properties",
  "additionalProperties",
]);

function fieldValidators(
  schema: ContextSchema,
  /** The properties without `uniqueItems`. */
  properties: Record<string, PropertySchema>,
  patterns: readonly FieldPattern[],
): FieldValidators | undefined {
  for (const keyword of Object.keys(schema))
    if (!ROOT_KEYWORDS.has(keyword) && !keyword.startsWith("x-")) return undefined;
  const root = schema as unknown as Record<string, unknown>;
  if (root.type !== "object") return undefined;
  const additional = root.additionalProperties;
  if (additional !== undefined && additional !== true && additional !== false) return undefined;
  const fields: FieldValidators["fields"] = [];
  for (const [field, prop] of Object.entries(properties)) {
    if (prop === null || typeof prop !== "object" || Array.isArray(prop)) return undefined;
    // The verdict of the schema the field is run against (without `uniqueItems`, checked apart).
    const isValid = compileVerdict(prop);
    if (!isValid) return undefined;
    const sub = withoutPattern(prop) as unknown as JsonSchemaObject;
    fields.push({
      field,
      schema: sub,
      lookup: dereference(sub),
      isValid,
      instanceLocation: `#/${encodePointer(field)}`,
      schemaLocation: `#/properties/${encodePointer(field)}`,
      pattern: patterns.find((p) => p.field === field),
    });
  }
  return { fields, closed: additional === false };
}

/** The reference's errors on a record, found field by field (see `FieldValidators`). */
function errorsByField(record: IntakeRecord, schema: ContextSchema, by: FieldValidators): OutputUnit[] {
  const units: OutputUnit[] = [];
  for (const f of by.fields) {
    if (!Object.hasOwn(record, f.field)) continue;
    const value = record[f.field];
    if (f.isValid(value)) continue;
    const result = validate(
      value,
      f.schema,
      "2020-12",
      f.lookup,
      false,
      null,
      f.instanceLocation,
      f.schemaLocation,
    );
    const from = units.length;
    for (const unit of result.errors) units.push(unit);
    const unit = f.pattern && patternUnit(f.pattern, value);
    if (unit) {
      const field = units.splice(from);
      placePatternUnit(field, unit, () => false);
      for (const u of field) units.push(u);
    }
  }
  if (by.closed) {
    for (const key in record) {
      if (Object.hasOwn(schema.properties, key) && Object.hasOwn(record, key)) continue;
      const instanceLocation = `#/${encodePointer(key)}`;
      units.push({
        instanceLocation,
        keyword: "false",
        keywordLocation: instanceLocation,
        error: "False boolean schema.",
      });
    }
  }
  return units;
}

const compiled = new WeakMap<ContextSchema, CompiledContext>();

function compile(schema: ContextSchema): CompiledContext {
  let c = compiled.get(schema);
  if (!c) {
    const properties = Object.fromEntries(
      Object.entries(schema.properties).map(([field, prop]) => [field, withoutUniqueItems(prop)]),
    );
    const patterns = fieldPatterns(schema.properties);
    const order = new Map(Object.keys(schema.properties).map((field, i) => [field, i]));
    const reference = new Validator(
      {
        ...schema,
        properties: Object.fromEntries(
          Object.entries(properties).map(([field, prop]) => [field, withoutPattern(prop)]),
        ),
      } as unknown as JsonSchemaObject,
      "2020-12",
      false,
    );
    c = {
      isValid: compileVerdict(schema) ?? referenceValidator(schema, patterns),
      full: fullValidator(reference, patterns, order),
      unique: Object.keys(schema.properties).filter(
        (field) => schema.properties[field]?.uniqueItems === true,
      ),
      order,
      byField: fieldValidators(schema, properties as Record<string, PropertySchema>, patterns),
    };
    compiled.set(schema, c);
  }
  return c;
}

/** The validator's errors on a record, each field's pattern error placed among them. */
function fullValidator(
  reference: Validator,
  patterns: readonly FieldPattern[],
  order: ReadonlyMap<string, number>,
): (record: IntakeRecord) => OutputUnit[] {
  return (record) => {
    const units = reference.validate(record).errors;
    for (const p of patterns) {
      const unit = Object.hasOwn(record, p.field) ? patternUnit(p, record[p.field]) : undefined;
      if (!unit) continue;
      const position = order.get(p.field) ?? Number.POSITIVE_INFINITY;
      placePatternUnit(units, unit, (location) => {
        const field = decodeSegment(location.replace(/^#\//, "").split("/")[0] ?? "");
        return location !== "#" && (order.get(field) ?? Number.POSITIVE_INFINITY) > position;
      });
    }
    return units;
  };
}

/**
 * @cfworker/json-schema's verdict on a whole schema, its patterns checked by the matcher (for a
 * schema outside the quick verdict's subset).
 */
function referenceValidator(
  schema: ContextSchema,
  patterns: readonly FieldPattern[],
): (record: unknown) => boolean {
  const stripped = {
    ...schema,
    properties: Object.fromEntries(
      Object.entries(schema.properties).map(([field, prop]) => [field, withoutPattern(prop)]),
    ),
  };
  const validator = new Validator(stripped as unknown as JsonSchemaObject, "2020-12", true);
  return (record) =>
    validator.validate(record as JsonValue).valid &&
    (record === null ||
      typeof record !== "object" ||
      Array.isArray(record) ||
      patterns.every(
        (p) => !Object.hasOwn(record, p.field) || !patternUnit(p, (record as IntakeRecord)[p.field]),
      ));
}

/** The quick verdict on a record of this schema: when it says valid, `validateRecord` finds nothing. */
export function verdictOf(schema: ContextSchema): (record: IntakeRecord) => boolean {
  return compile(schema).isValid;
}

/**
 * @cfworker/json-schema's own verdict, patterns run by RegExp: the reference the quick verdict is
 * tested against (tests only: it runs a pattern with RegExp).
 */
export function referenceVerdict(record: unknown, schema: ContextSchema): boolean {
  return new Validator(schema as unknown as JsonSchemaObject, "2020-12", true).validate(record as JsonValue)
    .valid;
}

/** Keywords that only wrap the errors of their subschemas. */
const WRAPPERS = new Set(["properties", "additionalProperties", "items", "prefixItems", "allOf", "$ref"]);

function decodeSegment(segment: string): string {
  // Most segments are plain field names: nothing to decode.
  if (!segment.includes("%") && !segment.includes("~")) return segment;
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

function valueAt(record: IntakeRecord, segments: string[]): JsonValue | undefined {
  let node: JsonValue | undefined = record;
  for (const segment of segments) {
    if (node === null || typeof node !== "object") return undefined;
    node = Object.hasOwn(node, segment) ? (node as Record<string, JsonValue>)[segment] : undefined;
  }
  return node;
}

function issueFromOutput(
  unit: OutputUnit,
  record: IntakeRecord,
  schema: ContextSchema,
  context: string,
): RecordIssue | undefined {
  if (WRAPPERS.has(unit.keyword)) return undefined;
  // "#" is the record, "#/" its field named "" (which is still a field).
  const path = unit.instanceLocation.replace(/^#/, "");
  const segments = path === "" ? [] : path.slice(1).split("/").map(decodeSegment);
  const field = segments[0];
  if (field === undefined) return undefined; // record-level (required/type) handled by the caller
  const prop = Object.hasOwn(schema.properties, field) ? schema.properties[field] : undefined;
  const fieldValue = Object.hasOwn(record, field) ? record[field] : undefined;
  if (unit.keyword === "false" && !prop) {
    // A field's name is user input too: a huge one is named clipped, like any value.
    const named = clipText(field);
    return {
      pointer: `/${encodeSegment(named)}`,
      field: named,
      keyword: "unknown-field",
      message: describeIssue("unknown-field", field, undefined, undefined, context),
      value: clipValue(fieldValue as JsonValue),
    };
  }
  // Errors inside a list item are reported on the whole field, with the item's pointer.
  // `pattern` restates a format for stock validators; report it as the format it stands for.
  const keyword =
    segments.length > 1 && unit.keyword === "type"
      ? "items"
      : unit.keyword === "pattern" && prop?.format
        ? "format"
        : unit.keyword;
  const value = keyword === "items" ? valueAt(record, segments) : fieldValue;
  const issue: RecordIssue = {
    pointer: `/${segments.map(encodeSegment).join("/")}`,
    field,
    keyword,
    message: describeIssue(keyword, field, prop, fieldValue, context),
  };
  if (value !== undefined) issue.value = clipValue(value);
  const suggestion = suggestFix(fieldValue, prop);
  if (suggestion !== undefined && offerable(suggestion)) issue.suggestion = suggestion;
  return issue;
}

/** A field's own property schema (never Object.prototype's toString for a field of that name). */
const propertyOf = (schema: ContextSchema, field: string): PropertySchema | undefined =>
  Object.hasOwn(schema.properties, field) ? schema.properties[field] : undefined;

export function encodeSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * All problems of one normalized record against its context schema, in field order; an empty
 * list when it is valid. Never throws for any JSON input.
 */
export function validateRecord(
  record: unknown,
  schema: ContextSchema,
  context: string,
  /** The caller's verdict (the normalization walk's) already says the record is not valid. */
  knownInvalid = false,
): RecordIssue[] {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    const got = record === null ? "null" : Array.isArray(record) ? "a list" : typeof record;
    return [
      {
        pointer: "",
        field: "",
        keyword: "type",
        message: `each record must be an object with named fields; got ${got}`,
      },
    ];
  }
  const { isValid, full, unique, order, byField } = compile(schema);
  const rec = record as IntakeRecord;
  if (!knownInvalid && isValid(rec)) return [];
  const issues: RecordIssue[] = [];
  for (const field of schema.required ?? []) {
    if (!Object.hasOwn(rec, field)) {
      issues.push({
        pointer: `/${encodeSegment(field)}`,
        field,
        keyword: "required",
        message: describeIssue("required", field, propertyOf(schema, field), undefined, context),
      });
    }
  }
  const requiredCount = issues.length;
  const seen = new Set<string>();
  const units = byField ? errorsByField(rec, schema, byField) : full(rec);
  for (const unit of units) {
    const issue = issueFromOutput(unit, rec, schema, context);
    if (!issue) continue;
    const dedupe = `${issue.pointer}|${issue.keyword}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    issues.push(issue);
  }
  for (const field of unique) {
    const value = Object.hasOwn(rec, field) ? rec[field] : undefined;
    if (!duplicatesIn(value)) continue;
    const issue: RecordIssue = {
      pointer: `/${encodeSegment(field)}`,
      field,
      keyword: "uniqueItems",
      message: describeIssue("uniqueItems", field, propertyOf(schema, field), value, context),
      value: clipValue(value as JsonValue),
    };
    // After the field's other issues and before later fields' ones, as the validator orders them.
    const position = order.get(field) ?? Number.POSITIVE_INFINITY;
    let at = issues.findIndex(
      (other, i) =>
        i >= requiredCount &&
        (other.keyword === "unknown-field" ||
          (order.get(other.field) ?? Number.POSITIVE_INFINITY) > position),
    );
    if (at === -1) at = issues.length;
    issues.splice(at, 0, issue);
  }
  return issues;
}
