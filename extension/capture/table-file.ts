// A captured or pasted table as the pipeline reads it: a CSV file (header row first when the table
// has one), so it goes through the same reading, mapping, review and submit as a file. Pages of
// one table are merged here: headers must match; rows of a virtualized grid are merged by their
// row index, others by content (identical rows dropped).
import type { CapturedTable } from "./protocol.ts";

const needsQuotes = /[",\r\n]/;
const csvCell = (cell: string) => (needsQuotes.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** RFC 4180 CSV of the table, header row first when it has one. */
export function tableCsv(table: CapturedTable): string {
  const lines = table.headers ? [table.headers, ...table.rows] : table.rows;
  return `${lines.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** A file name from a page title: letters, digits and simple punctuation, at most 80 characters. */
export function captureFileName(title: string): string {
  const base = Array.from(title, (ch) => (ch.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(ch) ? " " : ch))
    .join("")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
  return `${base || "Captured table"}.csv`;
}

export function tableFile(table: CapturedTable, fileName: string): File {
  return new File([tableCsv(table)], fileName, { type: "text/csv" });
}

export type MergeResult =
  | { ok: true; table: CapturedTable; added: number; duplicates: number }
  | { ok: false; message: string };

const rowKey = (row: readonly string[]) => JSON.stringify(row);

/** Whether two header rows are the same (no header row is the same as none). */
export function sameHeaders(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === null || b === null ? a === b : a.length === b.length && a.every((h, i) => h === b[i]);
}

type Indexed = CapturedTable & { rowIndexes: number[] };

/** Merges rows keyed by their row index: rows already captured kept, the rest put in index order. */
function mergeByIndex(base: Indexed, next: Indexed): MergeResult {
  const byIndex = new Map<number, string[]>();
  base.rowIndexes.forEach((index, i) => {
    byIndex.set(index, base.rows[i] as string[]);
  });
  let duplicates = 0;
  next.rowIndexes.forEach((index, i) => {
    if (byIndex.has(index)) duplicates++;
    else byIndex.set(index, next.rows[i] as string[]);
  });
  const rowIndexes = [...byIndex.keys()].sort((x, y) => x - y);
  const rows = rowIndexes.map((index) => byIndex.get(index) as string[]);
  return {
    ok: true,
    table: { headers: base.headers, rows, rowIndexes },
    added: rows.length - base.rows.length,
    duplicates,
  };
}

/** Appends `next` (another page of the same table) to `base`: rows already there are dropped. */
export function mergePages(base: CapturedTable, next: CapturedTable): MergeResult {
  if (!sameHeaders(base.headers, next.headers)) {
    const shown = (h: string[] | null) => (h ? h.join(", ") : "no header row");
    return {
      ok: false,
      message: `This page's table has other columns (${shown(next.headers)}) than the one captured (${shown(base.headers)}). Go back to the same list and try again.`,
    };
  }
  if (base.rowIndexes && next.rowIndexes) return mergeByIndex(base as Indexed, next as Indexed);
  const seen = new Set(base.rows.map(rowKey));
  const rows = [...base.rows];
  let duplicates = 0;
  for (const row of next.rows) {
    const key = rowKey(row);
    if (seen.has(key)) duplicates++;
    else {
      seen.add(key);
      rows.push(row);
    }
  }
  return {
    ok: true,
    table: { headers: base.headers, rows },
    added: rows.length - base.rows.length,
    duplicates,
  };
}
