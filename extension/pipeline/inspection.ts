// The inspect call's wire types, what the pipeline answers about a file it has read (InspectOptions
// in, an Inspection out): the source's shape and problems, each column's first and distinct values
// (the mapping step's evidence, source.ts's profile), and of a PDF or an image, the tables found in
// it and the cells OCR read uncertainly (media-source.ts's mediaInspection). The page reaches them
// through protocol.ts.
import type { RecordLimits, SourceRow } from "../../schemas/index.ts";
import type { HistoryEntry } from "../mapping/suggest.ts";
import type { MediaKind } from "./media/kind.ts";
import type { SourceEncoding } from "./parse/decode.ts";
import type { SourceIssue } from "./parse/source-table.ts";

export interface InspectOptions {
  fileName: string;
  encoding?: SourceEncoding;
  delimiter?: string;
  /** Index of the header among the parsed CSV rows (overrides detection). */
  headerRow?: number;
  /** The Worker's announced limits (field length, nesting depth); the core's defaults otherwise. */
  limits?: Partial<RecordLimits>;
  /**
   * What the sync records as its source (a captured page's title and address); the file name
   * otherwise. Kept when the same file is read again without it.
   */
  sourceName?: string;
  /** An Excel workbook's sheet to read (the first with data otherwise; kept for the same file). */
  sheet?: string;
  /** A PDF's or an image's table to read, by its index in `media.tables` (the first otherwise; kept for the same file). */
  table?: number;
  /**
   * The data the file is for, and the tenant's past mapping choices: once the file is read, its
   * mapping is suggested and the rows are validated under it in the background, so a `validate`
   * with that mapping (the usual case) finds most of the work done.
   */
  prepare?: { context: string; history: HistoryEntry[] };
}

export type Inspection =
  | { status: "needs-encoding"; line: number; preview: { line: number; text: string }[] }
  | { status: "error"; message: string }
  | {
      status: "ready";
      kind: "csv" | "json";
      encoding: SourceEncoding;
      delimiter?: string;
      jsonShape?: string;
      headerRow?: number;
      headerCandidates?: SourceRow[];
      /** An Excel workbook's sheets with data, and the one read. */
      sheets?: string[];
      sheet?: string;
      /** A PDF or an image: the tables found in it (the picker's choices), and the one read. */
      media?: MediaInspection;
      headers: string[];
      columns: string[];
      rowCount: number;
      /** Per column: the first few non-empty values, and up to 50 distinct values. */
      samples: string[][];
      distinct: string[][];
      /**
       * A CSV read without a header row, or whose first row looks like data (emails, dates, ids
       * over the same below it): the "no header row" choice is offered.
       */
      looksHeaderless: boolean;
      /** The file's own problems, and the first MAX_ROW_ISSUES of the rows' (issueCount counts all). */
      issues: SourceIssue[];
      issueCount: number;
    };

/** A table found in a PDF or an image, as a picker lists it. */
export interface MediaTableSummary {
  /** The 1-based page it starts on. */
  page?: number;
  header: string[];
  rowCount: number;
}

/** What was read from a PDF or an image. */
export interface MediaInspection {
  kind: MediaKind;
  tables: MediaTableSummary[];
  /** The index in `tables` of the table read. */
  table: number;
  /**
   * OCR'd cells read with less than LOW_CONFIDENCE (source.ts; data row and column 0-based, confidence
   * 0-1), the first MAX_LOW_CONFIDENCE_SHOWN (media-source.ts) of them; `lowConfidenceCount` counts
   * all. Empty for a PDF's own text.
   */
  lowConfidence: { row: number; column: number; confidence: number }[];
  lowConfidenceCount: number;
}
