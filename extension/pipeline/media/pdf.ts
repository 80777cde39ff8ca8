// A PDF's pages as positioned words and ruling lines, read with PDF.js (its legacy build: the
// modern one needs the newest browsers, and Node needs this one). PDF.js runs in this thread (its
// "fake worker"), the same in the pipeline worker and in Node, so what the tests read is what the
// extension reads; it yields between slices of work, so a cancel or the time limit is heard. A page
// with no text (a scan) is read by OCR from its largest image. Hostile files meet the limits first:
// size, page count, how far compressed streams expand (checked before PDF.js sees the file), time.
/// <reference path="./pdfjs-worker.d.ts" />
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import * as pdfjsWorker from "pdfjs-dist/legacy/build/pdf.worker.mjs";
import { Inflater } from "../parse/inflate.ts";
import type { GrayImage } from "./png.ts";
import { MediaError, type MediaLimits, type PageLayout, type Ruling, type Word } from "./types.ts";

// PDF.js looks for its worker code here before it would fetch pdf.worker.mjs (MV3 allows no fetched code).
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= pdfjsWorker;

/** Reads a scanned page's image (OCR), in the image's pixels. */
export type PageOcr = (image: GrayImage) => Promise<Word[]>;

interface PdfReadOptions {
  limits: MediaLimits;
  signal: AbortSignal;
  ocr: PageOcr;
  onPage?: (page: number, pages: number) => void;
}

const latin1 = (bytes: Uint8Array, from: number, to: number) => {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
};

export const isPdf = (bytes: Uint8Array): boolean =>
  latin1(bytes, 0, Math.min(1024, bytes.length)).includes("%PDF-");

/** Thrown from the inflater's output when a stream expands past the limit. */
class TooBig extends Error {}

const indexOf = (bytes: Uint8Array, text: string, from: number): number => {
  const first = text.charCodeAt(0);
  for (
    let i = bytes.indexOf(first, from);
    i >= 0 && i + text.length <= bytes.length;
    i = bytes.indexOf(first, i + 1)
  ) {
    let match = true;
    for (let k = 1; k < text.length && match; k++) match = bytes[i + k] === text.charCodeAt(k);
    if (match) return i;
  }
  return -1;
};

/**
 * How far the Flate streams expand, all together, stopping at `max`: a "zip bomb" stream (a few
 * kilobytes that inflate to gigabytes) is refused before PDF.js would hold it all in memory.
 */
export function checkInflatedSize(bytes: Uint8Array, max: number): void {
  let total = 0;
  for (let at = indexOf(bytes, "stream", 0); at >= 0; at = indexOf(bytes, "stream", at + 6)) {
    // "endstream" contains "stream": skip it; a stream keyword follows a dictionary's ">>".
    if (at >= 3 && latin1(bytes, at - 3, at) === "end") continue;
    const dictStart = Math.max(0, at - 2048);
    const dict = latin1(bytes, dictStart, at);
    if (!/\/FlateDecode|\/Fl\b/.test(dict.slice(dict.lastIndexOf("<<")))) continue;
    let start = at + 6;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const end = indexOf(bytes, "endstream", start);
    const data = bytes.subarray(start + 2, end < 0 ? bytes.length : end);
    const inflater = new Inflater((piece) => {
      total += piece.length;
      if (total > max) throw new TooBig();
    });
    try {
      inflater.push(data, true);
    } catch (error) {
      if (error instanceof TooBig)
        throw new MediaError(
          `The PDF holds compressed data that expands to more than ${Math.round(max / 2 ** 20)} MB; Intake does not read it (it may be built to exhaust memory)`,
        );
      // A damaged or encrypted stream: PDF.js decides what to make of it.
    }
    if (end < 0) break;
    at = end;
  }
}

/** Rejects when `signal` aborts, so no PDF.js call can keep the reader waiting past a cancel or the time limit. */
function guarded<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", stop);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", stop);
        reject(error);
      },
    );
  });
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [
  m[0] * x + m[2] * y + m[4],
  m[1] * x + m[3] * y + m[5],
];

const { OPS } = pdfjs;
const STROKES = new Set<number>([
  OPS.stroke,
  OPS.closeStroke,
  OPS.fillStroke,
  OPS.eoFillStroke,
  OPS.closeFillStroke,
  OPS.closeEOFillStroke,
]);
const FILLS = new Set<number>([
  OPS.fill,
  OPS.eoFill,
  OPS.fillStroke,
  OPS.eoFillStroke,
  OPS.closeFillStroke,
  OPS.closeEOFillStroke,
]);
/** Thicker than this (in points) a filled shape is a shaded area (a zebra row), not a line. */
const THIN = 3;

interface PageGraphics {
  rulings: Ruling[];
  /** The page's largest image: its object id and its box on the page. */
  image?: { id: string; area: number };
}

/** Ruling lines (stroked straight segments, thin filled rectangles) and the largest image, in viewport units. */
function graphicsOf(list: { fnArray: number[]; argsArray: unknown[] }, viewport: Matrix): PageGraphics {
  const rulings: Ruling[] = [];
  let image: PageGraphics["image"];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const toPage = (x: number, y: number) => apply(viewport, ...apply(ctm, x, y));
  const segment = (ax: number, ay: number, bx: number, by: number) => {
    const [x0, y0] = toPage(ax, ay);
    const [x1, y1] = toPage(bx, by);
    const horizontal = Math.abs(y1 - y0) <= THIN && Math.abs(x1 - x0) > THIN;
    const vertical = Math.abs(x1 - x0) <= THIN && Math.abs(y1 - y0) > THIN;
    if (horizontal || vertical)
      rulings.push({
        x0: Math.min(x0, x1),
        y0: Math.min(y0, y1),
        x1: Math.max(x0, x1),
        y1: Math.max(y0, y1),
      });
  };
  for (let i = 0; i < list.fnArray.length; i++) {
    const fn = list.fnArray[i];
    const args = list.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const matrix = args?.[0] as Matrix | null;
      if (matrix) ctm = multiply(ctm, matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.paintImageXObject) {
      const [a, b] = toPage(0, 0);
      const [c, d] = toPage(1, 1);
      const area = Math.abs((c - a) * (d - b));
      const id = args?.[0];
      if (typeof id === "string" && (!image || area > image.area)) image = { id, area };
    } else if (fn === OPS.constructPath) {
      const paint = args?.[0] as number;
      const data = (args?.[1] as ArrayLike<number>[] | undefined)?.[0];
      if (!data || !(STROKES.has(paint) || FILLS.has(paint))) continue;
      // Sub-paths: moveTo 0, lineTo 1, curveTo 2 (6 numbers), quadraticCurveTo 3 (4), closePath 4.
      let start: [number, number] = [0, 0];
      let point: [number, number] = [0, 0];
      // The sub-path's box on the page: a thin filled one is a ruling drawn as a rectangle.
      let box = [Infinity, Infinity, -Infinity, -Infinity];
      const flushFill = () => {
        const [x0, y0, x1, y1] = box as [number, number, number, number];
        box = [Infinity, Infinity, -Infinity, -Infinity];
        if (!FILLS.has(paint) || !Number.isFinite(x0)) return;
        if (y1 - y0 <= THIN && x1 - x0 > THIN) rulings.push({ x0, y0: (y0 + y1) / 2, x1, y1: (y0 + y1) / 2 });
        else if (x1 - x0 <= THIN && y1 - y0 > THIN)
          rulings.push({ x0: (x0 + x1) / 2, y0, x1: (x0 + x1) / 2, y1 });
      };
      const grow = (x: number, y: number) => {
        const [px, py] = toPage(x, y);
        box = [
          Math.min(box[0] as number, px),
          Math.min(box[1] as number, py),
          Math.max(box[2] as number, px),
          Math.max(box[3] as number, py),
        ];
      };
      for (let k = 0; k < data.length; ) {
        const op = data[k] as number;
        if (op === 0) {
          flushFill();
          point = start = [data[k + 1] as number, data[k + 2] as number];
          grow(...point);
          k += 3;
        } else if (op === 1) {
          const next: [number, number] = [data[k + 1] as number, data[k + 2] as number];
          if (STROKES.has(paint)) segment(...point, ...next);
          point = next;
          grow(...point);
          k += 3;
        } else if (op === 2) {
          point = [data[k + 5] as number, data[k + 6] as number];
          grow(...point);
          k += 7;
        } else if (op === 3) {
          point = [data[k + 3] as number, data[k + 4] as number];
          grow(...point);
          k += 5;
        } else {
          if (STROKES.has(paint)) segment(...point, ...start);
          point = start;
          k += 1;
        }
      }
      flushFill();
    }
  }
  return image ? { rulings, image } : { rulings };
}

/** The words of a page's text layer, split at spaces (a report's line may be one run of text). */
function wordsOf(items: unknown[], viewport: Matrix, scale: number): Word[] {
  const words: Word[] = [];
  for (const raw of items) {
    const item = raw as { str?: string; transform?: Matrix; width?: number; height?: number };
    if (!item.str || !item.transform || !item.str.trim()) continue;
    const m = multiply(viewport, item.transform);
    // Rotated text (a watermark, a vertical label) is no table cell.
    if (Math.abs(m[1]) > 0.01 * Math.abs(m[0]) || Math.abs(m[2]) > 0.01 * Math.abs(m[3])) continue;
    const size = Math.abs(m[3]) || (item.height ?? 0) * scale;
    if (size <= 0) continue;
    const width = (item.width ?? 0) * scale;
    const y1 = m[5] + 0.2 * size;
    const y0 = m[5] - 0.8 * size;
    const text = item.str;
    const per = width / text.length;
    // Split at two or more spaces (a padded report line); one space stays inside a cell.
    for (const match of text.matchAll(/\S+(?: \S+)*/g)) {
      const from = match.index;
      words.push({
        text: match[0],
        x0: m[4] + from * per,
        x1: m[4] + (from + match[0].length) * per,
        y0,
        y1,
      });
    }
  }
  return words;
}

type PdfImage = { width: number; height: number; kind?: number; data?: Uint8Array | Uint8ClampedArray };

/** A decoded PDF image (1-bit, RGB or RGBA rows) as greyscale. */
function grayOf(image: PdfImage): GrayImage | undefined {
  const { width, height, kind, data } = image;
  if (!data || !width || !height) return undefined;
  const out = new Uint8Array(width * height);
  if (kind === pdfjs.ImageKind.GRAYSCALE_1BPP) {
    const stride = Math.ceil(width / 8);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        out[y * width + x] = ((data[y * stride + (x >> 3)] as number) >> (7 - (x & 7))) & 1 ? 255 : 0;
  } else {
    const channels = kind === pdfjs.ImageKind.RGBA_32BPP ? 4 : 3;
    for (let i = 0; i < width * height; i++) {
      const r = data[i * channels] as number;
      const g = data[i * channels + 1] as number;
      const b = data[i * channels + 2] as number;
      out[i] = Math.round((r * 299 + g * 587 + b * 114) / 1000);
    }
  }
  return { width, height, data: out };
}

/** Every page of the PDF as words and rulings (OCR'd words for a page without text). */
export async function readPdfPages(bytes: Uint8Array, options: PdfReadOptions): Promise<PageLayout[]> {
  const { limits, signal } = options;
  if (!isPdf(bytes)) throw new MediaError("The file is not a PDF");
  checkInflatedSize(bytes, limits.maxInflatedBytes);
  const task = pdfjs.getDocument({
    // PDF.js takes the buffer over; the caller's bytes stay as they are.
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    stopAtErrors: false,
    maxImageSize: limits.maxPixels,
    verbosity: 0,
  });
  try {
    let pdf: Awaited<typeof task.promise>;
    try {
      pdf = await guarded(task.promise, signal);
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === "PasswordException")
        throw new MediaError("The PDF is protected by a password; save it without one and choose it again");
      if (name === "InvalidPDFException" || name === "FormatError" || name === "UnknownErrorException")
        throw new MediaError(`The PDF is damaged and cannot be read (${(error as Error).message})`);
      throw error;
    }
    const pages = pdf.numPages;
    if (pages > limits.maxPages)
      throw new MediaError(
        `The PDF has ${pages.toLocaleString("en-US")} pages; Intake reads PDFs of up to ${limits.maxPages} pages — split it and read the part with the table`,
      );
    const layouts: PageLayout[] = [];
    for (let n = 1; n <= pages; n++) {
      signal.throwIfAborted();
      options.onPage?.(n - 1, pages);
      const page = await guarded(pdf.getPage(n), signal);
      const viewport = page.getViewport({ scale: 1 });
      const transform = viewport.transform as Matrix;
      const text = await guarded(page.getTextContent(), signal);
      const words = wordsOf(text.items, transform, 1);
      const list = await guarded(page.getOperatorList(), signal);
      const graphics = graphicsOf(list, transform);
      if (words.length > 0 || !graphics.image) {
        layouts.push({
          page: n,
          width: viewport.width,
          height: viewport.height,
          words,
          rulings: graphics.rulings,
        });
      } else {
        const id = graphics.image.id;
        const objects = id.startsWith("g_") ? page.commonObjs : page.objs;
        const image = await guarded(
          new Promise<PdfImage>((resolve) => objects.get(id, (data: unknown) => resolve(data as PdfImage))),
          signal,
        );
        const gray = grayOf(image);
        const ocrWords = gray ? await options.ocr(gray) : [];
        layouts.push({
          page: n,
          width: gray?.width ?? 0,
          height: gray?.height ?? 0,
          words: ocrWords,
          rulings: [],
          ocr: true,
        });
      }
      page.cleanup();
    }
    options.onPage?.(pages, pages);
    return layouts;
  } finally {
    void task.destroy();
  }
}
