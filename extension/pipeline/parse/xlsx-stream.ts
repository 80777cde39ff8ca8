// An .xlsx/.xlsm read as a stream: its ZIP directory from the file's tail, then the workbook,
// relationships, styles and shared strings, then the chosen sheet inflated and scanned chunk by
// chunk, each row going into the column store as it is read, so memory stays near the rows kept
// (the shared strings are the one part held whole). The package is found by its relationships, as
// Excel finds it; sizes the file declares (a sheet's <dimension>) are never trusted: storage grows
// with the cells read, and a reference beyond Excel's grid is refused. Formulas read as their
// cached values; a line break in a cell reads as "\n" however the file wrote it (CR LF, a lone CR,
// `_x000D_`).
import {
  builtInFormat,
  dateText,
  elapsedFormat,
  elapsedText,
  isDateFormat,
  type NumberShown,
  pad,
  serialToIso,
} from "./excel-numbers.ts";
import {
  outsideGrid,
  type Range,
  type SheetRead,
  SheetRows,
  WORKBOOK_EMPTY,
  WORKBOOK_OUTSIDE_GRID,
} from "./sheet.ts";
import { type XmlHandler, XmlScanner } from "./xml-scan.ts";
import { readEntry, readZipDirectory, type ZipEntry } from "./zip.ts";

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

/** Reads `wanted` (the largest shown sheet with data otherwise) of an .xlsx/.xlsm package. */
export async function readXlsx(
  blob: Blob,
  wanted: string | undefined,
  onProgress: (share: number) => void,
): Promise<SheetRead> {
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
