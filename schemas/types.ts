// Shared types of the schema core: context schemas, records and the one validation report shape.

/** A JSON value as it arrives from a file or a request body. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A record after normalization: field name -> typed value. */
export type IntakeRecord = Record<string, JsonValue>;

export type Severity = "error" | "warning";

/** A cross-field or dataset rule written in a schema's `x-intake-rules`. */
export type DatasetRule =
  | { rule: "order"; from: string; to: string; severity: Severity }
  | { rule: "any-present"; fields: string[]; when?: Record<string, string>; severity: Severity }
  | { rule: "connection-target-known"; severity: Severity };

/** How a default depends on another field (access_relations permissionName). */
export interface DefaultBy {
  field: string;
  cases: Record<string, JsonValue>;
  otherwise: JsonValue;
}

export interface PropertySchema {
  type?: "string" | "boolean" | "integer" | "number" | "array";
  description?: string;
  examples?: JsonValue[];
  enum?: JsonValue[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: JsonValue;
  items?: { type?: string };
  uniqueItems?: boolean;
  "x-intake-aliases"?: string[];
  /** Weaker header synonyms: they only suggest the field, and auto-map only when the values agree. */
  "x-intake-synonyms"?: string[];
  "x-intake-hint"?: string;
  "x-intake-default-by"?: DefaultBy;
}

export interface ContextSchema {
  $schema: string;
  $id: string;
  title: string;
  description: string;
  type: "object";
  required?: string[];
  additionalProperties?: boolean;
  properties: Record<string, PropertySchema>;
  examples: IntakeRecord[];
  "x-intake-category": string;
  "x-intake-key": string[];
  "x-intake-key-case-insensitive"?: boolean;
  "x-intake-csv-quote-all"?: boolean;
  "x-intake-rules"?: DatasetRule[];
}

/** One problem found in a record or a dataset. `row` is the 1-based record index. */
export interface Issue {
  row: number;
  line?: number;
  pointer: string;
  field: string;
  keyword: string;
  /** Quotes user text through `clipText` (schemas/messages.ts): at most ~200 characters of it. */
  message: string;
  /**
   * The offending value for display, clipped by `clipValue`: a string longer than 200 characters
   * becomes its first 200 and `…(1,000,000 characters)`; a list or object whose JSON is longer
   * becomes that JSON, clipped. Never write it back into the data.
   */
  value?: JsonValue;
  /**
   * A value the user may accept with one click; never applied silently. Never clipped (accepting
   * it writes it into the data): left out when longer than `SUGGESTION_LIMIT` (320) characters.
   */
  suggestion?: JsonValue;
  /** For duplicates: the row this one repeats. */
  relatedRow?: number;
}

/** The one validation report shape (SPEC §1). Lists are capped; counts are exact. */
export interface ValidationReport {
  valid: boolean;
  recordCount: number;
  errorCount: number;
  warningCount: number;
  errors: Issue[];
  warnings: Issue[];
  /** True when `errors` or `warnings` hold fewer items than their counts. */
  truncated: boolean;
}

export interface Capability {
  id: string;
  title: string;
  description: string;
  contexts: string[];
}
