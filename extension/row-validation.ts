// Validation of mapped rows with the schema core, kept per row so that an edited row can be
// revalidated alone: checkRecord for the record's own rules, DatasetChecks for keys and
// cross-field rules — the two halves DatasetValidator.add() composes.
import {
  type ContextSchema,
  checkRecord,
  DatasetChecks,
  getSchema,
  type Issue,
  type JsonValue,
  type RecordLimits,
  recordKey,
} from "../schemas/index.ts";

/** One data row of the file, as the fixing UI and the upload see it. */
export interface RowState {
  /** 1-based record index (the core's `row`). */
  row: number;
  line?: number;
  /** The mapped values before normalization (what the admin edits). */
  raw: JsonValue;
  excluded: boolean;
  /** Errors from the record's own rules (checkRecord). */
  recordIssues: Issue[];
  /** Errors and warnings from dataset checks (duplicate keys, cross-field rules). */
  datasetErrors: Issue[];
  datasetWarnings: Issue[];
  /** Problems from reading the file (ragged row), until the admin resolves them. */
  sourceIssues: Issue[];
  /** The record key as the core computes it, when every key field is present. */
  key?: string;
}

export function requireSchema(context: string): ContextSchema {
  const schema = getSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  return schema;
}

/** Re-runs the record's own rules (field length first, with `limits`); returns its normalized record. */
export function checkRow(
  state: RowState,
  context: string,
  schema: ContextSchema,
  limits?: Partial<RecordLimits>,
) {
  const outcome = checkRecord(state.raw, context, state.row, state.line, limits);
  state.recordIssues = outcome.errors;
  const isObject = state.raw !== null && typeof state.raw === "object" && !Array.isArray(state.raw);
  state.key = isObject ? recordKey(outcome.record, schema) : undefined;
  return outcome.record;
}

/**
 * Validates rows in order as one dataset (excluded rows are skipped); returns the dataset-wide
 * warnings found at the end.
 */
export function validateRows(
  context: string,
  rows: Iterable<RowState>,
  onRow?: (state: RowState) => void,
  limits?: Partial<RecordLimits>,
): Issue[] {
  const schema = requireSchema(context);
  const checks = new DatasetChecks(schema);
  for (const state of rows) {
    if (state.excluded) {
      state.datasetErrors = [];
      state.datasetWarnings = [];
      onRow?.(state);
      continue;
    }
    const record = checkRow(state, context, schema, limits);
    const isObject = state.raw !== null && typeof state.raw === "object" && !Array.isArray(state.raw);
    const dataset = isObject ? checks.check(record, state.row, state.line) : { errors: [], warnings: [] };
    state.datasetErrors = dataset.errors;
    state.datasetWarnings = dataset.warnings;
    onRow?.(state);
  }
  return checks.finish().warnings;
}

/** Re-runs dataset checks over a few rows (e.g. those sharing a key), in row order. */
export function recheckGroup(
  context: string,
  schema: ContextSchema,
  group: readonly RowState[],
  limits?: Partial<RecordLimits>,
): void {
  const checks = new DatasetChecks(schema);
  for (const state of [...group].sort((a, b) => a.row - b.row)) {
    if (state.excluded) continue;
    const record = checkRecord(state.raw, context, state.row, state.line, limits).record;
    const dataset = checks.check(record, state.row, state.line);
    state.datasetErrors = dataset.errors;
    state.datasetWarnings = dataset.warnings;
  }
}

export const rowErrors = (state: RowState): Issue[] =>
  state.excluded ? [] : [...state.sourceIssues, ...state.recordIssues, ...state.datasetErrors];
