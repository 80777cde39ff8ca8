// CSV text in chunks -> rows in the column store, as schemas/csv.ts's readCsvCells reads the whole
// text (same delimiter sniffing, same line numbers, same quoting messages), without the whole text
// or all rows in memory.
//
// A piece of text is read by a scanner that hands the store slices of the text, so repeated values
// cost no string: it takes unquoted cells and well-formed quoted ones ("…", "" inside, line breaks
// inside). A row left open at a piece's end is kept with where its last cell's scan stopped, and
// the next pieces are looked at only for that cell's end, so a cell spanning many pieces costs its
// length once, not once a piece. Anything else in the piece (a quote inside an unquoted value, text
// after a closing quote, a quote never closed) sends the whole piece to PapaParse's core parser,
// the core reader's, which gives those rows and their quoting messages exactly as the core does.
import Papa from "papaparse";
import {
  type CsvParseError,
  type CsvTextIssue,
  csvErrorMessages,
  sniffDelimiter,
} from "../../schemas/index.ts";
import type { ColumnStore } from "./column-store.ts";

/** The text the delimiter is sniffed on (readCsvCells sniffs on the first 64 KB). */
const SNIFF_CHARS = 64 * 1024;
const QUOTE = 0x22;
const LF = 0x0a;

interface PapaError extends CsvParseError {
  row?: number;
}

/** A row the scanner stopped in at a piece's end, waiting for the rest of its last cell. */
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
  /** The row so far, in pieces, for the full parser should it turn out malformed. */
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

export class CsvStream {
  delimiter: string | undefined;
  private readonly forced: string | undefined;
  private readonly store: ColumnStore;
  private readonly onIssue: (issue: CsvTextIssue) => void;
  private head = "";
  /** The full parser's unfinished last row. */
  private partial = "";
  /** The scanner's unfinished last row. */
  private open: OpenRow | undefined;
  private pendingCr = false;
  private started = false;
  private line = 1;
  private rows = 0;
  /** The scanner's row: cell c is text[bounds[2c], bounds[2c + 1]) or values[c]. */
  private bounds = new Int32Array(64);
  private readonly values: string[] = [];

  constructor(store: ColumnStore, onIssue: (issue: CsvTextIssue) => void, delimiter?: string) {
    this.store = store;
    this.onIssue = onIssue;
    this.forced = delimiter;
  }

  /** The next decoded piece of the file; `final` on the last one (which may be empty). */
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
    if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
    if (this.delimiter === undefined) {
      this.head += text;
      if (this.head.length < SNIFF_CHARS && !final) return;
      this.delimiter = this.forced ?? sniffDelimiter(this.head);
      text = this.head;
      this.head = "";
    }
    const delimiter = this.delimiter;
    if (delimiter.length === 1 && delimiter !== '"' && delimiter !== "\n") {
      if (this.open && !final && this.stillOpen(this.open, text)) return;
      const piece = this.scan(text, final);
      if (piece !== undefined) this.parse(piece, final);
      return;
    }
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
   * Reads the complete rows of the open row and `text` (all of it when `final`) into the store,
   * keeping an unfinished last row open; when the piece needs the full parser, gives it back whole
   * with nothing read.
   */
  private scan(text: string, final: boolean): string | undefined {
    const store = this.store;
    const delimiter = (this.delimiter as string).charCodeAt(0);
    const before = { count: store.count, line: this.line, rows: this.rows };
    const open = this.open;
    this.open = undefined;
    // An open row goes on with its last cell: its earlier cells are in `values` already.
    const input = open ? [...open.cell, text].join("") : this.partial + text;
    const piece = () => (open ? open.text.join("") + text : input);
    this.partial = "";
    const n = input.length;
    let bounds = this.bounds;
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
        if (2 * width + 2 > bounds.length) {
          const wider = new Int32Array(bounds.length * 2);
          wider.set(bounds);
          bounds = this.bounds = wider;
        }
        let end: number;
        if (pos < n && input.charCodeAt(pos) === QUOTE) {
          // A quoted value: up to the quote that is not doubled; it must end the cell.
          let search = searched < 0 ? pos + 1 : searched;
          let close: number;
          for (;;) {
            close = input.indexOf('"', search);
            if (close === -1 || close + 1 === n) {
              if (final && close !== -1) break;
              if (final) return this.undo(before, piece());
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
          if (after !== delimiter && after !== LF && after !== -1) return this.undo(before, piece());
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
          if (nextQuote !== -1 && nextQuote < end) return this.undo(before, piece());
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
        if (end < n && input.charCodeAt(end) === delimiter) {
          pos = end + 1;
          continue;
        }
        pos = end + 1;
        break;
      }
      const line = this.line;
      this.line += lines;
      if (blank) continue;
      store.addSlices(input, bounds, width, line, values);
      this.rows++;
    }
    return undefined;
  }

  /**
   * The row from `rowStart` of `input` (`resumed` when it began in an earlier piece) stays open, its
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
    const bounds = this.bounds;
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

  /** Gives back what scan read of this piece, and the piece for the full parser. */
  private undo(before: { count: number; line: number; rows: number }, piece: string): string {
    this.store.truncate(before.count);
    this.line = before.line;
    this.rows = before.rows;
    return piece;
  }

  /** PapaParse's core parser over the piece, with its quoting messages. */
  private parse(input: string, final: boolean): void {
    const parser = new Papa.Parser({ delimiter: this.delimiter, newline: "\n" });
    const result = parser.parse(input, 0, !final) as {
      data: string[][];
      errors: PapaError[];
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
        this.onIssue({ line: start, index: this.rows, message });
      // The rows this one spans: one, plus the line breaks inside its quoted values.
      let lines = 1;
      let blank = true;
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c] as string;
        if (quoted) for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) lines++;
        if (blank && cell.length > 0 && cell.trim() !== "") blank = false;
      }
      this.line += lines;
      if (blank) continue;
      this.store.add(cells, start);
      this.rows++;
    }
  }
}
