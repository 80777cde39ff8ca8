// The shapes the media readers share: what extractTables answers, the positioned words a page's
// text layer or OCR yields (the table builder's input), and the limits a hostile file meets.

/** One table read from a PDF or an image: the header row, the data rows, and per cell the OCR confidence (0-1). */
export interface ExtractedTable {
  header: string[];
  rows: string[][];
  /** Per data row and column, how sure the OCR is of the cell (0-1); absent for a PDF's own text. */
  confidence?: number[][];
  /** The 1-based page the table starts on. */
  page?: number;
}

export interface ExtractOptions {
  signal?: AbortSignal;
  onProgress?: (p: { page: number; pages: number }) => void;
  /** Tighter (or looser) limits than MEDIA_LIMITS. */
  limits?: Partial<MediaLimits>;
}

/** A word (or a run of text without a wide gap) with its box, in page units with y growing downwards. */
export interface Word {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** OCR confidence 0-1 (absent: the page's own text). */
  conf?: number;
}

/** A ruling line (a table border) as an axis-aligned segment, in the words' units. */
export interface Ruling {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PageLayout {
  page: number;
  width: number;
  height: number;
  words: Word[];
  rulings: Ruling[];
  /** Words read by OCR (their gaps and heights are measured on ink, not on font boxes). */
  ocr?: boolean;
}

export interface MediaLimits {
  /** Largest file read, in bytes. */
  maxBytes: number;
  /** Pages read at most; a longer PDF is refused (not cut), so no table is silently short. */
  maxPages: number;
  /** Whole-file time limit, in ms. */
  maxMillis: number;
  /** Largest image, in pixels (a 4K screenshot is 8.3 M). */
  maxPixels: number;
  /** The most a PDF's compressed streams may expand to, in bytes, all together. */
  maxInflatedBytes: number;
}

export const MEDIA_LIMITS: MediaLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxPages: 200,
  maxMillis: 5 * 60_000,
  maxPixels: 40_000_000,
  maxInflatedBytes: 512 * 1024 * 1024,
};

/** A PDF or image Intake will not read, said in the admin's words. */
export class MediaError extends Error {
  override name = "MediaError";
}
