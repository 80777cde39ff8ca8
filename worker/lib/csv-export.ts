// CSV export of stored records. PapaParse's escapeFormulae prefixes a cell that starts with
// = + - @ tab or CR with an apostrophe, so no spreadsheet runs a stored value as a formula.
import Papa from "papaparse";
import { type IntakeRecord, toCsvCell } from "../../schemas/index.ts";

export function csvOf(fields: string[], records: IntakeRecord[], withHeader: boolean): string {
  const data = records.map((record) => fields.map((f) => toCsvCell(record[f])));
  const rows = withHeader ? [fields, ...data] : data;
  return rows.length > 0 ? `${Papa.unparse(rows, { newline: "\r\n", escapeFormulae: true })}\r\n` : "";
}
