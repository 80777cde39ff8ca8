// A file on disk through the extension's pipeline, as the popup takes it: streamed read (CSV in
// any delimiter and encoding, JSON, NDJSON, Excel), the mapping (auto suggestions, a mapping file
// over them), then the core's validation of every row into the pipeline's dataset. The outcome
// carries the one report shape (schemas/report.ts), capped as the Worker caps it.
import { openAsBlob } from "node:fs";
import { basename } from "node:path";
import type { ColumnSuggestion, Mapping } from "../extension/mapping.ts";
import type { Dataset } from "../extension/pipeline/dataset.ts";
import type { SourceEncoding } from "../extension/pipeline/parse/decode.ts";
import { Pipeline } from "../extension/pipeline/pipeline.ts";
import {
  type ContextSchema,
  type Issue,
  type RecordLimits,
  ReportBuilder,
  resolveSchema,
  type ValidationReport,
} from "../schemas/index.ts";
import { effectiveMapping, type MappingFile, unmappedMessage, unmappedRequired } from "./mapping-file.ts";
import type { ProgressUpdate } from "./progress.ts";

export interface CheckRequest {
  path: string;
  context: string;
  mappingFile?: MappingFile;
  sheet?: string;
  encoding?: SourceEncoding;
  delimiter?: string;
  /** The Worker's announced limits (field length, nesting depth); the core's defaults otherwise. */
  limits?: Partial<RecordLimits>;
  /** Errors and warnings listed in the report (counts stay exact). */
  cap?: number;
  onProgress?: (progress: ProgressUpdate) => void;
}

interface Read {
  report: ValidationReport;
  /** The mapping step's suggestion per column (the ones not `auto` are only hints). */
  suggestions: ColumnSuggestion[];
  /** The file's column names (unique; "Column 3" for a blank header). */
  columns: string[];
}

export type CheckOutcome =
  | (Read & { status: "unreadable"; message: string })
  | (Read & { status: "unmapped"; message: string; missing: string[]; mapping: Mapping })
  | (Read & {
      status: "checked";
      schema: ContextSchema;
      mapping: Mapping;
      /** Mapping-file entries that did not apply. */
      notes: string[];
      /** Problems of the file itself (its header, its text), row 0. */
      fileIssues: Issue[];
      /** The validated rows: their issues, and their normalized records to upload. */
      dataset: Dataset;
    });

/** A report of problems that stop the file before its rows are read (row 0, the file). */
function fileReport(recordCount: number, issues: Issue[]): ValidationReport {
  const builder = new ReportBuilder();
  builder.recordCount = recordCount;
  for (const issue of issues) builder.addError(issue);
  return builder.build();
}

const fileIssue = (keyword: string, message: string, field = "", line?: number): Issue => ({
  row: 0,
  ...(line === undefined ? {} : { line }),
  pointer: field ? `/${field}` : "",
  field,
  keyword,
  message,
});

/**
 * The pipeline keeps its dataset to itself (the page must only see views of it). The CLI runs
 * where the pipeline runs and needs its issues and records whole, so it reads the field.
 */
function datasetOf(pipeline: Pipeline): Dataset {
  const dataset = (pipeline as unknown as { dataset: Dataset | undefined }).dataset;
  if (!dataset) throw new Error("The file has not been validated");
  return dataset;
}

export async function checkFile(request: CheckRequest): Promise<CheckOutcome> {
  const schema = resolveSchema(request.context);
  if (!schema) throw new RangeError(`Unknown context "${request.context}"`);
  const fileName = basename(request.path);
  const blob = await openAsBlob(request.path);
  const pipeline = new Pipeline();
  const onProgress = request.onProgress ?? (() => {});
  const inspection = await pipeline.inspect(
    blob,
    {
      fileName,
      ...(request.encoding ? { encoding: request.encoding } : {}),
      ...(request.delimiter ? { delimiter: request.delimiter } : {}),
      ...(request.sheet ? { sheet: request.sheet } : {}),
      ...(request.limits ? { limits: request.limits } : {}),
    },
    (p) => {
      if (p.phase === "read") onProgress({ phase: "reading", done: p.done, total: p.total, unit: "bytes" });
    },
  );
  if (inspection.status === "needs-encoding") {
    const message = `The file is not UTF-8 (line ${inspection.line}); if it is a Windows export, pass --encoding windows-1252`;
    return {
      status: "unreadable",
      message,
      columns: [],
      suggestions: [],
      report: fileReport(0, [fileIssue("encoding", message, "", inspection.line)]),
    };
  }
  if (inspection.status === "error")
    return {
      status: "unreadable",
      message: inspection.message,
      columns: [],
      suggestions: [],
      report: fileReport(0, [fileIssue("json", inspection.message)]),
    };
  const columns = inspection.columns;
  const suggestions = pipeline.suggest(request.context);
  const { mapping, notes } = effectiveMapping(
    columns,
    inspection.headers,
    suggestions,
    schema,
    request.mappingFile,
  );
  const missing = unmappedRequired(mapping, schema);
  if (missing.length > 0)
    return {
      status: "unmapped",
      message: unmappedMessage(missing, columns, suggestions),
      missing,
      mapping,
      columns,
      suggestions,
      report: fileReport(
        inspection.rowCount,
        missing.map((field) =>
          fileIssue("required", `No column is mapped to ${field}, a required field`, field),
        ),
      ),
    };
  pipeline.validate(request.context, mapping, (p) =>
    onProgress({ phase: "validating", done: p.done, total: p.total, unit: "rows" }),
  );
  const dataset = datasetOf(pipeline);
  const fileIssues = inspection.issues
    .filter((i) => i.row === undefined)
    .map((i) => fileIssue(i.keyword, i.message, "", i.line));
  const builder = new ReportBuilder(request.cap);
  builder.recordCount = dataset.count;
  for (const issue of fileIssues) builder.addError(issue);
  for (const issue of dataset.errors()) builder.addError(issue);
  for (const issue of dataset.warnings()) builder.addWarning(issue);
  return {
    status: "checked",
    schema,
    mapping,
    notes,
    columns,
    suggestions,
    fileIssues,
    dataset,
    report: builder.build(),
  };
}
