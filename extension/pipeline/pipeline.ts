// The file pipeline, run off the main thread: stream-decode -> parse into the column store ->
// (admin maps columns) -> map -> normalize -> validate into the dataset it owns -> views, edits,
// downloads and the upload, all from here. The page only renders what it is sent.

import {
  type ContextSchema,
  type CsvTextIssue,
  detectKind,
  type RecordLimits,
  readJsonRecords,
  recordLimits,
  registerSchema,
  resolveSchema,
} from "../../schemas/index.ts";
import { looksLikeHeaderless } from "../mapping/headerless.ts";
import { type ColumnSuggestion, type HistoryEntry, suggestMapping } from "../mapping/suggest.ts";
import { type Mapping, mappingFromSuggestions, sameMapping } from "../mapping.ts";
import { ColumnStore } from "./column-store.ts";
import { CsvStream } from "./csv-stream.ts";
import { Dataset } from "./dataset.ts";
import { correctedCsvParts, correctedJsonParts, errorReportParts } from "./export.ts";
import type { Inspection, InspectOptions } from "./inspection.ts";
import { type MediaKind, mediaKindOf } from "./media/kind.ts";
import type { ExtractedTable } from "./media/types.ts";
import { mediaInspection, noTableMessage, readMediaTables, tableSource } from "./media-source.ts";
import { decodeBytes, type SourceEncoding } from "./parse/decode.ts";
import { isWorkbook, readWorkbook, withFieldDates } from "./parse/xlsx.ts";
import {
  cellText,
  type DownloadKind,
  NO_HEADER_ROW,
  type Progress,
  type SubmitEvent,
  type SubmitOutcome,
  type SubmitRequest,
  type ValidationDone,
} from "./protocol.ts";
import type {
  EditAction,
  EditPreview,
  GridQuery,
  GridWindow,
  ProblemKind,
  ProblemPlace,
  ReviewSummary,
} from "./review-types.ts";
import { csvSource, jsonSource, profile, type SourceRows } from "./source.ts";
import { type PipelinePlatform, submitDataset } from "./submit.ts";

const MAX_ROW_ISSUES = 100;
/** Rows validated per background slice (a few tens of ms), so requests are answered between slices. */
const PREPARE_SLICE = 8192;

/** Runs `task` as its own task soon (a message to itself: no 4 ms clamp, unlike nested timeouts). */
function soon(task: () => void): void {
  if (typeof MessageChannel === "undefined") {
    setTimeout(task, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    task();
  };
  channel.port2.postMessage(null);
}

function bomOf(bytes: Uint8Array): { encoding: SourceEncoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

/** User Timing (DevTools' Performance panel; the bench reads it), typed here for every build's lib. */
const userTiming = (
  globalThis as unknown as {
    performance: {
      mark(name: string): void;
      measure(name: string, start: string, end?: string): void;
      clearMeasures(name: string): void;
    };
  }
).performance;

/** A User Timing measure from mark `start` (to `end`, or now), replacing the last of that name. */
function timed(name: string, start: string, end?: string): void {
  userTiming.clearMeasures(name);
  userTiming.measure(name, start, end);
}

interface CsvRead {
  file: Blob;
  encoding: SourceEncoding;
  delimiter: string;
  store: ColumnStore;
  textIssues: CsvTextIssue[];
}

type Read =
  | { status: "csv"; read: CsvRead }
  | { status: "json"; encoding: SourceEncoding; text: string }
  | { status: "not-utf8" };

export class Pipeline {
  private csv: CsvRead | undefined;
  /** The tables read from a PDF or an image, and which one `csv` holds. */
  private media:
    | { file: Blob; kind: MediaKind; tables: ExtractedTable[]; table: number; name: string }
    | undefined;
  /** Reads (inspect requests) that `cancel(id)` stops: a PDF's or an image's OCR. */
  private readonly reads = new Map<number, AbortController>();
  /** The workbook sheet `csv` holds rows of, when the file is an Excel workbook. */
  private workbook: { sheets: string[]; sheet: string; dateColumns: number[] } | undefined;
  /** The file last read, and the source name its sync records. */
  private sourceFile: Blob | undefined;
  private sourceName: string | undefined;
  private source: SourceRows | undefined;
  /** The source's first data rows (up to PROFILE_ROWS) as text, for value-based mapping. */
  private firstRows: string[][] = [];
  private dataset: Dataset | undefined;
  /** A dataset being validated in the background under the suggested mapping (see `prepare`). */
  private prepared:
    | { context: string; mapping: Mapping; schema: ContextSchema | undefined; dataset: Dataset }
    | undefined;
  /** The last suggestion, by context and history. */
  private suggested: { key: string; value: ColumnSuggestion[] } | undefined;
  private limits: RecordLimits = recordLimits();
  private readonly platform: PipelinePlatform;
  private readonly uploads = new Map<number, AbortController>();
  /** Uploads waiting for the admin to confirm a replacement, by request id. */
  private readonly confirmations = new Map<number, () => void>();

  constructor(platform: PipelinePlatform = {}) {
    this.platform = platform;
  }

  /** Streams the file through the decoder and the CSV parser (JSON is read whole). */
  private async read(file: Blob, options: InspectOptions, onProgress: (p: Progress) => void): Promise<Read> {
    const total = file.size;
    const reader = file.stream().getReader();
    let decoder: TextDecoder | undefined;
    let encoding: SourceEncoding = "utf-8";
    let kind: "csv" | "json" | undefined;
    let pending = "";
    const json: string[] = [];
    let stream: CsvStream | undefined;
    const store = new ColumnStore(Math.ceil(total / 80));
    const textIssues: CsvTextIssue[] = [];
    let done = 0;
    let lastProgress = 0;
    const feed = (text: string, final: boolean) => {
      pending += text;
      if (kind === undefined) {
        if (pending === "" && !final) return;
        kind = detectKind(options.fileName, pending);
      }
      if (kind === "json") {
        json.push(pending);
      } else {
        // Each decoded piece as it comes: joining pieces first would copy the text once more.
        stream ??= new CsvStream(store, (issue) => textIssues.push(issue), options.delimiter);
        stream.push(pending, final);
      }
      pending = "";
    };
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        if (!decoder) {
          const bom = bomOf(value);
          encoding = options.encoding ?? bom?.encoding ?? "utf-8";
          decoder = new TextDecoder(encoding, { fatal: !options.encoding && !bom, ignoreBOM: false });
        }
        feed(decoder.decode(value, { stream: true }), false);
        done += value.length;
        if (done - lastProgress >= 1 << 20) {
          lastProgress = done;
          onProgress({ phase: "read", done, total });
        }
      }
      feed(decoder ? decoder.decode() : "", true);
    } catch (error) {
      if (error instanceof TypeError && decoder?.fatal) {
        void reader.cancel().catch(() => {});
        return { status: "not-utf8" };
      }
      throw error;
    }
    onProgress({ phase: "read", done: total, total });
    if (kind === "json") return { status: "json", encoding, text: json.join("") };
    return {
      status: "csv",
      read: { file, encoding, delimiter: stream?.delimiter ?? ",", store, textIssues },
    };
  }

  async inspect(
    file: Blob,
    options: InspectOptions,
    onProgress: (p: Progress) => void = () => {},
    id?: number,
  ): Promise<Inspection> {
    userTiming.mark("intake:inspect");
    const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
    const mediaKind = mediaKindOf(options.fileName, head);
    if (mediaKind) return this.inspectMedia(file, mediaKind, options, onProgress, id);
    this.media = undefined;
    this.prepared = undefined;
    this.suggested = undefined;
    this.limits = recordLimits(options.limits);
    this.dataset = undefined;
    if (options.sourceName !== undefined || file !== this.sourceFile)
      this.sourceName = options.sourceName ?? options.fileName;
    const sameFile = file === this.sourceFile;
    this.sourceFile = file;
    const cached = this.csv;
    const sheet = options.sheet ?? (sameFile ? this.workbook?.sheet : undefined);
    const reuse =
      cached !== undefined &&
      cached.file === file &&
      options.headerRow !== undefined &&
      (this.workbook === undefined || sheet === this.workbook.sheet) &&
      (options.delimiter ?? cached.delimiter) === cached.delimiter &&
      (options.encoding ?? cached.encoding) === cached.encoding;
    let encoding: SourceEncoding;
    if (reuse && cached) {
      encoding = cached.encoding;
      this.source = csvSource(cached.store, cached.delimiter, cached.textIssues, options.headerRow);
    } else {
      this.csv = undefined;
      this.workbook = undefined;
      this.source = undefined;
      this.firstRows = [];
      const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
      const read: Read = isWorkbook(options.fileName, head)
        ? await this.readSheet(file, sheet, onProgress)
        : await this.read(file, options, onProgress);
      if (read.status === "not-utf8") {
        const decoded = decodeBytes(new Uint8Array(await file.arrayBuffer()));
        if (decoded.ok) throw new Error("The file could not be decoded");
        return { status: "needs-encoding", line: decoded.line, preview: decoded.preview };
      }
      if (read.status === "json") {
        encoding = read.encoding;
        // The Worker's reader: forbidden keys and nesting depth refuse the file with its words.
        const parsed = readJsonRecords(read.text, { source: "file", allowObject: true, limits: this.limits });
        if (!parsed.ok) return { status: "error", message: parsed.message };
        this.source = jsonSource(parsed);
      } else {
        encoding = read.read.encoding;
        this.csv = read.read;
        this.source = csvSource(
          read.read.store,
          read.read.delimiter,
          read.read.textIssues,
          options.headerRow,
        );
      }
    }
    return this.inspected(this.source, encoding, options, onProgress);
  }

  /** The inspection of the source just read: its profile, and the background validation started. */
  private inspected(
    source: SourceRows,
    encoding: SourceEncoding,
    options: InspectOptions,
    onProgress: (p: Progress) => void,
  ): Inspection {
    userTiming.mark("intake:profile");
    onProgress({ phase: "parse", done: 1, total: 1 });
    const rowIssues = source.issues.filter((i) => i.row !== undefined);
    const { samples, distinct, rows } = profile(source);
    this.firstRows = rows;
    if (options.prepare) {
      const { context, history } = options.prepare;
      if (resolveSchema(context))
        this.prepare(context, mappingFromSuggestions(source.headers, this.suggest(context, history)));
    }
    // Reading, then profiling.
    timed("intake:read", "intake:inspect", "intake:profile");
    timed("intake:profile", "intake:profile");
    return {
      status: "ready",
      kind: source.kind,
      encoding,
      delimiter: source.delimiter,
      jsonShape: source.jsonShape,
      headerRow: source.headerRow,
      headerCandidates: source.headerCandidates,
      ...(this.workbook ? { sheets: this.workbook.sheets, sheet: this.workbook.sheet } : {}),
      ...(this.media ? { media: mediaInspection(this.media, this.source), delimiter: undefined } : {}),
      headers: source.headers,
      columns: source.columns,
      rowCount: source.count,
      samples,
      distinct,
      looksHeaderless:
        source.kind === "csv" &&
        !this.media &&
        (source.headerRow === NO_HEADER_ROW || looksLikeHeaderless([source.headers, ...rows])),
      issues: [...source.issues.filter((i) => i.row === undefined), ...rowIssues.slice(0, MAX_ROW_ISSUES)],
      issueCount: source.issues.length,
    };
  }

  /**
   * A PDF or an image: its tables read (once per file; OCR can take seconds a page, with progress
   * per page and `cancel(id)`), the chosen one held like a CSV's rows under its header, and the
   * OCR's confidence kept by cell for the review.
   */
  private async inspectMedia(
    file: Blob,
    kind: MediaKind,
    options: InspectOptions,
    onProgress: (p: Progress) => void,
    id: number | undefined,
  ): Promise<Inspection> {
    this.prepared = undefined;
    this.suggested = undefined;
    this.limits = recordLimits(options.limits);
    this.dataset = undefined;
    this.csv = undefined;
    this.workbook = undefined;
    this.source = undefined;
    this.firstRows = [];
    const sameFile = this.media?.file === file;
    this.sourceFile = file;
    let tables = sameFile ? this.media?.tables : undefined;
    if (!tables) {
      this.media = undefined;
      const controller = new AbortController();
      if (id !== undefined) this.reads.set(id, controller);
      try {
        const read = await readMediaTables(file, kind, controller.signal, (done, total) =>
          onProgress({ phase: "pages", done, total }),
        );
        if (!Array.isArray(read)) return { status: "error", message: read.error };
        tables = read;
      } finally {
        if (id !== undefined) this.reads.delete(id);
      }
    }
    if (tables.length === 0) return { status: "error", message: noTableMessage(kind) };
    const table = Math.min(
      Math.max(0, options.table ?? (sameFile ? (this.media?.table ?? 0) : 0)),
      tables.length - 1,
    );
    const name = options.sourceName ?? (sameFile ? this.media?.name : undefined) ?? options.fileName;
    this.media = { file, kind, tables, table, name };
    const chosen = tables[table] as ExtractedTable;
    const page =
      chosen.page !== undefined && (kind === "pdf" || tables.length > 1) ? `, page ${chosen.page}` : "";
    // The sync records the file and the table's page ("report.pdf, page 2"), kept as the admin
    // picks another table of the same file.
    this.sourceName = `${name}${page}`;
    const { store, source } = tableSource(chosen, options.headerRow);
    this.csv = { file, encoding: "utf-8", delimiter: ",", store, textIssues: [] };
    this.source = source;
    return this.inspected(source, "utf-8", options, onProgress);
  }

  /** An Excel workbook's sheet (an .xlsx streamed from the file), as CSV-like rows. */
  private async readSheet(
    file: Blob,
    sheet: string | undefined,
    onProgress: (p: Progress) => void,
  ): Promise<Read> {
    onProgress({ phase: "read", done: 0, total: file.size });
    const read = await readWorkbook(file, sheet, (share) =>
      onProgress({ phase: "read", done: Math.round(share * file.size), total: file.size }),
    );
    onProgress({ phase: "read", done: file.size, total: file.size });
    this.workbook = { sheets: read.sheets, sheet: read.sheet, dateColumns: read.dateColumns };
    return {
      status: "csv",
      read: { file, encoding: "utf-8", delimiter: ",", store: read.store, textIssues: [] },
    };
  }

  /** Suggest, validate and submit use `schema` for `context` from now on (the Worker's live one). */
  registerSchema(context: string, schema: ContextSchema): void {
    registerSchema(context, schema);
    if (this.prepared?.context === context) this.prepared = undefined;
  }

  /**
   * suggestMapping's answer for the source's columns (header and value evidence over its first
   * PROFILE_ROWS rows, the tenant's `history`), computed here, where the rows are.
   */
  suggest(context: string, history: readonly HistoryEntry[] = []): ColumnSuggestion[] {
    const source = this.requireSource();
    const key = JSON.stringify([context, resolveSchema(context)?.$id, history]);
    if (this.suggested?.key !== key)
      this.suggested = {
        key,
        value: suggestMapping({ headers: source.headers, rows: this.firstRows, context, history }),
      };
    return this.suggested.value;
  }

  /** The first `limit` values of a column, as text (for value-based mapping). */
  columnValues(column: number, limit: number): string[] {
    const source = this.requireSource();
    const out: string[] = [];
    for (let i = 0; i < Math.min(limit, source.count); i++) out.push(cellText(source.row(i).cells[column]));
    return out;
  }

  /** The dataset of the source under `mapping`, not validated yet. */
  private datasetFor(context: string, mapping: Mapping): Dataset {
    let source = this.requireSource();
    // Excel dates (read as ISO text) take the form of the field each column is mapped to.
    const dates = this.workbook?.dateColumns ?? [];
    if (dates.length > 0) {
      const properties = resolveSchema(context)?.properties ?? {};
      source = withFieldDates(
        source,
        source.columns.map((_, c) => {
          const field = mapping.columns[c];
          return dates.includes(c) && field ? properties[field]?.format : undefined;
        }),
      );
    }
    return new Dataset(source, context, mapping, this.limits);
  }

  /** Starts validating the source under `mapping` in the background, a slice per task. */
  private prepare(context: string, mapping: Mapping): void {
    const prepared = {
      context,
      mapping,
      schema: resolveSchema(context),
      dataset: this.datasetFor(context, mapping),
    };
    this.prepared = prepared;
    const slice = () => {
      if (this.prepared !== prepared) return;
      if (!prepared.dataset.validateSome(PREPARE_SLICE)) soon(slice);
    };
    soon(slice);
  }

  /** Maps and validates every row into the dataset the fixing step works on. */
  validate(context: string, mapping: Mapping, onProgress: (p: Progress) => void = () => {}): ValidationDone {
    userTiming.mark("intake:validate");
    const count = this.requireSource().count;
    this.dataset = undefined;
    // The background pass goes on from where it is when it was for this mapping and schema.
    const ahead = this.prepared;
    this.prepared = undefined;
    const reused =
      ahead !== undefined &&
      ahead.context === context &&
      ahead.schema === resolveSchema(context) &&
      sameMapping(ahead.mapping, mapping)
        ? ahead.dataset
        : undefined;
    const dataset = reused ?? this.datasetFor(context, mapping);
    const prepared = dataset.validatedCount;
    dataset.validateAll((done, total) => onProgress({ phase: "validate", done, total }));
    onProgress({ phase: "validate", done: count, total: count });
    this.dataset = dataset;
    timed("intake:validate", "intake:validate");
    return { recordCount: count, prepared };
  }

  summary(): ReviewSummary {
    return this.requireDataset().views.summary();
  }

  grid(query: GridQuery, start: number, end: number): GridWindow {
    return this.requireDataset().views.grid(query, start, end);
  }

  locate(query: GridQuery, kind: ProblemKind, from: number, direction: 1 | -1): ProblemPlace | undefined {
    return this.requireDataset().views.locate(query, kind, from, direction);
  }

  position(query: GridQuery, row: number): number {
    return this.requireDataset().views.positionOf(query, row);
  }

  preview(action: EditAction): EditPreview {
    return this.requireDataset().preview(action);
  }

  edit(action: EditAction): number {
    return this.requireDataset().edit(action);
  }

  undo(): number {
    return this.requireDataset().undo();
  }

  redo(): number {
    return this.requireDataset().redo();
  }

  download(kind: DownloadKind): Blob {
    const dataset = this.requireDataset();
    if (kind === "errors") return new Blob(errorReportParts(dataset.errors()), { type: "text/csv" });
    if (kind === "csv")
      return new Blob(correctedCsvParts(dataset.schema, dataset.includedRaws(), dataset.fields), {
        type: "text/csv",
      });
    return new Blob(correctedJsonParts(dataset.records()), { type: "application/json" });
  }

  /**
   * Uploads the included rows' normalized records as a sync; `cancel(id)` stops it. Before the
   * commit it sends the review of what the commit would change, and waits for `confirm(id)` when
   * the review says the admin must confirm.
   */
  async submit(
    id: number,
    request: SubmitRequest,
    onEvent: (event: SubmitEvent) => void,
  ): Promise<SubmitOutcome> {
    const dataset = this.requireDataset();
    const controller = new AbortController();
    this.uploads.set(id, controller);
    try {
      return await submitDataset(
        dataset,
        request,
        {
          platform: this.platform,
          sourceName: this.sourceName,
          signal: controller.signal,
          confirmed: () => new Promise<boolean>((resolve) => this.confirmations.set(id, () => resolve(true))),
        },
        onEvent,
      );
    } finally {
      this.uploads.delete(id);
      this.confirmations.delete(id);
    }
  }

  /** Stops upload `id`, or the read (a PDF's or an image's OCR) started by inspect request `id`. */
  cancel(id: number): void {
    this.uploads.get(id)?.abort();
    this.reads.get(id)?.abort();
  }

  /** The admin confirmed the replacement upload `id` is waiting on: commit it. */
  confirm(id: number): void {
    this.confirmations.get(id)?.();
    this.confirmations.delete(id);
  }

  private requireSource(): SourceRows {
    if (!this.source) throw new Error("No file has been read yet");
    return this.source;
  }

  private requireDataset(): Dataset {
    if (!this.dataset) throw new Error("The file has not been validated yet");
    return this.dataset;
  }
}
