// Validation of a whole dataset, record by record (streaming): normalize, validate, dataset
// checks, one report. The same entry point serves the Worker and the extension.
import { getSchema } from "./catalog.ts";
import { DatasetChecks } from "./dataset-checks.ts";
import { normalizeRecord } from "./normalize.ts";
import { DEFAULT_ISSUE_CAP, ReportBuilder } from "./report.ts";
import type { ContextSchema, IntakeRecord, Issue, ValidationReport } from "./types.ts";
import { type RecordIssue, validateRecord } from "./validate.ts";

export interface DatasetValidatorOptions {
  /** How many errors and how many warnings the report lists (counts stay exact). */
  maxIssues?: number;
}

export interface RecordOutcome {
  /** The normalized record (an empty object when the input was not an object). */
  record: IntakeRecord;
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function placeAll(issues: RecordIssue[], row: number, line: number | undefined): Issue[] {
  return issues.map((issue) => (line === undefined ? { row, ...issue } : { row, line, ...issue }));
}

/** Normalizes and validates one record on its own (no dataset checks): for revalidating an edited row. */
export function checkRecord(raw: unknown, context: string, row = 1, line?: number): RecordOutcome {
  const schema = requireSchema(context);
  const record = isPlainObject(raw) ? normalizeRecord(raw, schema) : {};
  const errors = placeAll(validateRecord(isPlainObject(raw) ? record : raw, schema, context), row, line);
  return { record, valid: errors.length === 0, errors, warnings: [] };
}

function requireSchema(context: string): ContextSchema {
  const schema = getSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  return schema;
}

export class DatasetValidator {
  readonly context: string;
  private readonly schema: ContextSchema;
  private readonly checks: DatasetChecks;
  private readonly report: ReportBuilder;
  private finished: ValidationReport | undefined;

  constructor(context: string, options: DatasetValidatorOptions = {}) {
    this.context = context;
    this.schema = requireSchema(context);
    this.checks = new DatasetChecks(this.schema);
    this.report = new ReportBuilder(options.maxIssues ?? DEFAULT_ISSUE_CAP);
  }

  /** Adds the next record (row = records added so far + 1); `line` is its source line when known. */
  add(raw: unknown, line?: number): RecordOutcome {
    if (this.finished) throw new Error("DatasetValidator.add() after finish()");
    const row = ++this.report.recordCount;
    const outcome = checkRecord(raw, this.context, row, line);
    if (isPlainObject(raw)) {
      const dataset = this.checks.check(outcome.record, row, line);
      outcome.errors.push(...dataset.errors);
      outcome.warnings.push(...dataset.warnings);
      outcome.valid = outcome.errors.length === 0;
    }
    for (const issue of outcome.errors) this.report.addError(issue);
    for (const issue of outcome.warnings) this.report.addWarning(issue);
    return outcome;
  }

  /** Records an issue found outside the records themselves (e.g. a ragged CSV row). */
  addIssue(issue: Issue, severity: "error" | "warning" = "error"): void {
    if (severity === "error") this.report.addError(issue);
    else this.report.addWarning(issue);
  }

  get recordCount(): number {
    return this.report.recordCount;
  }

  finish(): ValidationReport {
    if (!this.finished) {
      const dataset = this.checks.finish();
      for (const issue of dataset.errors) this.report.addError(issue);
      for (const issue of dataset.warnings) this.report.addWarning(issue);
      this.finished = this.report.build();
    }
    return this.finished;
  }
}

/** Validates a whole in-memory dataset; returns the report and the normalized records. */
export function validateDataset(
  context: string,
  records: readonly unknown[],
  options: DatasetValidatorOptions = {},
): { report: ValidationReport; records: IntakeRecord[] } {
  const validator = new DatasetValidator(context, options);
  const out: IntakeRecord[] = [];
  for (const raw of records) out.push(validator.add(raw).record);
  return { report: validator.finish(), records: out };
}
