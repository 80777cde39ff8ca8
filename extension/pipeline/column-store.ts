// The parsed CSV rows, held once and compactly: one column of text per source column, dictionary
// encoded (two bytes a cell) while its values repeat, plain strings once they mostly do not; plus
// each row's line and cell count. Rows are read back one at a time. Storage grows with the rows
// and cells actually added (doubling), never from a size a file declares.
//
// Cells arrive as strings (a sheet, a table read from a PDF or an image) or as rows of the CSV
// scanner, mostly slices of the decoded text: a slice whose value is already in the dictionary is
// found by hashing it where it lies, so a repeated value costs no string at all.
import type { CsvRowSlices } from "../../schemas/index.ts";

/** Dictionary columns give up once they hold this many distinct values and more than half the rows. */
const DICTIONARY_MIN = 4096;
const DICTIONARY_MAX = 65_535;
/** The smallest allocation of a row-indexed array, and the largest first one. */
const MIN_ROWS = 16;
const MAX_FIRST_ROWS = 1 << 24;
const FIRST_SLOTS = 16;

/** Characters hashed at each end of a longer value (its length is hashed too). */
const HASHED_ENDS = 64;

/** FNV-1a over text[start, end), or over its ends and length when longer: a long cell hashes in constant time. */
function hashOf(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  let from = start;
  if (end - start > 2 * HASHED_ENDS) {
    h = Math.imul(h ^ (end - start), 0x01000193);
    for (let i = start; i < start + HASHED_ENDS; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    from = end - HASHED_ENDS;
  }
  for (let i = from; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** Whether text[start, start + value.length) is `value` (a loop: no call into the runtime). */
function sameAt(text: string, start: number, value: string): boolean {
  for (let i = 0; i < value.length; i++) if (text.charCodeAt(start + i) !== value.charCodeAt(i)) return false;
  return true;
}

/**
 * One column's cells, from row `first` on (the rows above it have no such cell and read ""): its
 * arrays start small and double as rows are set, so a column costs what it holds.
 */
class TextColumn {
  private readonly first: number;
  /** code -> value; `slots` is an open-addressed table of code + 1 by hash (0: free). */
  private dict: string[] | undefined = [""];
  private slots: Int32Array | undefined = new Int32Array(FIRST_SLOTS);
  /** By row - first; rows past its end read "". */
  private codes = new Uint16Array(0);
  private plain: string[] | undefined;

  constructor(first: number) {
    this.first = first;
  }

  set(row: number, value: string): void {
    this.setSlice(row, value, 0, value.length);
  }

  /** Row `row` reads text[start, end). */
  setSlice(row: number, text: string, start: number, end: number): void {
    const index = row - this.first;
    const plain = this.plain;
    if (plain) {
      while (plain.length < index) plain.push("");
      plain[index] = start === 0 && end === text.length ? text : text.slice(start, end);
      return;
    }
    let code = 0;
    if (end > start) {
      const dict = this.dict as string[];
      let slots = this.slots as Int32Array;
      const length = end - start;
      const hash = hashOf(text, start, end);
      let mask = slots.length - 1;
      let at = hash & mask;
      for (;;) {
        const slot = slots[at] as number;
        if (slot === 0) break;
        const value = dict[slot - 1] as string;
        if (value.length === length && sameAt(text, start, value)) {
          code = slot - 1;
          break;
        }
        at = (at + 1) & mask;
      }
      if (code === 0) {
        if (dict.length >= DICTIONARY_MAX || (dict.length >= DICTIONARY_MIN && dict.length * 2 > index)) {
          this.toPlain(index);
          this.setSlice(row, text, start, end);
          return;
        }
        code = dict.length;
        dict.push(start === 0 && end === text.length ? text : text.slice(start, end));
        slots[at] = code + 1;
        if (dict.length * 2 > slots.length) {
          slots = this.rehash(slots.length * 4);
          mask = slots.length - 1;
        }
      }
    }
    if (index >= this.codes.length) {
      if (code === 0) return;
      let size = Math.max(this.codes.length, MIN_ROWS);
      while (size <= index) size *= 2;
      const codes = new Uint16Array(size);
      codes.set(this.codes);
      this.codes = codes;
    }
    this.codes[index] = code;
  }

  private rehash(size: number): Int32Array {
    const dict = this.dict as string[];
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let code = 1; code < dict.length; code++) {
      const value = dict[code] as string;
      let at = hashOf(value, 0, value.length) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = code + 1;
    }
    this.slots = slots;
    return slots;
  }

  private toPlain(rows: number): void {
    const dict = this.dict as string[];
    const plain: string[] = new Array(rows);
    for (let i = 0; i < rows; i++) plain[i] = dict[this.codes[i] ?? 0] as string;
    this.plain = plain;
    this.dict = undefined;
    this.slots = undefined;
    this.codes = new Uint16Array(0);
  }

  /** The bytes its arrays reserve (its texts not counted). */
  get allocatedBytes(): number {
    return this.codes.byteLength + (this.slots?.byteLength ?? 0);
  }

  get(row: number): string {
    const index = row - this.first;
    if (index < 0) return "";
    if (this.plain) return this.plain[index] ?? "";
    return (this.dict as string[])[this.codes[index] ?? 0] as string;
  }

  /**
   * Each different value but "" of rows [from, to) once, in the order they first appear, until
   * `visit` answers false. A dictionary column reads its two-byte codes and stops once every value in it
   * has been seen; `skip(row)` leaves a row out.
   */
  distinct(
    from: number,
    to: number,
    skip: (row: number) => boolean,
    visit: (value: string) => boolean,
  ): void {
    const first = this.first;
    const plain = this.plain;
    if (plain) {
      const seen = new Set<string>();
      for (let row = Math.max(from, first); row < to; row++) {
        if (skip(row)) continue;
        const value = plain[row - first] ?? "";
        if (seen.has(value)) continue;
        seen.add(value);
        if (!visit(value)) return;
      }
      return;
    }
    const dict = this.dict as string[];
    const codes = this.codes;
    // "" (code 0) is no value: never visited.
    const seen = new Uint8Array(dict.length);
    seen[0] = 1;
    let left = dict.length - 1;
    for (let row = Math.max(from, first); row < to && left > 0; row++) {
      const code = codes[row - first] ?? 0;
      if (seen[code] === 1 || skip(row)) continue;
      seen[code] = 1;
      left--;
      if (!visit(dict[code] as string)) return;
    }
  }
}

function grown<T extends Uint32Array>(array: T, min: number): T {
  if (min < array.length) return array;
  let size = Math.max(array.length, MIN_ROWS);
  while (size <= min) size *= 2;
  const next = new Uint32Array(size);
  next.set(array);
  return next as T;
}

export class ColumnStore {
  private readonly columns: TextColumn[] = [];
  private lines: Uint32Array;
  private widths: Uint32Array;
  count = 0;

  /**
   * `expectedRows` sizes the first allocation of the rows' lines and widths: a guess from the
   * bytes to read is fine, a size a file declares is not (it may be anything). Columns always start
   * small: a wide row must not reserve that guess for each of its cells.
   */
  constructor(expectedRows = 0) {
    const capacity = Math.min(Math.max(MIN_ROWS, expectedRows), MAX_FIRST_ROWS);
    this.lines = new Uint32Array(capacity);
    this.widths = new Uint32Array(capacity);
  }

  /** The bytes its arrays reserve (its texts not counted), to check that it grows only with what it holds. */
  get allocatedBytes(): number {
    let bytes = this.lines.byteLength + this.widths.byteLength;
    for (const column of this.columns) bytes += column.allocatedBytes;
    return bytes;
  }

  private addRow(width: number, line: number): number {
    const row = this.count++;
    this.lines = grown(this.lines, row);
    this.widths = grown(this.widths, row);
    this.lines[row] = line;
    this.widths[row] = width;
    while (this.columns.length < width) this.columns.push(new TextColumn(row));
    return row;
  }

  add(cells: readonly string[], line: number): void {
    const row = this.addRow(cells.length, line);
    for (let c = 0; c < cells.length; c++) (this.columns[c] as TextColumn).set(row, cells[c] as string);
  }

  /** A row as the CSV scanner hands it: slices of the text, or values apart. */
  addSlices(row: CsvRowSlices): void {
    const { text, bounds, width, values } = row;
    const index = this.addRow(width, row.line);
    for (let c = 0; c < width; c++) {
      const start = bounds[2 * c] as number;
      const column = this.columns[c] as TextColumn;
      if (start < 0) column.set(index, values[c] as string);
      else column.setSlice(index, text, start, bounds[2 * c + 1] as number);
    }
  }

  /**
   * Every row at least `width` cells wide, the cells added empty (a sheet read as a stream knows
   * its width only at its end).
   */
  widen(width: number): void {
    while (this.columns.length < width) this.columns.push(new TextColumn(this.count));
    for (let row = 0; row < this.count; row++)
      if ((this.widths[row] as number) < width) this.widths[row] = width;
  }

  line(row: number): number {
    return this.lines[row] as number;
  }

  width(row: number): number {
    return this.widths[row] as number;
  }

  cell(row: number, column: number): string | undefined {
    return column < (this.widths[row] as number) ? (this.columns[column] as TextColumn).get(row) : undefined;
  }

  /**
   * Each different value of `column` in rows [from, count) once, in order of appearance, until
   * `visit` answers false ("" may be left out).
   */
  distinct(column: number, from: number, visit: (value: string) => boolean): void {
    const widths = this.widths;
    this.columns[column]?.distinct(from, this.count, (row) => (widths[row] as number) <= column, visit);
  }

  /** The row's cells into `into` (reused by callers that read one row at a time). */
  cells(row: number, into: string[] = []): string[] {
    const width = this.widths[row] as number;
    into.length = width;
    for (let c = 0; c < width; c++) into[c] = (this.columns[c] as TextColumn).get(row);
    return into;
  }
}
