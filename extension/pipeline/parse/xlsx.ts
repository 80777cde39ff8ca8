// Excel workbooks (.xlsx, .xlsm, .xls) in the pipeline worker. An .xlsx/.xlsm is read as a stream:
// its ZIP directory from the file's tail, then the workbook, relationships, styles and shared
// strings, then the chosen sheet inflated and scanned chunk by chunk, each row going into the
// column store as it is read, so memory stays near the rows kept (the shared strings are the one
// part held whole). Anything else (a legacy .xls, an HTML or XML "xls" export) goes through SheetJS
// (@e965/xlsx: the maintained 0.20.3 community build, not npm's xlsx 0.18.5 with its published
// advisories), loaded only then. Either way one sheet becomes rows in the column store, then goes
// through the same header-row detection as a CSV: formulas read as their cached values, merged
// cells filled across their range (so a merged header names each column under it), dates from
// Excel serial numbers written as ISO text and converted to the mapped field's form when the rows
// are validated. Elapsed times ([h]:mm:ss) read as Excel shows them ("27:10:10"), not as dates, and
// a line break in a cell reads as "\n" however the file wrote it (CR LF, a lone CR, `_x000D_`), as
// a CSV's does. The package is found by its relationships, as Excel finds it; sizes the file
// declares (a sheet's <dimension>) are never trusted: storage grows with the cells read, and a
// reference beyond Excel's grid is refused.
import type { JsonValue } from "../../../schemas/index.ts";
import { ColumnStore } from "../column-store.ts";
import type { SourceRows } from "../source.ts";
import { type XmlHandler, XmlScanner } from "./xml-scan.ts";
import { readEntry, readZipDirectory, type ZipEntry } from "./zip.ts";

type XlsxModule = typeof import("@e965/xlsx");
type CellObject = import("@e965/xlsx").CellObject;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** The first rows, where detectHeaderRow looks for the header. */
const HEADER_LOOKAHEAD = 10;
const SPREADSHEET_NAME = /\.(xlsx|xlsm|xls)$/i;
const TEXT_NAME = /\.(csv|tsv|txt|json|ndjson|jsonl)$/i;

const starts = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

/** Whether a file is an Excel workbook: by its name, or by its first bytes when the name says nothing. */
export function isWorkbook(fileName: string, head: Uint8Array): boolean {
  if (SPREADSHEET_NAME.test(fileName)) return true;
  if (TEXT_NAME.test(fileName)) return false;
  return starts(head, ZIP) || starts(head, OLE);
}

export const WORKBOOK_UNREADABLE =
  "This file could not be read as an Excel workbook. Save it again from Excel as .xlsx (or export it as CSV) and pick it again.";
export const WORKBOOK_EMPTY = "This workbook has no sheet with data.";

/** Excel's grid: no sheet has more rows or columns (the last column is XFD). */
const EXCEL_MAX_ROWS = 1_048_576;
const EXCEL_MAX_COLUMNS = 16_384;
export const WORKBOOK_OUTSIDE_GRID = `This sheet has cells beyond Excel's last row (${EXCEL_MAX_ROWS.toLocaleString("en-US")}) or last column (XFD), more than a sheet can hold. Save it again from Excel and pick it again.`;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * An Excel serial date as ISO text: `2024-03-31` for a whole day, `2024-03-31T10:00:00Z` with a
 * time (to the second, rounded, as Excel shows it), `10:00:00` for a time alone. Excel's
 * wall-clock time is taken as UTC (a workbook has no zone). In the 1900 system, serials 1-59 are
 * 1900-01-01 to 1900-02-28 and serial 60 is the 29 February 1900 Excel counts (a Lotus 1-2-3 bug it
 * kept) and shows: written as "1900-02-29", a date that never was, so a date field refuses it.
 */
export function serialToIso(value: number, date1904 = false): string {
  const serial = Math.round(value * 86_400) / 86_400;
  // Days from 1899-12-30, where serial 61 (1900-03-01) on counts; below 60 Excel is one day ahead.
  const days = date1904 ? serial + 1462 : serial >= 0 && serial < 60 ? serial + 1 : serial;
  const ms = Math.round((days - 25_569) * 86_400) * 1000;
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (serial < 1 && serial >= 0) return time;
  const day =
    !date1904 && serial >= 60 && serial < 61
      ? "1900-02-29"
      : `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return ms % 86_400_000 === 0 ? day : `${day}T${time}Z`;
}

/**
 * An elapsed-time format's first section, part by part: literal text, or a count of hours, minutes
 * or seconds (the bracketed one a `total`, not wrapped at the next unit up), or fractions of a
 * second ("."), each `digits` wide at least.
 */
type Elapsed = (string | { unit: "h" | "m" | "s" | "."; digits: number; total: boolean })[];

/**
 * The elapsed-time format in `code` ([h]:mm:ss, [mm]:ss, [s]…), undefined for any other. Such a
 * format shows a duration, not a time of day: 1.1320601851851851 as [h]:mm:ss is "27:10:10".
 */
export function elapsedFormat(code: string): Elapsed | undefined {
  const section = splitSections(code)[0] ?? "";
  if (!/\[(h+|m+|s+)\]/i.test(section.replace(/"[^"]*"|\\./g, ""))) return undefined;
  const parts: Elapsed = [];
  const tokens = /"([^"]*)"|\\(.)|\[(h+|m+|s+)\]|(h+|m+|s+)|\.(0+)|\[[^\]]*\]|\*.|(_).|(.)/gi;
  for (const [, quoted, escaped, total, unit, fraction, space, other] of section.matchAll(tokens)) {
    const counted = total ?? unit;
    if (counted !== undefined)
      parts.push({
        unit: counted[0]?.toLowerCase() as "h" | "m" | "s",
        digits: counted.length,
        total: total !== undefined,
      });
    else if (fraction !== undefined)
      parts.push({ unit: ".", digits: Math.min(3, fraction.length), total: false });
    else if (space !== undefined) parts.push(" ");
    else {
      const text = quoted ?? escaped ?? other;
      if (text !== undefined) parts.push(text);
    }
    // [Red], [$-409] and the like, and *x fills: nothing shown
  }
  return parts;
}

const SECONDS = { h: 3600, m: 60, s: 1 } as const;
const WRAP = { h: 24, m: 60, s: 60 } as const;

/** An elapsed time (a serial's days) as `format` shows it, rounded to its last digit. */
export function elapsedText(serial: number, format: Elapsed): string {
  let decimals = 0;
  for (const part of format) if (typeof part !== "string" && part.unit === ".") decimals = part.digits;
  const scale = 10 ** decimals;
  const ticks = Math.round(Math.abs(serial) * 86_400 * scale);
  const seconds = Math.floor(ticks / scale);
  let out = serial < 0 && ticks > 0 ? "-" : "";
  for (const part of format) {
    if (typeof part === "string") out += part;
    else if (part.unit === ".") out += `.${pad(ticks % scale, part.digits)}`;
    else {
      const count = Math.floor(seconds / SECONDS[part.unit]);
      out += pad(part.total ? count : count % WRAP[part.unit], Math.min(part.digits, 2));
    }
  }
  return out;
}

/** A number format's sections (split at `;` outside quotes and escapes). */
function splitSections(code: string): string[] {
  return code.match(/(?:"[^"]*"|\\.|[^;"\\])+/g) ?? [""];
}

/** A date cell's value (not a serial number) as serialToIso writes dates. */
const dateText = (d: Date): string =>
  Number.isNaN(d.getTime())
    ? ""
    : d
        .toISOString()
        .replace(/T00:00:00\.000Z$/, "")
        .replace(/\.000Z$/, "Z");

export interface SheetRead {
  sheets: string[];
  sheet: string;
  store: ColumnStore;
  /** Columns holding at least one Excel date. */
  dateColumns: number[];
}

/** A merged range of cells, 0-based and inclusive. */
interface Range {
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
class SheetRows {
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

/**
 * Reads `sheet` (the first with data when not given or not found) of the workbook into a column
 * store; `onProgress` hears the share of the sheet read so far.
 */
export async function readWorkbook(
  file: Blob | Uint8Array,
  sheet?: string,
  onProgress: (share: number) => void = () => {},
): Promise<SheetRead> {
  const blob = file instanceof Uint8Array ? new Blob([file as Uint8Array<ArrayBuffer>]) : file;
  if (!starts(new Uint8Array(await blob.slice(0, 4).arrayBuffer()), ZIP))
    return readWithSheetJs(new Uint8Array(await blob.arrayBuffer()), sheet);
  try {
    return await readXlsx(blob, sheet, onProgress);
  } catch (error) {
    if (
      error instanceof Error &&
      (error.message === WORKBOOK_EMPTY || error.message === WORKBOOK_OUTSIDE_GRID)
    )
      throw error;
    throw new Error(WORKBOOK_UNREADABLE, { cause: error });
  }
}

// ---- .xlsx / .xlsm, streamed ----

/**
 * A cell's string with the characters OOXML escapes (`_x000D_` and the like) unescaped and its line
 * ends as "\n": Excel writes a cell's CR LF as `_x000D_` and a line feed, others as `&#13;&#10;`
 * (the XML's literal line ends already read as "\n").
 */
function unescapeOoxml(text: string): string {
  const unescaped = text.includes("_x")
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;
  return unescaped.includes("\r") ? unescaped.replace(/\r\n?/g, "\n") : unescaped;
}

/** An A1-style reference's column from its bytes, 0-based (-1 when it has none). */
function columnAt(bytes: Uint8Array, start: number, end: number): number {
  let column = 0;
  for (let i = start; i < end; i++) {
    const code = (bytes[i] as number) | 0x20; // lower case
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return column - 1;
}

/** A whole number from its bytes (-1 when it is not one). */
function integerAt(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = (bytes[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return end > start ? n : -1;
}

/** An A1-style range ("B2:C4") from its bytes; undefined for a single cell or nonsense. */
function rangeAt(bytes: Uint8Array, start: number, end: number): Range | undefined {
  const colon = bytes.subarray(start, end).indexOf(0x3a) + start;
  if (colon < start) return undefined;
  const digits = (from: number, to: number) => {
    let i = from;
    while (i < to && (bytes[i] as number) > 0x39) i++;
    return i;
  };
  const fromDigits = digits(start, colon);
  const toDigits = digits(colon + 1, end);
  const range = {
    r0: integerAt(bytes, fromDigits, colon) - 1,
    c0: columnAt(bytes, start, fromDigits),
    r1: integerAt(bytes, toDigits, end) - 1,
    c1: columnAt(bytes, colon + 1, toDigits),
  };
  return range.r0 >= 0 && range.c0 >= 0 && range.r1 >= range.r0 && range.c1 >= range.c0 ? range : undefined;
}

/**
 * Whether a number format shows a date or a time of day: d, m, y, h or s outside quotes, brackets
 * and escapes, and no elapsed time ([h]:mm:ss shows a duration).
 */
export function isDateFormat(code: string): boolean {
  return (
    /[dmyhs]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\.|[_*]./g, "")) && elapsedFormat(code) === undefined
  );
}

/** How a cell style shows its number: as a date (or time of day), as an elapsed time, or as a number. */
type NumberShown = "date" | Elapsed | undefined;

/** Excel's built-in date and time formats (ids 14-22, 45 and 47), and its one elapsed time (46). */
function builtInFormat(id: number): NumberShown {
  if (id === 46) return elapsedFormat("[h]:mm:ss");
  return (id >= 14 && id <= 22) || id === 45 || id === 47 ? "date" : undefined;
}

async function scanEntry(
  blob: Blob,
  entry: ZipEntry,
  handler: XmlHandler,
  stop?: () => boolean,
  onBytes?: (n: number) => void,
): Promise<void> {
  const scanner = new XmlScanner(handler);
  await readEntry(
    blob,
    entry,
    (bytes) => {
      onBytes?.(bytes.length);
      scanner.push(bytes);
    },
    stop,
  );
  if (!stop?.()) scanner.end();
}

/** A handler that keeps nothing but what `open` picks from start tags. */
const startTags = (open: (name: string, scan: XmlScanner) => void): XmlHandler => ({
  open,
  close: () => {},
  wantsText: false,
  text: () => {},
});

interface Book {
  date1904: boolean;
  sheets: { name: string; path: string; hidden: boolean }[];
  sharedStrings: string;
  styles: string;
}

/** A relationship's target (a URI: relative to `folder`, the source part's, unless absolute) as a part name. */
function resolvePart(folder: string, target: string): string {
  let path = target.replaceAll("\\", "/");
  try {
    path = decodeURIComponent(path);
  } catch {
    // not percent-encoded after all: the name as written
  }
  const parts = path.startsWith("/") ? [] : folder.split("/").filter((s) => s !== "");
  for (const segment of path.split("/"))
    if (segment === "..") parts.pop();
    else if (segment !== "." && segment !== "") parts.push(segment);
  return parts.join("/");
}

const folderOf = (part: string) => part.slice(0, part.lastIndexOf("/") + 1);

/** A part's relationships (its `_rels/<name>.rels`), by id, targets resolved; empty when it has none. */
async function readRelationships(
  blob: Blob,
  part: (name: string) => ZipEntry | undefined,
  source: string,
): Promise<Map<string, { type: string; part: string }>> {
  const folder = folderOf(source);
  const rels = part(`${folder}_rels/${source.slice(folder.length)}.rels`);
  const out = new Map<string, { type: string; part: string }>();
  if (rels)
    await scanEntry(
      blob,
      rels,
      startTags((name, scan) => {
        if (name === "Relationship" && scan.attribute("TargetMode") !== "External")
          out.set(scan.attribute("Id") ?? "", {
            type: scan.attribute("Type") ?? "",
            part: resolvePart(folder, scan.attribute("Target") ?? ""),
          });
      }),
    );
  return out;
}

/** The first relationship of `type` (the last segment of its type URI, transitional or strict). */
function ofType(rels: Map<string, { type: string; part: string }>, type: string): string | undefined {
  for (const rel of rels.values()) if (rel.type.endsWith(`/${type}`)) return rel.part;
  return undefined;
}

/**
 * The workbook as the package's relationships place it (`_rels/.rels` names the main part, its own
 * relationships its sheets, shared strings and styles), the usual names where a package has none.
 */
async function readBook(blob: Blob, part: (name: string) => ZipEntry | undefined): Promise<Book> {
  const path = ofType(await readRelationships(blob, part, ""), "officeDocument") ?? "xl/workbook.xml";
  const workbook = part(path);
  if (!workbook) throw new Error(`no workbook part ${path}`);
  const listed: { name: string; id: string; hidden: boolean }[] = [];
  let date1904 = false;
  await scanEntry(
    blob,
    workbook,
    startTags((name, scan) => {
      if (name === "workbookPr") date1904 = /^(1|true)$/.test(scan.attribute("date1904") ?? "");
      else if (name === "sheet")
        listed.push({
          name: scan.attribute("name") ?? "",
          id: scan.attribute("id") ?? "",
          hidden: /hidden/i.test(scan.attribute("state") ?? ""),
        });
    }),
  );
  const rels = await readRelationships(blob, part, path);
  const folder = folderOf(path);
  const sheets: Book["sheets"] = [];
  listed.forEach(({ name, id, hidden }, i) => {
    const rel = rels.get(id);
    if (!rel) sheets.push({ name, hidden, path: `${folder}worksheets/sheet${i + 1}.xml` });
    else if (rel.type.endsWith("/worksheet")) sheets.push({ name, hidden, path: rel.part });
  });
  return {
    date1904,
    sheets,
    sharedStrings: ofType(rels, "sharedStrings") ?? `${folder}sharedStrings.xml`,
    styles: ofType(rels, "styles") ?? `${folder}styles.xml`,
  };
}

/** How each cell style (`s` of a cell) shows a number. */
async function readNumberFormats(blob: Blob, entry: ZipEntry | undefined): Promise<NumberShown[]> {
  if (!entry) return [];
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await scanEntry(blob, entry, {
    open(name, scan) {
      if (name === "numFmt")
        custom.set(Number(scan.attribute("numFmtId")), scan.attribute("formatCode") ?? "");
      else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) formats.push(Number(scan.attribute("numFmtId") ?? 0));
    },
    close(name) {
      if (name === "cellXfs") inCellXfs = false;
    },
    wantsText: false,
    text() {},
  });
  return formats.map((id) => {
    const code = custom.get(id);
    if (code === undefined) return builtInFormat(id);
    return elapsedFormat(code) ?? (isDateFormat(code) ? "date" : undefined);
  });
}

/** The shared strings: each `<si>`'s text (its `<t>`, or its rich-text runs' `<t>`s; not phonetic `<rPh>`). */
async function readSharedStrings(blob: Blob, entry: ZipEntry | undefined): Promise<string[]> {
  if (!entry) return [];
  const strings: string[] = [];
  let current = "";
  let inText = false;
  let phonetic = 0;
  await scanEntry(blob, entry, {
    open(name) {
      if (name === "si") current = "";
      else if (name === "t") inText = phonetic === 0;
      else if (name === "rPh") phonetic++;
    },
    close(name) {
      if (name === "t") inText = false;
      else if (name === "rPh") phonetic--;
      else if (name === "si") strings.push(unescapeOoxml(current));
    },
    get wantsText() {
      return inText;
    },
    text(value) {
      current += value;
    },
  });
  return strings;
}

/** Whether a sheet holds a value anywhere (read only until the first). */
async function hasValues(blob: Blob, entry: ZipEntry): Promise<boolean> {
  let found = false;
  await scanEntry(
    blob,
    entry,
    startTags((name) => {
      if (name === "v" || name === "is") found = true;
    }),
    () => found,
  );
  return found;
}

const V = 1;
const INLINE = 2;

/** A time of day as openpyxl writes one in a `t="d"` cell ("10:10:10", "9:05"). */
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/;

/** A cell or row reference Excel's grid has no room for. */
function outsideGrid(row: number, column: number): boolean {
  return row >= EXCEL_MAX_ROWS || column >= EXCEL_MAX_COLUMNS;
}

/** A worksheet's rows, each into `rows` at its `</row>`; its merged ranges collected on the way. */
class SheetHandler implements XmlHandler {
  readonly merges: Range[] = [];
  readonly dateColumns = new Set<number>();
  private readonly rows: SheetRows;
  private readonly strings: readonly string[];
  private readonly formats: readonly NumberShown[];
  private readonly date1904: boolean;
  private readonly cells: string[] = [];
  /** Dates already written, by serial number (a date column repeats its days). */
  private readonly dates = new Map<string, string>();
  private row = -1;
  private column = -1;
  private type = "n";
  private style = 0;
  /** The cell's `<v>`, and its inline string's text (`<is>`; `inline` is false without one). */
  private value = "";
  private inlineText = "";
  private inline = false;
  private mode = 0;
  private inInline = false;
  private phonetic = 0;

  constructor(
    rows: SheetRows,
    strings: readonly string[],
    formats: readonly NumberShown[],
    date1904: boolean,
  ) {
    this.rows = rows;
    this.strings = strings;
    this.formats = formats;
    this.date1904 = date1904;
  }

  get wantsText(): boolean {
    return this.mode !== 0;
  }

  open(name: string, scan: XmlScanner): void {
    switch (name) {
      case "c": {
        this.column = scan.attributeWith("r", columnAt) ?? this.column + 1;
        if (outsideGrid(this.row, this.column)) throw new Error(WORKBOOK_OUTSIDE_GRID);
        this.type = scan.attribute("t") ?? "n";
        this.style = scan.attributeWith("s", integerAt) ?? 0;
        this.value = "";
        this.inlineText = "";
        this.inline = false;
        return;
      }
      case "v":
        this.mode = V;
        return;
      case "is":
        this.inInline = true;
        this.inline = true;
        return;
      case "t":
        if (this.inInline && this.phonetic === 0) this.mode = INLINE;
        return;
      case "rPh":
        this.phonetic++;
        return;
      case "row": {
        const r = scan.attributeWith("r", integerAt);
        this.row = r !== undefined && r > 0 ? r - 1 : this.row + 1;
        if (outsideGrid(this.row, 0)) throw new Error(WORKBOOK_OUTSIDE_GRID);
        this.column = -1;
        this.cells.length = 0;
        return;
      }
      case "mergeCell": {
        const range = scan.attributeWith("ref", rangeAt);
        if (range && outsideGrid(range.r1, range.c1)) throw new Error(WORKBOOK_OUTSIDE_GRID);
        if (range) this.merges.push(range);
        return;
      }
    }
  }

  close(name: string): void {
    switch (name) {
      case "v":
      case "t":
        this.mode = 0;
        return;
      case "is":
        this.inInline = false;
        return;
      case "rPh":
        this.phonetic--;
        return;
      case "c": {
        const text = this.text_();
        if (text === "" || this.column < 0) return;
        const cells = this.cells;
        while (cells.length < this.column) cells.push("");
        cells[this.column] = text;
        return;
      }
      case "row":
        if (this.row >= 0) this.rows.row(this.row, this.cells);
        return;
    }
  }

  text(value: string): void {
    if (this.mode === V) this.value += value;
    else this.inlineText += value;
  }

  /** The cell just read as text: formulas by their cached `<v>`, dates as ISO text. */
  private text_(): string {
    const value = this.value;
    switch (this.type) {
      case "s": {
        // An empty or missing index is an empty cell, not string 0.
        const index = value.trim() === "" ? -1 : Number(value);
        return (this.strings[index] ?? "").trim();
      }
      case "inlineStr":
        return unescapeOoxml(this.inline ? this.inlineText : value).trim();
      case "str":
        return unescapeOoxml(value).trim();
      case "b":
        return value === "" ? "" : value === "1" || value === "true" ? "TRUE" : "FALSE";
      case "e":
        return value.trim();
      case "d": {
        const time = TIME_OF_DAY.exec(value.trim());
        const text = time
          ? `${pad(Number(time[1]))}:${time[2]}:${time[3] ?? "00"}`
          : dateText(new Date(/T[^Zz+-]*$/.test(value) ? `${value}Z` : value));
        if (text !== "") this.dateColumns.add(this.column);
        return text;
      }
      default: {
        if (value === "") return "";
        const n = Number(value);
        if (!Number.isFinite(n)) return value.trim();
        const shown = this.formats[this.style];
        if (shown === "date") {
          this.dateColumns.add(this.column);
          let iso = this.dates.get(value);
          if (iso === undefined) {
            iso = serialToIso(n, this.date1904);
            if (this.dates.size < 10_000) this.dates.set(value, iso);
          }
          return iso;
        }
        return shown === undefined ? String(n) : elapsedText(n, shown);
      }
    }
  }
}

async function readXlsx(blob: Blob, wanted: string | undefined, onProgress: (share: number) => void) {
  const entries = await readZipDirectory(blob);
  const part = (name: string) => entries.get(name.toLowerCase());
  const book = await readBook(blob, part);
  const sheets: { name: string; entry: ZipEntry; hidden: boolean }[] = [];
  for (const { name, path, hidden } of book.sheets) {
    const entry = part(path);
    if (entry && (await hasValues(blob, entry))) sheets.push({ name, entry, hidden });
  }
  // Unless asked for: the sheet Excel shows that holds the most (an "About" or "Notes" sheet in
  // front of the data is passed over); a hidden sheet only when no shown sheet has data.
  const largest = (list: typeof sheets) =>
    list.reduce<(typeof sheets)[number] | undefined>(
      (a, b) => (a && a.entry.size >= b.entry.size ? a : b),
      undefined,
    );
  const chosen =
    sheets.find((s) => s.name === wanted) ?? largest(sheets.filter((s) => !s.hidden)) ?? largest(sheets);
  if (!chosen) throw new Error(WORKBOOK_EMPTY);
  const formats = await readNumberFormats(blob, part(book.styles));
  const strings = await readSharedStrings(blob, part(book.sharedStrings));
  const read = async (merges: readonly Range[]) => {
    const rows = new SheetRows(merges);
    const handler = new SheetHandler(rows, strings, formats, book.date1904);
    let done = 0;
    const total = Math.max(1, chosen.entry.size);
    await scanEntry(blob, chosen.entry, handler, undefined, (n) => {
      done += n;
      onProgress(Math.min(1, done / total));
    });
    return { store: rows.finish(), handler };
  };
  let { store, handler } = await read([]);
  // Merged ranges come after the rows: a sheet with any is read again, knowing them.
  if (handler.merges.length > 0) ({ store, handler } = await read(handler.merges));
  return {
    sheets: sheets.map((s) => s.name),
    sheet: chosen.name,
    store,
    dateColumns: [...handler.dateColumns],
  };
}

// ---- anything else (legacy .xls, HTML or XML exports): SheetJS, read whole ----

/** Excel's error codes as Excel shows them. */
const ERRORS: Record<number, string> = {
  0: "#NULL!",
  7: "#DIV/0!",
  15: "#VALUE!",
  23: "#REF!",
  29: "#NAME?",
  36: "#NUM!",
  42: "#N/A",
  43: "#GETTING_DATA",
};

let loaded: Promise<XlsxModule> | undefined;
const loadXlsx = () => {
  loaded ??= import("@e965/xlsx");
  return loaded;
};

async function readWithSheetJs(bytes: Uint8Array, sheet?: string): Promise<SheetRead> {
  const XLSX = await loadXlsx();
  let workbook: import("@e965/xlsx").WorkBook;
  try {
    workbook = XLSX.read(bytes, {
      type: "array",
      dense: true,
      cellNF: true,
      cellDates: false,
      cellFormula: false,
      cellHTML: false,
      cellText: false,
      cellStyles: false,
    });
  } catch {
    throw new Error(WORKBOOK_UNREADABLE);
  }
  const sheets = workbook.SheetNames.filter((name) => workbook.Sheets[name]?.["!ref"] !== undefined);
  if (sheets.length === 0) throw new Error(WORKBOOK_EMPTY);
  const name = sheet !== undefined && sheets.includes(sheet) ? sheet : (sheets[0] as string);
  const ws = workbook.Sheets[name] as import("@e965/xlsx").WorkSheet;
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  const data = ((ws as { "!data"?: (CellObject | undefined)[][] })["!data"] ?? []) as (
    | (CellObject | undefined)[]
    | undefined
  )[];
  const dateColumns = new Set<number>();
  const text = (cell: CellObject | undefined, c: number): string => {
    if (!cell || cell.v === undefined || cell.v === null) return "";
    switch (cell.t) {
      case "n": {
        const v = cell.v as number;
        const elapsed = typeof cell.z === "string" ? elapsedFormat(cell.z) : undefined;
        if (elapsed) return elapsedText(v, elapsed);
        if (typeof cell.z === "string" && XLSX.SSF.is_date(cell.z)) {
          dateColumns.add(c);
          return serialToIso(v, date1904);
        }
        return String(v);
      }
      case "b":
        return cell.v ? "TRUE" : "FALSE";
      case "e":
        return ERRORS[cell.v as number] ?? "#ERROR";
      case "d":
        dateColumns.add(c);
        return dateText(cell.v as Date);
      default:
        return String(cell.v).trim();
    }
  };
  const rows = new SheetRows(
    (ws["!merges"] ?? []).map((m) => ({ r0: m.s.r, c0: m.s.c, r1: m.e.r, c1: m.e.c })),
  );
  const cells: string[] = [];
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    cells.length = 0;
    for (let c = 0; c < row.length; c++) cells.push(text(row[c], c));
    rows.row(r, cells);
  }
  return { sheets, sheet: name, store: rows.finish(), dateColumns: [...dateColumns] };
}

/** An ISO date or date-time (as readWorkbook writes Excel dates) in a date field's form. */
export function dateInFieldForm(value: string, format: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}:\d{2}Z)?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d, time] = m;
  switch (format) {
    case "date":
      return `${y}-${mo}-${d}`;
    case "ddmmyyyy":
      return `${d}${mo}${y}`;
    case "date-time":
    case "intake-timestamp":
      return time ? value : `${y}-${mo}-${d}T00:00:00Z`;
    default:
      return value;
  }
}

/**
 * The source with its Excel date columns in the form of the field each is mapped to (`formats`:
 * per source column, the mapped field's `format`, undefined when not a date column or not mapped).
 */
export function withFieldDates(source: SourceRows, formats: readonly (string | undefined)[]): SourceRows {
  if (!formats.some((f) => f !== undefined)) return source;
  const scratch: { line?: number; cells: (JsonValue | undefined)[] } = { cells: [] };
  return {
    ...source,
    count: source.count,
    line: (row) => source.line(row),
    row: (row) => {
      const read = source.row(row);
      scratch.line = read.line;
      scratch.cells = read.cells.map((cell, c) =>
        typeof cell === "string" && formats[c] !== undefined ? dateInFieldForm(cell, formats[c]) : cell,
      );
      return scratch as ReturnType<SourceRows["row"]>;
    },
    cell: (row, c) => {
      const cell = source.cell(row, c);
      return typeof cell === "string" && formats[c] !== undefined ? dateInFieldForm(cell, formats[c]) : cell;
    },
  };
}
