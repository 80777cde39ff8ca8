// The extension's upload client against the real batch route: bodies serialized once and gzip
// compressed, several batches in flight. What the Worker stores is what a plain, one-at-a-time
// upload stores; a batch retried without gzip is the same payload (a replay, not a conflict).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApiClient, gzipText } from "../../../extension/api-client.ts";
import { planSerializedBatches, uploadSync } from "../../../extension/pipeline/upload.ts";
import { dataWorld, snapshot, startSync, users } from "../data-helpers.ts";
import { call, json, ORIGIN } from "../helpers.ts";

/** A client whose requests go to the Worker under test; it logs each PUT's headers. */
function clientFor(key: string) {
  const puts: Headers[] = [];
  const client = createApiClient({
    baseUrl: ORIGIN,
    apiKey: key,
    sleep: async () => {},
    fetch: async (input, init) => {
      const request = new Request(input, init);
      if (request.method === "PUT") puts.push(request.headers);
      return exports.default.fetch(request);
    },
  });
  return { client, puts };
}

describe("the extension's sync upload through the real route", () => {
  it("stores gzip batches sent 3 at a time exactly as plain batches sent one by one", async () => {
    const records = users(1, 47).map((r, i) => (i % 5 === 0 ? { ...r, firstName: `Zoë ${i}` } : r));
    const zipped = await dataWorld();
    const plain = await dataWorld();
    const a = clientFor(zipped.ingest);
    const b = clientFor(plain.ingest);
    const upload = (world: typeof zipped, client: typeof a.client, fast: boolean) =>
      uploadSync({
        client,
        integrationId: world.integrationId,
        context: "saas_users",
        records,
        totalRecords: records.length,
        limits: { maxRows: 10, maxBytes: 1e6 },
        inFlight: fast ? 3 : 1,
        compress: fast,
      });
    expect(await upload(zipped, a.client, true)).toMatchObject({ status: "committed", recordCount: 47 });
    expect(await upload(plain, b.client, false)).toMatchObject({ status: "committed", recordCount: 47 });
    expect(a.puts.map((h) => h.get("content-encoding"))).toEqual(Array(5).fill("gzip"));
    expect(b.puts.map((h) => h.get("content-encoding"))).toEqual(Array(5).fill(null));
    const [x, y] = [await snapshot(zipped.base(), zipped.ingest), await snapshot(plain.base(), plain.ingest)];
    expect(x.records).toBe(y.records);
    expect(x.csv).toBe(y.csv);
    expect(JSON.parse(x.records).data.map((r: { emailId: string }) => r.emailId)).toEqual(
      records.map((r) => r.emailId),
    );
  });

  it("answers a gzip batch retried as plain JSON as a replay of the same batch", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const [batch] = [
      ...planSerializedBatches(
        users(1, 3).map((r) => JSON.stringify(r)),
        { maxRows: 10, maxBytes: 1e6 },
      ),
    ];
    if (!batch) throw new Error("no batch");
    const gzipped = await gzipText(batch.body);
    if (!gzipped) throw new Error("CompressionStream is missing");
    const { client } = clientFor(ingest);
    const first = await client.putBatchBody(integrationId, "saas_users", syncId, 1, {
      body: gzipped,
      encoding: "gzip",
    });
    const again = await client.putBatchBody(integrationId, "saas_users", syncId, 1, { body: batch.body });
    expect(first).toMatchObject({ seq: 1, recordCount: 3, firstRow: 1 });
    expect(again).toMatchObject({ seq: 1, recordCount: 3, firstRow: 1 });
    const commit = await call("POST", `${base()}/syncs/${syncId}/commit`, {
      key: ingest,
      body: { expectedRecords: 3 },
    });
    expect(commit.status).toBe(200);
    expect((await json<{ recordCount: number }>(commit)).recordCount).toBe(3);
  });

  it("a refused batch among batches in flight leaves the sync aborted and nothing committed", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const { client } = clientFor(ingest);
    const records = [...users(1, 25), { emailId: "not-an-email" }, ...users(27, 40)];
    const error = await uploadSync({
      client,
      integrationId,
      context: "saas_users",
      records,
      totalRecords: records.length,
      limits: { maxRows: 10, maxBytes: 1e6 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "UploadError", syncAborted: true });
    expect((error as { problem?: { status: number } }).problem?.status).toBe(422);
    expect(JSON.parse((await snapshot(base(), ingest)).records)).toMatchObject({ version: null, data: [] });
  });
});
