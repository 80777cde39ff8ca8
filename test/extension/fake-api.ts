// An in-memory Intake Worker for extension tests: the API the client speaks, with scripted faults
// (429 + Retry-After, 503, network errors) and sync semantics (idempotent seq, 409s, atomic commit).
import {
  csvTemplate,
  type IntakeRecord,
  jsonTemplate,
  listContexts,
  validateDataset,
} from "../../schemas/index.ts";

type Fault = { status: number; retryAfter?: string } | "network";

interface Sync {
  integrationId: string;
  context: string;
  batches: Map<number, { payload: string; count: number; records: IntakeRecord[] }>;
  state: "open" | "committed" | "aborted";
}

export interface LoggedRequest {
  method: string;
  path: string;
  body?: unknown;
}

const problem = (status: number, title: string, detail?: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });

const ok = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export class FakeIntakeApi {
  readonly apiKey = "ik_test_key";
  readonly integrations = [
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
  readonly syncs = new Map<string, Sync>();
  /** Committed datasets by integration/context. */
  readonly datasets = new Map<string, { version: number; records: IntakeRecord[] }>();
  private readonly faults: { method?: string; path: RegExp; fault: Fault }[] = [];
  private nextSync = 1;

  /** The next request matching method and path fails this way (queue several for several). */
  failNext(method: string | undefined, path: RegExp, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ method, path, fault });
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = (init.method ?? "GET").toUpperCase();
    const path = url.pathname;
    const text = typeof init.body === "string" ? init.body : undefined;
    this.requests.push({ method, path, body: text === undefined ? undefined : JSON.parse(text) });
    init.signal?.throwIfAborted();
    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && f.path.test(path));
    if (i >= 0) {
      const fault = (this.faults.splice(i, 1)[0] as { fault: Fault }).fault;
      if (fault === "network") throw new TypeError("Failed to fetch");
      const response = problem(
        fault.status,
        fault.status === 429 ? "Too Many Requests" : "Service Unavailable",
      );
      if (fault.retryAfter !== undefined) response.headers.set("retry-after", fault.retryAfter);
      return response;
    }
    if (path === "/health") return ok({ status: "ok" });
    if (init.headers && (init.headers as Record<string, string>)["x-api-key"] !== this.apiKey) {
      if (!path.startsWith("/v1/contexts")) return problem(401, "Unauthorized", "The API key is not valid");
    }
    return this.route(method, path, url, text);
  };

  private route(method: string, path: string, url: URL, text: string | undefined): Response {
    if (method === "GET" && path === "/v1/me") {
      return ok({
        tenant: { id: "ten_1", name: "Acme Corp" },
        key: {
          id: "key_1",
          name: "laptop",
          scope: "ingest",
          integrationId: null,
          expiresAt: "2030-01-01T00:00:00Z",
        },
      });
    }
    if (method === "GET" && path === "/v1/contexts") {
      return ok({ data: listContexts({ q: url.searchParams.get("q") ?? undefined }) });
    }
    const template = /^\/v1\/contexts\/([^/]+)\/template\.(csv|json)$/.exec(path);
    if (method === "GET" && template) {
      const [, context = "", format] = template;
      return format === "csv"
        ? new Response(csvTemplate(context), { headers: { "content-type": "text/csv" } })
        : ok(jsonTemplate(context));
    }
    if (method === "GET" && path === "/v1/integrations") return ok({ data: this.integrations });
    const m =
      /^\/v1\/integrations\/([^/]+)\/contexts\/([^/]+)\/syncs(?:\/([^/]+)(?:\/(batches\/(\d+)|commit))?)?$/.exec(
        path,
      );
    if (!m) return problem(404, "Not Found");
    const [, integrationId = "", context = "", syncId, tail, seqText] = m;
    if (!this.integrations.some((i) => i.id === integrationId && i.contexts.includes(context))) {
      return problem(404, "Not Found", "No such integration or context");
    }
    if (method === "POST" && !syncId) {
      const id = `sync_${this.nextSync++}`;
      this.syncs.set(id, { integrationId, context, batches: new Map(), state: "open" });
      return ok({ syncId: id, expiresAt: "2030-01-01T00:00:00Z" }, 201);
    }
    const sync = syncId ? this.syncs.get(syncId) : undefined;
    if (sync?.state !== "open") return problem(404, "Not Found", "No open sync with this id");
    if (method === "DELETE" && !tail) {
      sync.state = "aborted";
      return new Response(null, { status: 204 });
    }
    if (method === "PUT" && seqText) {
      const seq = Number(seqText);
      const previous = sync.batches.get(seq);
      if (previous) {
        return previous.payload === text
          ? ok({ seq, recordCount: previous.count })
          : problem(409, "Conflict", `Batch ${seq} was already sent with a different payload`);
      }
      const records = (JSON.parse(text ?? "{}") as { data: IntakeRecord[] }).data;
      const { report } = validateDataset(context, records);
      if (!report.valid) return problem(422, "Invalid records", `${report.errorCount} errors`, { report });
      sync.batches.set(seq, { payload: text ?? "", count: records.length, records });
      return ok({ seq, recordCount: records.length });
    }
    if (method === "POST" && tail === "commit") {
      const expected = (JSON.parse(text ?? "{}") as { expectedRecords?: number }).expectedRecords;
      const seqs = [...sync.batches.keys()].sort((a, b) => a - b);
      const all = seqs.flatMap((s) => sync.batches.get(s)?.records ?? []);
      if (seqs.some((s, i) => s !== i + 1) || (expected !== undefined && expected !== all.length)) {
        return problem(409, "Conflict", `Expected ${expected} records, received ${all.length}`);
      }
      const key = `${integrationId}/${context}`;
      const version = (this.datasets.get(key)?.version ?? 0) + 1;
      this.datasets.set(key, { version, records: all });
      sync.state = "committed";
      return ok({ version, recordCount: all.length, committedAt: "2024-06-01T12:00:00Z" });
    }
    return problem(405, "Method Not Allowed");
  }
}
