// Normalizes and validates a batch with the shared core, and prepares its rows for storage.
import {
  type ContextSchema,
  DatasetValidator,
  getSchema,
  type Issue,
  recordKey,
  type ValidationReport,
} from "../../schemas/index.ts";
import { encodeBody, type FieldList } from "../db/bodies.ts";
import type { StoredRow } from "../db/datasets.ts";
import type { Limits } from "../http/limits.ts";

/** Records as a request body held them, before any normalization. */
export interface RecordsBody {
  records: unknown[];
  /** Source line per record when the body has lines (NDJSON, CSV). */
  lines?: number[];
  /** Problems of the file itself (CSV header, ragged rows, quotes). */
  issues: Issue[];
}

export interface ValidatedBatch {
  report: ValidationReport;
  rows: StoredRow[];
}

/**
 * `datasetWarnings: false` leaves out findings that need the whole dataset (a sync's batches
 * are checked together at commit). `schema` is the context's (`schemaFor`; a built-in's by
 * default). `firstRow` is the file row of the body's first record (a sync batch's place in its
 * file), so that reports name rows of the file; 1 by default. `fields`: the dataset's field list,
 * which the rows' bodies are written under (bodies.ts).
 */
export function validateBatch(
  context: string,
  body: RecordsBody,
  limits: Limits,
  options: { datasetWarnings: boolean; firstRow?: number; schema?: ContextSchema; fields: FieldList },
): ValidatedBatch {
  const schema = options.schema ?? getSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  // Field length is a record rule of the core, checked before any other work on a value.
  const firstRow = options.firstRow ?? 1;
  const validator = new DatasetValidator(context, { limits, firstRow, schema });
  // Problems of the file itself: row 0 is the header, any other row moves with the batch.
  for (const issue of body.issues)
    validator.addIssue(issue.row > 0 ? { ...issue, row: issue.row + firstRow - 1 } : issue);
  const rows: StoredRow[] = [];
  body.records.forEach((raw, i) => {
    const record = validator.addRecord(raw, body.lines?.[i]);
    rows.push({
      key: recordKey(record, schema) ?? "",
      data: encodeBody(record, options.fields),
    });
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
