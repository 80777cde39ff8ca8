// CSV text in chunks -> rows in the column store, as schemas/csv.ts's readCsvCells reads the whole
// text (same delimiter sniffing, same line numbers, same quoting messages), without the whole text
// or all rows in memory.
//
// A piece of text is read by a scanner that hands the store slices of the text, so repeated values
// cost no string: it takes unquoted cells and well-formed quoted ones ("…", "" inside, line breaks
// inside). Anything else in the piece (a quote inside an unquoted value, text after a closing
// quote, a quote never closed) sends the whole piece to PapaParse's core parser, the core reader's,
// which gives those rows and their quoting messages exactly as the core does.
import Papa from "papaparse";
import { type CsvTextIssue, sniffDelimiter } from "../../schemas/index.ts";
import type { ColumnStore } from "./column-store.ts";

/** The text the delimiter is sniffed on (readCsvCells sniffs on the first 64 KB). */
const SNIFF_CHARS = 64 * 1024;
const QUOTE = 0x22;
const LF = 0x0a;

interface PapaError {
  code: string;
  message: string;
  row?: number;
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
  private partial = "";
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
    const input = this.partial + text;
    this.partial = "";
    if (input === "") return;
    const delimiter = this.delimiter;
    if (delimiter.length === 1 && delimiter !== '"' && delimiter !== "\n" && this.scan(input, final)) return;
    this.parse(input, final);
  }

  /**
   * Reads the complete rows of `input` (all of it when `final`) into the store, keeping the rest
   * as the partial row; false, with nothing read, when the piece needs the full parser.
   */
  private scan(input: string, final: boolean): boolean {
    const store = this.store;
    const delimiter = (this.delimiter as string).charCodeAt(0);
    const before = { count: store.count, line: this.line, rows: this.rows };
    const n = input.length;
    let bounds = this.bounds;
    const values = this.values;
    let nextDelimiter = -2;
    let nextNewline = -2;
    let nextQuote = -2;
    let pos = 0;
    rows: while (pos < n) {
      const rowStart = pos;
      let width = 0;
      let lines = 1;
      let blank = true;
      for (;;) {
        if (2 * width + 2 > bounds.length) {
          const wider = new Int32Array(bounds.length * 2);
          wider.set(bounds);
          bounds = this.bounds = wider;
        }
        let end: number;
        if (pos < n && input.charCodeAt(pos) === QUOTE) {
          // A quoted value: up to the quote that is not doubled; it must end the cell.
          let search = pos + 1;
          let escaped = false;
          let close: number;
          for (;;) {
            close = input.indexOf('"', search);
            if (close === -1 || close + 1 === n) {
              if (final && close !== -1) break;
              if (final) return this.undo(before);
              this.partial = input.slice(rowStart);
              break rows;
            }
            if (input.charCodeAt(close + 1) !== QUOTE) break;
            escaped = true;
            search = close + 2;
          }
          end = close + 1;
          const after = end < n ? input.charCodeAt(end) : -1;
          if (after !== delimiter && after !== LF && after !== -1) return this.undo(before);
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
          if (nextQuote !== -1 && nextQuote < end) return this.undo(before);
          if (end === n && !final) {
            this.partial = input.slice(rowStart);
            break rows;
          }
          bounds[2 * width] = pos;
          bounds[2 * width + 1] = end;
          if (blank && end > pos && hasText(input, pos, end)) blank = false;
        }
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
    return true;
  }

  /** Gives back what scan read of this piece. */
  private undo(before: { count: number; line: number; rows: number }): false {
    this.store.truncate(before.count);
    this.line = before.line;
    this.rows = before.rows;
    this.partial = "";
    return false;
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
      for (; e < errors.length && (errors[e]?.row ?? 0) <= r; e++) {
        const error = errors[e] as PapaError;
        if (error.code === "UndetectableDelimiter") continue;
        this.onIssue({
          line: start,
          index: this.rows,
          message:
            error.code === "MissingQuotes"
              ? `Line ${start}: a quoted value is never closed (missing ")`
              : `Line ${start}: ${error.message}`,
        });
      }
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
