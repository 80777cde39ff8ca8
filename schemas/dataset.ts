// Validation of a whole dataset, record by record (streaming): normalize, validate, dataset
// checks, one report. The same entry point serves the Worker and the extension.
import { DatasetChecks } from "./dataset-checks.ts";
import { isObject } from "./guards.ts";
import { fieldTooLongMessage, isOverLong, type RecordLimits, recordLimits } from "./limits.ts";
import { clipValue } from "./messages.ts";
import { normalizeRecord, normalizeWithin, setOwn, takeWalkVerdict } from "./normalize.ts";
import { requireSchema } from "./registry.ts";
import { DEFAULT_ISSUE_CAP, ReportBuilder } from "./report.ts";
import type { ContextSchema, IntakeRecord, Issue, JsonValue, ValidationReport } from "./types.ts";
import { encodeSegment, type RecordIssue, validateRecord, verdictOf } from "./validate.ts";

export interface DatasetValidatorOptions {
  /** How many errors and how many warnings the report lists (counts stay exact). */
  maxIssues?: number;
  /** The Worker's limits (its announced ones, in the extension); DEFAULT_LIMITS otherwise. */
  limits?: Partial<RecordLimits>;
  /** The row of the first record added (a sync batch's place in its file); 1 by default. */
  firstRow?: number;
  /** How many records will be added, when known: room is made for their keys at once. */
  expectedRecords?: number;
  /** The schema to validate with (the Worker's: a tenant's custom context); else the context's resolved one. */
  schema?: ContextSchema;
}

export interface RecordOutcome {
  /** The normalized record (an empty object when the input was not an object). */
  record: IntakeRecord;
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
}

function placeAll(issues: RecordIssue[], row: number, line: number | undefined): Issue[] {
  const placed: Issue[] = [];
  for (const issue of issues) placed.push(line === undefined ? { row, ...issue } : { row, line, ...issue });
  return placed;
}

/**
 * The fields of a record whose text is longer than the limit, each as one `maxLength` issue
 * (undefined when there are none). Runs before any other work on the values, so an over-long
 * value costs its length once: the caller leaves these fields out of normalization and validation.
 */
function overLongFields(raw: Readonly<Record<string, unknown>>, max: number): RecordIssue[] | undefined {
  let issues: RecordIssue[] | undefined;
  for (const field in raw) {
    if (!Object.hasOwn(raw, field)) continue;
    const value = raw[field];
    if (!isOverLong(value, max)) continue;
    issues ??= [];
    issues.push({
      pointer: `/${encodeSegment(field)}`,
      field,
      keyword: "maxLength",
      message: fieldTooLongMessage(field, max),
      value: clipValue(value as JsonValue),
    });
  }
  return issues;
}

/**
 * Normalizes and validates one record on its own (no dataset checks): for revalidating an edited
 * row. A field longer than the field-length limit gets one `maxLength` error and no other check.
 */
export function checkRecord(
  raw: unknown,
  context: string,
  row = 1,
  line?: number,
  limits?: Partial<RecordLimits>,
): RecordOutcome {
  return checkAgainst(raw, requireSchema(context), context, row, line, recordLimits(limits).maxFieldLength);
}

function checkAgainst(
  raw: unknown,
  schema: ContextSchema,
  context: string,
  row: number,
  line: number | undefined,
  maxFieldLength: number,
): RecordOutcome {
  if (!isObject(raw)) {
    const errors = placeAll(validateRecord(raw, schema, context), row, line);
    return { record: {}, valid: false, errors, warnings: [] };
  }
  // The usual case: no over-long field, found in normalization's own pass over the fields.
  const quick = normalizeWithin(raw, schema, maxFieldLength, true);
  if (quick !== undefined) {
    // A record the walk found valid has no issues (validateRecord would answer an empty list).
    const verdict = takeWalkVerdict();
    const issues = verdict === true ? [] : validateRecord(quick, schema, context, verdict === false);
    const errors = issues.length === 0 ? [] : placeAll(issues, row, line);
    return { record: quick, valid: errors.length === 0, errors, warnings: [] };
  }
  const long = overLongFields(raw, maxFieldLength);
  let input: Readonly<Record<string, unknown>> = raw;
  let cut: Set<string> | undefined;
  if (long) {
    cut = new Set(long.map((issue) => issue.field));
    const rest: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) if (!cut.has(key)) setOwn(rest, key, raw[key]);
    input = rest;
  }
  const record = normalizeRecord(input, schema);
  let issues = validateRecord(record, schema, context);
  // A required field that was cut is not "missing": it already has its error.
  if (long && cut) issues = [...long, ...issues.filter((issue) => !cut.has(issue.field))];
  const errors = issues.length === 0 ? [] : placeAll(issues, row, line);
  return { record, valid: errors.length === 0, errors, warnings: [] };
}

export class DatasetValidator {
  readonly context: string;
  private readonly schema: ContextSchema;
  private readonly checks: DatasetChecks;
  private readonly report: ReportBuilder;
  private readonly limits: RecordLimits;
  private readonly rowOffset: number;
  private finished: ValidationReport | undefined;
  private readonly isValid: (record: IntakeRecord) => boolean;
  /** The dataset checks' findings on the current record (emptied after each). */
  private readonly checkErrors: Issue[] = [];
  private readonly checkWarnings: Issue[] = [];

  constructor(context: string, options: DatasetValidatorOptions = {}) {
    this.context = context;
    this.schema = options.schema ?? requireSchema(context);
    this.checks = new DatasetChecks(this.schema, options.expectedRecords ?? 0);
    this.report = new ReportBuilder(options.maxIssues ?? DEFAULT_ISSUE_CAP);
    this.limits = recordLimits(options.limits);
    this.rowOffset = (options.firstRow ?? 1) - 1;
    this.isValid = verdictOf(this.schema);
  }

  /**
   * As `add`, answering only the normalized record: the same report, without an outcome object
   * or issue lists per record (for callers that read the issues from the report).
   */
  addRecord(raw: unknown, line?: number): IntakeRecord {
    if (this.finished) throw new Error("DatasetValidator.addRecord() after finish()");
    if (!isObject(raw)) return this.addOne(raw, line, true).record;
    const record = normalizeWithin(raw, this.schema, this.limits.maxFieldLength, true);
    if (record === undefined) return this.addOne(raw, line, true).record;
    const row = ++this.report.recordCount + this.rowOffset;
    const report = this.report;
    if (!(takeWalkVerdict() ?? this.isValid(record))) {
      for (const issue of validateRecord(record, this.schema, this.context, true))
        report.addError(line === undefined ? { row, ...issue } : { row, line, ...issue });
    }
    const errors = this.checkErrors;
    const warnings = this.checkWarnings;
    // Whether the key repeats an earlier one is found at finish, for all records at once.
    this.checks.checkIntoLater(record, row, line, report.errorsAdded, errors, warnings);
    if (errors.length > 0) {
      for (const issue of errors) report.addError(issue);
      errors.length = 0;
    }
    if (warnings.length > 0) {
      for (const issue of warnings) report.addWarning(issue);
      warnings.length = 0;
    }
    return record;
  }

  /** Adds the next record (row = firstRow + records added before it); `line` is its source line when known. */
  add(raw: unknown, line?: number): RecordOutcome {
    if (this.finished) throw new Error("DatasetValidator.add() after finish()");
    return this.addOne(raw, line, false);
  }

  /** `add`; with `later`, the record's duplicate key (if any) is reported at finish, not in the outcome. */
  private addOne(raw: unknown, line: number | undefined, later: boolean): RecordOutcome {
    const row = ++this.report.recordCount + this.rowOffset;
    const outcome = checkAgainst(raw, this.schema, this.context, row, line, this.limits.maxFieldLength);
    if (isObject(raw)) {
      if (later) {
        const before = this.report.errorsAdded + outcome.errors.length;
        this.checks.checkIntoLater(outcome.record, row, line, before, outcome.errors, outcome.warnings);
      } else this.checks.checkInto(outcome.record, row, line, outcome.errors, outcome.warnings);
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
      this.report.insertErrors(this.checks.takeLater());
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
  const validator = new DatasetValidator(context, { expectedRecords: records.length, ...options });
  const out: IntakeRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = validator.addRecord(records[i]);
  return { report: validator.finish(), records: out };
}
