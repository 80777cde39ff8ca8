// Which parsed row is the header: exports often start with a title or notes before the column
// names. The admin can override the guess.
import type { SourceRow } from "../../../schemas/index.ts";

const LOOKS_LIKE_DATA = [
  /^[+-]?\d+([.,]\d+)?$/, // numbers
  /@/, // emails
  /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/, // dates
  /^(true|false)$/i,
];

const isLabel = (cell: string) => {
  const t = cell.trim();
  return t !== "" && t.length <= 80 && !LOOKS_LIKE_DATA.some((re) => re.test(t));
};

/** Index (into `rows`) of the likely header among the first rows; 0 when nothing fits better. */
export function detectHeaderRow(rows: readonly SourceRow[], lookahead = 10): number {
  const widths = new Map<number, number>();
  for (const row of rows.slice(0, 200)) widths.set(row.cells.length, (widths.get(row.cells.length) ?? 0) + 1);
  let modal = 0;
  let most = 0;
  for (const [width, count] of widths) {
    if (count > most || (count === most && width > modal)) [modal, most] = [width, count];
  }
  for (let i = 0; i < Math.min(lookahead, rows.length); i++) {
    const cells = (rows[i] as SourceRow).cells;
    if (cells.length !== modal || modal < 2) continue;
    const labels = cells.filter(isLabel);
    const distinct = new Set(cells.map((c) => c.trim().toLowerCase())).size;
    if (labels.length >= Math.ceil(cells.length * 0.8) && distinct === cells.length) return i;
  }
  return 0;
}
