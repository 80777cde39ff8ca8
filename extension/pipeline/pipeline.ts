// The file pipeline run off the main thread: decode -> parse -> (admin maps columns) -> map ->
// normalize -> validate, streaming rows back in chunks with progress.
import {
  type CsvCells,
  type Issue,
  type JsonValue,
  type RecordLimits,
  readCsvCells,
  readJsonRecords,
  recordLimits,
  type SourceRow,
} from "../../schemas/index.ts";
import { applyMapping, type Mapping } from "../mapping.ts";
import { decodeBytes, type SourceEncoding } from "../parse/decode.ts";
import {
  buildCsvTable,
  buildJsonTable,
  detectKind,
  type SourceIssue,
  type SourceTable,
} from "../parse/source-table.ts";
import { type RowState, requireSchema, validateRows } from "../row-validation.ts";

export interface InspectOptions {
  fileName: string;
  encoding?: SourceEncoding;
  delimiter?: string;
  /** Index of the header among the parsed CSV rows (overrides detection). */
  headerRow?: number;
  /** The Worker's announced limits (field length, nesting depth); the core's defaults otherwise. */
  limits?: Partial<RecordLimits>;
}

export type Inspection =
  | { status: "needs-encoding"; line: number; preview: { line: number; text: string }[] }
  | { status: "error"; message: string }
  | {
      status: "ready";
      kind: "csv" | "json";
      encoding: SourceEncoding;
      delimiter?: string;
      jsonShape?: string;
      headerRow?: number;
      headerCandidates?: SourceRow[];
      headers: string[];
      columns: string[];
      rowCount: number;
      /** Per column: the first few non-empty values, and up to 50 distinct values. */
      samples: string[][];
      distinct: string[][];
      issues: SourceIssue[];
    };

export interface ValidationDone {
  recordCount: number;
  /** Dataset-wide warnings known only at the end. */
  warnings: Issue[];
}

export type Progress = { phase: "read" | "parse" | "validate"; done: number; total: number };

const SAMPLES = 3;
const DISTINCT = 50;
export const ROW_CHUNK = 2000;

const asText = (v: JsonValue | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);

function profile(table: SourceTable): { samples: string[][]; distinct: string[][] } {
  const samples = table.columns.map(() => [] as string[]);
  const distinct = table.columns.map(() => new Set<string>());
  for (const row of table.rows) {
    row.cells.forEach((cell, i) => {
      const text = asText(cell)?.trim();
      if (!text || i >= samples.length) return;
      const s = samples[i] as string[];
      if (s.length < SAMPLES) s.push(text);
      const d = distinct[i] as Set<string>;
      if (d.size < DISTINCT) d.add(text);
    });
  }
  return { samples, distinct: distinct.map((d) => [...d]) };
}

export class Pipeline {
  private csv: CsvCells | undefined;
  private table: SourceTable | undefined;
  private limits: RecordLimits = recordLimits();

  inspect(
    bytes: Uint8Array,
    options: InspectOptions,
    onProgress: (p: Progress) => void = () => {},
  ): Inspection {
    const decoded = decodeBytes(bytes, options.encoding);
    if (!decoded.ok) return { status: "needs-encoding", line: decoded.line, preview: decoded.preview };
    this.limits = recordLimits(options.limits);
    const kind = detectKind(options.fileName, decoded.text);
    if (kind === "json") {
      // The Worker's reader: forbidden keys and nesting depth refuse the file with its words.
      const parsed = readJsonRecords(decoded.text, {
        source: "file",
        allowObject: true,
        limits: this.limits,
      });
      if (!parsed.ok) return { status: "error", message: parsed.message };
      this.table = buildJsonTable(parsed);
    } else {
      const total = decoded.text.length;
      if (!this.csv || options.delimiter !== this.csv.delimiter || options.headerRow === undefined) {
        this.csv = readCsvCells(decoded.text, {
          delimiter: options.delimiter,
          onProgress: (done) => onProgress({ phase: "parse", done, total }),
        });
      }
      this.table = buildCsvTable(this.csv, options.headerRow);
    }
    const table = this.table;
    onProgress({ phase: "parse", done: 1, total: 1 });
    return {
      status: "ready",
      kind,
      encoding: decoded.encoding,
      delimiter: table.delimiter,
      jsonShape: table.jsonShape,
      headerRow: table.headerRow,
      headerCandidates: table.headerCandidates,
      headers: table.headers,
      columns: table.columns,
      rowCount: table.rows.length,
      ...profile(table),
      issues: table.issues,
    };
  }

  /** Maps and validates every row; rows are handed over in chunks as they are done. */
  validate(
    context: string,
    mapping: Mapping,
    onRows: (rows: RowState[]) => void,
    onProgress: (p: Progress) => void = () => {},
  ): ValidationDone {
    const table = this.table;
    if (!table) throw new Error("No file has been read yet");
    const schema = requireSchema(context);
    const sourceIssues = new Map<number, Issue[]>();
    for (const issue of table.issues) {
      if (issue.row === undefined) continue;
      const list = sourceIssues.get(issue.row) ?? [];
      list.push({
        row: issue.row,
        line: issue.line,
        pointer: "",
        field: "",
        keyword: issue.keyword,
        message: issue.message,
      });
      sourceIssues.set(issue.row, list);
    }
    const total = table.rows.length;
    function* states(): Generator<RowState> {
      for (let i = 0; i < total; i++) {
        const source = table?.rows[i];
        if (!source) continue;
        const state: RowState = {
          row: i + 1,
          raw: applyMapping(source, mapping, schema),
          excluded: false,
          recordIssues: [],
          datasetErrors: [],
          datasetWarnings: [],
          sourceIssues: sourceIssues.get(i + 1) ?? [],
        };
        if (source.line !== undefined) state.line = source.line;
        yield state;
      }
    }
    let chunk: RowState[] = [];
    let done = 0;
    const warnings = validateRows(
      context,
      states(),
      (state) => {
        chunk.push(state);
        done++;
        if (chunk.length >= ROW_CHUNK) {
          onRows(chunk);
          chunk = [];
          onProgress({ phase: "validate", done, total });
        }
      },
      this.limits,
    );
    if (chunk.length > 0) onRows(chunk);
    onProgress({ phase: "validate", done: total, total });
    return { recordCount: total, warnings };
  }
}
