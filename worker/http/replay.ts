// How every answer that repeats an earlier one is signalled: the Idempotent-Replayed header and
// `"replayed": true` in the body, the same on one-shot submits, batches and commits.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isObject } from "../../schemas/index.ts";

export const REPLAYED_HEADER = "idempotent-replayed";

/** A stored JSON answer (object) sent again, marked as a replay. */
export function replayResponse(stored: string, status: number, contentType = "application/json"): Response {
  let body = stored;
  try {
    const value = JSON.parse(stored) as unknown;
    if (isObject(value)) body = JSON.stringify({ ...value, replayed: true });
  } catch {
    // not JSON: sent as it was stored
  }
  return new Response(body, {
    status,
    headers: { "content-type": contentType, [REPLAYED_HEADER]: "true" },
  });
}

/** A JSON answer built now for a request that repeats an earlier one. */
export function replayJson(c: Context, body: object, status: ContentfulStatusCode = 200): Response {
  c.header(REPLAYED_HEADER, "true");
  return c.json({ ...body, replayed: true }, status);
}
