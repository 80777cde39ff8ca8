// The capture script, injected into the active tab per gesture (scripting.executeScript, isolated
// world) right after its request: it reads the request, deletes it, and answers as the
// injection's result. It registers nothing that outlives the request (see capture/page.ts).
import { runCapture } from "../capture/page.ts";
import { CAPTURE_REQUEST_KEY, type CaptureRequest } from "../capture/protocol.ts";

export default defineUnlistedScript(() => {
  const scope = globalThis as unknown as Record<string, CaptureRequest | undefined>;
  const request = scope[CAPTURE_REQUEST_KEY];
  delete scope[CAPTURE_REQUEST_KEY];
  if (!request) return { status: "none", message: "No capture was asked for." };
  return runCapture(document, request);
});
