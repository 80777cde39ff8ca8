// Positioned words -> tables, the same for a PDF's text layer and for OCR (issue 23). Words become
// lines (by vertical overlap), a line becomes cells (split at gaps wider than a space), the table's
// columns are the x ranges no cell crosses (or the vertical rulings, when the table has them), and
// rows are lines (or the bands between horizontal rulings, so a wrapped cell stays one cell).
// Titles, notes and page numbers are left out: they do not fit the columns, or stand apart. A table
// continued on the next pages, with its header repeated or not, comes back as one.
// Written by hand: no maintained library does table detection on positioned text in the browser.
import type { ExtractedTable, PageLayout, Ruling, Word } from "./types.ts";

interface Segment {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  conf: number;
}

interface Line {
  y0: number;
  y1: number;
  segments: Segment[];
}

/** A table found on one page, before pages are joined. */
interface PageTable {
  page: number;
  /** Column boundaries (n + 1 for n columns), in page units. */
  edges: number[];
  rows: { cells: string[]; conf: number[] }[];
  top: number;
  bottom: number;
  pageHeight: number;
  ocr: boolean;
}

const PAGE_NUMBER =
  /^(?:page\s*)?\d{1,4}(?:\s*(?:of|\/|von|de)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$|^page\s+\d+\s+of\s+\d+$/i;
/** What OCR makes of a ruling line or a cell border left in the image. */
const BORDER_JUNK = /^[|¦!_\-—=~.,:;'"`[\]()]+$/;

const median = (values: number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const normalize = (s: string) => s.replace(/\s+/g, " ").trim();

/** OCR'd words cleaned of border strokes; empty and junk words dropped. */
function cleanWords(words: Word[], ocr: boolean): Word[] {
  const out: Word[] = [];
  for (const word of words) {
    let text = normalize(word.text);
    if (ocr) {
      text = text.replace(/^[|¦[\]]+|[|¦[\]]+$/g, "");
      if (BORDER_JUNK.test(text) && text !== "-") continue;
      if (text === "-" && (word.conf ?? 1) < 0.6) continue;
    }
    // A rule drawn in text (a line printer's dashes under the header) is no cell.
    if (text && !/^[-=_—–]{2,}$/.test(text)) out.push({ ...word, text });
  }
  return out;
}

/** Words grouped into lines by vertical overlap, top to bottom, each sorted left to right. */
function linesOf(words: Word[]): { y0: number; y1: number; words: Word[] }[] {
  const sorted = [...words].sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  const lines: { y0: number; y1: number; words: Word[] }[] = [];
  for (const word of sorted) {
    const height = word.y1 - word.y0;
    let best: (typeof lines)[number] | undefined;
    let bestOverlap = 0;
    // Only the last few lines can overlap a word further down.
    for (let i = lines.length - 1; i >= Math.max(0, lines.length - 4); i--) {
      const line = lines[i] as (typeof lines)[number];
      const overlap = Math.min(line.y1, word.y1) - Math.max(line.y0, word.y0);
      const need = 0.5 * Math.min(height, line.y1 - line.y0);
      if (overlap > need && overlap > bestOverlap) {
        best = line;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.words.push(word);
      // The line's band follows its words' median, not the tallest (a bracket or a subscript).
      best.y0 = Math.min(best.y0, word.y0 + 0.25 * height);
      best.y1 = Math.max(best.y1, word.y1 - 0.25 * height);
    } else lines.push({ y0: word.y0, y1: word.y1, words: [word] });
  }
  for (const line of lines) line.words.sort((a, b) => a.x0 - b.x0);
  return lines;
}

/** A line's words joined into cells where the gap between them is no wider than a space. */
function segmentsOf(words: Word[], gapLimit: number, cuts: number[]): Segment[] {
  const segments: Segment[] = [];
  for (const word of words) {
    const last = segments.at(-1);
    const cut = last && cuts.some((x) => x > last.x1 - 0.5 && x < word.x0 + 0.5);
    if (last && !cut && word.x0 - last.x1 <= gapLimit) {
      last.text += word.x0 - last.x1 > gapLimit / 6 ? ` ${word.text}` : word.text;
      last.x1 = Math.max(last.x1, word.x1);
      last.y0 = Math.min(last.y0, word.y0);
      last.y1 = Math.max(last.y1, word.y1);
      last.conf = Math.min(last.conf, word.conf ?? 1);
    } else
      segments.push({
        text: word.text,
        x0: word.x0,
        x1: word.x1,
        y0: word.y0,
        y1: word.y1,
        conf: word.conf ?? 1,
      });
  }
  return segments;
}

/** Vertical rulings (x positions) that cross most of [top, bottom], merged when close. */
function verticalCuts(rulings: Ruling[], top: number, bottom: number, tolerance: number): number[] {
  const xs: number[] = [];
  for (const r of rulings) {
    if (Math.abs(r.x1 - r.x0) > tolerance) continue;
    const covered = Math.min(r.y1, bottom) - Math.max(r.y0, top);
    if (covered < 0.6 * (bottom - top)) continue;
    xs.push((r.x0 + r.x1) / 2);
  }
  xs.sort((a, b) => a - b);
  const merged: number[] = [];
  for (const x of xs) if (merged.length === 0 || x - (merged.at(-1) as number) > tolerance) merged.push(x);
  return merged;
}

/** Horizontal rulings (y positions) across most of [left, right], merged when close. */
function horizontalCuts(rulings: Ruling[], left: number, right: number, tolerance: number): number[] {
  const ys: number[] = [];
  for (const r of rulings) {
    if (Math.abs(r.y1 - r.y0) > tolerance) continue;
    const covered = Math.min(r.x1, right) - Math.max(r.x0, left);
    if (covered < 0.6 * (right - left)) continue;
    ys.push((r.y0 + r.y1) / 2);
  }
  ys.sort((a, b) => a - b);
  const merged: number[] = [];
  for (const y of ys) if (merged.length === 0 || y - (merged.at(-1) as number) > tolerance) merged.push(y);
  return merged;
}

/**
 * Column boundaries from the lines' segments: the x ranges that (almost) no segment covers, at
 * least `minGap` wide. A title or a note crossing a gap does not close it: a gap stays when at most
 * a tenth of the lines (and at least one) cross it.
 */
function gapEdges(lines: Line[], minGap: number): number[] {
  let left = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  for (const line of lines)
    for (const s of line.segments) {
      left = Math.min(left, s.x0);
      right = Math.max(right, s.x1);
    }
  if (!Number.isFinite(left)) return [];
  // Coverage counted on a grid of a fifth of the gap width.
  const step = Math.max(minGap / 5, 0.25);
  const size = Math.ceil((right - left) / step) + 1;
  const cover = new Uint16Array(size);
  for (const line of lines)
    for (const s of line.segments) {
      const from = Math.floor((s.x0 - left) / step);
      const to = Math.ceil((s.x1 - left) / step);
      for (let i = Math.max(0, from); i < Math.min(size, to); i++) cover[i] = (cover[i] as number) + 1;
    }
  const allowed = Math.max(1, Math.floor(lines.length / 10));
  const edges = [left];
  let start = -1;
  for (let i = 0; i <= size; i++) {
    const open = i < size && (cover[i] as number) <= allowed;
    if (open && start < 0) start = i;
    if (!open && start >= 0) {
      const from = left + start * step;
      const to = left + i * step;
      if (to - from >= minGap && from > left && i < size) edges.push((from + to) / 2);
      start = -1;
    }
  }
  edges.push(right);
  return edges;
}

/** The column a segment falls in (by most overlap), or -1 when it crosses an edge by much. */
function columnOf(segment: Segment, edges: number[]): { column: number; fits: boolean } {
  let best = 0;
  let bestOverlap = Number.NEGATIVE_INFINITY;
  for (let c = 0; c + 1 < edges.length; c++) {
    const overlap = Math.min(segment.x1, edges[c + 1] as number) - Math.max(segment.x0, edges[c] as number);
    if (overlap > bestOverlap) {
      best = c;
      bestOverlap = overlap;
    }
  }
  const width = Math.max(1e-6, segment.x1 - segment.x0);
  return { column: best, fits: bestOverlap >= 0.8 * width };
}

/** Whether a line is a page number or a "Page 2 of 5" footer. */
const isPageNumber = (line: Line): boolean =>
  line.segments.length <= 2 && line.segments.some((s) => PAGE_NUMBER.test(normalize(s.text)));

/** The tables on one page. */
function pageTables(layout: PageLayout): PageTable[] {
  const ocr = layout.ocr === true;
  const words = cleanWords(layout.words, ocr);
  if (words.length === 0) return [];
  const raw = linesOf(words);
  const heights = words.map((w) => w.y1 - w.y0);
  const textHeight = median(heights);
  // A space is about a quarter of the font size; OCR boxes hug the ink, so their gaps are wider
  // and their heights smaller than a font's.
  const gapLimit = ocr ? 0.75 * textHeight : 0.5 * textHeight;
  const tolerance = Math.max(1, 0.3 * textHeight);
  const allTop = Math.min(...raw.map((l) => l.y0));
  const allBottom = Math.max(...raw.map((l) => l.y1));
  const pageCuts = verticalCuts(layout.rulings, allTop, allBottom, tolerance);
  let lines: Line[] = raw.map((l) => ({
    y0: l.y0,
    y1: l.y1,
    segments: segmentsOf(l.words, gapLimit, pageCuts),
  }));
  const tables: PageTable[] = [];
  // A page may hold several tables: take the largest block of multi-cell lines, then look again.
  for (let round = 0; round < 8 && lines.length > 0; round++) {
    const found = largestBlock(lines, textHeight);
    if (!found) break;
    const table = tableOf(lines, found, layout, textHeight, gapLimit, tolerance);
    lines = lines.filter((l) => l.y1 <= found.top || l.y0 >= found.bottom);
    if (table) tables.push(table);
    else break;
  }
  return tables.sort((a, b) => a.top - b.top);
}

/** The longest run of lines with two or more cells each at a steady pitch: a table's core. */
function largestBlock(lines: Line[], textHeight: number): { top: number; bottom: number } | undefined {
  let best: { start: number; end: number } | undefined;
  let start = -1;
  const maxGap = 3 * textHeight;
  for (let i = 0; i <= lines.length; i++) {
    const line = lines[i];
    const multi = line !== undefined && line.segments.length >= 2 && !isPageNumber(line);
    const near = line !== undefined && i > 0 && start >= 0 && line.y0 - (lines[i - 1] as Line).y1 <= maxGap;
    if (multi && (start < 0 || near)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && (!best || i - start > best.end - best.start)) best = { start, end: i };
    start = multi ? i : -1;
  }
  if (!best || best.end - best.start < 2) return undefined;
  return { top: (lines[best.start] as Line).y0, bottom: (lines[best.end - 1] as Line).y1 };
}

/** The table around a core block: its columns, then the lines above and below that fit them. */
function tableOf(
  lines: Line[],
  core: { top: number; bottom: number },
  layout: PageLayout,
  textHeight: number,
  gapLimit: number,
  tolerance: number,
): PageTable | undefined {
  const inCore = lines.filter((l) => l.y0 >= core.top && l.y1 <= core.bottom);
  const left = Math.min(...inCore.flatMap((l) => l.segments.map((s) => s.x0)));
  const right = Math.max(...inCore.flatMap((l) => l.segments.map((s) => s.x1)));
  const cuts = verticalCuts(layout.rulings, core.top, core.bottom, tolerance).filter(
    (x) => x > left + tolerance && x < right - tolerance,
  );
  // Columns from the lines with the most cells (a menu or a toolbar line above the table, with
  // fewer, must not close the gaps between the table's columns).
  const typical = median(inCore.map((l) => l.segments.length));
  const edges =
    cuts.length > 0
      ? [Math.min(left, ...cuts) - tolerance, ...cuts, Math.max(right, ...cuts) + tolerance]
      : gapEdges(
          inCore.filter((l) => l.segments.length >= typical),
          Math.max(gapLimit, textHeight * 0.6),
        );
  edges[0] = Math.min(edges[0] as number, left);
  edges[edges.length - 1] = Math.max(edges.at(-1) as number, right);
  if (edges.length < 3) return undefined;
  const lineHeight = (line: Line) => median(line.segments.map((s) => s.y1 - s.y0));
  const fits = (line: Line) =>
    !isPageNumber(line) &&
    Math.abs(lineHeight(line) - textHeight) <= (layout.ocr ? 0.6 : 0.3) * textHeight &&
    line.segments.every((s) => columnOf(s, edges).fits && s.x0 >= left - 2 * textHeight) &&
    line.segments[0] !== undefined;
  // Grow the core by the lines just above and below that fit its columns, at no wider gap than
  // the table's own line spacing allows.
  let first = lines.findIndex((l) => l.y0 >= core.top);
  let last = lines.findIndex((l) => l.y1 > core.bottom) - 1;
  if (last < 0) last = lines.length - 1;
  // The core's own first and last lines may be a note or a subtitle set close to the table.
  const occupied = (line: Line) => new Set(line.segments.map((s) => columnOf(s, edges).column)).size;
  const headerLike = (line: Line) => fits(line) && occupied(line) >= Math.max(2, (edges.length - 1) / 2);
  while (first < last && !headerLike(lines[first] as Line)) first++;
  while (last > first && !fits(lines[last] as Line)) last--;
  const pitch = median(inCore.slice(1).map((l, i) => l.y0 - (inCore[i] as Line).y0)) || 2 * textHeight;
  const coreWidth = right - left;
  while (first > 0) {
    const line = lines[first - 1] as Line;
    const gap = (lines[first] as Line).y0 - line.y0;
    // Above the table only a header fits: a line with about as many cells as the rows (not a menu).
    if (gap > 1.3 * pitch || !headerLike(line)) break;
    first--;
  }
  while (last + 1 < lines.length) {
    const line = lines[last + 1] as Line;
    const gap = line.y0 - (lines[last] as Line).y0;
    const spread = Math.max(...line.segments.map((s) => s.x1)) - Math.min(...line.segments.map((s) => s.x0));
    // A one-cell line continues the table only close under it (a row with one value filled in).
    if (gap > 1.6 * pitch || !fits(line)) break;
    if (line.segments.length < 2 && (gap > 1.2 * pitch || spread > 0.5 * coreWidth)) break;
    last++;
  }
  const tableLines = lines.slice(first, last + 1);
  if (tableLines.length < 2) return undefined;
  const top = (tableLines[0] as Line).y0;
  const bottom = (tableLines.at(-1) as Line).y1;
  const width = edges.length - 1;
  // Rows: bands between horizontal rulings when the table is ruled, else a line each (a line
  // with an empty first cell set closer than the pitch continues the row above: a wrapped cell).
  const rowCuts = horizontalCuts(layout.rulings, left, right, tolerance).filter(
    (y) => y > top - tolerance && y < bottom + tolerance,
  );
  const ruled = rowCuts.length >= Math.max(2, tableLines.length / 3);
  const groups: Line[][] = [];
  for (const line of tableLines) {
    const previous = groups.at(-1);
    const previousLine = previous?.at(-1);
    let join = false;
    if (previous && previousLine) {
      const middle = (line.y0 + line.y1) / 2;
      const prevMiddle = (previousLine.y0 + previousLine.y1) / 2;
      if (ruled) join = !rowCuts.some((y) => y > prevMiddle && y < middle);
      else {
        const firstColumnEmpty = line.segments.every((s) => columnOf(s, edges).column > 0);
        join = firstColumnEmpty && line.y0 - previousLine.y0 < 0.75 * pitch;
      }
    }
    if (join && previous) previous.push(line);
    else groups.push([line]);
  }
  const rows = groups.map((group) => {
    const cells: string[] = Array.from({ length: width }, () => "");
    const conf: number[] = Array.from({ length: width }, () => 1);
    for (const line of group)
      for (const s of line.segments) {
        const { column } = columnOf(s, edges);
        cells[column] = cells[column] ? `${cells[column]} ${s.text}` : s.text;
        conf[column] = Math.min(conf[column] as number, s.conf);
      }
    return { cells: cells.map((c) => (layout.ocr ? tidyOcrCell(c) : c)), conf };
  });
  if (layout.ocr) for (let c = 0; c < width; c++) harmonizeColumn(rows.slice(1), c);
  // Columns empty from top to bottom (an edge found in a wide gap) are dropped.
  const keep = edges.slice(0, -1).map((_, c) => rows.some((r) => r.cells[c] !== ""));
  const kept = rows.map((r) => ({
    cells: r.cells.filter((_, c) => keep[c]),
    conf: r.conf.filter((_, c) => keep[c]),
  }));
  const keptEdges = [...edges.slice(0, -1).filter((_, c) => keep[c]), edges.at(-1) as number];
  if (keptEdges.length < 3) return undefined;
  return {
    page: layout.page,
    edges: keptEdges,
    rows: kept,
    top,
    bottom,
    pageHeight: layout.height,
    ocr: layout.ocr === true,
  };
}

/**
 * OCR's habits in a cell undone where the text says what it must be: an email address has no
 * spaces, so a space in one is a dot the OCR missed (or spaces it put around a dot or the at sign).
 */
function tidyOcrCell(text: string): string {
  if (!/^[^\s@]+(?:\s+[^\s@]+)*\s*@\s*[^\s@]+(?:\s*\.\s*[^\s@]+)+$/.test(text)) return text;
  return text.replace(/\s*([.@])\s*/g, "$1").replace(/\s+/g, ".");
}

/** Letters OCR takes for digits and back, by the class the column says the place holds. */
const AS_DIGIT: Record<string, string> = {
  O: "0",
  o: "0",
  D: "0",
  Q: "0",
  I: "1",
  l: "1",
  i: "1",
  "|": "1",
  Z: "2",
  z: "2",
  S: "5",
  s: "5",
  B: "8",
  G: "6",
  b: "6",
  g: "9",
  q: "9",
  T: "7",
};
const AS_LETTER: Record<string, string> = { "0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G" };
const shapeOf = (text: string) => text.replace(/[A-Z]/g, "A").replace(/[a-z]/g, "a").replace(/[0-9]/g, "9");

/**
 * A column of codes read by OCR made consistent: when most of its cells have one shape (U12345:
 * a capital then five digits), a cell of the same length that misses it by letters OCR confuses
 * (UB9653, u81335) is read in that shape, and its confidence lowered so the review shows it.
 */
function harmonizeColumn(rows: { cells: string[]; conf: number[] }[], column: number): void {
  const shapes = new Map<string, number>();
  let filled = 0;
  for (const row of rows) {
    const cell = row.cells[column] ?? "";
    if (!cell) continue;
    filled++;
    const shape = shapeOf(cell);
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
  }
  const [shape, count] = [...shapes].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  if (count < 4 || count < 0.6 * filled || !shape.includes("9") || !/^[A9a\-_./]+$/.test(shape)) return;
  for (const row of rows) {
    const cell = row.cells[column] ?? "";
    if (!cell || cell.length !== shape.length || shapeOf(cell) === shape) continue;
    let fixed = "";
    for (let i = 0; i < cell.length; i++) {
      const c = cell[i] as string;
      const want = shape[i];
      if (shapeOf(c) === want) fixed += c;
      else if (want === "9") fixed += AS_DIGIT[c] ?? c;
      else if (want === "A") fixed += /[a-z]/.test(c) ? c.toUpperCase() : (AS_LETTER[c] ?? c);
      else if (want === "a") fixed += /[A-Z]/.test(c) ? c.toLowerCase() : c;
      else fixed += c;
    }
    if (shapeOf(fixed) !== shape) continue;
    row.cells[column] = fixed;
    row.conf[column] = Math.min(row.conf[column] ?? 1, 0.6);
  }
}

const sameHeader = (a: string[], b: string[]) =>
  a.length === b.length &&
  a.every((cell, i) => normalize(cell).toLowerCase() === normalize(b[i] ?? "").toLowerCase());

/** Whether `next` (on a later page) continues `previous`: same columns, at the same places. */
function continues(previous: PageTable, next: PageTable, header: string[]): boolean {
  if (next.page !== previous.page + 1 || next.edges.length !== previous.edges.length) return false;
  if (sameHeader(header, next.rows[0]?.cells ?? [])) return true;
  // No repeated header: the columns must line up, and the first table must run to its page's foot.
  const unit = Math.max(1, (previous.edges.at(-1) as number) - (previous.edges[0] as number)) / 50;
  const aligned = previous.edges.every((x, i) => Math.abs(x - (next.edges[i] as number)) <= unit);
  return aligned && previous.bottom > 0.7 * previous.pageHeight;
}

/** Every table of the pages, a table continued over pages joined into one. */
export function buildTables(pages: PageLayout[]): ExtractedTable[] {
  const found = pages.flatMap(pageTables);
  const out: ExtractedTable[] = [];
  let open: { table: ExtractedTable; last: PageTable; ocr: boolean } | undefined;
  for (const t of found) {
    if (open && continues(open.last, t, open.table.header)) {
      const rows = sameHeader(open.table.header, t.rows[0]?.cells ?? []) ? t.rows.slice(1) : t.rows;
      open.table.rows.push(...rows.map((r) => r.cells));
      open.table.confidence?.push(...rows.map((r) => r.conf));
      open.last = t;
      continue;
    }
    const [head, ...body] = t.rows;
    if (!head) continue;
    const table: ExtractedTable = { header: head.cells, rows: body.map((r) => r.cells), page: t.page };
    if (t.ocr) table.confidence = body.map((r) => r.conf);
    out.push(table);
    open = { table, last: t, ocr: t.ocr };
  }
  return out;
}
