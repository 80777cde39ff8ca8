// The page's handle on the pipeline: typed requests over a transport (a dedicated Web Worker in
// the extension; the same handler in-process for tests). Dispose terminates the worker, and with
// it the file and the dataset.
import { browser } from "wxt/browser";
import type { ContextSchema } from "../../schemas/index.ts";
import type { ColumnSuggestion, HistoryEntry } from "../mapping/suggest.ts";
import type { Mapping } from "../mapping.ts";
import { handleRequest } from "./handler.ts";
import type { Inspection, InspectOptions } from "./inspection.ts";
import { Pipeline } from "./pipeline.ts";
import type {
  DownloadKind,
  PipelineCalls,
  PipelineMethod,
  PipelineReply,
  PipelineRequest,
  Progress,
  SubmitEvent,
  SubmitOutcome,
  SubmitRequest,
  ValidationDone,
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
import type { PipelinePlatform } from "./submit.ts";

export interface PipelineClient {
  /** Hands the pipeline the schema to use for `context` (the Worker's live one); send it before suggest. */
  registerSchema(context: string, schema: ContextSchema): Promise<null>;
  /** `signal` stops a long read (a PDF's or an image's OCR): the answer is then an error inspection. */
  inspect(
    file: Blob,
    options: InspectOptions,
    onProgress?: (p: Progress) => void,
    signal?: AbortSignal,
  ): Promise<Inspection>;
  /** suggestMapping's answer for the inspected file's columns, computed in the pipeline. */
  suggest(context: string, history?: HistoryEntry[]): Promise<ColumnSuggestion[]>;
  /** The first `limit` values of a source column, as text. */
  columnValues(column: number, limit: number): Promise<string[]>;
  validate(context: string, mapping: Mapping, onProgress?: (p: Progress) => void): Promise<ValidationDone>;
  summary(): Promise<ReviewSummary>;
  grid(query: GridQuery, start: number, end: number): Promise<GridWindow>;
  locate(query: GridQuery, kind: ProblemKind, from: number, direction: 1 | -1): Promise<ProblemPlace | null>;
  position(query: GridQuery, row: number): Promise<number>;
  preview(action: EditAction): Promise<EditPreview>;
  edit(action: EditAction): Promise<number>;
  undo(): Promise<number>;
  redo(): Promise<number>;
  download(kind: DownloadKind): Promise<Blob>;
  /** `confirm` answers a review that must be confirmed (commit); `cancel` stops the upload. */
  submit(
    request: SubmitRequest,
    onEvent: (event: SubmitEvent) => void,
  ): { outcome: Promise<SubmitOutcome>; cancel: () => void; confirm: () => void };
  dispose(): void;
}

export interface PipelineTransport {
  post(request: PipelineRequest): void;
  listen(onReply: (reply: PipelineReply) => void): void;
  close(): void;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  onProgress?: (p: Progress) => void;
  onEvent?: (event: SubmitEvent) => void;
}

export function createPipelineClient(transport: PipelineTransport): PipelineClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  transport.listen((reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === "progress") p.onProgress?.(reply.progress);
    else if (reply.type === "event") p.onEvent?.(reply.event);
    else {
      pending.delete(reply.id);
      if (reply.type === "failed") p.reject(new Error(reply.message));
      else p.resolve(reply.result as never);
    }
  });
  function call<M extends PipelineMethod>(
    method: M,
    params: PipelineCalls[M]["params"],
    extra: Omit<Pending, "resolve" | "reject"> = {},
  ): { id: number; result: Promise<PipelineCalls[M]["result"]> } {
    const id = nextId++;
    const result = new Promise<PipelineCalls[M]["result"]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: never) => void, reject, ...extra });
      transport.post({ id, method, params } as PipelineRequest);
    });
    return { id, result };
  }
  return {
    registerSchema: (context, schema) => call("registerSchema", { context, schema }).result,
    inspect: (file, options, onProgress, signal) => {
      const { id, result } = call("inspect", { file, options }, { onProgress });
      if (signal) {
        const cancel = () => void call("cancel", { target: id }).result.catch(() => {});
        if (signal.aborted) cancel();
        else signal.addEventListener("abort", cancel, { once: true });
        void result.finally(() => signal.removeEventListener("abort", cancel)).catch(() => {});
      }
      return result;
    },
    suggest: (context, history = []) => call("suggest", { context, history }).result,
    columnValues: (column, limit) => call("columnValues", { column, limit }).result,
    validate: (context, mapping, onProgress) => call("validate", { context, mapping }, { onProgress }).result,
    summary: () => call("summary", null).result,
    grid: (query, start, end) => call("grid", { query, start, end }).result,
    locate: (query, kind, from, direction) => call("locate", { query, kind, from, direction }).result,
    position: (query, row) => call("position", { query, row }).result,
    preview: (action) => call("preview", action).result,
    edit: (action) => call("edit", action).result,
    undo: () => call("undo", null).result,
    redo: () => call("redo", null).result,
    download: (kind) => call("download", { kind }).result,
    submit: (request, onEvent) => {
      const { id, result } = call("submit", request, { onEvent });
      return {
        outcome: result,
        cancel: () => void call("cancel", { target: id }).result.catch(() => {}),
        confirm: () => void call("confirm", { target: id }).result.catch(() => {}),
      };
    },
    dispose: () => {
      for (const p of pending.values()) p.reject(new Error("The pipeline was closed"));
      pending.clear();
      transport.close();
    },
  };
}

/** Runs the pipeline in this thread, replies delivered asynchronously like a worker's. */
export function inlineTransport(platform: PipelinePlatform = {}): PipelineTransport {
  const pipeline = new Pipeline(platform);
  let listener: ((reply: PipelineReply) => void) | undefined;
  return {
    post: (request) => {
      setTimeout(() => {
        void handleRequest(pipeline, request, (reply) => setTimeout(() => listener?.(reply), 0));
      }, 0);
    },
    listen: (onReply) => {
      listener = onReply;
    },
    close: () => {
      listener = undefined;
    },
  };
}

/** The dedicated pipeline worker built from entrypoints/pipeline-worker.ts. */
export function workerTransport(): PipelineTransport {
  const worker = new Worker(browser.runtime.getURL("/pipeline-worker.js"));
  return {
    post: (request) => worker.postMessage(request),
    listen: (onReply) => {
      worker.onmessage = (event: MessageEvent<PipelineReply>) => onReply(event.data);
    },
    close: () => worker.terminate(),
  };
}

/** A worker-backed pipeline when workers exist, else in-process. */
export function createDefaultPipeline(): PipelineClient {
  return createPipelineClient(typeof Worker === "function" ? workerTransport() : inlineTransport());
}
