// CSV written for people who open it in a spreadsheet: every cell that a spreadsheet would read as
// a formula is prefixed with an apostrophe (OWASP "CSV injection"). One rule, used by the Worker's
// CSV export and by the extension's error report and corrected-file downloads.
import Papa from "papaparse";

/**
 * First characters that make Excel, LibreOffice Calc or Google Sheets start a formula (or, for tab
 * and CR, hide one behind leading whitespace): = + - @ tab CR. What follows does not matter, so
 * `=HYPERLINK("…",\n"click")`, `@SUM(1;1)\r\nx` and `-2+3\u2028x` are escaped. A plain signed
 * number (`-2`, `+12.50`, `-1e3`) is the one exception: a spreadsheet reads it as that number and
 * nothing else, and escaping it would turn a negative amount into text that no longer validates
 * when the corrected file is uploaded again. A leading space, a line feed or a full-width `＝` does
 * not start a formula in those spreadsheets, so such values are left alone.
 */
const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r"]);
const SIGNED_NUMBER = /^[+-](\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a spreadsheet could read this cell as a formula. */
export function looksLikeFormula(cell: string): boolean {
  return cell.length > 0 && FORMULA_START.has(cell[0] as string) && !SIGNED_NUMBER.test(cell);
}

/** The cell as text a spreadsheet shows verbatim: `'` before any formula-looking value. */
export function escapeFormula(cell: string): string {
  return looksLikeFormula(cell) ? `'${cell}` : cell;
}

export interface SafeCsvOptions {
  /** A header row, written first (escaped like any cell). */
  fields?: readonly string[];
  /** Quote every cell (a schema's `x-intake-csv-quote-all`); escaped cells are always quoted. */
  quoteAll?: boolean;
}

/**
 * Rows as CSV with CRLF line ends and a final CRLF, every cell passed through `escapeFormula`;
 * the empty string when there is nothing to write. Escaped cells are quoted, as PapaParse's own
 * `escapeFormulae` does, whose check (`/^[=+\-@\t\r].*$/`, no `s` flag) misses values with a
 * line break and is therefore not used.
 */
export function toSafeCsv(rows: readonly (readonly string[])[], options: SafeCsvOptions = {}): string {
  const all = options.fields ? [options.fields, ...rows] : rows;
  if (all.length === 0) return "";
  const quoteAll = options.quoteAll === true;
  const text = Papa.unparse(
    all.map((row) => row.map(escapeFormula)),
    {
      newline: "\r\n",
      escapeFormulae: false,
      // An escaped cell starts with ' and a formula (a value that already did is quoted too).
      quotes: (value: unknown) =>
        quoteAll || (typeof value === "string" && value[0] === "'" && looksLikeFormula(value.slice(1))),
    },
  );
  return `${text}\r\n`;
}
