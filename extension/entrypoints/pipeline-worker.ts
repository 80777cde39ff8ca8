// The pipeline Web Worker: it holds the file and the dataset; parsing, mapping, validation, edits,
// downloads and the upload all run here, off the UI thread. Terminating it frees all of it.
import { handleRequest } from "../pipeline/handler.ts";
import { Pipeline } from "../pipeline/pipeline.ts";
import type { PipelineRequest } from "../pipeline/protocol.ts";

export default defineUnlistedScript(() => {
  const pipeline = new Pipeline();
  // The DOM lib has no worker scope type; a dedicated worker's `self` has exactly these two members.
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent<PipelineRequest>) => void) | null;
    postMessage(message: unknown): void;
  };
  scope.onmessage = (event) => {
    void handleRequest(pipeline, event.data, (reply) => scope.postMessage(reply));
  };
});
