// Messages written for admins: each names the field, the rule and an example of a right value,
// plus a one-click suggestion where a likely intended value exists.

import { booleanSpelling, enumOptionForBoolean } from "./fixes.ts";
import {
  FORMAT_HINTS,
  suggestDateTime,
  suggestDdmmyyyy,
  suggestDecimal,
  suggestEmail,
  toIsoUtc,
} from "./formats.ts";
import { longerThan, patternMatcher } from "./pattern-matcher.ts";
import type { JsonValue, PropertySchema } from "./types.ts";

/** "1 row", "2 rows", "1,204 records"; `many` for irregular plurals ("1 entry", "2 entries"). */
export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

const TYPE_HINTS: Readonly<Record<string, string>> = {
  string: "text",
  boolean: "true or false",
  integer: "a whole number",
  number: "a number",
  array: "a list of values (a;b;c in a CSV cell)",
};

/** Characters of a user's value quoted in a message or a report (SPEC §2: "at most ~200"). */
export const QUOTE_LIMIT = 200;

/**
 * At most `max` characters of `text`, then `…(1,000,000 characters)` with the full length when
 * it was longer; a surrogate pair is never split. Every message and report quotes user text
 * through this, so a 1 MB value costs a few hundred bytes wherever it is echoed.
 */
export function clipText(text: string, max = QUOTE_LIMIT): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const head = last >= 0xd800 && last <= 0xdbff ? text.slice(0, max - 1) : text.slice(0, max);
  return `${head}…(${text.length.toLocaleString("en-US")} characters)`;
}

/**
 * A value as `Issue.value` carries it: strings clipped by `clipText`; a list or object whose JSON
 * is longer than the limit becomes that JSON, clipped (a string); anything else unchanged.
 */
export function clipValue(value: JsonValue): JsonValue {
  if (typeof value === "string") return clipText(value);
  if (value === null || typeof value !== "object") return value;
  const json = JSON.stringify(value);
  return json.length <= QUOTE_LIMIT ? value : clipText(json);
}

/**
 * Longest suggestion a report offers. A suggestion is written into the data when accepted, so it
 * is never clipped; one longer than this (none of ours except from a huge value) is left out.
 * Any valid email address (64 + 1 + 253 characters) fits.
 */
export const SUGGESTION_LIMIT = 320;

/** Whether a suggestion is short enough to carry in a report. */
export function offerable(suggestion: JsonValue): boolean {
  return typeof suggestion !== "string" || suggestion.length <= SUGGESTION_LIMIT;
}

/** A value as a message quotes it: text as is, anything else as JSON; clipped by `clipText`. */
export function show(value: JsonValue | undefined): string {
  return clipText(typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
}

function exampleOf(prop: PropertySchema | undefined): string {
  const example = prop?.examples?.[0];
  if (example === undefined) return "";
  return `, e.g. ${Array.isArray(example) ? example.join(";") : show(example)}`;
}

/** What a property's type expects, in words. */
function typeHint(prop: PropertySchema | undefined): string {
  const type = prop?.type ?? "string";
  return Object.hasOwn(TYPE_HINTS, type) ? (TYPE_HINTS[type] as string) : "a valid value";
}

/** The words for a value that failed its field's `pattern`. */
function patternMessage(
  field: string,
  prop: PropertySchema | undefined,
  value: JsonValue | undefined,
): string {
  const pattern = prop?.pattern ?? "";
  const matcher = patternMatcher(pattern);
  if (matcher.engine === "none")
    return `${field} cannot be checked: its pattern ${show(pattern)} ${matcher.problem ?? "cannot be used"}; an admin must change the context`;
  if (typeof value === "string" && longerThan(value, matcher.maxChars))
    return `${field} is too long to check against its pattern ${show(pattern)}: at most ${matcher.maxChars.toLocaleString("en-US")} characters`;
  return `${field} must match the pattern ${show(pattern)}${exampleOf(prop)}; got "${show(value)}"`;
}

const characters = (n: number) => `${n.toLocaleString("en-US")} character${n === 1 ? "" : "s"}`;

/** What a property expects, in words. */
export function expectation(prop: PropertySchema | undefined): string {
  if (!prop) return "a known field";
  if (prop["x-intake-hint"]) return prop["x-intake-hint"];
  if (prop.format && Object.hasOwn(FORMAT_HINTS, prop.format)) return FORMAT_HINTS[prop.format] as string;
  return typeHint(prop);
}

/** A value that probably means the same and satisfies the rule, or undefined. */
export function suggestFix(
  value: JsonValue | undefined,
  prop: PropertySchema | undefined,
): JsonValue | undefined {
  if (!prop || value === undefined) return undefined;
  if (prop.enum && typeof value === "string") {
    const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
    const wanted = squash(value);
    return (
      prop.enum.find((option) => typeof option === "string" && squash(option) === wanted) ??
      enumOptionForBoolean(value, prop.enum)
    );
  }
  if (prop.type === "boolean" && typeof value === "string") return booleanSpelling(value);
  if (typeof value === "number" && prop.type === "string") return String(value);
  if (typeof value !== "string") return undefined;
  if (prop.type === "integer") {
    const digits = value.replace(/[,\s'\u00a0]/g, "");
    return /^[+-]?\d+$/.test(digits) && digits !== value ? Number(digits) : undefined;
  }
  switch (prop.format) {
    case "decimal":
      return suggestDecimal(value);
    case "ddmmyyyy":
      return suggestDdmmyyyy(value);
    case "date-time":
      return suggestDateTime(value);
    case "date": {
      const iso = toIsoUtc(value) ?? suggestDateTime(value);
      return iso ? iso.slice(0, 10) : undefined;
    }
    case "email":
      return suggestEmail(value);
    case "iso4217":
    case "iso3166-alpha2":
      return value.toUpperCase() !== value ? value.toUpperCase() : undefined;
    default:
      return undefined;
  }
}

/** The sentence for one failed keyword on one field. */
export function describeIssue(
  keyword: string,
  field: string,
  prop: PropertySchema | undefined,
  value: JsonValue | undefined,
  context: string,
): string {
  switch (keyword) {
    case "required":
      return `${field} is required but missing${exampleOf(prop)}`;
    case "unknown-field":
      return `"${clipText(field)}" is not a field of ${context}; map it to one of its fields or leave it out`;
    case "enum":
      return `${field} must be one of ${(prop?.enum ?? []).map((v) => show(v)).join(", ")}; got "${show(value)}"`;
    case "type":
      return `${field} must be ${typeHint(prop)}${exampleOf(prop)}; got ${
        typeof value === "string" ? `"${show(value)}"` : show(value)
      }`;
    case "items":
      return `${field} must be a list of text values${exampleOf(prop)}`;
    case "uniqueItems":
      return `${field} must not list the same value twice; got ${show(value)}`;
    case "minimum":
      return `${field} must be ${prop?.minimum ?? 0} or more${exampleOf(prop)}; got ${show(value)}`;
    case "maximum":
      return `${field} must be ${prop?.maximum ?? 0} or less${exampleOf(prop)}; got ${show(value)}`;
    case "minLength":
      return `${field} must be at least ${characters(prop?.minLength ?? 0)} long${exampleOf(prop)}; got "${show(value)}"`;
    case "maxLength":
      return `${field} must be at most ${characters(prop?.maxLength ?? 0)} long`;
    case "pattern":
      return patternMessage(field, prop, value);
    default:
      return `${field} must be ${expectation(prop)}${exampleOf(prop)}; got "${show(value)}"`;
  }
}
