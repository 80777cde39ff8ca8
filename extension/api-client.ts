// The one typed client of the Intake Worker API. fetch, sleep and randomness are injected so
// retries (exponential backoff with full jitter, Retry-After honoured) are testable and fast.
import type {
  AnnouncedLimits,
  ApiKeyInfo,
  BatchAccepted,
  CatalogEntry,
  CatalogList,
  ContextInUseProblem,
  CustomContextInput,
  CustomContextSaved,
  CustomContextUpdate,
  CustomSchemaDefinition,
  DatasetDiff,
  DatasetVersion,
  Ingestion,
  Integration,
  IntegrationDetail,
  IntegrationStatus,
  KeyScope,
  Me,
  ModelChangeProblem,
  ProblemDocument,
  Restored,
  SchemaChange,
  StatusName,
  SyncCommitBody,
  SyncCommitted,
  SyncCommitting,
  SyncStarted,
  SyncStartInput,
  ValidateResponse,
} from "../schemas/api-types.ts";
import type { Capability, ContextSchema, IntakeRecord } from "../schemas/index.ts";
import { clipSourceName } from "../schemas/limits.ts";

// The wire types are declared once, in schemas/api-types.ts, and typed there against the Worker's
// views; the client re-exports them for the extension's components.
export type {
  AnnouncedLimits,
  ApiKeyInfo,
  BatchAccepted,
  Capability,
  ContextInUseProblem,
  CustomContextSaved,
  CustomSchemaDefinition,
  DatasetDiff,
  DatasetVersion,
  Ingestion,
  Integration,
  IntegrationDetail,
  IntegrationStatus,
  KeyScope,
  Me,
  ModelChangeProblem,
  SchemaChange,
  StatusName,
  SyncCommitted,
};

/** An error answer of the Worker (RFC 9457 problem document). */
export type Problem = ProblemDocument;

/** A catalog entry as GET /v1/contexts lists it (or as saved, or bundled: without links). */
export type ContextInfo = Omit<CatalogEntry, "links">;

/** What an admin sets on an integration (create: name and contexts required). */
export interface IntegrationInput {
  name: string;
  displayName?: string | null;
  description?: string | null;
  logo?: string | null;
  contexts: string[];
}

export interface KeyInput {
  name: string;
  scope: KeyScope;
  integrationId?: string | null;
  expiresAt: string;
}

/** A response the Worker answered with an error (RFC 9457 problem). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }
}

/** The Worker could not be reached (after retries). */
export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NetworkError";
  }
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is returned instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
};

export interface ApiClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Told before each wait, so the UI can say "retrying in 3 s". */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Let the request outlive the page (abort on close). */
  keepalive?: boolean;
  /** The browser's HTTP cache mode ("no-store": always ask the Worker, and see its 304s). */
  cache?: "no-store" | "no-cache" | "reload";
}

/** The header that tells the Worker which row of the file a batch's first record is. */
export const FIRST_ROW_HEADER = "intake-first-row";

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === "object" && typeof body.title === "string") {
      return { type: body.type ?? "about:blank", status: response.status, ...body, title: body.title };
    }
  } catch {
    // not a problem document: use the status line
  }
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.slice(0, 300) || undefined,
  };
}

/** A body sent as it is (e.g. a CSV file as text/csv), not as JSON. */
class TextBody {
  readonly text: string;
  readonly contentType: string;
  constructor(text: string, contentType: string) {
    this.text = text;
    this.contentType = contentType;
  }
}

/** A body serialized (and possibly gzip-compressed) by the caller, sent as these bytes on every attempt. */
class EncodedBody {
  readonly payload: string | Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  readonly contentEncoding: "gzip" | undefined;
  constructor(payload: string | Uint8Array<ArrayBuffer>, contentType: string, contentEncoding?: "gzip") {
    this.payload = payload;
    this.contentType = contentType;
    this.contentEncoding = contentEncoding;
  }
}

/** A sync batch's request body, built once: JSON text of {"data":[...]}, or its gzip bytes. */
export interface BatchBody {
  body: string | Uint8Array<ArrayBuffer>;
  /** "gzip" when `body` is the gzip compression of the JSON text (sent as Content-Encoding: gzip). */
  encoding?: "gzip";
}

/**
 * gzip of a text's UTF-8 bytes (or of a Blob of such bytes) with CompressionStream; undefined
 * where the platform has none.
 */
export async function gzipText(text: string | Blob): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (typeof CompressionStream === "undefined") return undefined;
  const blob = typeof text === "string" ? new Blob([text]) : text;
  const stream = blob.stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const base = options.baseUrl.replace(/\/+$/, "");

  async function send(
    method: string,
    path: string,
    body?: unknown,
    opts: RequestOptions = {},
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      "x-api-key": options.apiKey,
      accept: "application/json",
      ...extraHeaders,
    };
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (body instanceof EncodedBody) {
      headers["content-type"] = body.contentType;
      if (body.contentEncoding) headers["content-encoding"] = body.contentEncoding;
      payload = body.payload;
    } else if (body instanceof TextBody) {
      headers["content-type"] = body.contentType;
      payload = body.text;
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let retryAfter: number | undefined;
      opts.signal?.throwIfAborted();
      try {
        // keepalive is the browser's (the page-hide abort); typed loosely so that the same client
        // also compiles against workerd's fetch types, where the parity test runs the pipeline.
        const init = { method, headers, body: payload, signal: opts.signal, keepalive: opts.keepalive };
        if (opts.cache) Object.assign(init, { cache: opts.cache });
        const response = await doFetch(`${base}${path}`, init as RequestInit);
        // 304 answers only a conditional request (If-None-Match), whose caller expects it.
        if (response.ok || response.status === 304) return response;
        if (!RETRYABLE(response.status) || attempt >= policy.attempts)
          throw new ApiError(await problemOf(response));
        retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
          throw new ApiError(await problemOf(response));
        }
        await response.body?.cancel().catch(() => {});
        reason = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof ApiError || opts.signal?.aborted) throw error;
        if (attempt >= policy.attempts) {
          throw new NetworkError(`Could not reach the Intake Worker at ${base}`, { cause: error });
        }
        reason = error instanceof Error ? error.message : "network error";
      }
      const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = retryAfter !== undefined ? retryAfter + random() * policy.baseDelayMs : backoff;
      options.onRetry?.({ attempt, delayMs, reason });
      await sleep(delayMs, opts.signal);
    }
  }

  async function json<T>(
    method: string,
    path: string,
    body?: unknown,
    opts?: RequestOptions,
    extraHeaders?: Record<string, string>,
  ): Promise<T> {
    const response = await send(method, path, body, opts, extraHeaders);
    return (await response.json()) as T;
  }

  const seg = encodeURIComponent;
  const contextPath = (integrationId: string, context: string) =>
    `/v1/integrations/${seg(integrationId)}/contexts/${seg(context)}`;
  const syncPath = (integrationId: string, context: string, syncId: string) =>
    `${contextPath(integrationId, context)}/syncs/${seg(syncId)}`;

  return {
    baseUrl: base,
    health: (opts?: RequestOptions) => json<{ status: string }>("GET", "/health", undefined, opts),
    me: (opts?: RequestOptions) => json<Me>("GET", "/v1/me", undefined, opts),
    listContexts: async (filter: { q?: string; category?: string } = {}, opts?: RequestOptions) => {
      const query = new URLSearchParams();
      if (filter.q) query.set("q", filter.q);
      if (filter.category) query.set("category", filter.category);
      const qs = query.size > 0 ? `?${query}` : "";
      return (await json<{ data: ContextInfo[] }>("GET", `/v1/contexts${qs}`, undefined, opts)).data;
    },
    template: async (context: string, format: "csv" | "json", opts?: RequestOptions) =>
      (await send("GET", `/v1/contexts/${seg(context)}/template.${format}`, undefined, opts)).text(),
    listIntegrations: async (opts?: RequestOptions) =>
      (await json<{ data: Integration[] }>("GET", "/v1/integrations", undefined, opts)).data,
    catalog: async (opts?: RequestOptions) => json<CatalogList>("GET", "/v1/contexts", undefined, opts),
    /**
     * GET /v1/contexts/{ctx}/schema, asked with If-None-Match when `etag` is given: the schema and
     * its ETag, or `notModified` when the Worker's copy is still `etag`.
     */
    contextSchema: async (
      context: string,
      etag?: string,
      opts?: RequestOptions,
    ): Promise<{ notModified: true } | { notModified: false; schema: ContextSchema; etag?: string }> => {
      const path = `/v1/contexts/${seg(context)}/schema`;
      const response = await send("GET", path, undefined, opts, etag ? { "if-none-match": etag } : {});
      if (response.status === 304) {
        await response.body?.cancel().catch(() => {});
        return { notModified: true };
      }
      const schema = (await response.json()) as ContextSchema;
      return { notModified: false, schema, etag: response.headers.get("etag") ?? undefined };
    },
    /** POST /v1/contexts (admin): a custom context for this tenant. */
    createContext: (input: CustomContextInput, opts?: RequestOptions) =>
      json<CustomContextSaved>("POST", "/v1/contexts", input, opts),
    /** PUT /v1/contexts/{name} (admin); a MODEL change needs `breaking` (?confirm=breaking). */
    updateContext: (
      name: string,
      input: CustomContextUpdate,
      options: RequestOptions & { breaking?: boolean } = {},
    ) =>
      json<CustomContextSaved>(
        "PUT",
        `/v1/contexts/${seg(name)}${options.breaking ? "?confirm=breaking" : ""}`,
        input,
        options,
      ),
    /** DELETE /v1/contexts/{name} (admin); refused (409) while an integration uses it. */
    deleteContext: async (name: string, opts?: RequestOptions) => {
      await send("DELETE", `/v1/contexts/${seg(name)}`, undefined, opts);
    },
    listCapabilities: async (opts?: RequestOptions) =>
      (await json<{ data: Capability[] }>("GET", "/v1/capabilities", undefined, opts)).data,
    getIntegration: (id: string, opts?: RequestOptions) =>
      json<IntegrationDetail>("GET", `/v1/integrations/${seg(id)}`, undefined, opts),
    createIntegration: (input: IntegrationInput, opts?: RequestOptions) =>
      json<IntegrationDetail>("POST", "/v1/integrations", input, opts),
    updateIntegration: (id: string, patch: Partial<IntegrationInput>, opts?: RequestOptions) =>
      json<IntegrationDetail>("PATCH", `/v1/integrations/${seg(id)}`, patch, opts),
    deleteIntegration: async (id: string, opts?: RequestOptions) => {
      await send("DELETE", `/v1/integrations/${seg(id)}`, undefined, opts);
    },
    listKeys: async (opts?: RequestOptions) =>
      (await json<{ data: ApiKeyInfo[] }>("GET", "/v1/keys", undefined, opts)).data,
    createKey: (input: KeyInput, opts?: RequestOptions) =>
      json<{ key: ApiKeyInfo; secret: string }>("POST", "/v1/keys", input, opts),
    revokeKey: (id: string, opts?: RequestOptions) =>
      json<ApiKeyInfo>("DELETE", `/v1/keys/${seg(id)}`, undefined, opts),
    integrationStatus: (id: string, opts?: RequestOptions) =>
      json<IntegrationStatus>("GET", `/v1/integrations/${seg(id)}/status`, undefined, opts),
    listIngestions: (
      id: string,
      filter: { context?: string; before?: string; limit?: number } = {},
      opts?: RequestOptions,
    ) => {
      const query = new URLSearchParams();
      if (filter.context) query.set("context", filter.context);
      if (filter.before) query.set("before", filter.before);
      if (filter.limit) query.set("limit", String(filter.limit));
      const qs = query.size > 0 ? `?${query}` : "";
      return json<{ data: Ingestion[]; nextBefore: string | null }>(
        "GET",
        `/v1/integrations/${seg(id)}/ingestions${qs}`,
        undefined,
        opts,
      );
    },
    listVersions: (integrationId: string, context: string, opts?: RequestOptions) =>
      json<{ retained: number; hot: number; data: DatasetVersion[] }>(
        "GET",
        `${contextPath(integrationId, context)}/versions`,
        undefined,
        opts,
      ),
    /** What restoring `version` would do to the current dataset (the same shape as a sync's diff). */
    versionDiff: (integrationId: string, context: string, version: number, opts?: RequestOptions) =>
      json<DatasetDiff>(
        "GET",
        `${contextPath(integrationId, context)}/versions/${version}/diff`,
        undefined,
        opts,
      ),
    restoreVersion: (integrationId: string, context: string, version: number, opts?: RequestOptions) =>
      json<Restored>(
        "POST",
        `${contextPath(integrationId, context)}/versions/${version}/restore`,
        undefined,
        opts,
      ),
    validate: (integrationId: string, context: string, records: IntakeRecord[], opts?: RequestOptions) =>
      json<ValidateResponse>(
        "POST",
        `${contextPath(integrationId, context)}/validate`,
        { data: records },
        opts,
      ),
    /** Dry run of a CSV file as the Worker reads it (text/csv): its file problems and source lines included. */
    validateCsv: (integrationId: string, context: string, csv: string, opts?: RequestOptions) =>
      json<ValidateResponse>(
        "POST",
        `${contextPath(integrationId, context)}/validate`,
        new TextBody(csv, "text/csv; charset=utf-8"),
        opts,
      ),
    /** `schemaId`: the `$id` of the schema the records were validated with (the commit is refused when its MODEL changed since). */
    /** `sourceName`: what the data came from (a file name, a captured page), clipped as the Worker records it. */
    startSync: (
      integrationId: string,
      context: string,
      opts?: RequestOptions,
      schemaId?: string,
      sourceName?: string,
    ) => {
      const source = sourceName === undefined ? null : clipSourceName(sourceName);
      return json<SyncStarted>(
        "POST",
        `${contextPath(integrationId, context)}/syncs`,
        {
          ...(schemaId === undefined ? {} : { schemaId }),
          ...(source === null ? {} : { sourceName: source }),
        } satisfies SyncStartInput,
        opts,
      );
    },
    putBatch: (
      integrationId: string,
      context: string,
      syncId: string,
      seq: number,
      records: readonly IntakeRecord[],
      opts?: RequestOptions & { firstRow?: number },
    ) =>
      json<BatchAccepted>(
        "PUT",
        `${syncPath(integrationId, context, syncId)}/batches/${seq}`,
        { data: records },
        opts,
        opts?.firstRow === undefined ? {} : { [FIRST_ROW_HEADER]: String(opts.firstRow) },
      ),
    /**
     * putBatch with a body the caller serialized once (and may have gzip-compressed): the same
     * bytes on every retry, so the Worker sees one payload for the seq.
     */
    putBatchBody: (
      integrationId: string,
      context: string,
      syncId: string,
      seq: number,
      batch: BatchBody,
      opts?: RequestOptions & { firstRow?: number },
    ) =>
      json<BatchAccepted>(
        "PUT",
        `${syncPath(integrationId, context, syncId)}/batches/${seq}`,
        new EncodedBody(batch.body, "application/json", batch.encoding),
        opts,
        opts?.firstRow === undefined ? {} : { [FIRST_ROW_HEADER]: String(opts.firstRow) },
      ),
    /** What committing an open sync would do to the current dataset (after its last batch). */
    syncDiff: (integrationId: string, context: string, syncId: string, opts?: RequestOptions) =>
      json<DatasetDiff>("GET", `${syncPath(integrationId, context, syncId)}/diff`, undefined, opts),
    /** `confirmReplacement`: the admin's yes to a replacement that needs one (else a 409 `replacement-unconfirmed`). */
    /**
     * A commit too large for one request is written by the Worker in steps (202 `committing`): the
     * same commit is asked again after its Retry-After until it answers, `onCommitting` told each time.
     */
    commitSync: async (
      integrationId: string,
      context: string,
      syncId: string,
      body: SyncCommitBody,
      opts?: RequestOptions & { onCommitting?: (state: SyncCommitting) => void },
    ): Promise<SyncCommitted> => {
      for (;;) {
        const response = await send("POST", `${syncPath(integrationId, context, syncId)}/commit`, body, opts);
        if (response.status !== 202) return (await response.json()) as SyncCommitted;
        const state = (await response.json()) as SyncCommitting;
        opts?.onCommitting?.(state);
        await sleep(Math.min(30, Math.max(1, state.retryAfter)) * 1000, opts?.signal);
      }
    },
    abortSync: async (integrationId: string, context: string, syncId: string, opts?: RequestOptions) => {
      await send("DELETE", syncPath(integrationId, context, syncId), undefined, opts);
    },
  };
}
