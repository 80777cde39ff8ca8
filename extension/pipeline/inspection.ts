// What the pipeline answers about a file it has read (InspectOptions in, an Inspection out): the
// source's shape and problems, each column's first and distinct values (the mapping step's
// evidence), and of a PDF or an image, the tables found in it and the cells OCR read uncertainly.
import type { RecordLimits, SourceRow } from "../../schemas/index.ts";
import type { HistoryEntry } from "../mapping/suggest.ts";
import type { MediaKind } from "./media/kind.ts";
import type { ExtractedTable } from "./media/types.ts";
import type { SourceEncoding } from "./parse/decode.ts";
import type { SourceIssue } from "./parse/source-table.ts";
import { cellText, PROFILE_ROWS } from "./protocol.ts";
import { LOW_CONFIDENCE, type SourceRows } from "./source.ts";

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
   * OCR'd cells read with less than LOW_CONFIDENCE (data row and column 0-based, confidence 0-1),
   * the first MAX_LOW_CONFIDENCE_SHOWN of them; `lowConfidenceCount` counts all. Empty for a PDF's own text.
   */
  lowConfidence: { row: number; column: number; confidence: number }[];
  lowConfidenceCount: number;
}

const SAMPLES = 3;
const DISTINCT = 50;
const MAX_LOW_CONFIDENCE_SHOWN = 1000;

/** Samples, distinct values and the first rows of every column. */
export function profile(source: SourceRows): { samples: string[][]; distinct: string[][]; rows: string[][] } {
  const width = source.columns.length;
  const rows: string[][] = [];
  for (let i = 0; i < Math.min(source.count, PROFILE_ROWS); i++) rows.push(source.row(i).cells.map(cellText));
  const samples: string[][] = [];
  const distinct: string[][] = [];
  for (let c = 0; c < width; c++) {
    // The first few non-empty values, repeats included …
    const s: string[] = [];
    for (let i = 0; i < source.count && s.length < SAMPLES; i++) {
      const text = cellText(source.cell(i, c)).trim();
      if (text) s.push(text);
    }
    // … and up to DISTINCT different ones, in order of appearance (a column of a few values is
    // read to its end, from its dictionary codes).
    const d = new Set<string>();
    source.distinct(c, (value) => {
      const text = value.trim();
      if (text) d.add(text);
      return d.size < DISTINCT;
    });
    samples.push(s);
    distinct.push([...d]);
  }
  return { samples, distinct, rows };
}

/** What an inspection shows of a PDF's or an image's tables, `source` being the one read. */
export function mediaInspection(
  media: { kind: MediaKind; tables: readonly ExtractedTable[]; table: number },
  source: SourceRows | undefined,
): MediaInspection {
  const lowConfidence: MediaInspection["lowConfidence"] = [];
  let lowConfidenceCount = 0;
  if (source?.confidence)
    for (let row = 0; row < source.count; row++)
      for (let column = 0; column < source.columns.length; column++) {
        const confidence = source.confidence(row, column);
        if (confidence === undefined || confidence >= LOW_CONFIDENCE) continue;
        lowConfidenceCount++;
        if (lowConfidence.length < MAX_LOW_CONFIDENCE_SHOWN) lowConfidence.push({ row, column, confidence });
      }
  return {
    kind: media.kind,
    tables: media.tables.map((t) => ({
      ...(t.page !== undefined ? { page: t.page } : {}),
      header: t.header,
      rowCount: t.rows.length,
    })),
    table: media.table,
    lowConfidence,
    lowConfidenceCount,
  };
}
