// The problems of a custom context definition, in the words the Worker answers with: one per
// mistake, each at a JSON Pointer into the request body, at most 100. The checks both halves of the
// meta-schema share (texts, lists of texts, refused references) and how a value is quoted.
import { clipText, plural } from "./messages.ts";

/** One problem of a definition: where (a JSON Pointer into the request body) and what. */
export interface DefinitionProblem {
  pointer: string;
  message: string;
}

export const REFERENCES = new Set(["$ref", "$dynamicRef", "$recursiveRef"]);
const DEFINITIONS = new Set(["$defs", "definitions", "$anchor", "$dynamicAnchor"]);

/** A value for a message, without ever serializing something large or deep. */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(clipText(value, 60));
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? `a list of ${value.length.toLocaleString("en-US")}` : "an object";
}

export const pointerSegment = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export function referenceMessage(keyword: string, value: unknown): string {
  if (keyword === "$ref" && typeof value === "string" && /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(value))
    return `remote $ref ${shown(value)} is not allowed: the Worker never fetches other documents; write the field out in "properties"`;
  return `${keyword} is not supported: a custom context schema is self-contained; write the field out in "properties"`;
}

export function unknownKeyword(keyword: string, allowed: readonly string[], where: string): string {
  if (REFERENCES.has(keyword) || DEFINITIONS.has(keyword))
    return `${keyword} is not supported: a custom context schema is self-contained; write the field out in "properties"`;
  return `unknown keyword ${shown(keyword)} ${where}; allowed: ${allowed.join(", ")}`;
}

export class Problems {
  readonly list: DefinitionProblem[] = [];
  add(pointer: string, message: string): void {
    if (this.list.length < 100) this.list.push({ pointer, message });
  }
}

export function text(
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

export function stringList(
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
