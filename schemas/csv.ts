// CSV text -> rows of cells with source lines (the scanner's, over the whole text), and -> raw
// records keyed by schema field. Headers resolve to fields by exact (normalized) field name or
// alias; fuzzy mapping with confidence belongs to the extension.
import { CsvScanner, type CsvTextIssue, rowCells } from "./csv-scanner.ts";
import { setOwn } from "./normalize.ts";
import type { ContextSchema, Issue } from "./types.ts";

/** A header or alias reduced to letters and digits in lower case: "Entity - Has Access To Name" -> "entityhasaccesstoname". */
export function normalizeHeader(header: string): string {
  return header
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/** Normalized field name or alias -> field, for exact header resolution. */
export function headerIndex(schema: ContextSchema): Map<string, string> {
  const index = new Map<string, string>();
  for (const [field, prop] of Object.entries(schema.properties)) {
    for (const name of [field, ...(prop["x-intake-aliases"] ?? [])]) {
      const key = normalizeHeader(name);
      if (key && !index.has(key)) index.set(key, field);
    }
  }
  return index;
}

export interface HeaderResolution {
  /** Per column: the schema field it holds, or null when ignored (blank header). */
  fields: (string | null)[];
  issues: Issue[];
}

const headerIssue = (column: number, header: string, keyword: string, message: string): Issue => ({
  row: 0,
  line: 1,
  pointer: "",
  field: header,
  keyword,
  message: `Column ${column} ("${header}"): ${message}`,
});

/** Resolves a header row; unknown and repeated columns are errors (row 0 = the header). */
export function resolveHeaders(
  headers: readonly string[],
  schema: ContextSchema,
  context: string,
): HeaderResolution {
  const index = headerIndex(schema);
  const fields: (string | null)[] = [];
  const issues: Issue[] = [];
  const taken = new Map<string, number>();
  headers.forEach((raw, i) => {
    const header = raw.trim();
    if (header === "") {
      fields.push(null);
      return;
    }
    const field = index.get(normalizeHeader(header));
    if (!field) {
      issues.push(
        headerIssue(i + 1, header, "unknown-column", `not a field of ${context} nor one of its aliases`),
      );
      fields.push(null);
      return;
    }
    const previous = taken.get(field);
    if (previous !== undefined) {
      issues.push(
        headerIssue(i + 1, header, "duplicate-column", `column ${previous + 1} already holds ${field}`),
      );
      fields.push(null);
      return;
    }
    taken.set(field, i);
    fields.push(field);
  });
  return { fields, issues };
}

/** One non-blank row of a CSV file: its cells and the 1-based line where it starts. */
export interface SourceRow {
  line: number;
  cells: string[];
}

export interface CsvCells {
  delimiter: string;
  rows: SourceRow[];
  issues: CsvTextIssue[];
}

export interface ReadCsvCellsOptions {
  /** The delimiter to use instead of the sniffed one. */
  delimiter?: string;
}

/** The whole text through the CSV scanner in one chunk (see CsvScanner for how it reads). */
export function readCsvCells(text: string, options: ReadCsvCellsOptions = {}): CsvCells {
  const rows: SourceRow[] = [];
  const issues: CsvTextIssue[] = [];
  const scanner = new CsvScanner(
    {
      row: (row) => rows.push({ line: row.line, cells: rowCells(row) }),
      issue: (issue) => issues.push(issue),
    },
    options.delimiter,
  );
  scanner.push(text, true);
  return { delimiter: scanner.delimiter ?? ",", rows, issues };
}

/** The message for a row whose cell count differs from the header's. */
export function raggedRowMessage(line: number, cells: number, columns: number): string {
  return `Line ${line} has ${cells} values but the header has ${columns} columns`;
}

/** A ragged-row issue of data row `row` (1-based), or undefined when its width is the header's. */
export function raggedRowIssue(row: number, source: SourceRow, columns: number): Issue | undefined {
  if (source.cells.length === columns) return undefined;
  return {
    row,
    line: source.line,
    pointer: "",
    field: "",
    keyword: "ragged-row",
    message: raggedRowMessage(source.line, source.cells.length, columns),
  };
}

/** A quoting problem as an issue of the data row under header `headerIndex` (row 0 = header or above). */
export function csvTextIssue(issue: CsvTextIssue, headerIndex = 0): Issue {
  return {
    row: Math.max(0, issue.index - headerIndex),
    line: issue.line,
    pointer: "",
    field: "",
    keyword: "csv",
    message: issue.message,
  };
}

export const EMPTY_CSV_MESSAGE = "The file is empty: no header row found";

export interface CsvRow {
  line: number;
  record: Record<string, string>;
}

export interface CsvReadResult {
  headers: string[];
  rows: CsvRow[];
  /** Header, ragged-row and quoting problems (row 0 = the header), in row order. */
  issues: Issue[];
  delimiter: string;
}

/**
 * Parses CSV text with a header row into raw records keyed by field. Blank lines are skipped; a
 * row with more or fewer cells than the header is an error, not a guess.
 */
export function readCsv(text: string, schema: ContextSchema, context: string): CsvReadResult {
  const csv = readCsvCells(text);
  const result: CsvReadResult = { headers: [], rows: [], issues: [], delimiter: csv.delimiter };
  const header = csv.rows[0];
  let next = 0;
  const textIssuesUpTo = (index: number) => {
    while (next < csv.issues.length && (csv.issues[next] as CsvTextIssue).index <= index)
      result.issues.push(csvTextIssue(csv.issues[next++] as CsvTextIssue));
  };
  if (!header) {
    textIssuesUpTo(Number.POSITIVE_INFINITY);
    result.issues.push({
      row: 0,
      line: 1,
      pointer: "",
      field: "",
      keyword: "csv",
      message: EMPTY_CSV_MESSAGE,
    });
    return result;
  }
  result.headers = header.cells;
  const resolution = resolveHeaders(header.cells, schema, context);
  textIssuesUpTo(0);
  result.issues.push(...resolution.issues.map((issue) => ({ ...issue, line: header.line })));
  for (let index = 1; index < csv.rows.length; index++) {
    const source = csv.rows[index] as SourceRow;
    textIssuesUpTo(index);
    const ragged = raggedRowIssue(index, source, resolution.fields.length);
    if (ragged) result.issues.push(ragged);
    const record: Record<string, string> = {};
    resolution.fields.forEach((field, i) => {
      const cell = source.cells[i];
      if (field && cell !== undefined) setOwn(record, field, cell);
    });
    result.rows.push({ line: source.line, record });
  }
  textIssuesUpTo(Number.POSITIVE_INFINITY);
  return result;
}
