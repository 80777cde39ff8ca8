// CSV text in chunks -> rows, as schemas/csv.ts's readCsvCells reads the whole text (same
// delimiter sniffing, same line numbers, same quoting messages), without the whole text or all
// rows in memory: PapaParse's core parser runs over each chunk plus the unfinished row before it.
import Papa from "papaparse";
import { type CsvTextIssue, sniffDelimiter } from "../../schemas/index.ts";

/** The text the delimiter is sniffed on (readCsvCells sniffs on the first 64 KB). */
const SNIFF_CHARS = 64 * 1024;

export interface CsvRowSink {
  /** A non-blank row and the 1-based line it starts on. */
  row(cells: string[], line: number): void;
  issue(issue: CsvTextIssue): void;
}

interface PapaError {
  code: string;
  message: string;
  row?: number;
}

export class CsvStream {
  delimiter: string | undefined;
  private readonly forced: string | undefined;
  private readonly sink: CsvRowSink;
  private head = "";
  private partial = "";
  private pendingCr = false;
  private started = false;
  private line = 1;
  private rows = 0;

  constructor(sink: CsvRowSink, delimiter?: string) {
    this.sink = sink;
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
    this.parse(this.partial + text, final);
  }

  private parse(input: string, final: boolean): void {
    this.partial = "";
    if (input === "") return;
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
        this.sink.issue({
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
      this.sink.row(cells, start);
      this.rows++;
    }
  }
}
