// The one CSV scanner: text in chunks (or whole, for readCsvCells) -> the non-blank rows of cells,
// each with the line it starts on, and the quoting problems, whatever the chunk boundaries (inside
// quotes, between "\r" and "\n", after the BOM). The Worker reads a body with it in one chunk; the
// extension's pipeline feeds it the decoded file piece by piece, straight into its column store.
//
// Written by hand around PapaParse, not with its streaming (convention 12): PapaParse reads a row
// left open at a chunk's end again at every chunk, and hands out strings. This scanner hands out
// slices of the text (so a store keeps repeated values without a string each), and a cell spanning
// many chunks costs its length once. It reads unquoted cells and well-formed quoted ones ("…", ""
// inside, line breaks inside). From a row it cannot read (a quote inside an unquoted value, text
// after a closing quote, a quote never closed) to the chunk's end, PapaParse's core parser reads
// the text, giving those rows and their quoting messages as PapaParse reads them; the scanner
// takes over again with the next chunk.
import Papa from "papaparse";
import { toLf } from "./lines.ts";

export const CSV_DELIMITERS: readonly string[] = [",", ";", "\t", "|"];

/** The delimiter is sniffed on this much of the text, its start. */
export const CSV_SNIFF_CHARS = 64 * 1024;

/** The delimiter PapaParse guesses on the first non-blank lines; "," when nothing splits. */
export function sniffDelimiter(text: string): string {
  // PapaParse's guess counts blank lines, so it is asked on a preview that skips them.
  const guess = Papa.parse<string[]>(text.slice(0, CSV_SNIFF_CHARS), {
    preview: 20,
    skipEmptyLines: "greedy",
    delimitersToGuess: [...CSV_DELIMITERS],
  }).meta.delimiter;
  return CSV_DELIMITERS.includes(guess) ? guess : ",";
}

/** A problem of the CSV text itself (its quoting), on the parsed row `index` (0-based). */
export interface CsvTextIssue {
  line: number;
  index: number;
  message: string;
}

/** A PapaParse error: `index` is where the value it is about starts, `row` the row it is on. */
export interface CsvParseError {
  code: string;
  message: string;
  index?: number;
  row?: number;
}

/**
 * The quoting problems of the row starting at `line`, as reports word them: one message a value.
 * PapaParse reports text after a closing quote (`"a"b`) as a malformed quote, then, having read
 * on for another closing quote, often as an unterminated one too: that is one problem, the first.
 */
export function csvErrorMessages(line: number, errors: readonly CsvParseError[]): string[] {
  const messages: string[] = [];
  const afterQuote = new Set<number | undefined>();
  for (const error of errors) {
    if (error.code === "UndetectableDelimiter") continue; // one column: nothing to split
    if (error.code === "InvalidQuotes") {
      if (!afterQuote.has(error.index))
        messages.push(
          `Line ${line}: text follows the closing quote of a quoted value (a quote inside a quoted value is written "")`,
        );
      afterQuote.add(error.index);
    } else if (error.code === "MissingQuotes") {
      if (!afterQuote.has(error.index))
        messages.push(`Line ${line}: a quoted value is never closed (missing ")`);
    } else messages.push(`Line ${line}: ${error.message}`);
  }
  return messages;
}

/**
 * A row as the scanner hands it over (the same object again for the next row): cell c is
 * text[bounds[2c], bounds[2c + 1]), or values[c] where bounds[2c] is -1 (a value that is not a
 * slice of the text, e.g. one with doubled quotes).
 */
export interface CsvRowSlices {
  /** The 1-based line the row starts on. */
  line: number;
  width: number;
  text: string;
  bounds: Int32Array;
  values: readonly string[];
}

/** The row's cells as strings. */
export function rowCells(row: CsvRowSlices): string[] {
  const cells: string[] = new Array(row.width);
  for (let c = 0; c < row.width; c++) {
    const start = row.bounds[2 * c] as number;
    cells[c] = start < 0 ? (row.values[c] as string) : row.text.slice(start, row.bounds[2 * c + 1]);
  }
  return cells;
}

/** Where the scanner hands what it reads, as it reads it. */
export interface CsvSink {
  row(row: CsvRowSlices): void;
  issue(issue: CsvTextIssue): void;
}

const QUOTE = 0x22;
const LF = 0x0a;

/** A row the scanner stopped in at a chunk's end, waiting for the rest of its last cell. */
interface OpenRow {
  /** Its cells before the last (in the scanner's `values`). */
  width: number;
  /** The lines they span. */
  lines: number;
  blank: boolean;
  /** The last cell so far, in pieces. */
  cell: string[];
  cellLength: number;
  /**
   * The last cell is quoted: where in it the search for its closing quote goes on (a quote ending
   * it is looked at again), and whether a doubled quote was met.
   */
  quoted: boolean;
  searched: number;
  escaped: boolean;
  /** The row so far, in pieces, for PapaParse should it turn out malformed. */
  text: string[];
}

/** What String.prototype.trim removes. */
function isSpace(c: number): boolean {
  return c <= 0x20
    ? c === 0x20 || (c >= 0x09 && c <= 0x0d)
    : c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff;
}

function hasText(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(text.charCodeAt(i))) return true;
  return false;
}

/**
 * Reads CSV text pushed in chunks: a UTF-8 BOM is skipped; every line break ("\r\n", "\n" or a lone
 * "\r", mixed) ends one line, and one inside a quoted value reads as "\n" and still counts as a
 * line; a row of blank cells is skipped; the delimiter is sniffed among , ; tab | on the first
 * CSV_SNIFF_CHARS unless given (no row is read before).
 */
export class CsvScanner {
  /** The delimiter given, or the one sniffed once the first CSV_SNIFF_CHARS (or the end) are in. */
  delimiter: string | undefined;
  private readonly sink: CsvSink;
  /** The text before the delimiter is known. */
  private head = "";
  /** PapaParse's unfinished last row. */
  private partial = "";
  /** The scanner's unfinished last row. */
  private open: OpenRow | undefined;
  private pendingCr = false;
  private started = false;
  private line = 1;
  private rows = 0;
  private readonly row: CsvRowSlices = {
    line: 0,
    width: 0,
    text: "",
    bounds: new Int32Array(64),
    values: [],
  };
  /** The values of the scanner's row that are not slices of its text. */
  private readonly values: string[] = [];

  constructor(sink: CsvSink, delimiter?: string) {
    this.sink = sink;
    this.delimiter = delimiter;
  }

  /** The next chunk of the text; `final` on the last one (which may be empty). */
  push(chunk: string, final = false): void {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // Line breaks as "\n" ("\r\n" split across two chunks still makes one).
    if (this.pendingCr) {
      text = `\r${text}`;
      this.pendingCr = false;
    }
    if (!final && text.endsWith("\r")) {
      text = text.slice(0, -1);
      this.pendingCr = true;
    }
    text = toLf(text);
    if (this.delimiter === undefined) {
      this.head += text;
      if (this.head.length < CSV_SNIFF_CHARS && !final) return;
      this.delimiter = sniffDelimiter(this.head);
      text = this.head;
      this.head = "";
    }
    const delimiter = this.delimiter;
    if (delimiter.length === 1 && delimiter !== '"' && delimiter !== "\n") {
      if (this.open && !final && this.stillOpen(this.open, text)) return;
      this.scan(text, final);
      return;
    }
    // A delimiter the scanner does not read (several characters, given): PapaParse reads it all.
    const input = this.partial + text;
    this.partial = "";
    if (input !== "") this.parse(input, final);
  }

  /** Whether `text` leaves the open row's last cell unfinished (then it is added to the row). */
  private stillOpen(open: OpenRow, text: string): boolean {
    if (text.length === 0) return true;
    if (open.quoted) {
      // Where the closing quote may be in `text`: -1 when the cell so far ends in a quote.
      let at = open.searched - open.cellLength;
      let escaped = open.escaped;
      if (at < 0) {
        if (text.charCodeAt(0) !== QUOTE) return false;
        escaped = true;
        at = 1;
      }
      for (;;) {
        const close = text.indexOf('"', at);
        if (close === -1 || close + 1 === text.length) {
          at = close === -1 ? text.length : close;
          break;
        }
        if (text.charCodeAt(close + 1) !== QUOTE) return false;
        escaped = true;
        at = close + 2;
      }
      open.searched = open.cellLength + at;
      open.escaped = escaped;
    } else if (text.includes(this.delimiter as string) || text.includes("\n") || text.includes('"'))
      return false;
    open.cell.push(text);
    open.text.push(text);
    open.cellLength += text.length;
    return true;
  }

  /**
   * Reads the complete rows of the open row and `text` (all of it when `final`), keeping an
   * unfinished last row open; from a row it cannot read, PapaParse reads the rest.
   */
  private scan(text: string, final: boolean): void {
    const delimiter = (this.delimiter as string).charCodeAt(0);
    const open = this.open;
    this.open = undefined;
    // An open row goes on with its last cell: its earlier cells are in `values` already.
    const input = open ? [...open.cell, text].join("") : this.partial + text;
    this.partial = "";
    const n = input.length;
    const values = this.values;
    let nextDelimiter = -2;
    let nextNewline = -2;
    let nextQuote = -2;
    let pos = 0;
    let resume = open;
    rows: while (pos < n || resume) {
      const rowStart = pos;
      const resumed = resume;
      let width = resume?.width ?? 0;
      let lines = resume?.lines ?? 1;
      let blank = resume?.blank ?? true;
      // The open quoted cell's search goes on where it stopped.
      let searched = resume?.quoted ? resume.searched : -1;
      let escaped = resume?.escaped ?? false;
      resume = undefined;
      for (;;) {
        const bounds = this.room(width + 1);
        let end: number;
        if (pos < n && input.charCodeAt(pos) === QUOTE) {
          // A quoted value: up to the quote that is not doubled; it must end the cell.
          let search = searched < 0 ? pos + 1 : searched;
          let close: number;
          for (;;) {
            close = input.indexOf('"', search);
            if (close === -1 || close + 1 === n) {
              if (final && close !== -1) break;
              if (final) {
                this.parseFrom(resumed, text, input, rowStart, final);
                return;
              }
              const cell = { quoted: true, searched: close === -1 ? n : close, escaped };
              this.keepOpen(input, text, rowStart, pos, { width, lines, blank }, cell, resumed);
              break rows;
            }
            if (input.charCodeAt(close + 1) !== QUOTE) break;
            escaped = true;
            search = close + 2;
          }
          end = close + 1;
          const after = end < n ? input.charCodeAt(end) : -1;
          if (after !== delimiter && after !== LF && after !== -1) {
            this.parseFrom(resumed, text, input, rowStart, final);
            return;
          }
          for (let i = input.indexOf("\n", pos + 1); i !== -1 && i < close; i = input.indexOf("\n", i + 1))
            lines++;
          if (escaped) {
            const value = input.slice(pos + 1, close).replaceAll('""', '"');
            values[width] = value;
            bounds[2 * width] = -1;
            if (blank && hasText(value, 0, value.length)) blank = false;
          } else {
            bounds[2 * width] = pos + 1;
            bounds[2 * width + 1] = close;
            if (blank && hasText(input, pos + 1, close)) blank = false;
          }
        } else {
          if (nextDelimiter < pos && nextDelimiter !== -1)
            nextDelimiter = input.indexOf(this.delimiter as string, pos);
          if (nextNewline < pos && nextNewline !== -1) nextNewline = input.indexOf("\n", pos);
          end = nextNewline === -1 ? n : nextNewline;
          if (nextDelimiter !== -1 && nextDelimiter < end) end = nextDelimiter;
          if (nextQuote < pos && nextQuote !== -1) nextQuote = input.indexOf('"', pos);
          if (nextQuote !== -1 && nextQuote < end) {
            this.parseFrom(resumed, text, input, rowStart, final);
            return;
          }
          if (end === n && !final) {
            const cell = { quoted: false, searched: 0, escaped: false };
            this.keepOpen(input, text, rowStart, pos, { width, lines, blank }, cell, resumed);
            break rows;
          }
          bounds[2 * width] = pos;
          bounds[2 * width + 1] = end;
          if (blank && end > pos && hasText(input, pos, end)) blank = false;
        }
        searched = -1;
        escaped = false;
        width++;
        pos = end + 1;
        if (end >= n || input.charCodeAt(end) !== delimiter) break;
      }
      const line = this.line;
      this.line += lines;
      if (!blank) this.emit(line, width, input, values);
    }
  }

  /** PapaParse reads on from the row at `rowStart` of `input`, or from the open row `resumed`. */
  private parseFrom(
    resumed: OpenRow | undefined,
    text: string,
    input: string,
    rowStart: number,
    final: boolean,
  ): void {
    this.parse(resumed ? resumed.text.join("") + text : input.slice(rowStart), final);
  }

  /** The row's bounds, with room for `width` cells. */
  private room(width: number): Int32Array {
    const row = this.row;
    if (2 * width <= row.bounds.length) return row.bounds;
    const wider = new Int32Array(Math.max(2 * width, row.bounds.length * 2));
    wider.set(row.bounds);
    row.bounds = wider;
    return wider;
  }

  private emit(line: number, width: number, text: string, values: readonly string[]): void {
    const row = this.row;
    row.line = line;
    row.width = width;
    row.text = text;
    row.values = values;
    this.sink.row(row);
    this.rows++;
  }

  /**
   * The row from `rowStart` of `input` (`resumed` when it began in an earlier chunk) stays open, its
   * last cell (from `cellStart`) unfinished: its finished cells become values, since `input` goes.
   */
  private keepOpen(
    input: string,
    text: string,
    rowStart: number,
    cellStart: number,
    row: { width: number; lines: number; blank: boolean },
    cell: { quoted: boolean; searched: number; escaped: boolean },
    resumed: OpenRow | undefined,
  ): void {
    const bounds = this.row.bounds;
    for (let c = 0; c < row.width; c++) {
      const start = bounds[2 * c] as number;
      if (start < 0) continue;
      this.values[c] = input.slice(start, bounds[2 * c + 1] as number);
      bounds[2 * c] = -1;
    }
    const last = input.slice(cellStart);
    const rowText = resumed ? resumed.text : [];
    if (resumed) rowText.push(text);
    else rowText.push(input.slice(rowStart));
    this.open = {
      ...row,
      cell: [last],
      cellLength: last.length,
      quoted: cell.quoted,
      searched: cell.searched - cellStart,
      escaped: cell.escaped,
      text: rowText,
    };
  }

  /** PapaParse's core parser over `input` (from a row's start), with its quoting messages. */
  private parse(input: string, final: boolean): void {
    const parser = new Papa.Parser({ delimiter: this.delimiter, newline: "\n" });
    const result = parser.parse(input, 0, !final) as {
      data: string[][];
      errors: CsvParseError[];
      meta: { cursor: number };
    };
    if (!final) this.partial = input.substring(result.meta.cursor);
    const data = result.data;
    const quoted = input.includes('"');
    const errors = result.errors;
    let e = 0;
    for (let r = 0; r < data.length; r++) {
      const cells = data[r] as string[];
      const start = this.line;
      const from = e;
      while (e < errors.length && (errors[e]?.row ?? 0) <= r) e++;
      for (const message of csvErrorMessages(start, errors.slice(from, e)))
        this.sink.issue({ line: start, index: this.rows, message });
      // The lines this row spans: one, plus the line breaks inside its quoted values.
      let lines = 1;
      let blank = true;
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c] as string;
        if (quoted) for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) lines++;
        if (blank && cell.length > 0 && cell.trim() !== "") blank = false;
      }
      this.line += lines;
      if (blank) continue;
      this.room(cells.length).fill(-1, 0, 2 * cells.length);
      this.emit(start, cells.length, "", cells);
    }
  }
}
