// The schema core's public surface: catalog, normalization, validation, dataset checks,
// CSV and JSON reading, limits, templates and effective access. No platform imports.

export { canonicalValue } from "./canonical.ts";
export * from "./catalog.ts";
export * from "./csv.ts";
export * from "./csv-scanner.ts";
export * from "./custom-context.ts";
export * from "./custom-context-limits.ts";
export * from "./dataset.ts";
export {
  connectionTargetIssue,
  DatasetChecks,
  duplicateKeyIssue,
  keyValues,
  type RecordPlace,
  recordKey,
} from "./dataset-checks.ts";
export type { DefinitionProblem } from "./definition-problems.ts";
export * from "./effective-access.ts";
export { BOOLEAN_SPELLINGS, booleanSpelling, enumOptionForBoolean } from "./fixes.ts";
export { CUSTOM_FORMATS, isDdmmyyyy, toIsoUtc } from "./formats.ts";
export { isObject } from "./guards.ts";
export * from "./json-records.ts";
export { keyHash } from "./key-index.ts";
export * from "./limits.ts";
export { splitLines, toLf } from "./lines.ts";
export { clipText, clipValue, expectation, plural, suggestFix } from "./messages.ts";
export { normalizeRecord, normalizeText } from "./normalize.ts";
export { MAX_PATTERN_LENGTH, patternProblem } from "./pattern-audit.ts";
export { contextSchemaProblem, forgetSchemas, registerSchema, resolveSchema } from "./registry.ts";
export * from "./replacement.ts";
export { DEFAULT_ISSUE_CAP, ReportBuilder } from "./report.ts";
export * from "./schemaver.ts";
export * from "./templates.ts";
export type * from "./types.ts";
export { type RecordIssue, validateRecord } from "./validate.ts";
