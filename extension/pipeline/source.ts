// The file as the pipeline holds it: the table of data rows under the header, read one row at a
// time from the column store (CSV) or from the parsed records (JSON, spread over the union of
// their keys), the problems found while reading, and its profile (what an inspection shows of
// each column).

import {
  type CsvTextIssue,
  csvTextIssue,
  EMPTY_CSV_MESSAGE,
  isObject,
  type JsonRecords,
  type JsonShape,
  type JsonValue,
  raggedRowMessage,
  type SourceRow,
} from "../../schemas/index.ts";
import { headerlessNames } from "../mapping/headerless.ts";
import type { TableRow } from "../mapping.ts";
import type { ColumnStore } from "./column-store.ts";
import { detectHeaderRow } from "./parse/header-row.ts";
import { type SourceIssue, uniqueNames } from "./parse/source-table.ts";
import { cellText, NO_HEADER_ROW, PROFILE_ROWS } from "./protocol.ts";

export interface SourceRows {
  kind: "csv" | "json";
  delimiter?: string;
  jsonShape?: JsonShape;
  headerRow?: number;
  headerCandidates?: SourceRow[];
  headers: string[];
  columns: string[];
  /** File-level problems and, by data row (0-based), the rows' own. */
  issues: SourceIssue[];
  readonly count: number;
  line(row: number): number | undefined;
  /** Data row `row` (0-based) as the mapping reads it; the object is reused by the next call. */
  row(row: number): TableRow;
  /** One cell of data row `row` (undefined past the row's end). */
  cell(row: number, column: number): JsonValue | undefined;
  /** Each different cell of a column once (as text), in order of appearance, until `visit` answers false. */
  distinct(column: number, visit: (text: string) => boolean): void;
  /**
   * How sure the OCR is of a cell (0-1), for a table read from an image or a scanned PDF; undefined
   * for a cell not OCR'd (or no such cell). The review warns on the cells below LOW_CONFIDENCE.
   */
  confidence?(row: number, column: number): number | undefined;
}

/** Below this an OCR'd cell is worth the admin's check (the review warns on it). */
export const LOW_CONFIDENCE = 0.9;

/**
 * `source` with the OCR confidence of its cells: `byRow[i]` is the table's data row i, and data
 * row r of `source` is the table's data row `first + r` (the header the admin chose shifts it).
 */
export function withConfidence(source: SourceRows, byRow: readonly number[][], first: number): SourceRows {
  return { ...source, confidence: (row, column) => byRow[first + row]?.[column] };
}

/** The CSV rows under `headerRow` (detected when not given; NO_HEADER_ROW: none). */
export function csvSource(
  store: ColumnStore,
  delimiter: string,
  textIssues: readonly CsvTextIssue[],
  headerRow?: number,
): SourceRows {
  const candidates: SourceRow[] = [];
  for (let i = 0; i < Math.min(store.count, 200); i++)
    candidates.push({ line: store.line(i), cells: store.cells(i) });
  // NO_HEADER_ROW: every row is data (the admin said the file has no header row); the columns are
  // named Column 1…N, so the first record is never taken for a header.
  const noHeader = headerRow === NO_HEADER_ROW;
  const index = noHeader
    ? -1
    : Math.min(Math.max(0, headerRow ?? detectHeaderRow(candidates)), Math.max(0, store.count - 1));
  const header = noHeader
    ? store.count > 0
      ? { line: store.line(0), cells: headerlessNames(Math.max(...candidates.map((c) => c.cells.length))) }
      : undefined
    : candidates[index];
  const issues: SourceIssue[] = textIssues.map((textIssue) => {
    const { row, line, message } = csvTextIssue(textIssue, index);
    return row > 0 ? { row, line, keyword: "csv", message } : { line, keyword: "csv", message };
  });
  const headers = header ? header.cells : [];
  const columns = uniqueNames(headers, issues, noHeader ? undefined : header?.line);
  const offset = index + 1;
  const count = Math.max(0, store.count - offset);
  for (let i = 0; i < count; i++) {
    const width = store.width(offset + i);
    if (width === headers.length) continue;
    const line = store.line(offset + i);
    issues.push({
      row: i + 1,
      line,
      keyword: "ragged-row",
      message: raggedRowMessage(line, width, headers.length),
    });
  }
  if (!header) issues.push({ line: 1, keyword: "csv", message: EMPTY_CSV_MESSAGE });
  const scratch: TableRow = { cells: [] };
  const cells: string[] = [];
  return {
    kind: "csv",
    delimiter,
    headerRow: index,
    headerCandidates: candidates.slice(0, 10),
    headers,
    columns,
    issues,
    count,
    line: (row) => store.line(offset + row),
    row: (row) => {
      scratch.line = store.line(offset + row);
      scratch.cells = store.cells(offset + row, cells);
      return scratch;
    },
    cell: (row, column) => store.cell(offset + row, column),
    distinct: (column, visit) => store.distinct(column, offset, visit),
  };
}

/** Column names of JSON records: every key, in order of first appearance. */
function jsonColumns(records: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const value of records) if (isObject(value)) for (const key of Object.keys(value)) seen.add(key);
  return [...seen];
}

/** JSON records as rows of the union of their keys; an item that is not an object is kept as one. */
export function jsonSource(parsed: JsonRecords): SourceRows {
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
    issues: [],
    count: rows.length,
    line: (row) => rows[row]?.line,
    row: (row) => rows[row] as TableRow,
    cell: (row, column) => rows[row]?.cells[column],
    distinct: (column, visit) => {
      const seen = new Set<string>();
      for (const row of rows) {
        const cell = row.cells[column];
        if (cell === undefined) continue;
        const text = cell === null ? "" : typeof cell === "string" ? cell : JSON.stringify(cell);
        if (seen.has(text)) continue;
        seen.add(text);
        if (!visit(text)) return;
      }
    },
  };
}

const SAMPLES = 3;
const DISTINCT = 50;

/** Samples, distinct values and the first rows of every column. */
export function profile(source: SourceRows): { samples: string[][]; distinct: string[][]; rows: string[][] } {
  const width = source.columns.length;
  const rows: string[][] = [];
  for (let i = 0; i < Math.min(source.count, PROFILE_ROWS); i++) rows.push(source.row(i).cells.map(cellText));
  const samples: string[][] = [];
  const distinct: string[][] = [];
  for (let c = 0; c < width; c++) {
    // The first few non-empty values, repeats included …
    const s: string[] = [];
    for (let i = 0; i < source.count && s.length < SAMPLES; i++) {
      const text = cellText(source.cell(i, c)).trim();
      if (text) s.push(text);
    }
    // … and up to DISTINCT different ones, in order of appearance (a column of a few values is
    // read to its end, from its dictionary codes).
    const d = new Set<string>();
    source.distinct(c, (value) => {
      const text = value.trim();
      if (text) d.add(text);
      return d.size < DISTINCT;
    });
    samples.push(s);
    distinct.push([...d]);
  }
  return { samples, distinct, rows };
}
