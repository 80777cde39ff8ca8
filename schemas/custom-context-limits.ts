// What a tenant's own context may hold: the sizes of a definition, the names it may take, its
// field types and formats. The meta-schema's bounds, stated once for the Worker and the console.
import { CUSTOM_FORMATS } from "./formats.ts";
import { MAX_PATTERN_LENGTH } from "./pattern-audit.ts";

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

export const CUSTOM_FIELD_TYPES = ["string", "number", "integer", "boolean", "array"] as const;
export const CUSTOM_FORMAT_NAMES: readonly string[] = Object.freeze([
  "email",
  "date",
  "date-time",
  "uri",
  ...Object.keys(CUSTOM_FORMATS),
]);
