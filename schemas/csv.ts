// The one CSV reader (rows of cells with source lines, for the Worker and the extension), and CSV
// text -> raw records keyed by schema field. Headers resolve to fields by exact (normalized) field
// name or alias; fuzzy mapping with confidence belongs to the extension.
import Papa from "papaparse";
import { toLf } from "./lines.ts";
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

/** A problem of the CSV text itself (its quoting), on the parsed row `index` (0-based). */
export interface CsvTextIssue {
  line: number;
  index: number;
  message: string;
}

export interface CsvCells {
  delimiter: string;
  rows: SourceRow[];
  issues: CsvTextIssue[];
}

export const CSV_DELIMITERS: readonly string[] = [",", ";", "\t", "|"];

/** The delimiter PapaParse guesses on the first non-blank lines; "," when nothing splits. */
export function sniffDelimiter(text: string): string {
  // PapaParse's guess counts blank lines, so it is asked on a preview that skips them.
  const guess = Papa.parse<string[]>(text.slice(0, 64 * 1024), {
    preview: 20,
    skipEmptyLines: "greedy",
    delimitersToGuess: [...CSV_DELIMITERS],
  }).meta.delimiter;
  return CSV_DELIMITERS.includes(guess) ? guess : ",";
}

/** A PapaParse error: `index` is where the value it is about starts. */
export interface CsvParseError {
  code: string;
  message: string;
  index?: number;
}

/**
 * The quoting problems of the row starting at `line`, as reports word them: one message a value.
 * PapaParse reports text after a closing quote (`"a"b`) as a malformed quote, then, having read
 * on for another closing quote, often as an unterminated one too: that is one problem, the first.
 */
export function csvErrorMessages(line: number, errors: readonly CsvParseError[]): string[] {
  const messages: string[] = [];
  const afterQuote = new Set<number | undefined>();
  for (const error of errors) {
    if (error.code === "UndetectableDelimiter") continue; // one column: nothing to split
    if (error.code === "InvalidQuotes") {
      if (!afterQuote.has(error.index))
        messages.push(
          `Line ${line}: text follows the closing quote of a quoted value (a quote inside a quoted value is written "")`,
        );
      afterQuote.add(error.index);
    } else if (error.code === "MissingQuotes") {
      if (!afterQuote.has(error.index))
        messages.push(`Line ${line}: a quoted value is never closed (missing ")`);
    } else messages.push(`Line ${line}: ${error.message}`);
  }
  return messages;
}

export interface ReadCsvCellsOptions {
  /** The delimiter to use instead of the sniffed one. */
  delimiter?: string;
  /** Called every 5,000 rows with the offset reached in the text. */
  onProgress?: (offset: number) => void;
}

/**
 * The one CSV reader: text (a UTF-8 BOM is skipped) -> non-blank rows of cells, each with the line
 * it starts on, whatever the line breaks ("\r\n", "\n" or a lone "\r", mixed; a line break
 * inside a quoted value reads as "\n" and still counts as a line). Quoting problems are kept as
 * issues with their line; the delimiter is sniffed among , ; tab |.
 */
export function readCsvCells(text: string, options: ReadCsvCellsOptions = {}): CsvCells {
  const body = toLf(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const delimiter = options.delimiter ?? sniffDelimiter(body);
  const out: CsvCells = { delimiter, rows: [], issues: [] };
  let offset = 0;
  let line = 1;
  Papa.parse<string[]>(body, {
    delimiter,
    newline: "\n",
    step: (step) => {
      const start = line;
      // Count the line breaks this row spans (quoted ones included) to know where the next starts.
      for (
        let i = body.indexOf("\n", offset);
        i !== -1 && i < step.meta.cursor;
        i = body.indexOf("\n", i + 1)
      )
        line++;
      offset = step.meta.cursor;
      for (const message of csvErrorMessages(start, step.errors))
        out.issues.push({ line: start, index: out.rows.length, message });
      const cells = step.data;
      if (cells.every((cell) => cell.trim() === "")) return;
      out.rows.push({ line: start, cells });
      if (options.onProgress && out.rows.length % 5000 === 0) options.onProgress(offset);
    },
  });
  return out;
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
