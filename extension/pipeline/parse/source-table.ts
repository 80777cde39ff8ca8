// A decoded file as one table of columns and rows, whatever its format: CSV rows under the chosen
// header row, or JSON records spread over the union of their keys. The files are read by the
// core's readers (schemas/csv.ts, schemas/json-records.ts), the Worker's too.
import {
  type CsvCells,
  csvTextIssue,
  EMPTY_CSV_MESSAGE,
  isObject,
  type JsonRecords,
  type JsonShape,
  type JsonValue,
  raggedRowIssue,
  type SourceRow,
} from "../../../schemas/index.ts";
import { detectHeaderRow } from "./header-row.ts";

export interface TableRow {
  line?: number;
  cells: (JsonValue | undefined)[];
  /** A JSON item that is not an object: kept so validation names it. */
  notObject?: JsonValue;
}

/** A problem found while reading the file, before any schema is involved. */
export interface SourceIssue {
  /** 1-based data row, when the problem belongs to one. */
  row?: number;
  line?: number;
  keyword: "ragged-row" | "csv" | "duplicate-column";
  message: string;
}

export interface SourceTable {
  kind: "csv" | "json";
  delimiter?: string;
  jsonShape?: JsonShape;
  /** CSV: index of the header among the parsed rows, and the first rows to choose another from. */
  headerRow?: number;
  headerCandidates?: SourceRow[];
  /** Header text as in the file, and unique display names ("Email", "Email (2)"). */
  headers: string[];
  columns: string[];
  rows: TableRow[];
  issues: SourceIssue[];
}

export function uniqueNames(headers: readonly string[], issues: SourceIssue[], line?: number): string[] {
  const seen = new Map<string, number>();
  return headers.map((raw, i) => {
    const name = raw.trim() || `Column ${i + 1}`;
    const key = name.toLowerCase();
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count === 1) return name;
    issues.push({
      line,
      keyword: "duplicate-column",
      message: `Column ${i + 1} repeats the header "${name}"; only one column can be mapped to a field`,
    });
    return `${name} (${count})`;
  });
}

/** The CSV table under `headerRow` (detected when not given). */
export function buildCsvTable(csv: CsvCells, headerRow?: number): SourceTable {
  const index = Math.min(
    Math.max(0, headerRow ?? detectHeaderRow(csv.rows)),
    Math.max(0, csv.rows.length - 1),
  );
  const header = csv.rows[index];
  // A quoting problem belongs to its data row, as in the Worker's reading; above, to the file.
  const issues: SourceIssue[] = csv.issues.map((textIssue) => {
    const { row, line, message } = csvTextIssue(textIssue, index);
    return row > 0 ? { row, line, keyword: "csv", message } : { line, keyword: "csv", message };
  });
  const headers = header ? header.cells : [];
  const columns = uniqueNames(headers, issues, header?.line);
  const rows: TableRow[] = [];
  for (const source of csv.rows.slice(index + 1)) {
    rows.push({ line: source.line, cells: source.cells });
    const ragged = raggedRowIssue(rows.length, source, headers.length);
    if (ragged)
      issues.push({ row: ragged.row, line: source.line, keyword: "ragged-row", message: ragged.message });
  }
  if (!header) issues.push({ line: 1, keyword: "csv", message: EMPTY_CSV_MESSAGE });
  return {
    kind: "csv",
    delimiter: csv.delimiter,
    headerRow: index,
    headerCandidates: csv.rows.slice(0, 10),
    headers,
    columns,
    rows,
    issues,
  };
}

/** Column names of JSON records: every key, in order of first appearance. */
export function jsonColumns(records: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const value of records) if (isObject(value)) for (const key of Object.keys(value)) seen.add(key);
  return [...seen];
}

export function buildJsonTable(parsed: JsonRecords): SourceTable {
  const headers = jsonColumns(parsed.records);
  const rows: TableRow[] = parsed.records.map((record, i) => {
    const line = parsed.lines?.[i];
    const value = record as JsonValue;
    const row: TableRow = isObject(value)
      ? { cells: headers.map((h) => (Object.hasOwn(value, h) ? value[h] : undefined)) }
      : { cells: [], notObject: value };
    if (line !== undefined) row.line = line;
    return row;
  });
  return {
    kind: "json",
    jsonShape: parsed.shape,
    headers,
    columns: [...headers],
    rows,
    issues: [],
  };
}
