// Submitting as a sync: batches by rows and bytes, progress with rate and ETA, retries that do
// not duplicate, cancel -> abort, and nothing committed after a failure.
import { describe, expect, it, vi } from "vitest";
import { createApiClient } from "../../../extension/api-client.ts";
import {
  joinPieces,
  PiecePool,
  planBatches,
  planEncodedBatches,
  UploadError,
  type UploadProgress,
  uploadSync,
  utf8Length,
} from "../../../extension/pipeline/upload.ts";
import type { IntakeRecord } from "../../../schemas/index.ts";
import { FakeIntakeApi } from "../fake-api.ts";

const users = (n: number): IntakeRecord[] =>
  Array.from({ length: n }, (_, i) => ({ emailId: `user${i + 1}@example.com`, firstName: "Zoë" }));

function setup() {
  const api = new FakeIntakeApi();
  const client = createApiClient({
    baseUrl: "http://w",
    apiKey: api.apiKey,
    fetch: api.fetch,
    sleep: async () => {},
  });
  let t = 0;
  const now = () => (t += 250); // each call is a quarter second later
  return { api, client, now };
}

/** A fetch that holds every batch PUT until the test lets it through, to see what is in flight. */
function gated(api: FakeIntakeApi) {
  const held: { path: string; release: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    if (init.method !== "PUT") return api.fetch(input, init);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        held.push({ path: String(input), release: resolve });
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      });
      return await api.fetch(input, init);
    } finally {
      inFlight--;
    }
  };
  const client = createApiClient({ baseUrl: "http://w", apiKey: api.apiKey, fetch, sleep: async () => {} });
  /** Lets the PUTs through once `count` are waiting, the newest first. */
  const releaseWhen = async (count: number) => {
    await vi.waitFor(() => expect(held.length).toBeGreaterThanOrEqual(count));
    for (const h of held.splice(0).reverse()) h.release();
  };
  /** Lets one batch through by its seq (bodies are compressed asynchronously, so they are held in any order). */
  const releaseSeq = (seq: number) => {
    const i = held.findIndex((h) => h.path.endsWith(`/batches/${seq}`));
    if (i < 0) throw new Error(`batch ${seq} is not held`);
    held.splice(i, 1)[0]?.release();
  };
  return { client, held, releaseWhen, releaseSeq, maxInFlight: () => maxInFlight };
}

const seqOf = (r: { path: string }) => Number(r.path.split("/").pop());
/** The batch PUTs the Worker received, by seq (with batches in flight they may arrive in any order). */
const puts = (api: FakeIntakeApi) =>
  api.requests.filter((r) => r.method === "PUT").sort((a, b) => seqOf(a) - seqOf(b));

describe("planBatches", () => {
  it("cuts by row count", () => {
    expect([...planBatches(users(12), { maxRows: 5, maxBytes: 1e9 })].map((b) => b.records.length)).toEqual([
      5, 5, 2,
    ]);
  });

  it("cuts by body size, measured in UTF-8 bytes of the real request body", () => {
    const records = users(10);
    const one = utf8Length(JSON.stringify(records[0]));
    const batches = [...planBatches(records, { maxRows: 1000, maxBytes: 11 + one * 3 + 2 })];
    expect(batches.map((b) => b.records.length)).toEqual([3, 3, 3, 1]);
    for (const batch of batches) {
      expect(batch.bytes).toBe(utf8Length(JSON.stringify({ data: batch.records })));
      expect(batch.body).toBe(JSON.stringify({ data: batch.records }));
      expect(batch.bytes).toBeLessThanOrEqual(11 + one * 3 + 2);
    }
  });

  it("sends a record larger than the limit on its own rather than dropping it", () => {
    const big = { emailId: "big@example.com", department: "x".repeat(500) };
    const batches = [
      ...planBatches([users(1)[0] as IntakeRecord, big, users(1)[0] as IntakeRecord], {
        maxRows: 10,
        maxBytes: 200,
      }),
    ];
    expect(batches.map((b) => b.records.length)).toEqual([1, 1, 1]);
  });

  it("counts multi-byte characters as the Worker does", () => {
    for (const text of ["aé€😀", "\ud800", "\ud800\ud800", "a\udc00b", "\ud83d\ude00\ud83d"])
      expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
  });
});

describe("planEncodedBatches", () => {
  it("writes each body as the UTF-8 bytes of its JSON, across pieces reused from the pool", () => {
    // Records of ~1 kB with multi-byte text, and one longer than a piece: bodies span pieces.
    const records: IntakeRecord[] = Array.from({ length: 400 }, (_, i) => ({
      emailId: `user${i}@example.com`,
      department: i === 123 ? "Ω".repeat(40_000) : `Zoë ${"é€😀".repeat(100)} ${i}`,
    }));
    const pool = new PiecePool();
    const decoder = new TextDecoder();
    const bodies: string[] = [];
    let pieces = 0;
    for (const batch of planEncodedBatches(
      records.map((r) => JSON.stringify(r)),
      { maxRows: 150, maxBytes: 200_000 },
      pool,
    )) {
      const bytes = joinPieces(batch);
      expect(bytes.length).toBe(batch.bytes);
      pieces += batch.pieces.length;
      bodies.push(decoder.decode(bytes));
      // Given back before the next batch is written: the next one writes into the same buffers.
      pool.release(batch);
      expect(batch.pieces).toEqual([]);
    }
    expect(pieces).toBeGreaterThan(bodies.length);
    const batches = bodies.map((body) => (JSON.parse(body) as { data: IntakeRecord[] }).data);
    expect(batches.flat()).toEqual(records);
    expect(batches.map((b) => b.length)).toEqual(batches.map((b) => b.length).map((n) => Math.min(n, 150)));
    for (const body of bodies) expect(utf8Length(body)).toBeLessThanOrEqual(200_000);
  });
});

describe("uploadSync", () => {
  it("uploads every batch in order, commits with the expected count and reports progress", async () => {
    const { api, client, now } = setup();
    const progress: UploadProgress[] = [];
    const outcome = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(25),
      totalRecords: 25,
      limits: { maxRows: 10, maxBytes: 1e6 },
      // One at a time, so the rate and ETA below follow the batches in order.
      inFlight: 1,
      onProgress: (p) => progress.push(p),
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", version: 1, recordCount: 25 });
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual(users(25));
    const puts = api.requests.filter((r) => r.method === "PUT").map((r) => r.path.split("/").pop());
    expect(puts).toEqual(["1", "2", "3"]);
    expect(api.requests.at(-1)).toMatchObject({
      path: expect.stringMatching(/commit$/),
      body: { expectedRecords: 25 },
    });
    const uploading = progress.filter((p) => p.phase === "uploading" && p.batchesSent > 0);
    expect(uploading.map((p) => p.sentRecords)).toEqual([10, 20, 25]);
    expect(uploading[0]?.rowsPerSecond).toBeCloseTo(10 / 0.25);
    expect(uploading[0]?.etaSeconds).toBeCloseTo(15 / 40);
    expect(uploading.at(-1)?.etaSeconds).toBe(0);
    expect(progress.at(-1)?.phase).toBe("committing");
  });

  it("batches by the limits the Worker announces and tells each batch's first row", async () => {
    const { api, client, now } = setup();
    api.limits = { ...api.limits, maxRecordsPerBatch: 4 };
    const outcome = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(10),
      totalRecords: 10,
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", recordCount: 10 });
    const sent = puts(api);
    expect(sent.map((r) => (r.body as { data: unknown[] }).data.length)).toEqual([4, 4, 2]);
    expect(sent.map((r) => r.headers["intake-first-row"])).toEqual(["1", "5", "9"]);
    // A byte limit announced below one batch's size splits it further.
    const small = setup();
    small.api.limits = { ...small.api.limits, maxBodyBytes: 200 };
    await uploadSync({
      client: small.client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(6),
      totalRecords: 6,
      now: small.now,
    });
    const bodies = small.api.requests.filter((r) => r.method === "PUT").map((r) => JSON.stringify(r.body));
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(200);
  });

  it("retries a batch after a 429, a 503 and a lost connection without duplicating records", async () => {
    const { api, client, now } = setup();
    api.failNext("PUT", /batches\/2$/, { status: 429, retryAfter: "1" });
    api.failNext("PUT", /batches\/2$/, { status: 503 });
    api.failNext("PUT", /batches\/3$/, "network");
    const outcome = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(30),
      totalRecords: 30,
      limits: { maxRows: 10, maxBytes: 1e6 },
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", recordCount: 30 });
    expect(api.datasets.get("int_acme/saas_users")?.records).toHaveLength(30);
  });

  it("treats a replayed batch as the same batch (the Worker's seq idempotency)", async () => {
    const { api, client } = setup();
    const { syncId } = await client.startSync("int_acme", "saas_users");
    const first = await client.putBatch("int_acme", "saas_users", syncId, 1, users(3));
    const again = await client.putBatch("int_acme", "saas_users", syncId, 1, users(3));
    expect(again).toEqual({ ...first, replayed: true });
    expect(api.syncs.get(syncId)?.batches.size).toBe(1);
  });

  it("aborts the sync when cancelled and commits nothing", async () => {
    const { api, client, now } = setup();
    const controller = new AbortController();
    const outcome = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(50),
      totalRecords: 50,
      limits: { maxRows: 10, maxBytes: 1e6 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.sentRecords === 20) controller.abort();
      },
      now,
    });
    expect(outcome).toEqual({ status: "cancelled" });
    expect(api.requests.at(-1)).toMatchObject({ method: "DELETE" });
    expect([...api.syncs.values()][0]?.state).toBe("aborted");
    expect(api.datasets.size).toBe(0);
  });

  it("aborts the sync and keeps the previous dataset when a batch is refused", async () => {
    const { api, client, now } = setup();
    const settled: string[] = [];
    const bad = [...users(5), { emailId: "not-an-email" }];
    const error = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: bad,
      totalRecords: 6,
      limits: { maxRows: 3, maxBytes: 1e6 },
      onSyncSettled: (id) => {
        settled.push(id);
      },
      now,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).syncAborted).toBe(true);
    expect((error as UploadError).problem?.report?.errors[0]?.field).toBe("emailId");
    expect(api.datasets.size).toBe(0);
    expect(settled).toEqual(["sync_1"]);
  });

  it("reports a commit conflict (409) without retrying it", async () => {
    const { api, client, now } = setup();
    api.failNext("POST", /commit$/, { status: 409 });
    const error = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(3),
      totalRecords: 3,
      now,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect(api.requests.filter((r) => r.path.endsWith("/commit"))).toHaveLength(1);
    expect(api.datasets.size).toBe(0);
  });

  it("says nothing was stored when the Worker refuses to start the sync (a revoked key)", async () => {
    const api = new FakeIntakeApi();
    const client = createApiClient({ baseUrl: "http://w", apiKey: "revoked", fetch: api.fetch });
    const error = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(3),
      totalRecords: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).syncAborted).toBe(true);
    expect((error as UploadError).problem?.status).toBe(401);
    expect((error as UploadError).message).toBe("Unauthorized: The API key is not valid");
    expect(api.requests.map((r) => r.path)).toEqual(["/v1/integrations/int_acme/contexts/saas_users/syncs"]);
  });
});

describe("uploadSync: bodies and batches in flight", () => {
  it("serializes each record once and sends each batch gzip-compressed", async () => {
    const { api, client, now } = setup();
    let serialized = 0;
    // toJSON runs once per JSON.stringify of the record: it counts the serializations.
    const records = users(25).map(
      (r) =>
        ({
          ...r,
          toJSON() {
            serialized++;
            return r;
          },
        }) as unknown as IntakeRecord,
    );
    await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records,
      totalRecords: 25,
      limits: { maxRows: 10, maxBytes: 1e6 },
      now,
    });
    expect(serialized).toBe(25);
    const sent = puts(api);
    expect(sent.map((r) => r.headers["content-encoding"])).toEqual(["gzip", "gzip", "gzip"]);
    expect(sent.map((r) => r.headers["content-type"])).toEqual(Array(3).fill("application/json"));
    // What the Worker decodes is the {"data":[...]} body of the records, smaller on the wire.
    expect(sent.map((r) => (r.body as { data: IntakeRecord[] }).data)).toEqual([
      users(10),
      users(20).slice(10),
      users(25).slice(20),
    ]);
    for (const r of sent) expect(r.wireBytes).toBeLessThan(utf8Length(JSON.stringify(r.body)));
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual(users(25));
  });

  it("sends plain JSON text when compression is off, and takes records already serialized", async () => {
    const { api, client, now } = setup();
    const outcome = await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      recordsJson: users(12).map((r) => JSON.stringify(r)),
      totalRecords: 12,
      limits: { maxRows: 5, maxBytes: 1e6 },
      compress: false,
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", recordCount: 12 });
    expect(puts(api).map((r) => r.headers["content-encoding"])).toEqual([undefined, undefined, undefined]);
    expect(puts(api).map((r) => r.headers["intake-first-row"])).toEqual(["1", "6", "11"]);
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual(users(12));
  });

  it("falls back to plain bodies when the Worker refuses gzip (415)", async () => {
    const { api, client, now } = setup();
    api.failNext("PUT", /batches\/1$/, {
      status: 415,
      extra: { type: "https://intake.dev/problems/unsupported-content-encoding" },
    });
    await uploadSync({
      client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(20),
      totalRecords: 20,
      limits: { maxRows: 10, maxBytes: 1e6 },
      inFlight: 1,
      now,
    });
    const sent = api.requests.filter((r) => r.method === "PUT");
    expect(sent.map((r) => [r.path.split("/").pop(), r.headers["content-encoding"]])).toEqual([
      ["1", "gzip"],
      ["1", undefined],
      ["2", undefined],
    ]);
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual(users(20));
  });

  it("keeps up to 3 batches in flight, seqs and first rows in file order, and commits after all", async () => {
    const api = new FakeIntakeApi();
    const gate = gated(api);
    const progress: UploadProgress[] = [];
    const upload = uploadSync({
      client: gate.client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(70),
      totalRecords: 70,
      limits: { maxRows: 10, maxBytes: 1e6 },
      onProgress: (p) => progress.push(p),
    });
    // Batches answered newest first: 3, 2, 1, then 6, 5, 4, then 7.
    await gate.releaseWhen(3);
    await gate.releaseWhen(3);
    await gate.releaseWhen(1);
    const outcome = await upload;
    expect(outcome).toMatchObject({ status: "committed", recordCount: 70 });
    expect(gate.maxInFlight()).toBe(3);
    expect(puts(api).map((r) => r.headers["intake-first-row"])).toEqual([
      "1",
      "11",
      "21",
      "31",
      "41",
      "51",
      "61",
    ]);
    // The commit is the last request, after every batch was answered.
    // (The fake decodes gzip bodies asynchronously, so released batches are logged in any order.)
    const paths = api.requests.map((r) => r.path.split("/").pop());
    expect(paths.at(-1)).toBe("commit");
    expect(paths.slice(-8, -1).sort()).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(api.requests.at(-1)?.body).toEqual({ expectedRecords: 70 });
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual(users(70));
    const uploading = progress.filter((p) => p.phase === "uploading" && p.batchesSent > 0);
    expect(uploading.map((p) => p.sentRecords)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it("stops the batches in flight and aborts the sync when one is refused", async () => {
    const api = new FakeIntakeApi();
    const gate = gated(api);
    const records = users(50);
    records[14] = { emailId: "not-an-email" }; // batch 2
    const upload = uploadSync({
      client: gate.client,
      integrationId: "int_acme",
      context: "saas_users",
      records,
      totalRecords: 50,
      limits: { maxRows: 10, maxBytes: 1e6 },
    }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(gate.held).toHaveLength(3));
    // Only batch 2 is answered (422): 1 and 3, still on their way, are stopped.
    gate.releaseSeq(2);
    const error = await upload;
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).syncAborted).toBe(true);
    expect((error as UploadError).problem?.status).toBe(422);
    expect(puts(api).map((r) => r.path.split("/").pop())).toEqual(["2"]);
    expect(api.requests.at(-1)).toMatchObject({ method: "DELETE" });
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
    expect([...api.syncs.values()][0]?.state).toBe("aborted");
    expect(api.datasets.size).toBe(0);
  });

  it("cancels with batches in flight: they are stopped, the sync aborted, nothing committed", async () => {
    const api = new FakeIntakeApi();
    const gate = gated(api);
    const controller = new AbortController();
    const upload = uploadSync({
      client: gate.client,
      integrationId: "int_acme",
      context: "saas_users",
      records: users(50),
      totalRecords: 50,
      limits: { maxRows: 10, maxBytes: 1e6 },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(gate.held).toHaveLength(3));
    gate.releaseSeq(1); // batch 1 is stored
    await vi.waitFor(() => expect(gate.held).toHaveLength(3)); // batch 4 took its place
    controller.abort();
    expect(await upload).toEqual({ status: "cancelled" });
    expect(puts(api).map((r) => r.path.split("/").pop())).toEqual(["1"]);
    expect(api.requests.at(-1)).toMatchObject({ method: "DELETE" });
    expect([...api.syncs.values()][0]?.state).toBe("aborted");
    expect(api.datasets.size).toBe(0);
  });
});
