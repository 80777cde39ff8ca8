// The one typed message protocol between the page and the pipeline worker (handler.ts answers it
// on the worker's side). Every request gets one final reply ("done" or "failed"); long ones send
// "progress" (reading, validating) or "event" (uploading) replies before it.

import type { ContextSchema, JsonValue } from "../../schemas/index.ts";
import type { ColumnSuggestion, HistoryEntry } from "../mapping/suggest.ts";
import type { Mapping } from "../mapping.ts";
import type { Inspection, InspectOptions } from "./inspection.ts";
import type {
  EditAction,
  EditPreview,
  GridQuery,
  GridWindow,
  ProblemKind,
  ProblemPlace,
  ReviewSummary,
} from "./review-types.ts";
import type { ReplacementReview, UploadOutcome, UploadProgress } from "./upload.ts";

export type { TableRow } from "../mapping.ts";
export type { Inspection, InspectOptions, MediaInspection } from "./inspection.ts";
// The types and constants the page needs of what runs in the pipeline worker: the page imports
// from pipeline/ only this file and client.ts (test/layout/extension-walls.test.ts checks it).
export type {
  DuplicateKeep,
  EditAction,
  EditPreview,
  GridQuery,
  GridRow,
  GridWindow,
  ProblemGroup,
  ProblemKind,
  ProblemLevel,
  ReviewSummary,
} from "./review-types.ts";
export type { ReplacementReview, UploadOutcome, UploadProgress } from "./upload.ts";

export const SOURCE_KEYWORDS: ReadonlySet<string> = new Set(["ragged-row", "csv", "json"]);

/** A cell's value as text ("" when absent; lists and objects as JSON). */
export const cellText = (value: JsonValue | undefined) =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);

/** Row-level problems (a ragged row, a record that is not an object) are grouped under this column. */
export const WHOLE_ROW = "\u0000row";

/** The header row option that means "the file has no header row". */
export const NO_HEADER_ROW = -1;

/** Rows of a file profiled for the mapping suggestions (and a sample's field inference). */
export const PROFILE_ROWS = 1000;

/** `pages`: a PDF's or an image's pages read (done of total), OCR included. */
export type Progress = { phase: "read" | "parse" | "validate" | "pages"; done: number; total: number };

export interface ValidationDone {
  recordCount: number;
  /** Rows already validated in the background (under the suggested mapping) when it was asked. */
  prepared: number;
}

export type DownloadKind = "errors" | "csv" | "json";

/** What the worker needs to upload: the connection, and where to. */
export interface SubmitRequest {
  workerUrl: string;
  apiKey: string;
  integrationId: string;
  context: string;
}

export type SubmitEvent =
  | { type: "progress"; progress: UploadProgress }
  /**
   * Every batch is in; what the commit would change. When `review.mustConfirm` the upload waits
   * for `confirm(id)` (commit) or `cancel(id)` (abort the sync; nothing changes).
   */
  | { type: "review"; review: ReplacementReview }
  | { type: "sync-started"; syncId: string }
  | { type: "sync-settled"; syncId: string };

/** A failed upload as the page shows it: the report's first errors already placed in the file. */
export interface SubmitFailure {
  status: "failed";
  message: string;
  syncAborted: boolean;
  errors: { key: string; row: number; line?: number; message: string }[];
}

export type SubmitOutcome = UploadOutcome | SubmitFailure;

export interface PipelineCalls {
  /** The schema (the Worker's live one) that suggest, validate and submit use for `context` from now on. */
  registerSchema: { params: { context: string; schema: ContextSchema }; result: null };
  inspect: { params: { file: Blob; options: InspectOptions }; result: Inspection };
  /** suggestMapping's answer for the inspected file's columns (`history`: the tenant's past choices). */
  suggest: { params: { context: string; history: HistoryEntry[] }; result: ColumnSuggestion[] };
  columnValues: { params: { column: number; limit: number }; result: string[] };
  validate: { params: { context: string; mapping: Mapping }; result: ValidationDone };
  /** The review's counts, problems by column and rule, and undo history. */
  summary: { params: null; result: ReviewSummary };
  /** Rows start..end of the review grid's list. */
  grid: { params: { query: GridQuery; start: number; end: number }; result: GridWindow };
  /** The next (1) or previous (-1) problem of a kind after row `from`. */
  locate: {
    params: { query: GridQuery; kind: ProblemKind; from: number; direction: 1 | -1 };
    result: ProblemPlace | null;
  };
  /** Where a row is in the grid's list (or the next listed row's place; -1 for an empty list). */
  position: { params: { query: GridQuery; row: number }; result: number };
  /** What an edit would change, without changing anything. */
  preview: { params: EditAction; result: EditPreview };
  edit: { params: EditAction; result: number };
  undo: { params: null; result: number };
  redo: { params: null; result: number };
  download: { params: { kind: DownloadKind }; result: Blob };
  submit: { params: SubmitRequest; result: SubmitOutcome };
  /**
   * Stops the upload started by request `target` (also the answer "no" to a replacement review), or
   * the read of a PDF or an image started by inspect request `target`.
   */
  cancel: { params: { target: number }; result: null };
  /** Lets the upload started by request `target` commit the replacement it asked to confirm. */
  confirm: { params: { target: number }; result: null };
}

export type PipelineMethod = keyof PipelineCalls;

/** Progress replies at most this often (a phase's first and last always go): each one redraws the page. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * `report`, passing on a phase's first and last progress, a change of its total (a PDF's page
 * count once known), and otherwise one per PROGRESS_INTERVAL_MS.
 */
export function throttled(report: (p: Progress) => void, now: () => number = () => Date.now()) {
  let phase: Progress["phase"] | undefined;
  let total = 0;
  let last = 0;
  return (p: Progress): void => {
    const at = now();
    if (p.phase === phase && p.total === total && p.done < p.total && at - last < PROGRESS_INTERVAL_MS)
      return;
    phase = p.phase;
    total = p.total;
    last = at;
    report(p);
  };
}

export type PipelineRequest = {
  [M in PipelineMethod]: { id: number; method: M; params: PipelineCalls[M]["params"] };
}[PipelineMethod];

export type PipelineReply =
  | { id: number; type: "progress"; progress: Progress }
  | { id: number; type: "event"; event: SubmitEvent }
  | { id: number; type: "done"; result: PipelineCalls[PipelineMethod]["result"] }
  | { id: number; type: "failed"; message: string };
