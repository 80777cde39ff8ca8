// The parsed CSV rows, held once and compactly: one column of text per source column, dictionary
// encoded (two bytes a cell) while its values repeat, plain strings once they mostly do not; plus
// each row's line and cell count. Rows are read back one at a time.

/** Dictionary columns give up once they hold this many distinct values and more than half the rows. */
const DICTIONARY_MIN = 4096;
const DICTIONARY_MAX = 65_535;

class TextColumn {
  private dict: string[] | undefined = [""];
  private index: Map<string, number> | undefined = new Map([["", 0]]);
  private codes: Uint16Array;
  private plain: string[] | undefined;

  /** A column first seen at row `rows`: the rows above it read "" (they have no such cell). */
  constructor(capacity: number, rows: number) {
    this.codes = new Uint16Array(Math.max(capacity, 1024));
    if (rows > 0 && capacity < rows) this.grow(rows);
  }

  private grow(min: number): void {
    let size = this.codes.length;
    while (size <= min) size *= 2;
    const next = new Uint16Array(size);
    next.set(this.codes);
    this.codes = next;
  }

  set(row: number, value: string): void {
    const plain = this.plain;
    if (plain) {
      while (plain.length < row) plain.push("");
      plain[row] = value;
      return;
    }
    const index = this.index as Map<string, number>;
    let code = index.get(value);
    if (code === undefined) {
      const dict = this.dict as string[];
      if (dict.length >= DICTIONARY_MAX || (dict.length >= DICTIONARY_MIN && dict.length * 2 > row)) {
        this.toPlain(row);
        this.set(row, value);
        return;
      }
      code = dict.length;
      dict.push(value);
      index.set(value, code);
    }
    if (row >= this.codes.length) this.grow(row);
    this.codes[row] = code;
  }

  private toPlain(rows: number): void {
    const dict = this.dict as string[];
    const plain: string[] = new Array(rows);
    for (let i = 0; i < rows; i++) plain[i] = dict[this.codes[i] as number] as string;
    this.plain = plain;
    this.dict = undefined;
    this.index = undefined;
    this.codes = new Uint16Array(0);
  }

  get(row: number): string {
    if (this.plain) return this.plain[row] ?? "";
    return (this.dict as string[])[this.codes[row] ?? 0] as string;
  }
}

function grown<T extends Uint32Array>(array: T, min: number): T {
  if (min < array.length) return array;
  let size = array.length;
  while (size <= min) size *= 2;
  const next = new Uint32Array(size);
  next.set(array);
  return next as T;
}

export class ColumnStore {
  private readonly columns: TextColumn[] = [];
  private lines = new Uint32Array(1024);
  private widths = new Uint32Array(1024);
  private readonly capacity: number;
  count = 0;

  /** `expectedRows` sizes the first allocation (a guess from the file size is fine). */
  constructor(expectedRows = 1024) {
    this.capacity = Math.min(Math.max(1024, expectedRows), 1 << 24);
  }

  add(cells: readonly string[], line: number): void {
    const row = this.count++;
    this.lines = grown(this.lines, row);
    this.widths = grown(this.widths, row);
    this.lines[row] = line;
    this.widths[row] = cells.length;
    while (this.columns.length < cells.length) this.columns.push(new TextColumn(this.capacity, row));
    for (let c = 0; c < cells.length; c++) (this.columns[c] as TextColumn).set(row, cells[c] as string);
  }

  /**
   * Every row at least `width` cells wide, the cells added empty (a sheet read as a stream knows
   * its width only at its end).
   */
  widen(width: number): void {
    while (this.columns.length < width) this.columns.push(new TextColumn(this.capacity, this.count));
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

  /** The row's cells into `into` (reused by callers that read one row at a time). */
  cells(row: number, into: string[] = []): string[] {
    const width = this.widths[row] as number;
    into.length = width;
    for (let c = 0; c < width; c++) into[c] = (this.columns[c] as TextColumn).get(row);
    return into;
  }
}
