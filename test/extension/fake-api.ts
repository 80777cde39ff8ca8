// Faults around the Intake Worker, for tests of the client, the upload and the flows: `withFaults`
// wraps a fetch — the real Worker (worker project) or a few recorded answers (`recorded`, extension
// project) — logs every request, and fails the next matching ones on demand: an error status
// (429/503 with Retry-After, a refusal), a lost connection, or a slow answer held until released.
// It has no rules of its own: every answer that is not a fault comes from what it wraps.

import type {
  AnnouncedLimits,
  ApiKeyInfo,
  BatchAccepted,
  DatasetDiff,
  DatasetVersion,
  Ingestion,
  Integration,
  Me,
  StatusName,
  SyncCommitted,
  SyncStarted,
  ValidateResponse,
} from "../../extension/api-client.ts";
import type { SchemaChangeNotice, SyncCommitBody } from "../../schemas/api-types.ts";
import {
  type ContextSchema,
  csvTemplate,
  DatasetValidator,
  getContext,
  getSchema as getContextSchema,
  type IntakeRecord,
  isContextName,
  jsonTemplate,
  keyValues,
  listCapabilities,
  listCategories,
  listContexts,
  readCsv,
  recordKey,
  registerSchema,
  resolveSchema,
  summarizeContext,
  validateDataset,
} from "../../schemas/index.ts";
import { checkLogo } from "../../schemas/logo.ts";
import { replacementConcerns } from "../../schemas/replacement.ts";

export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** A status answered as a problem document instead of the real answer, or the network lost. */
export type Fault =
  | { status: number; retryAfter?: string; detail?: string; extra?: Record<string, unknown> }
  | "network";

export interface Sent {
  method: string;
  path: string;
  /** The query string ("" or "?…"). */
  search: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body as sent: text, or bytes (a gzip batch). */
  body?: string | Uint8Array;
}

const TITLES: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  415: "Unsupported Media Type",
  422: "Invalid request body",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

/** An RFC 9457 problem answer, as the Worker writes one. */
export const problem = (status: number, detail?: string, extra: Record<string, unknown> = {}) =>
  new Response(
    JSON.stringify({ type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...extra }),
    { status, headers: { "content-type": "application/problem+json" } },
  );

/** A request's body as text, gzip decoded (what the Worker reads). */
export async function bodyText(sent: Sent): Promise<string> {
  const body = sent.body ?? "";
  if (typeof body === "string") return body;
  const bytes = new Blob([body as Uint8Array<ArrayBuffer>]).stream();
  const decoded =
    sent.headers["content-encoding"] === "gzip" ? bytes.pipeThrough(new DecompressionStream("gzip")) : bytes;
  return new Response(decoded).text();
}

/** The JSON body of a request sent as text; undefined when there is none. */
export const jsonOf = (sent: Sent | undefined): unknown =>
  typeof sent?.body === "string" ? JSON.parse(sent.body) : undefined;

/** The JSON body of a request (gzip decoded). */
export const bodyJson = async <T = unknown>(sent: Sent): Promise<T> => JSON.parse(await bodyText(sent)) as T;

function sentOf(input: RequestInfo | URL, init: RequestInit): Sent {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const body = init.body;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: (init.method ?? "GET").toUpperCase(),
    path: url.pathname,
    search: url.search,
    headers,
    ...(typeof body === "string"
      ? { body }
      : body instanceof Uint8Array
        ? { body: Uint8Array.from(body as Uint8Array) }
        : {}),
  };
}

interface Match {
  method?: string;
  path: RegExp;
}
const matches = (m: Match, sent: Sent) => (!m.method || m.method === sent.method) && m.path.test(sent.path);

export function withFaults(target: Fetch) {
  const requests: Sent[] = [];
  const faults: (Match & { fault: Fault })[] = [];
  const slow: Match[] = [];
  /** Requests held by `hold`, oldest first; `release` lets one through to `target`. */
  const held: { sent: Sent; release: () => void }[] = [];

  const fetch: Fetch = async (input, init = {}) => {
    const sent = sentOf(input, init);
    requests.push(sent);
    init.signal?.throwIfAborted();
    const i = faults.findIndex((f) => matches(f, sent));
    if (i >= 0) {
      const { fault } = faults.splice(i, 1)[0] as { fault: Fault };
      if (fault === "network") throw new TypeError("Failed to fetch");
      const response = problem(fault.status, fault.detail, fault.extra);
      if (fault.retryAfter !== undefined) response.headers.set("retry-after", fault.retryAfter);
      return response;
    }
    if (slow.some((m) => matches(m, sent)))
      await new Promise<void>((resolve, reject) => {
        held.push({ sent, release: resolve });
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      });
    return target(input, init);
  };

  return {
    fetch,
    requests,
    held,
    /** The next `times` requests matching `method` and `path` fail with `fault`. */
    failNext(method: string | undefined, path: RegExp, fault: Fault, times = 1): void {
      for (let n = 0; n < times; n++) faults.push({ method, path, fault });
    },
    /** From now on, requests matching `method` and `path` wait in `held` until released. */
    hold(method: string | undefined, path: RegExp): void {
      slow.push({ method, path });
    },
  };
}

export type Faults = ReturnType<typeof withFaults>;

/** A recorded answer: a JSON body (200), a Response, or made from the request. */
export type Answer = unknown | ((sent: Sent) => unknown);

/**
 * A Worker that only replays answers recorded for a test, by "METHOD /path" (`*` stands for one path
 * segment; of two routes that match, the later one answers). A list answers in turn, its last answer
 * from then on; any other request is a 404.
 */
export function recorded(routes: Record<string, Answer | Answer[]>): Fetch {
  const table = Object.entries(routes).map(([route, answer]) => {
    const [method, path = ""] = route.split(" ");
    const pattern = path.replace(/[.?+^$()[\]{}|\\]/g, "\\$&").replaceAll("*", "[^/]+");
    return {
      method,
      path: new RegExp(`^${pattern}$`),
      answers: Array.isArray(answer) ? [...answer] : [answer],
    };
  });
  return async (input, init = {}) => {
    const sent = sentOf(input, init);
    const route = table.findLast((r) => matches(r, sent));
    if (!route) return problem(404, `Nothing recorded for ${sent.method} ${sent.path}`);
    const next = route.answers.length > 1 ? route.answers.shift() : route.answers[0];
    const answer = typeof next === "function" ? await next(sent) : next;
    return answer instanceof Response ? answer.clone() : Response.json(answer);
  };
}

// The in-memory Worker the tests not yet moved to the real one still use (removed once none does).

interface Sync {
  integrationId: string;
  context: string;
  batches: Map<number, { payload: string; count: number; records: IntakeRecord[]; answer: BatchAccepted }>;
  state: "open" | "committed" | "aborted";
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string ("" or "?…"). */
  search: string;
  /** The body as the Worker reads it (gzip decoded, JSON parsed). */
  body?: unknown;
  headers: Record<string, string>;
  /** Bytes on the wire when the body was sent as bytes (e.g. gzip). */
  wireBytes?: number;
}

/** A request body as text, as the Worker's request-body middleware decodes it (gzip included). */
async function legacyBodyText(
  body: RequestInit["body"],
  encoding: string | undefined,
): Promise<string | undefined> {
  if (typeof body === "string") return body;
  if (!(body instanceof Uint8Array || body instanceof ArrayBuffer)) return undefined;
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  if (encoding?.toLowerCase() !== "gzip") return new TextDecoder().decode(bytes);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

const legacyProblem = (status: number, title: string, detail?: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });

/** An answer typed with the wire types the Worker's views use, so the fake cannot drift from them. */
/** What the Worker's validate route does with a text/csv body: the core's reader, then the core's validator. */
function validateCsvText(context: string, text: string) {
  const schema = resolveSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  const csv = readCsv(text, schema, context);
  const validator = new DatasetValidator(context);
  for (const issue of csv.issues) validator.addIssue(issue);
  for (const row of csv.rows) validator.add(row.record, row.line);
  return { report: validator.finish(), records: csv.rows.map((row) => row.record) };
}

const EXAMPLES = 5;

/**
 * What replacing `current` with `incoming` does, by the schema's record key, as the Worker's diff
 * answers it: records compared by their JSON, a few key values of each kind in upload order
 * (removed ones in stored order), keyless records counted as added, and per field the records of
 * both that lose a value (`missing` when no uploaded record has the field), most first.
 */
export function datasetDiff(
  context: string,
  incoming: readonly IntakeRecord[],
  current: { version: number; records: readonly IntakeRecord[] } | undefined,
): DatasetDiff {
  const schema = resolveSchema(context);
  if (!schema) throw new RangeError(`Unknown context "${context}"`);
  const stored = new Map<string, IntakeRecord>();
  for (const record of current?.records ?? []) {
    const key = recordKey(record, schema);
    if (key !== undefined && !stored.has(key)) stored.set(key, record);
  }
  const diff: DatasetDiff = {
    current: current ? { version: current.version, recordCount: current.records.length } : null,
    incoming: incoming.length,
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
    removedShare: 0,
    lostValues: [],
    examples: { added: [], removed: [], changed: [] },
  };
  const example = (kind: keyof DatasetDiff["examples"], key: string) => {
    if (diff.examples[kind].length < EXAMPLES) diff.examples[kind].push(keyValues(key, schema));
  };
  const filled = (v: unknown) => v !== undefined && v !== null && v !== "";
  const lost = new Map<string, number>();
  const uploaded = new Set(incoming.flatMap((r) => Object.keys(r).filter((f) => filled(r[f]))));
  const seen = new Set<string>();
  for (const record of incoming) {
    const key = recordKey(record, schema);
    if (key === undefined) {
      diff.added++;
      continue;
    }
    seen.add(key);
    const data = stored.get(key);
    if (data === undefined) {
      diff.added++;
      example("added", key);
      continue;
    }
    for (const [field, value] of Object.entries(data))
      if (filled(value) && !filled(record[field])) lost.set(field, (lost.get(field) ?? 0) + 1);
    if (JSON.stringify(data) === JSON.stringify(record)) diff.unchanged++;
    else {
      diff.changed++;
      example("changed", key);
    }
  }
  for (const key of stored.keys()) {
    if (seen.has(key)) continue;
    diff.removed++;
    example("removed", key);
  }
  if (current && current.records.length > 0) diff.removedShare = diff.removed / current.records.length;
  diff.lostValues = [...lost]
    .sort((a, b) => b[1] - a[1])
    .map(([field, records]) => ({ field, records, missing: !uploaded.has(field) }));
  return diff;
}

const ok = <T>(body: T, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export class FakeIntakeApi {
  readonly apiKey = "ik_test_key";
  /** The scope and binding of the key `apiKey` (what /v1/me reports). */
  scope: "admin" | "ingest" = "ingest";
  /** A schema REVISION notice every commit answers with (the Worker's answer when the schema was revised mid-upload). */
  commitNotice: SchemaChangeNotice | undefined;
  boundIntegrationId: string | null = null;
  readonly integrations: Integration[] = [
    {
      id: "int_acme",
      name: "Acme CRM",
      displayName: "Acme",
      description: "Users of Acme CRM",
      logo: "#336699",
      contexts: ["saas_users", "list_employees"],
      createdAt: "2024-01-01T00:00:00Z",
      updatedAt: "2024-01-01T00:00:00Z",
    },
  ];
  readonly requests: LoggedRequest[] = [];
  /** What /v1/me and POST …/syncs announce. */
  limits: AnnouncedLimits = {
    maxRecordsPerBatch: 5000,
    maxBodyBytes: 10 * 1024 * 1024,
    maxFieldLength: 10_000,
    maxNestingDepth: 8,
  };
  readonly syncs = new Map<string, Sync>();
  /** Committed datasets by integration/context. */
  readonly datasets = new Map<string, { version: number; records: IntakeRecord[] }>();
  readonly keys: ApiKeyInfo[] = [
    {
      id: "key_1",
      name: "laptop",
      scope: "ingest",
      integrationId: null,
      createdAt: "2024-01-01T00:00:00Z",
      expiresAt: "2030-01-01T00:00:00Z",
      lastUsedAt: "2024-05-01T00:00:00Z",
      revokedAt: null,
    },
  ];
  /** Newest first, like the Worker's history. */
  readonly ingestions: Ingestion[] = [];
  /** Committed versions by integration/context, oldest first. */
  readonly versions = new Map<string, DatasetVersion[]>();
  /** Forced statuses by integration/context (else Active with data, Ready without). */
  readonly statuses = new Map<string, { status: StatusName; reasons: string[] }>();
  /**
   * The tenant's custom contexts by name. Each is also registered in this realm's schema registry,
   * so the core validates its batches (the extension under test registers what it fetched too).
   */
  readonly customContexts = new Map<string, ContextSchema>();
  /** Built-in schemas the Worker now serves instead of the bundled ones (a newer revision). */
  readonly servedSchemas = new Map<string, ContextSchema>();
  private readonly faults: { method?: string; path: RegExp; fault: Fault }[] = [];
  private nextSync = 1;
  private nextId = 1;

  /** The next request matching method and path fails this way (queue several for several). */
  failNext(method: string | undefined, path: RegExp, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ method, path, fault });
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = (init.method ?? "GET").toUpperCase();
    const path = url.pathname;
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    const text = await legacyBodyText(init.body, headers["content-encoding"]);
    const isJson = (headers["content-type"] ?? "application/json").startsWith("application/json");
    this.requests.push({
      method,
      path,
      search: url.search,
      body: text === undefined ? undefined : isJson ? JSON.parse(text) : text,
      headers,
      ...(typeof init.body === "string" || init.body == null
        ? {}
        : { wireBytes: (init.body as Uint8Array | ArrayBuffer).byteLength }),
    });
    init.signal?.throwIfAborted();
    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && f.path.test(path));
    if (i >= 0) {
      const fault = (this.faults.splice(i, 1)[0] as { fault: Fault }).fault;
      if (fault === "network") throw new TypeError("Failed to fetch");
      const response = legacyProblem(
        fault.status,
        fault.status === 429
          ? "Too Many Requests"
          : fault.status === 422
            ? "Invalid request body"
            : "Service Unavailable",
        fault.detail,
        fault.extra,
      );
      if (fault.retryAfter !== undefined) response.headers.set("retry-after", fault.retryAfter);
      return response;
    }
    if (path === "/health") return ok({ status: "ok" });
    if (init.headers && (init.headers as Record<string, string>)["x-api-key"] !== this.apiKey) {
      if (!path.startsWith("/v1/contexts"))
        return legacyProblem(401, "Unauthorized", "The API key is not valid");
    }
    return this.route(method, path, url, text, headers);
  };

  private route(
    method: string,
    path: string,
    url: URL,
    text: string | undefined,
    headers: Record<string, string>,
  ): Response {
    if (method === "GET" && path === "/v1/me") {
      return ok<Me>({
        tenant: { id: "ten_1", name: "Acme Corp" },
        key: {
          id: "key_1",
          name: "laptop",
          scope: this.scope,
          integrationId: this.boundIntegrationId,
          createdAt: "2024-01-01T00:00:00Z",
          expiresAt: "2030-01-01T00:00:00Z",
          lastUsedAt: null,
          revokedAt: null,
        },
        limits: this.limits,
      });
    }
    const contexts = this.contextRoutes(method, path, url, text, headers);
    if (contexts) return contexts;
    if (method === "GET" && path === "/v1/capabilities") return ok({ data: listCapabilities() });
    const template = /^\/v1\/contexts\/([^/]+)\/template\.(csv|json)$/.exec(path);
    if (method === "GET" && template) {
      const [, context = "", format] = template;
      return format === "csv"
        ? new Response(csvTemplate(context), { headers: { "content-type": "text/csv" } })
        : ok(jsonTemplate(context));
    }
    if (method === "GET" && path === "/v1/integrations") {
      return ok({
        data: this.integrations.filter((i) => !this.boundIntegrationId || i.id === this.boundIntegrationId),
      });
    }
    const admin = this.controlPlane(method, path, text);
    if (admin) return admin;
    const data = this.dataPlane(method, path, url, text, headers);
    if (data) return data;
    const m =
      /^\/v1\/integrations\/([^/]+)\/contexts\/([^/]+)\/syncs(?:\/([^/]+)(?:\/(batches\/(\d+)|commit|diff))?)?$/.exec(
        path,
      );
    if (!m) return legacyProblem(404, "Not Found");
    const [, integrationId = "", context = "", syncId, tail, seqText] = m;
    if (!this.integrations.some((i) => i.id === integrationId && i.contexts.includes(context))) {
      return legacyProblem(404, "Not Found", "No such integration or context");
    }
    if (method === "POST" && !syncId) {
      const id = `sync_${this.nextSync++}`;
      this.syncs.set(id, { integrationId, context, batches: new Map(), state: "open" });
      return ok<SyncStarted>({ syncId: id, expiresAt: "2030-01-01T00:00:00Z", limits: this.limits }, 201);
    }
    const sync = syncId ? this.syncs.get(syncId) : undefined;
    if (sync?.state !== "open") return legacyProblem(404, "Not Found", "No open sync with this id");
    if (method === "DELETE" && !tail) {
      sync.state = "aborted";
      return new Response(null, { status: 204 });
    }
    if (method === "PUT" && seqText) {
      const seq = Number(seqText);
      const firstRowText = headers["intake-first-row"];
      const firstRow = firstRowText === undefined ? undefined : Number(firstRowText);
      const previous = sync.batches.get(seq);
      if (previous) {
        return previous.payload === text
          ? ok<BatchAccepted>({ ...previous.answer, replayed: true })
          : legacyProblem(409, "Conflict", `Batch ${seq} was already sent with a different payload`);
      }
      const records = (JSON.parse(text ?? "{}") as { data: IntakeRecord[] }).data;
      const { report } = validateDataset(context, records);
      if (!report.valid)
        return legacyProblem(422, "Invalid records", `${report.errorCount} errors`, { report });
      const answer: BatchAccepted = {
        seq,
        recordCount: records.length,
        firstRow: firstRow ?? 1,
        warnings: [],
        warningCount: 0,
      };
      sync.batches.set(seq, { payload: text ?? "", count: records.length, records, answer });
      return ok(answer);
    }
    if (method === "GET" && tail === "diff") {
      const seqs = [...sync.batches.keys()].sort((a, b) => a - b);
      const incoming = seqs.flatMap((s) => sync.batches.get(s)?.records ?? []);
      return ok(datasetDiff(context, incoming, this.datasets.get(`${integrationId}/${context}`)));
    }
    if (method === "POST" && tail === "commit") {
      const body = JSON.parse(text ?? "{}") as SyncCommitBody;
      const expected = body.expectedRecords;
      const seqs = [...sync.batches.keys()].sort((a, b) => a - b);
      const all = seqs.flatMap((s) => sync.batches.get(s)?.records ?? []);
      if (seqs.some((s, i) => s !== i + 1) || (expected !== undefined && expected !== all.length)) {
        return legacyProblem(409, "Conflict", `Expected ${expected} records, received ${all.length}`);
      }
      const key = `${integrationId}/${context}`;
      const current = this.datasets.get(key);
      const concerns = replacementConcerns(datasetDiff(context, all, current));
      if (concerns.length > 0 && body.confirmReplacement !== true)
        return legacyProblem(
          409,
          "Replacement not confirmed",
          'This commit replaces the current dataset in a way that needs a yes: commit with "confirmReplacement": true',
          { type: "https://intake.dev/problems/replacement-unconfirmed", concerns },
        );
      sync.state = "committed";
      const answer = {
        syncId: syncId ?? "",
        recordCount: all.length,
        committedAt: "2024-06-01T12:00:00Z",
        warnings: [],
        warningCount: 0,
        ...(this.commitNotice ? { schemaChange: this.commitNotice } : {}),
      };
      // The same records as the current version: nothing new is committed.
      const same = (a: IntakeRecord[]) => JSON.stringify(a.map((r) => JSON.stringify(r)).sort());
      if (current && same(current.records) === same(all))
        return ok<SyncCommitted>({ ...answer, version: current.version, unchanged: true });
      const { version } = this.addVersion(key, all, "sync");
      this.log(integrationId, context, "commit", "success", all.length, { version });
      return ok<SyncCommitted>({ ...answer, version });
    }
    return legacyProblem(405, "Method Not Allowed");
  }

  /** The records of each committed version, by `${integration/context}#${version}`. */
  readonly versionRecords = new Map<string, IntakeRecord[]>();

  /** A new version of `key` holding `records`, after the dataset's current one; it becomes current. */
  addVersion(
    key: string,
    records: IntakeRecord[],
    source: DatasetVersion["source"],
    committedAt = "2024-06-01T12:00:00Z",
  ): DatasetVersion {
    const list = this.versions.get(key) ?? [];
    const made: DatasetVersion = {
      version: Math.max(list.at(-1)?.version ?? 0, this.datasets.get(key)?.version ?? 0) + 1,
      recordCount: records.length,
      source,
      keyName: "laptop",
      committedAt,
      storage: "hot",
    };
    list.push(made);
    this.versions.set(key, list);
    this.versionRecords.set(`${key}#${made.version}`, records);
    this.datasets.set(key, { version: made.version, records });
    return made;
  }

  log(
    integrationId: string,
    context: string,
    kind: Ingestion["kind"],
    outcome: Ingestion["outcome"],
    recordCount: number,
    extra: Partial<Ingestion> = {},
  ): void {
    void integrationId;
    this.ingestions.unshift({
      id: `ing_${this.nextId++}`,
      context,
      kind,
      outcome,
      recordCount,
      errorCount: 0,
      warningCount: 0,
      detail: null,
      firstErrors: [],
      syncId: null,
      version: null,
      sourceName: null,
      keyName: "laptop",
      createdAt: `2024-06-01T12:00:${String(this.nextId).padStart(2, "0")}Z`,
      ...extra,
    });
  }

  private endpoints(i: Integration) {
    return i.contexts.map((context) => {
      const root = `http://127.0.0.1:8787/v1/integrations/${i.id}/contexts/${context}`;
      return {
        context,
        title: getContext(context)?.title ?? context,
        records: `${root}/records`,
        validate: `${root}/validate`,
        syncs: `${root}/syncs`,
        schema: `http://127.0.0.1:8787/v1/contexts/${context}/schema`,
        headers: { "x-api-key": "<your ingest key>", "content-type": "application/json" },
        curl: `curl -X POST '${root}/records' -H 'x-api-key: <your ingest key>' -H 'content-type: application/json' --data-binary @${context}.json`,
      };
    });
  }

  /** Integrations and keys (admin only for writes), as the Worker checks them. */
  private controlPlane(method: string, path: string, text: string | undefined): Response | undefined {
    const forbidden = () =>
      legacyProblem(403, "Forbidden", 'The API key "laptop" is an ingest key; this needs an admin key');
    const body = () => JSON.parse(text ?? "{}") as Record<string, unknown>;
    if (path === "/v1/integrations" && method === "POST") {
      if (this.scope !== "admin") return forbidden();
      const input = body();
      const errors = this.integrationErrors(input, false);
      if (errors.length > 0)
        return legacyProblem(422, "Invalid request body", errors.map((e) => e.message).join("; "), {
          errors,
        });
      const created: Integration = {
        id: `int_${this.nextId++}`,
        name: String(input.name),
        displayName: (input.displayName as string | null) ?? null,
        description: (input.description as string | null) ?? null,
        logo: (input.logo as string | null) ?? null,
        contexts: input.contexts as string[],
        createdAt: "2024-06-01T00:00:00Z",
        updatedAt: "2024-06-01T00:00:00Z",
      };
      this.integrations.push(created);
      return ok({ ...created, endpoints: this.endpoints(created) }, 201);
    }
    const one = /^\/v1\/integrations\/([^/]+)$/.exec(path);
    if (one) {
      const index = this.integrations.findIndex(
        (i) => i.id === one[1] && (!this.boundIntegrationId || i.id === this.boundIntegrationId),
      );
      const found = this.integrations[index];
      if (!found) return legacyProblem(404, "Not Found", `Integration "${one[1]}" was not found`);
      if (method === "GET") return ok({ ...found, endpoints: this.endpoints(found) });
      if (this.scope !== "admin") return forbidden();
      if (method === "DELETE") {
        this.integrations.splice(index, 1);
        return new Response(null, { status: 204 });
      }
      if (method === "PATCH") {
        const input = body();
        const errors = this.integrationErrors(input, true);
        if (errors.length > 0)
          return legacyProblem(422, "Invalid request body", errors.map((e) => e.message).join("; "), {
            errors,
          });
        Object.assign(found, input, { updatedAt: "2024-06-02T00:00:00Z" });
        return ok({ ...found, endpoints: this.endpoints(found) });
      }
    }
    if (path.startsWith("/v1/keys")) {
      if (this.scope !== "admin") return forbidden();
      if (path === "/v1/keys" && method === "GET") return ok({ data: this.keys });
      if (path === "/v1/keys" && method === "POST") {
        const input = body();
        const errors: { pointer: string; message: string }[] = [];
        if (typeof input.name !== "string" || !input.name.trim())
          errors.push({ pointer: "/name", message: "is required" });
        if (typeof input.expiresAt !== "string" || Number.isNaN(Date.parse(input.expiresAt)))
          errors.push({
            pointer: "/expiresAt",
            message: "must be an ISO 8601 date-time such as 2027-01-31T00:00:00Z",
          });
        if (input.integrationId && input.scope === "admin")
          errors.push({
            pointer: "/integrationId",
            message: "only ingest keys are bound to one integration",
          });
        if (errors.length > 0) return legacyProblem(422, "Invalid request body", "bad key", { errors });
        const key: ApiKeyInfo = {
          id: `key_${++this.nextId}`,
          name: String(input.name),
          scope: input.scope as ApiKeyInfo["scope"],
          integrationId: (input.integrationId as string | null) ?? null,
          createdAt: "2024-06-01T00:00:00Z",
          expiresAt: String(input.expiresAt),
          lastUsedAt: null,
          revokedAt: null,
        };
        this.keys.unshift(key);
        return ok({ key, secret: `ik_${key.id}_s3cr3t` }, 201);
      }
      const keyMatch = /^\/v1\/keys\/([^/]+)$/.exec(path);
      const key = keyMatch ? this.keys.find((k) => k.id === keyMatch[1]) : undefined;
      if (!key) return legacyProblem(404, "Not Found", "No such key");
      if (method === "DELETE") {
        key.revokedAt = "2024-06-03T00:00:00Z";
        return ok(key);
      }
      return ok(key);
    }
    return undefined;
  }

  private integrationErrors(input: Record<string, unknown>, partial: boolean) {
    const errors: { pointer: string; message: string }[] = [];
    if (!partial || "name" in input) {
      if (typeof input.name !== "string" || !input.name.trim())
        errors.push({ pointer: "/name", message: "is required" });
    }
    if (typeof input.logo === "string") {
      const why = checkLogo(input.logo);
      if (why) errors.push({ pointer: "/logo", message: why });
    }
    if (!partial || "contexts" in input) {
      const contexts = input.contexts;
      if (!Array.isArray(contexts) || contexts.length === 0)
        errors.push({
          pointer: "/contexts",
          message: 'must be a non-empty list of context names, e.g. ["saas_users"]',
        });
      else if (contexts.some((c) => typeof c !== "string" || !this.knowsContext(c)))
        errors.push({ pointer: "/contexts", message: "unknown context(s)" });
    }
    return errors;
  }

  knowsContext(name: string): boolean {
    return isContextName(name) || this.customContexts.has(name);
  }

  /** The schema the Worker serves for a context: a custom one, a newer built-in, or the bundled. */
  schemaOf(name: string): ContextSchema | undefined {
    return this.customContexts.get(name) ?? this.servedSchemas.get(name) ?? getContextSchema(name);
  }

  /** Stores a custom context as the Worker would, with its `$id`, and registers it for validation. */
  putCustomContext(
    name: string,
    title: string,
    category: string,
    definition: Record<string, unknown>,
    version: string,
  ) {
    const schema = {
      description: "",
      examples: [],
      ...definition,
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: `urn:intake:ten_1.${name}:${version}`,
      title,
      type: "object",
      "x-intake-category": category,
    } as unknown as ContextSchema;
    this.customContexts.set(name, schema);
    registerSchema(name, schema);
    return schema;
  }

  /** The catalog, schemas (ETag, If-None-Match -> 304) and the tenant's custom contexts. */
  private contextRoutes(
    method: string,
    path: string,
    url: URL,
    text: string | undefined,
    headers: Record<string, string>,
  ): Response | undefined {
    if (method === "GET" && path === "/v1/contexts") {
      const q = url.searchParams.get("q") ?? undefined;
      const custom = [...this.customContexts].map(([name, schema]) => ({
        ...summarizeContext(name, schema),
        custom: true,
      }));
      return ok({
        data: [
          ...listContexts({ q }).map((c) => summarizeContext(c.name, this.schemaOf(c.name) as ContextSchema)),
          ...custom.filter((c) => !q || `${c.name} ${c.title}`.toLowerCase().includes(q.toLowerCase())),
        ],
        categories: listCategories(),
      });
    }
    const schemaPath = /^\/v1\/contexts\/([^/]+)\/schema$/.exec(path);
    if (method === "GET" && schemaPath) {
      const schema = this.schemaOf(decodeURIComponent(schemaPath[1] ?? ""));
      if (!schema) return legacyProblem(404, "Not Found", `Context "${schemaPath[1]}" was not found`);
      const etag = `"${schema.$id}"`;
      if (headers["if-none-match"] === etag) return new Response(null, { status: 304, headers: { etag } });
      return new Response(JSON.stringify(schema), {
        headers: { "content-type": "application/schema+json", etag },
      });
    }
    const one = /^\/v1\/contexts\/([^/]+)$/.exec(path);
    if (
      !(path === "/v1/contexts" && method === "POST") &&
      !(one && (method === "PUT" || method === "DELETE"))
    )
      return undefined;
    if (this.scope !== "admin")
      return legacyProblem(
        403,
        "Forbidden",
        'The API key "laptop" is an ingest key; this needs an admin key',
      );
    const body = JSON.parse(text ?? "{}") as {
      name?: string;
      title?: string;
      category?: string;
      schema?: Record<string, unknown>;
    };
    const answer = (name: string, schema: ContextSchema, status = 200) =>
      ok({ ...summarizeContext(name, schema), custom: true, schema }, status);
    if (method === "POST") {
      const name = body.name ?? "";
      if (!/^[a-z][a-z0-9_]{1,62}$/.test(name))
        return legacyProblem(422, "Invalid request body", "bad name", {
          errors: [{ pointer: "/name", message: "must be lower-case letters, digits and _" }],
        });
      if (this.knowsContext(name))
        return legacyProblem(409, "Conflict", `A context named "${name}" already exists`);
      const schema = this.putCustomContext(
        name,
        body.title ?? name,
        body.category ?? "",
        body.schema ?? {},
        "1-0-0",
      );
      return answer(name, schema, 201);
    }
    const name = decodeURIComponent(one?.[1] ?? "");
    const old = this.customContexts.get(name);
    if (!old) return legacyProblem(404, "Not Found", `Custom context "${name}" was not found`);
    if (method === "DELETE") {
      const users = this.integrations.filter((i) => i.contexts.includes(name));
      if (users.length > 0)
        return legacyProblem(
          409,
          "Context in use",
          `Context "${name}" is used by ${users.length} integration(s)`,
          {
            type: "context-in-use",
            integrations: users.map((i) => ({ id: i.id, name: i.displayName || i.name })),
          },
        );
      this.customContexts.delete(name);
      return new Response(null, { status: 204 });
    }
    // SchemaVer as the Worker bumps it: a field removed or retyped, a new required field or a new
    // key is a MODEL change (needs ?confirm=breaking); other changes are an ADDITION here.
    const next = (body.schema ?? {}) as {
      properties?: Record<string, { type?: string }>;
      required?: string[];
    };
    const oldFields = old.properties;
    const newFields = next.properties ?? {};
    const model =
      Object.keys(oldFields).some((f) => newFields[f]?.type !== oldFields[f]?.type) ||
      (next.required ?? []).some((f) => !(old.required ?? []).includes(f)) ||
      JSON.stringify((next as Record<string, unknown>)["x-intake-key"]) !==
        JSON.stringify(old["x-intake-key"]);
    const [m = 1, r = 0, a = 0] = old.$id
      .slice(old.$id.lastIndexOf(":") + 1)
      .split("-")
      .map(Number);
    if (model && url.searchParams.get("confirm") !== "breaking") {
      const reasons = [
        ...Object.keys(oldFields)
          .filter((f) => !newFields[f])
          .map((f) => `Field "${f}" was removed.`),
        ...Object.keys(oldFields)
          .filter((f) => newFields[f] && newFields[f]?.type !== oldFields[f]?.type)
          .map((f) => `Field "${f}" changed type from ${oldFields[f]?.type} to ${newFields[f]?.type}.`),
        ...(next.required ?? [])
          .filter((f) => !(old.required ?? []).includes(f))
          .map((f) => `Field "${f}" became required.`),
      ];
      return legacyProblem(409, "Schema model change", "This change needs ?confirm=breaking", {
        type: "schema-model-change",
        change: { kind: "model", from: `${m}-${r}-${a}`, to: `${m + 1}-0-0`, reasons },
      });
    }
    const version = model ? `${m + 1}-0-0` : `${m}-${r}-${a + 1}`;
    return answer(
      name,
      this.putCustomContext(
        name,
        body.title ?? old.title,
        body.category ?? old["x-intake-category"],
        next,
        version,
      ),
    );
  }

  /** Status, history, versions, restore and validate of one integration. */
  private dataPlane(
    method: string,
    path: string,
    url: URL,
    text: string | undefined,
    headers: Record<string, string>,
  ): Response | undefined {
    const m =
      /^\/v1\/integrations\/([^/]+)\/(status|ingestions|contexts\/([^/]+)\/(validate|versions(?:\/(\d+)\/(restore|diff))?))$/.exec(
        path,
      );
    if (!m) return undefined;
    const [, id = "", what = "", context = "", action = "", restoreText, restoreAction] = m;
    const integration = this.integrations.find(
      (i) => i.id === id && (!this.boundIntegrationId || i.id === this.boundIntegrationId),
    );
    if (!integration) return legacyProblem(404, "Not Found", `Integration "${id}" was not found`);
    if (what === "status" && method === "GET") {
      const contexts = integration.contexts.map((c) => {
        const key = `${id}/${c}`;
        const forced = this.statuses.get(key);
        const last = this.versions.get(key)?.at(-1);
        const status: StatusName = forced?.status ?? (last ? "Active" : "Ready");
        const reasons = forced?.reasons ?? [
          last ? `Data committed at ${last.committedAt}` : "No data yet; a usable key is ready",
        ];
        return { context: c, status, reasons, lastCommitAt: last?.committedAt ?? null };
      });
      const rank: Record<StatusName, number> = { Active: 0, Ready: 1, Warning: 2, Failed: 3 };
      const worst = contexts.reduce<StatusName>(
        (w, c) => (rank[c.status] > rank[w] ? c.status : w),
        "Active",
      );
      return ok({
        integrationId: id,
        computedAt: "2024-06-01T12:00:00Z",
        status: worst,
        reasons: contexts
          .filter((c) => c.status === worst)
          .flatMap((c) => c.reasons.map((r) => `${c.context}: ${r}`)),
        contexts,
      });
    }
    if (what === "ingestions" && method === "GET") {
      const only = url.searchParams.get("context");
      const limit = Number(url.searchParams.get("limit") ?? "50");
      const before = url.searchParams.get("before");
      const rows = this.ingestions.filter(
        (i) => (!only || i.context === only) && (!before || i.createdAt < before),
      );
      const data = rows.slice(0, limit);
      return ok({ data, nextBefore: rows.length > limit ? (data.at(-1)?.createdAt ?? null) : null });
    }
    if (!integration.contexts.includes(context)) return legacyProblem(404, "Not Found", "No such context");
    const key = `${id}/${context}`;
    if (action === "validate" && method === "POST") {
      const { report, records } = (headers["content-type"] ?? "").startsWith("text/csv")
        ? validateCsvText(context, text ?? "")
        : (() => {
            const data = (JSON.parse(text ?? "{}") as { data: IntakeRecord[] }).data;
            return { report: validateDataset(context, data).report, records: data };
          })();
      this.log(id, context, "validate", report.valid ? "success" : "failure", report.recordCount, {
        errorCount: report.errorCount,
      });
      return ok<ValidateResponse>({ ...report, diff: datasetDiff(context, records, this.datasets.get(key)) });
    }
    const list = this.versions.get(key) ?? [];
    if (action === "versions" && method === "GET") {
      const current = list.at(-1)?.version;
      return ok({
        retained: 10,
        hot: 3,
        data: [...list].reverse().map((v) => ({ ...v, current: v.version === current })),
      });
    }
    const from = restoreText ? list.find((v) => v.version === Number(restoreText)) : undefined;
    if (restoreText && !from)
      return legacyProblem(404, "Not Found", `Version ${restoreText} of ${context} was not found`);
    const fromRecords = () => this.versionRecords.get(`${key}#${from?.version}`) ?? [];
    if (from && restoreAction === "diff" && method === "GET")
      return ok(datasetDiff(context, fromRecords(), this.datasets.get(key)));
    if (from && restoreAction === "restore" && method === "POST") {
      const made = this.addVersion(key, fromRecords(), "restore");
      this.log(id, context, "restore", "success", from.recordCount, {
        version: made.version,
        detail: `restored version ${from.version}`,
      });
      return ok({ ...made, restoredFrom: from.version }, 201);
    }
    return legacyProblem(405, "Method Not Allowed");
  }
}
