// The handler both transports run (the pipeline worker, and the page's thread in tests): a request
// of the protocol to the Pipeline's method, its progress and events passed on, one final reply.
import type { Pipeline } from "./pipeline.ts";
import {
  type PipelineCalls,
  type PipelineMethod,
  type PipelineReply,
  type PipelineRequest,
  type Progress,
  throttled,
} from "./protocol.ts";

async function run(
  pipeline: Pipeline,
  request: PipelineRequest,
  post: (reply: PipelineReply) => void,
): Promise<PipelineCalls[PipelineMethod]["result"]> {
  const { id } = request;
  const progress = throttled((p: Progress) => post({ id, type: "progress", progress: p }));
  switch (request.method) {
    case "registerSchema":
      pipeline.registerSchema(request.params.context, request.params.schema);
      return null;
    case "inspect":
      // Its id lets `cancel` stop a long read (a PDF's or an image's OCR).
      return pipeline.inspect(request.params.file, request.params.options, progress, id);
    case "suggest":
      return pipeline.suggest(request.params.context, request.params.history);
    case "columnValues":
      return pipeline.columnValues(request.params.column, request.params.limit);
    case "validate":
      return pipeline.validate(request.params.context, request.params.mapping, progress);
    case "summary":
      return pipeline.summary();
    case "grid":
      return pipeline.grid(request.params.query, request.params.start, request.params.end);
    case "locate": {
      const { query, kind, from, direction } = request.params;
      return pipeline.locate(query, kind, from, direction) ?? null;
    }
    case "position":
      return pipeline.position(request.params.query, request.params.row);
    case "preview":
      return pipeline.preview(request.params);
    case "edit":
      return pipeline.edit(request.params);
    case "undo":
      return pipeline.undo();
    case "redo":
      return pipeline.redo();
    case "download":
      return pipeline.download(request.params.kind);
    case "submit":
      return pipeline.submit(id, request.params, (event) => post({ id, type: "event", event }));
    case "cancel":
      pipeline.cancel(request.params.target);
      return null;
    case "confirm":
      pipeline.confirm(request.params.target);
      return null;
  }
}

export async function handleRequest(
  pipeline: Pipeline,
  request: PipelineRequest,
  post: (reply: PipelineReply) => void,
): Promise<void> {
  try {
    post({ id: request.id, type: "done", result: await run(pipeline, request, post) });
  } catch (error) {
    post({ id: request.id, type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
}
