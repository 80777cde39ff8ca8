// GET …/records (the current dataset, a cursor page at a time), which the shared client has no
// method for yet. A thin stand-in with the client's retry policy (DEFAULT_RETRY, Retry-After,
// full-jitter backoff) and error types, until `records()` moves into extension/api-client.ts.
import {
  ApiError,
  abortableSleep,
  DEFAULT_RETRY,
  NetworkError,
  type Problem,
  parseRetryAfter,
} from "../extension/api-client.ts";
import type { IntakeRecord } from "../schemas/index.ts";
import type { Connection } from "./config.ts";
import type { CliIo } from "./io.ts";

/** One page of GET …/records. */
export interface RecordsPage {
  /** The version the page was read from (null: no data yet). */
  version: number | null;
  recordCount?: number;
  data: IntakeRecord[];
  /** The next page's cursor, pinned to `version`; null after the last page. */
  nextCursor: string | null;
}

/** The most records a page may hold (the Worker's PAGE_MAX). */
export const PAGE_LIMIT = 1000;

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body?.title === "string")
      return { type: body.type ?? "about:blank", ...body, status: response.status, title: body.title };
  } catch {
    // not a problem document
  }
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  };
}

export async function recordsPage(
  connection: Connection,
  io: CliIo,
  integrationId: string,
  context: string,
  cursor?: string,
): Promise<RecordsPage> {
  const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
  if (cursor) query.set("cursor", cursor);
  const url = `${connection.url}/v1/integrations/${encodeURIComponent(integrationId)}/contexts/${encodeURIComponent(context)}/records?${query}`;
  const doFetch = io.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = io.sleep ?? abortableSleep;
  const policy = DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    let retryAfter: number | undefined;
    try {
      const response = await doFetch(url, {
        headers: { "x-api-key": connection.key, accept: "application/json" },
        ...(io.signal ? { signal: io.signal } : {}),
      });
      if (response.ok) return (await response.json()) as RecordsPage;
      const retryable = response.status === 429 || response.status >= 500;
      retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      if (!retryable || attempt >= policy.attempts || (retryAfter ?? 0) > policy.maxRetryAfterMs)
        throw new ApiError(await problemOf(response));
      await response.body?.cancel().catch(() => {});
    } catch (error) {
      if (error instanceof ApiError || io.signal?.aborted) throw error;
      if (attempt >= policy.attempts)
        throw new NetworkError(`Could not reach the Intake Worker at ${connection.url}`, { cause: error });
    }
    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    await sleep(
      retryAfter !== undefined ? retryAfter + Math.random() * policy.baseDelayMs : backoff,
      io.signal,
    );
  }
}
