// The UI's handle on the pipeline: requests over a transport (a dedicated Web Worker in the
// extension; the same handler in-process for tests).
import { browser } from "wxt/browser";
import type { Mapping } from "../mapping.ts";
import type { RowState } from "../row-validation.ts";
import {
  type Inspection,
  type InspectOptions,
  Pipeline,
  type Progress,
  type ValidationDone,
} from "./pipeline.ts";
import { handleRequest, type PipelineReply, type PipelineRequest } from "./protocol.ts";

export interface PipelineClient {
  inspect(file: Blob, options: InspectOptions, onProgress?: (p: Progress) => void): Promise<Inspection>;
  validate(
    context: string,
    mapping: Mapping,
    onRows: (rows: RowState[]) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<ValidationDone>;
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
  onRows?: (rows: RowState[]) => void;
  onProgress?: (p: Progress) => void;
}

export function createPipelineClient(transport: PipelineTransport): PipelineClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  transport.listen((reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === "progress") p.onProgress?.(reply.progress);
    else if (reply.type === "rows") p.onRows?.(reply.rows);
    else {
      pending.delete(reply.id);
      if (reply.type === "failed") p.reject(new Error(reply.message));
      else p.resolve((reply.type === "inspected" ? reply.inspection : reply.done) as never);
    }
  });
  type Body = PipelineRequest extends infer R ? (R extends PipelineRequest ? Omit<R, "id"> : never) : never;
  function send<T>(request: Body, extra: Omit<Pending, "resolve" | "reject">) {
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: never) => void, reject, ...extra });
      transport.post({ ...request, id } as PipelineRequest);
    });
  }
  return {
    inspect: (file, options, onProgress) =>
      send<Inspection>({ type: "inspect", file, options }, { onProgress }),
    validate: (context, mapping, onRows, onProgress) =>
      send<ValidationDone>({ type: "validate", context, mapping }, { onRows, onProgress }),
    dispose: () => {
      for (const p of pending.values()) p.reject(new Error("The pipeline was closed"));
      pending.clear();
      transport.close();
    },
  };
}

/** Runs the pipeline in this thread, replies delivered asynchronously like a worker's. */
export function inlineTransport(): PipelineTransport {
  const pipeline = new Pipeline();
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
