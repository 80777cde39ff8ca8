// Messages between the UI and the pipeline worker, and the one handler both transports run.
import type { Mapping } from "../mapping.ts";
import type { RowState } from "../row-validation.ts";
import type { Inspection, InspectOptions, Pipeline, Progress, ValidationDone } from "./pipeline.ts";

export type PipelineRequest =
  | { id: number; type: "inspect"; file: Blob; options: InspectOptions }
  | { id: number; type: "validate"; context: string; mapping: Mapping };

export type PipelineReply =
  | { id: number; type: "progress"; progress: Progress }
  | { id: number; type: "rows"; rows: RowState[] }
  | { id: number; type: "inspected"; inspection: Inspection }
  | { id: number; type: "validated"; done: ValidationDone }
  | { id: number; type: "failed"; message: string };

export async function handleRequest(
  pipeline: Pipeline,
  request: PipelineRequest,
  post: (reply: PipelineReply) => void,
): Promise<void> {
  const { id } = request;
  const progress = (p: Progress) => post({ id, type: "progress", progress: p });
  try {
    if (request.type === "inspect") {
      progress({ phase: "read", done: 0, total: request.file.size });
      const bytes = new Uint8Array(await request.file.arrayBuffer());
      progress({ phase: "read", done: bytes.length, total: bytes.length });
      post({ id, type: "inspected", inspection: pipeline.inspect(bytes, request.options, progress) });
    } else {
      const done = pipeline.validate(
        request.context,
        request.mapping,
        (rows) => post({ id, type: "rows", rows }),
        progress,
      );
      post({ id, type: "validated", done });
    }
  } catch (error) {
    post({ id, type: "failed", message: error instanceof Error ? error.message : String(error) });
  }
}
