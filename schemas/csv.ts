// CSV text -> raw records keyed by schema field, with source lines. Headers resolve to fields by
// exact (normalized) field name or alias; fuzzy mapping with confidence belongs to the extension.
import Papa from "papaparse";
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

export interface CsvRow {
  line: number;
  record: Record<string, string>;
}

export interface CsvReadResult {
  headers: string[];
  rows: CsvRow[];
  /** Header, ragged-row and quoting problems (row 0 = the header). */
  issues: Issue[];
  delimiter: string;
}

const DELIMITERS = [",", ";", "\t", "|"];

/** The message for a row whose cell count differs from the header's (shared with the extension). */
export function raggedRowMessage(line: number, cells: number, columns: number): string {
  return `Line ${line} has ${cells} values but the header has ${columns} columns`;
}

/**
 * Parses CSV text with a header row (delimiter sniffed) into raw records keyed by field. Blank
 * lines are skipped; a row with more or fewer cells than the header is an error, not a guess.
 */
export function readCsv(text: string, schema: ContextSchema, context: string): CsvReadResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const result: CsvReadResult = { headers: [], rows: [], issues: [], delimiter: "," };
  let resolution: HeaderResolution | undefined;
  let offset = 0;
  let line = 1;
  let dataRow = 0;
  // PapaParse's guess counts blank lines, so it is asked on a preview that skips them; the
  // parse itself keeps blank lines so that cursors map to source lines.
  const delimiter = Papa.parse<string[]>(body, {
    preview: 20,
    skipEmptyLines: "greedy",
    delimitersToGuess: DELIMITERS,
  }).meta.delimiter;
  Papa.parse<string[]>(body, {
    delimiter,
    step: (step) => {
      const cells = step.data;
      const start = line;
      for (
        let i = body.indexOf("\n", offset);
        i !== -1 && i < step.meta.cursor;
        i = body.indexOf("\n", i + 1)
      )
        line++;
      offset = step.meta.cursor;
      result.delimiter = step.meta.delimiter;
      for (const error of step.errors) {
        if (error.code === "UndetectableDelimiter") continue; // one column: nothing to split
        result.issues.push({
          row: resolution ? dataRow + 1 : 0,
          line: start,
          pointer: "",
          field: "",
          keyword: "csv",
          message:
            error.code === "MissingQuotes"
              ? `Line ${start}: a quoted value is never closed (missing ")`
              : `Line ${start}: ${error.message}`,
        });
      }
      if (cells.every((cell) => cell.trim() === "")) return;
      if (!resolution) {
        result.headers = cells;
        resolution = resolveHeaders(cells, schema, context);
        result.issues.push(...resolution.issues.map((issue) => ({ ...issue, line: start })));
        return;
      }
      dataRow++;
      if (cells.length !== resolution.fields.length) {
        result.issues.push({
          row: dataRow,
          line: start,
          pointer: "",
          field: "",
          keyword: "ragged-row",
          message: raggedRowMessage(start, cells.length, resolution.fields.length),
        });
      }
      const record: Record<string, string> = {};
      resolution.fields.forEach((field, i) => {
        const cell = cells[i];
        if (field && cell !== undefined) record[field] = cell;
      });
      result.rows.push({ line: start, record });
    },
  });
  if (!resolution) {
    result.issues.push({
      row: 0,
      line: 1,
      pointer: "",
      field: "",
      keyword: "csv",
      message: "The file is empty: no header row found",
    });
  }
  return result;
}
