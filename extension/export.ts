// Downloads made from the fixing step: the error report (CSV, spreadsheet formulas escaped) and
// the corrected file (CSV with the template's headers, or JSON).
import Papa from "papaparse";
import { csvHeaderOf, type Issue, type JsonValue, toCsvCell } from "../schemas/index.ts";
import type { DatasetEditor } from "./dataset-editor.ts";

const show = (value: JsonValue | undefined) =>
  value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);

/**
 * The error report as CSV. Cells starting with = + - @ tab or CR get a leading ' (PapaParse's
 * escapeFormulae), so a spreadsheet never runs a value from the file as a formula.
 */
export function errorReportCsv(issues: readonly Issue[]): string {
  const rows = issues.map((i) => [
    i.row,
    i.line ?? "",
    i.field,
    show(i.value),
    i.message,
    i.keyword,
    show(i.suggestion),
  ]);
  return `${Papa.unparse(
    { fields: ["row", "line", "column", "value", "message", "rule", "suggestion"], data: rows },
    { escapeFormulae: true, newline: "\r\n" },
  )}\r\n`;
}

/**
 * The included rows as CSV with the template's headers. Values are not formula-escaped: this file
 * is data for Intake, and escaping would change it.
 */
export function correctedCsv(editor: DatasetEditor): string {
  const fields = Object.keys(editor.schema.properties);
  const data: string[][] = [];
  for (const state of editor.rows) {
    if (state.excluded || state.raw === null || typeof state.raw !== "object" || Array.isArray(state.raw))
      continue;
    const raw = state.raw;
    data.push(fields.map((f) => toCsvCell(Object.hasOwn(raw, f) ? raw[f] : undefined)));
  }
  return `${Papa.unparse(
    { fields: fields.map((f) => csvHeaderOf(editor.schema, f)), data },
    { quotes: editor.schema["x-intake-csv-quote-all"] === true, newline: "\r\n" },
  )}\r\n`;
}

/** The included rows, normalized, as {"data":[...]}. */
export function correctedJson(editor: DatasetEditor): string {
  return `${JSON.stringify({ data: [...editor.records()] }, null, 2)}\n`;
}
