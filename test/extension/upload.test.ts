// Submitting as a sync: batches by rows and bytes, progress with rate and ETA, retries that do
// not duplicate, cancel -> abort, and nothing committed after a failure.
import { describe, expect, it } from "vitest";
import { createApiClient } from "../../extension/api-client.ts";
import {
  planBatches,
  UploadError,
  type UploadProgress,
  uploadSync,
  utf8Length,
} from "../../extension/upload.ts";
import type { IntakeRecord } from "../../schemas/index.ts";
import { FakeIntakeApi } from "./fake-api.ts";

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
    expect(utf8Length("aé€😀")).toBe(new TextEncoder().encode("aé€😀").length);
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
    const puts = api.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => (r.body as { data: unknown[] }).data.length)).toEqual([4, 4, 2]);
    expect(puts.map((r) => r.headers["intake-first-row"])).toEqual(["1", "5", "9"]);
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
