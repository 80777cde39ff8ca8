// One sheet of a workbook as both readers (xlsx-stream.ts, xls-sheetjs.ts) hand it over: its rows
// into the column store as they are read (merged cells filled across their range, a merged header
// naming each column under it), what a read gives, and the words when a workbook cannot be read.
import { ColumnStore } from "../column-store.ts";

/** The first rows, where detectHeaderRow looks for the header. */
const HEADER_LOOKAHEAD = 10;

export const WORKBOOK_UNREADABLE =
  "This file could not be read as an Excel workbook. Save it again from Excel as .xlsx (or export it as CSV) and pick it again.";
export const WORKBOOK_EMPTY = "This workbook has no sheet with data.";

/** Excel's grid: no sheet has more rows or columns (the last column is XFD). */
const EXCEL_MAX_ROWS = 1_048_576;
const EXCEL_MAX_COLUMNS = 16_384;
export const WORKBOOK_OUTSIDE_GRID = `This sheet has cells beyond Excel's last row (${EXCEL_MAX_ROWS.toLocaleString("en-US")}) or last column (XFD), more than a sheet can hold. Save it again from Excel and pick it again.`;

/** A cell or row reference Excel's grid has no room for. */
export function outsideGrid(row: number, column: number): boolean {
  return row >= EXCEL_MAX_ROWS || column >= EXCEL_MAX_COLUMNS;
}

export interface SheetRead {
  sheets: string[];
  sheet: string;
  store: ColumnStore;
  /** Columns holding at least one Excel date. */
  dateColumns: number[];
}

/** A merged range of cells, 0-based and inclusive. */
export interface Range {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

/**
 * A sheet's rows into the column store as they are read (ascending, 0-based, each as its cells by
 * column, "" when empty), rows with no value of their own skipped. Merged cells: the top-left value
 * fills the whole range within the rows read (a merged range makes no row); in the rows a header
 * may be among, a header merged across columns names each ("Name", "Name (2)"), so the header row
 * stays one distinct name a column, as the header-row detection and the mapping need. The width is
 * the last column holding a value in any row (formatting alone does not count), or a merged
 * range's last; every row gets it once all are read.
 */
export class SheetRows {
  private readonly store = new ColumnStore();
  private width = 0;
  private readonly pending: Range[];
  private started = 0;
  private active: { range: Range; value: string; header: boolean }[] = [];

  constructor(merges: readonly Range[]) {
    this.pending = [...merges].sort((a, b) => a.r0 - b.r0);
    for (const m of merges) this.width = Math.max(this.width, m.c1 + 1);
  }

  /** Sheet row `r` (0-based) with its cells; `cells` is the caller's, reused. */
  row(r: number, cells: string[]): void {
    let length = cells.length;
    while (length > 0 && cells[length - 1] === "") length--;
    if (length === 0) return;
    while (this.started < this.pending.length && (this.pending[this.started] as Range).r0 <= r) {
      const range = this.pending[this.started++] as Range;
      const value = range.r0 === r ? (cells[range.c0] ?? "") : "";
      this.active.push({ range, value, header: range.r0 < HEADER_LOOKAHEAD && value !== "" });
    }
    if (this.active.length > 0) {
      this.active = this.active.filter((a) => a.range.r1 >= r);
      for (const { range, value, header } of this.active) {
        while (cells.length < range.c0) cells.push("");
        for (let c = range.c0; c <= range.c1; c++)
          cells[c] = header && c > range.c0 ? `${value} (${c - range.c0 + 1})` : value;
      }
      length = cells.length;
      while (length > 0 && cells[length - 1] === "") length--;
    }
    cells.length = length;
    if (length > this.width) this.width = length;
    this.store.add(cells, r + 1);
  }

  finish(): ColumnStore {
    this.store.widen(this.width);
    return this.store;
  }
}
