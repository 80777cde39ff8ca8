// One field of a custom context (`properties/<name>` of its schema) against the meta-schema: its
// type and the keywords that type allows, each bounded (enum sizes, lengths, a linear-time
// pattern), completed as the built-ins write theirs (a custom format's pattern written out).
import { CONTEXT_NAMES, getSchema } from "./catalog.ts";
import { CUSTOM_CONTEXT_LIMITS, CUSTOM_FIELD_TYPES, CUSTOM_FORMAT_NAMES } from "./custom-context-limits.ts";
import {
  type Problems,
  pointerSegment,
  REFERENCES,
  referenceMessage,
  shown,
  stringList,
  text,
  unknownKeyword,
} from "./definition-problems.ts";
import { CUSTOM_FORMATS } from "./formats.ts";
import { isObject } from "./guards.ts";
import { plural } from "./messages.ts";
import { patternProblem } from "./pattern-audit.ts";
import type { JsonValue, PropertySchema } from "./types.ts";

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
/** The pattern a built-in writes for a custom format, so stock validators reach the same verdict. */
const FORMAT_PATTERNS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const name of CONTEXT_NAMES)
    for (const prop of Object.values(getSchema(name)?.properties ?? {}))
      if (prop.format && prop.pattern && Object.hasOwn(CUSTOM_FORMATS, prop.format) && !map.has(prop.format))
        map.set(prop.format, prop.pattern);
  return map;
})();

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

/** Field `field`'s definition as a property schema, or undefined (with its problems added) when it has any. */
export function checkField(
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
