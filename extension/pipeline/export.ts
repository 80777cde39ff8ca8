// Downloads made from the fixing step: the error report (CSV) and the corrected file (CSV with the
// template's headers in the review's column order, or JSON). Both CSVs escape spreadsheet formulas with the core's `toSafeCsv`.
// Written in pieces (a Blob's parts), so a large dataset never becomes one string; the pipeline
// worker makes them from the dataset it holds.
import {
  type ContextSchema,
  csvHeaderOf,
  type IntakeRecord,
  type Issue,
  type JsonValue,
  toCsvCell,
} from "../../schemas/index.ts";
import { toSafeCsv } from "../../schemas/spreadsheet.ts";

/** Rows per piece. */
const PIECE = 5000;

const show = (value: JsonValue | undefined) =>
  value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);

const REPORT_FIELDS = ["row", "line", "column", "value", "message", "rule", "suggestion"];

function* pieces<T>(items: Iterable<T>): Generator<T[]> {
  let piece: T[] = [];
  for (const item of items) {
    piece.push(item);
    if (piece.length >= PIECE) {
      yield piece;
      piece = [];
    }
  }
  if (piece.length > 0) yield piece;
}

/** CSV pieces: the header with the first rows, then the rest, each piece ending in CRLF. */
function safeCsvParts(
  rows: Iterable<string[]>,
  fields: string[],
  options: { quoteAll?: boolean } = {},
): string[] {
  const parts: string[] = [];
  for (const piece of pieces(rows))
    parts.push(toSafeCsv(piece, parts.length === 0 ? { ...options, fields } : options));
  if (parts.length === 0) parts.push(toSafeCsv([], { ...options, fields }));
  return parts;
}

/**
 * The error report as CSV. Cells starting with = + - @ tab or CR get a leading ' (`escapeFormula`),
 * so a spreadsheet never runs a value from the file as a formula.
 */
export function errorReportParts(issues: Iterable<Issue>): string[] {
  function* rows() {
    for (const i of issues)
      yield [
        String(i.row),
        i.line === undefined ? "" : String(i.line),
        i.field,
        show(i.value),
        i.message,
        i.keyword,
        show(i.suggestion),
      ];
  }
  return safeCsvParts(rows(), REPORT_FIELDS);
}

export const errorReportCsv = (issues: Iterable<Issue>): string => errorReportParts(issues).join("");

/**
 * The included rows as CSV with the template's headers, the columns in `fields` order (the
 * review's: the file's column order, then the schema's). The file is also opened in spreadsheets,
 * so formula-looking values are escaped like everywhere else (`=HYPERLINK(…)` -> `'=HYPERLINK(…)`,
 * `-2` -> `'-2`): a value starting with = + - @ tab or CR comes back with a leading '.
 */
export function correctedCsvParts(
  schema: ContextSchema,
  raws: Iterable<Readonly<Record<string, JsonValue>>>,
  fields: readonly string[] = Object.keys(schema.properties),
): string[] {
  function* rows() {
    for (const raw of raws) yield fields.map((f) => toCsvCell(Object.hasOwn(raw, f) ? raw[f] : undefined));
  }
  return safeCsvParts(
    rows(),
    fields.map((f) => csvHeaderOf(schema, f)),
    { quoteAll: schema["x-intake-csv-quote-all"] === true },
  );
}

/** The records as {"data":[...]}, laid out as JSON.stringify(…, null, 2) lays it out. */
export function correctedJsonParts(records: Iterable<IntakeRecord>): string[] {
  const parts: string[] = [];
  for (const piece of pieces(records)) {
    const body = piece.map((r) => `    ${JSON.stringify(r, null, 2).replace(/\n/g, "\n    ")}`).join(",\n");
    parts.push(parts.length === 0 ? `{\n  "data": [\n${body}` : `,\n${body}`);
  }
  parts.push(parts.length === 0 ? '{\n  "data": []\n}\n' : "\n  ]\n}\n");
  return parts;
}
