// Record validation with @cfworker/json-schema (draft 2020-12), its output turned into admin
// messages. Valid records take a short-circuit pass; only failing ones are re-run for all errors.
import { type OutputUnit, Validator } from "@cfworker/json-schema";
import "./formats.ts";
import { clipText, clipValue, describeIssue, offerable, suggestFix } from "./messages.ts";
import type { ContextSchema, IntakeRecord, Issue, JsonValue, PropertySchema } from "./types.ts";

/** An issue before it is placed in a dataset: the row is added by the caller. */
export type RecordIssue = Omit<Issue, "row" | "line">;

type JsonSchemaObject = ConstructorParameters<typeof Validator>[0];

/** Distinct values remembered per field before that field's verdict cache is reset. */
const VERDICT_CACHE_LIMIT = 4096;

/**
 * Whether a list holds the same item twice, with the equality of @cfworker/json-schema's
 * `uniqueItems` (=== for primitives, deep equality for lists and objects) in linear time: its own
 * check compares every pair, so a 1,000,000-item list would take 10^12 steps.
 */
export function hasDuplicateItems(items: readonly JsonValue[]): boolean {
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

/** JSON with object keys sorted, so deep-equal values have equal text. */
function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`)
    .join(",")}}`;
}

/** A property schema without `uniqueItems`, which `hasDuplicateItems` checks instead. */
function withoutUniqueItems(prop: PropertySchema): PropertySchema {
  if (!prop.uniqueItems) return prop;
  const { uniqueItems: _checkedSeparately, ...rest } = prop;
  return rest;
}

const duplicatesIn = (value: JsonValue | undefined): boolean =>
  Array.isArray(value) && hasDuplicateItems(value);

interface FieldCheck {
  validator: Validator;
  unique: boolean;
  verdicts: Map<JsonValue, boolean> | undefined;
  hits: number;
  misses: number;
}

/**
 * The fast verdict, used before any message is built. Each present field is checked against its
 * own subschema by @cfworker/json-schema; the two object-level keywords of our flat schemas
 * (`required`, `additionalProperties: false`) are checked directly, because the validator spends
 * most of its time building pointers for them. No keyword of ours relates two fields, so this
 * equals the whole-schema verdict; a field's verdict depends only on its value, so verdicts of
 * repeated primitive values are remembered while that pays. A test holds the two verdicts equal.
 */
class QuickCheck {
  private readonly required: string[];
  private readonly closed: boolean;
  private readonly fields = new Map<string, FieldCheck>();

  constructor(schema: ContextSchema) {
    this.required = schema.required ?? [];
    this.closed = schema.additionalProperties === false;
    for (const [field, prop] of Object.entries(schema.properties)) {
      this.fields.set(field, {
        validator: new Validator(withoutUniqueItems(prop) as unknown as JsonSchemaObject, "2020-12", true),
        unique: prop.uniqueItems === true,
        verdicts: new Map(),
        hits: 0,
        misses: 0,
      });
    }
  }

  isValid(record: IntakeRecord): boolean {
    for (const field of this.required) if (!Object.hasOwn(record, field)) return false;
    for (const key of Object.keys(record)) {
      const field = this.fields.get(key);
      if (!field) {
        if (this.closed) return false;
        continue;
      }
      if (!this.fieldValid(field, record[key] as JsonValue)) return false;
    }
    return true;
  }

  private fieldValid(field: FieldCheck, value: JsonValue): boolean {
    const cache = value === null || typeof value !== "object" ? field.verdicts : undefined;
    if (cache) {
      const known = cache.get(value);
      if (known !== undefined) {
        field.hits++;
        return known;
      }
      // Mostly-unique values (ids, emails) gain nothing from remembering: stop for that field.
      if (++field.misses > VERDICT_CACHE_LIMIT && field.hits < field.misses) field.verdicts = undefined;
      else if (cache.size >= VERDICT_CACHE_LIMIT) cache.clear();
    }
    const valid = field.validator.validate(value).valid && !(field.unique && duplicatesIn(value));
    field.verdicts?.set(value, valid);
    return valid;
  }
}

interface CompiledContext {
  quick: QuickCheck;
  /** The whole schema without `uniqueItems` (checked by `hasDuplicateItems`). */
  full: Validator;
  /** Fields with `uniqueItems`. */
  unique: string[];
  /** Each property's position, to place a uniqueItems issue where the validator would. */
  order: Map<string, number>;
}

const compiled = new WeakMap<ContextSchema, CompiledContext>();

function compile(schema: ContextSchema): CompiledContext {
  let c = compiled.get(schema);
  if (!c) {
    const properties = Object.fromEntries(
      Object.entries(schema.properties).map(([field, prop]) => [field, withoutUniqueItems(prop)]),
    );
    c = {
      quick: new QuickCheck(schema),
      full: new Validator({ ...schema, properties } as unknown as JsonSchemaObject, "2020-12", false),
      unique: Object.keys(schema.properties).filter(
        (field) => schema.properties[field]?.uniqueItems === true,
      ),
      order: new Map(Object.keys(schema.properties).map((field, i) => [field, i])),
    };
    compiled.set(schema, c);
  }
  return c;
}

/** The verdict of @cfworker/json-schema on the whole schema at once (the reference the quick check must equal). */
export function referenceVerdict(record: unknown, schema: ContextSchema): boolean {
  return new Validator(schema as unknown as JsonSchemaObject, "2020-12", true).validate(record as JsonValue)
    .valid;
}

/** Keywords that only wrap the errors of their subschemas. */
const WRAPPERS = new Set(["properties", "additionalProperties", "items", "prefixItems", "allOf", "$ref"]);

function decodeSegment(segment: string): string {
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
  const segments = unit.instanceLocation.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeSegment);
  const field = segments[0];
  if (field === undefined) return undefined; // record-level (required/type) handled by the caller
  const prop = Object.hasOwn(schema.properties, field) ? schema.properties[field] : undefined;
  const fieldValue = record[field];
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

export function encodeSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * All problems of one normalized record against its context schema, in field order; an empty
 * list when it is valid. Never throws for any JSON input.
 */
export function validateRecord(record: unknown, schema: ContextSchema, context: string): RecordIssue[] {
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
  const { quick, full, unique, order } = compile(schema);
  const rec = record as IntakeRecord;
  if (quick.isValid(rec)) return [];
  const issues: RecordIssue[] = [];
  for (const field of schema.required ?? []) {
    if (!Object.hasOwn(rec, field)) {
      issues.push({
        pointer: `/${encodeSegment(field)}`,
        field,
        keyword: "required",
        message: describeIssue("required", field, schema.properties[field], undefined, context),
      });
    }
  }
  const requiredCount = issues.length;
  const seen = new Set<string>();
  for (const unit of full.validate(rec).errors) {
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
      message: describeIssue("uniqueItems", field, schema.properties[field], value, context),
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
