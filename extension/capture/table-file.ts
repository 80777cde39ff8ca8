// A captured or pasted table as the pipeline reads it: a CSV file (header row first when the table
// has one), so it goes through the same reading, mapping, review and submit as a file. Pages of
// one table are merged here: identical rows dropped, headers must match.
import type { CapturedTable } from "./extract.ts";

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

/** Appends `next` (another page of the same table) to `base`: rows already there are dropped. */
export function mergePages(base: CapturedTable, next: CapturedTable): MergeResult {
  const a = base.headers;
  const b = next.headers;
  const same = a === null || b === null ? a === b : a.length === b.length && a.every((h, i) => h === b[i]);
  if (!same) {
    const shown = (h: string[] | null) => (h ? h.join(", ") : "no header row");
    return {
      ok: false,
      message: `This page's table has other columns (${shown(b)}) than the one captured (${shown(a)}). Go back to the same list and try again.`,
    };
  }
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
