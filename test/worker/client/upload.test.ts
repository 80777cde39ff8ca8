// Submitting as a sync against the real Worker: batches by the limits it announces, progress with
// rate and ETA, retries that do not duplicate (faults injected around the real answers), cancel ->
// abort, nothing committed after a failure, gzip bodies and up to 3 batches in flight.
import { describe, expect, it, vi } from "vitest";
import { createApiClient } from "../../../extension/api-client.ts";
import {
  UploadError,
  type UploadProgress,
  uploadSync,
  utf8Length,
} from "../../../extension/pipeline/upload.ts";
import type { IntakeRecord } from "../../../schemas/index.ts";
import { bodyJson, bodyText, type Faults, type Sent } from "../../extension/fake-api.ts";
import { currentData } from "../data-helpers.ts";
import { call, json, ORIGIN } from "../helpers.ts";
import { clientWorld, worker } from "./client-world.ts";

const users = (n: number): IntakeRecord[] =>
  Array.from({ length: n }, (_, i) => ({ emailId: `user${i + 1}@example.com`, firstName: "Zoë" }));

/** A world whose clock moves a quarter second per reading. */
async function setup(options: Parameters<typeof clientWorld>[1] = {}) {
  const world = await clientWorld(["saas_users"], options);
  let t = 0;
  const now = () => (t += 250);
  const stored = async () => (await currentData(world.base(), world.ingest)).data;
  /** What the Worker says of the sync the upload opened (found from the requests sent). */
  const sync = async () => {
    const id = world.api.requests.map((r) => /\/syncs\/([^/]+)/.exec(r.path)?.[1]).find(Boolean);
    const response = await call("GET", `${world.base()}/syncs/${id}`, { key: world.ingest });
    return json<{ status: string; batches: number }>(response);
  };
  return { ...world, now, stored, sync };
}

const seqOf = (r: Sent) => Number(r.path.split("/").pop());
/** The batch PUTs sent, by seq (with batches in flight they may go in any order). */
const puts = (api: Faults) =>
  api.requests.filter((r) => r.method === "PUT").sort((a, b) => seqOf(a) - seqOf(b));
const bodies = (sent: Sent[]) => Promise.all(sent.map((r) => bodyJson<{ data: IntakeRecord[] }>(r)));

/** Holds every batch PUT until the test lets it through, counting what is in flight. */
function gated(world: Awaited<ReturnType<typeof setup>>) {
  const { api } = world;
  api.hold("PUT", /\/batches\/\d+$/);
  let inFlight = 0;
  let maxInFlight = 0;
  const client = createApiClient({
    baseUrl: ORIGIN,
    apiKey: world.ingest,
    sleep: async () => {},
    fetch: async (input, init) => {
      const put = init?.method === "PUT";
      if (put) maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await api.fetch(input, init);
      } finally {
        if (put) inFlight--;
      }
    },
  });
  /** Lets the PUTs through once `count` are waiting, the newest first. */
  const releaseWhen = async (count: number) => {
    await vi.waitFor(() => expect(api.held.length).toBeGreaterThanOrEqual(count));
    for (const h of api.held.splice(0).reverse()) h.release();
  };
  /** Lets one batch through by its seq (bodies are compressed asynchronously, so they are held in any order). */
  const releaseSeq = (seq: number) => {
    const i = api.held.findIndex((h) => h.sent.path.endsWith(`/batches/${seq}`));
    if (i < 0) throw new Error(`batch ${seq} is not held`);
    api.held.splice(i, 1)[0]?.release();
  };
  return { client, releaseWhen, releaseSeq, maxInFlight: () => maxInFlight };
}

describe("uploadSync", () => {
  it("uploads every batch in order, commits with the expected count and reports progress", async () => {
    const { api, client, now, integrationId, stored } = await setup();
    const progress: UploadProgress[] = [];
    const outcome = await uploadSync({
      client,
      integrationId,
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
    expect(await stored()).toEqual(users(25));
    expect(api.requests.filter((r) => r.method === "PUT").map((r) => r.path.split("/").pop())).toEqual([
      "1",
      "2",
      "3",
    ]);
    const last = api.requests.at(-1) as Sent;
    expect(last.path).toMatch(/commit$/);
    expect(await bodyJson(last)).toEqual({ expectedRecords: 25 });
    const uploading = progress.filter((p) => p.phase === "uploading" && p.batchesSent > 0);
    expect(uploading.map((p) => p.sentRecords)).toEqual([10, 20, 25]);
    expect(uploading[0]?.rowsPerSecond).toBeCloseTo(10 / 0.25);
    expect(uploading[0]?.etaSeconds).toBeCloseTo(15 / 40);
    expect(uploading.at(-1)?.etaSeconds).toBe(0);
    expect(progress.at(-1)?.phase).toBe("committing");
  });

  it("batches by the limits the Worker announces and tells each batch's first row", async () => {
    const { api, client, now, integrationId, stored } = await setup({ vars: { MAX_RECORDS_PER_BATCH: "4" } });
    const outcome = await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      records: users(10),
      totalRecords: 10,
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", recordCount: 10 });
    expect(await stored()).toEqual(users(10));
    const sent = puts(api);
    expect((await bodies(sent)).map((b) => b.data.length)).toEqual([4, 4, 2]);
    expect(sent.map((r) => r.headers["intake-first-row"])).toEqual(["1", "5", "9"]);
    // A byte limit announced below one batch's size splits it further.
    const small = await setup({ vars: { MAX_BODY_BYTES: "200" } });
    await uploadSync({
      client: small.client,
      integrationId: small.integrationId,
      context: "saas_users",
      records: users(6),
      totalRecords: 6,
      compress: false,
      now: small.now,
    });
    const texts = await Promise.all(small.api.requests.filter((r) => r.method === "PUT").map(bodyText));
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(utf8Length(text)).toBeLessThanOrEqual(200);
    expect(await small.stored()).toEqual(users(6));
  });

  it("retries a batch after a 429, a 503 and a lost connection without duplicating records", async () => {
    const { api, client, now, integrationId, stored } = await setup();
    api.failNext("PUT", /batches\/2$/, { status: 429, retryAfter: "1" });
    api.failNext("PUT", /batches\/2$/, { status: 503 });
    api.failNext("PUT", /batches\/3$/, "network");
    const outcome = await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      records: users(30),
      totalRecords: 30,
      limits: { maxRows: 10, maxBytes: 1e6 },
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", recordCount: 30 });
    expect(api.requests.filter((r) => r.method === "PUT")).toHaveLength(6);
    expect(await stored()).toEqual(users(30));
  });

  it("treats a replayed batch as the same batch (the Worker's seq idempotency)", async () => {
    const { client, integrationId, sync } = await setup();
    const { syncId } = await client.startSync(integrationId, "saas_users");
    const first = await client.putBatch(integrationId, "saas_users", syncId, 1, users(3));
    const again = await client.putBatch(integrationId, "saas_users", syncId, 1, users(3));
    expect(again).toEqual({ ...first, replayed: true });
    expect(await sync()).toMatchObject({ status: "open", batches: 1 });
  });

  it("aborts the sync when cancelled and commits nothing", async () => {
    const { api, client, now, integrationId, stored, sync } = await setup();
    const controller = new AbortController();
    const outcome = await uploadSync({
      client,
      integrationId,
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
    expect(await sync()).toMatchObject({ status: "aborted" });
    expect(await stored()).toEqual([]);
  });

  it("aborts the sync and keeps the previous dataset when a batch is refused", async () => {
    const { api, client, now, integrationId, stored, sync } = await setup();
    const settled: string[] = [];
    const bad = [...users(5), { emailId: "not-an-email" }];
    const error = await uploadSync({
      client,
      integrationId,
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
    expect(await stored()).toEqual([]);
    expect(await sync()).toMatchObject({ status: "aborted" });
    expect(settled).toEqual([api.requests.at(-1)?.path.split("/").pop()]);
  });

  it("reports a commit conflict (409) without retrying it", async () => {
    const { api, client, now, integrationId, stored } = await setup();
    api.failNext("POST", /commit$/, { status: 409 });
    const error = await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      records: users(3),
      totalRecords: 3,
      now,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect(api.requests.filter((r) => r.path.endsWith("/commit"))).toHaveLength(1);
    expect(await stored()).toEqual([]);
  });

  it("says nothing was stored when the Worker refuses to start the sync (a revoked key)", async () => {
    const { integrationId, admin, ingest, ingestKeyId } = await setup();
    await createApiClient({ baseUrl: ORIGIN, apiKey: admin, fetch: worker }).revokeKey(ingestKeyId);
    const requests: string[] = [];
    const client = createApiClient({
      baseUrl: ORIGIN,
      apiKey: ingest,
      fetch: (input, init) => {
        requests.push(new URL(String(input)).pathname);
        return worker(input, init);
      },
    });
    const error = await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      records: users(3),
      totalRecords: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).syncAborted).toBe(true);
    expect((error as UploadError).problem?.status).toBe(401);
    expect((error as UploadError).message).toBe("Unauthorized: The API key is not valid");
    expect(requests).toEqual([`/v1/integrations/${integrationId}/contexts/saas_users/syncs`]);
    const current = await currentData(`/v1/integrations/${integrationId}/contexts/saas_users`, admin);
    expect(current).toMatchObject({ version: null, data: [] });
  });
});

describe("uploadSync: bodies and batches in flight", () => {
  it("serializes each record once and sends each batch gzip-compressed", async () => {
    const { api, client, now, integrationId, stored } = await setup();
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
      integrationId,
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
    const decoded = await bodies(sent);
    expect(decoded.map((b) => b.data)).toEqual([users(10), users(20).slice(10), users(25).slice(20)]);
    for (const [i, r] of sent.entries())
      expect(r.body?.length).toBeLessThan(utf8Length(JSON.stringify(decoded[i])));
    expect(await stored()).toEqual(users(25));
  });

  it("sends plain JSON text when compression is off, and takes records already serialized", async () => {
    const { api, client, now, integrationId, stored } = await setup();
    const outcome = await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      recordsJson: users(12).map((r) => JSON.stringify(r)),
      totalRecords: 12,
      limits: { maxRows: 5, maxBytes: 1e6 },
      compress: false,
      now,
    });
    expect(outcome).toMatchObject({ status: "committed", recordCount: 12 });
    expect(puts(api).map((r) => r.headers["content-encoding"])).toEqual([undefined, undefined, undefined]);
    expect((await bodies(puts(api))).map((b) => b.data)).toEqual([
      users(5),
      users(10).slice(5),
      users(12).slice(10),
    ]);
    expect(puts(api).map((r) => r.headers["intake-first-row"])).toEqual(["1", "6", "11"]);
    expect(await stored()).toEqual(users(12));
  });

  it("falls back to plain bodies when the Worker refuses gzip (415)", async () => {
    const { api, client, now, integrationId, stored } = await setup();
    api.failNext("PUT", /batches\/1$/, {
      status: 415,
      extra: { type: "https://intake.dev/problems/unsupported-content-encoding" },
    });
    await uploadSync({
      client,
      integrationId,
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
    expect(await stored()).toEqual(users(20));
  });

  it("keeps up to 3 batches in flight, seqs and first rows in file order, and commits after all", async () => {
    const world = await setup();
    const { api, integrationId, stored } = world;
    const gate = gated(world);
    const progress: UploadProgress[] = [];
    const upload = uploadSync({
      client: gate.client,
      integrationId,
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
    const paths = api.requests.map((r) => r.path.split("/").pop());
    expect(paths.at(-1)).toBe("commit");
    expect(paths.slice(-8, -1).sort()).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(await bodyJson(api.requests.at(-1) as Sent)).toEqual({ expectedRecords: 70 });
    expect(await stored()).toEqual(users(70));
    const uploading = progress.filter((p) => p.phase === "uploading" && p.batchesSent > 0);
    expect(uploading.map((p) => p.sentRecords)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it("stops the batches in flight and aborts the sync when one is refused", async () => {
    const world = await setup();
    const { api, integrationId, stored, sync } = world;
    const gate = gated(world);
    const records = users(50);
    records[14] = { emailId: "not-an-email" }; // batch 2
    const upload = uploadSync({
      client: gate.client,
      integrationId,
      context: "saas_users",
      records,
      totalRecords: 50,
      limits: { maxRows: 10, maxBytes: 1e6 },
    }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(api.held).toHaveLength(3));
    // Only batch 2 is answered (422): 1 and 3, still on their way, are stopped.
    gate.releaseSeq(2);
    const error = await upload;
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).syncAborted).toBe(true);
    expect((error as UploadError).problem?.status).toBe(422);
    expect(api.requests.at(-1)).toMatchObject({ method: "DELETE" });
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
    // Only batch 2 reached the Worker, which refused it: nothing of the sync is stored.
    expect(await sync()).toMatchObject({ status: "aborted", batches: 0 });
    expect(await stored()).toEqual([]);
  });

  it("cancels with batches in flight: they are stopped, the sync aborted, nothing committed", async () => {
    const world = await setup();
    const { api, integrationId, stored, sync } = world;
    const gate = gated(world);
    const controller = new AbortController();
    const upload = uploadSync({
      client: gate.client,
      integrationId,
      context: "saas_users",
      records: users(50),
      totalRecords: 50,
      limits: { maxRows: 10, maxBytes: 1e6 },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(api.held).toHaveLength(3));
    gate.releaseSeq(1); // batch 1 is stored
    await vi.waitFor(() => expect(api.held).toHaveLength(3)); // batch 4 took its place
    controller.abort();
    expect(await upload).toEqual({ status: "cancelled" });
    expect(api.requests.at(-1)).toMatchObject({ method: "DELETE" });
    // Batch 1 reached the Worker before the cancel; the others were stopped on their way.
    expect(await sync()).toMatchObject({ status: "aborted", batches: 1 });
    expect(await stored()).toEqual([]);
  });
});
