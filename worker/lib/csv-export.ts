// CSV export of stored records, with spreadsheet-formula escaping: a cell that starts with
// = + - @ tab or CR gets a leading apostrophe, so no spreadsheet runs it.
import Papa from "papaparse";
import type { IntakeRecord } from "../../schemas/index.ts";
import { toCsvCell } from "../../schemas/index.ts";

const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function csvOf(fields: string[], records: IntakeRecord[], withHeader: boolean): string {
  const data = records.map((record) => fields.map((f) => escapeFormula(toCsvCell(record[f]))));
  const rows = withHeader ? [fields, ...data] : data;
  return rows.length > 0 ? `${Papa.unparse(rows, { newline: "\r\n" })}\r\n` : "";
}
