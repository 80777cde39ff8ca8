// Normalizes and validates a batch with the shared core, and prepares its rows for storage.
import {
  DatasetValidator,
  getSchema,
  type Issue,
  recordKey,
  type ValidationReport,
} from "../../schemas/index.ts";
import type { Limits } from "./limits.ts";
import type { RecordsBody } from "./records-body.ts";

export interface StoredRow {
  key: string;
  data: string;
}

export interface ValidatedBatch {
  report: ValidationReport;
  rows: StoredRow[];
}

function longField(record: Record<string, unknown>, max: number): string | undefined {
  for (const [field, value] of Object.entries(record)) {
    if (typeof value === "string" && value.length > max) return field;
    if (Array.isArray(value) && value.some((item) => typeof item === "string" && item.length > max))
      return field;
  }
  return undefined;
}

/**
 * `datasetWarnings: false` leaves out findings that need the whole dataset (a sync's batches
 * are checked together at commit).
 */
export function validateBatch(
  context: string,
  body: RecordsBody,
  limits: Limits,
  options: { datasetWarnings: boolean },
): ValidatedBatch {
  const schema = getSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  const validator = new DatasetValidator(context);
  for (const issue of body.issues) validator.addIssue(issue);
  const rows: StoredRow[] = [];
  body.records.forEach((raw, i) => {
    const line = body.lines?.[i];
    const { record } = validator.add(raw, line);
    const field = longField(record, limits.maxFieldLength);
    if (field) {
      const issue: Issue = {
        row: i + 1,
        pointer: `/${field}`,
        field,
        keyword: "maxLength",
        message: `${field} is longer than ${limits.maxFieldLength} characters`,
      };
      if (line !== undefined) issue.line = line;
      validator.addIssue(issue);
    }
    rows.push({ key: recordKey(record, schema) ?? "", data: JSON.stringify(record) });
  });
  let report = validator.finish();
  if (!options.datasetWarnings) {
    const warnings = report.warnings.filter((w) => w.keyword !== "connection-target-known");
    report = {
      ...report,
      warnings,
      warningCount: report.warningCount - (report.warnings.length - warnings.length),
    };
  }
  return { report, rows };
}
