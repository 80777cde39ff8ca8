// Downloads made from the fixing step: the error report (CSV) and the corrected file (CSV with the
// template's headers, or JSON). Both CSVs escape spreadsheet formulas with the core's `toSafeCsv`.
import { csvHeaderOf, type Issue, type JsonValue, toCsvCell } from "../schemas/index.ts";
import { toSafeCsv } from "../schemas/spreadsheet.ts";
import type { DatasetEditor } from "./dataset-editor.ts";

const show = (value: JsonValue | undefined) =>
  value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);

/**
 * The error report as CSV. Cells starting with = + - @ tab or CR get a leading ' (`escapeFormula`),
 * so a spreadsheet never runs a value from the file as a formula.
 */
export function errorReportCsv(issues: readonly Issue[]): string {
  const rows = issues.map((i) => [
    String(i.row),
    i.line === undefined ? "" : String(i.line),
    i.field,
    show(i.value),
    i.message,
    i.keyword,
    show(i.suggestion),
  ]);
  return toSafeCsv(rows, { fields: ["row", "line", "column", "value", "message", "rule", "suggestion"] });
}

/**
 * The included rows as CSV with the template's headers. The file is also opened in spreadsheets,
 * so formula-looking values are escaped like everywhere else (`=HYPERLINK(…)` -> `'=HYPERLINK(…)`,
 * `-2` -> `'-2`): a value starting with = + - @ tab or CR comes back with a leading '.
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
  return toSafeCsv(data, {
    fields: fields.map((f) => csvHeaderOf(editor.schema, f)),
    quoteAll: editor.schema["x-intake-csv-quote-all"] === true,
  });
}

/** The included rows, normalized, as {"data":[...]}. */
export function correctedJson(editor: DatasetEditor): string {
  return `${JSON.stringify({ data: [...editor.records()] }, null, 2)}\n`;
}
