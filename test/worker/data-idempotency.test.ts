// Retries never duplicate: Idempotency-Key on one-shot submits, per-seq batch idempotency, and
// committing a sync twice.
import { describe, expect, it } from "vitest";
import {
  commitSync,
  currentData,
  dataWorld,
  putBatch,
  startSync,
  user,
  users,
  versionNumbers,
} from "./data-helpers.ts";
import { call, createIntegration, expectProblem, json } from "./helpers.ts";

const submitWithKey = (base: string, key: string, idempotencyKey: string, records: unknown[]) =>
  call("POST", `${base}/records`, {
    key,
    body: { data: records },
    headers: { "idempotency-key": idempotencyKey },
  });

describe("Idempotency-Key on one-shot submits", () => {
  it("same key and body: the same answer, marked replayed, and no second version", async () => {
    const { base, ingest } = await dataWorld();
    const first = await submitWithKey(base(), ingest, "retry-1", users(1, 3));
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.text();
    const second = await submitWithKey(base(), ingest, "retry-1", users(1, 3));
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("content-type")).toBe("application/json");
    expect(await second.json()).toEqual({ ...JSON.parse(firstBody), replayed: true });
    expect(JSON.parse(firstBody)).toMatchObject({ version: 1, recordCount: 3 });
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
    expect((await currentData(base(), ingest)).data).toHaveLength(3);
  });

  it("the hash is over the parsed payload: a charset parameter, whitespace or the envelope is the same request", async () => {
    const { base, ingest } = await dataWorld();
    expect((await submitWithKey(base(), ingest, "same", users(1, 2))).status).toBe(201);
    const variants: [string, string][] = [
      ["application/json; charset=utf-8", JSON.stringify({ data: users(1, 2) })],
      ["application/json", `  ${JSON.stringify(users(1, 2), null, 2)}\n`],
      [
        "application/x-ndjson",
        `${users(1, 2)
          .map((u) => JSON.stringify(u))
          .join("\n")}\n`,
      ],
    ];
    for (const [type, raw] of variants) {
      const again = await call("POST", `${base()}/records`, {
        key: ingest,
        raw,
        headers: { "content-type": type, "idempotency-key": "same" },
      });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
    }
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
  });

  it("same key, different payload: 409 idempotency-key-reused and nothing changes", async () => {
    const { base, ingest } = await dataWorld();
    expect((await submitWithKey(base(), ingest, "k", users(1, 2))).status).toBe(201);
    const problem = await expectProblem(
      await submitWithKey(base(), ingest, "k", users(1, 3)),
      409,
      "idempotency-key-reused",
    );
    expect(problem.detail).toBe(
      "This Idempotency-Key was already used with a different payload; use a new key for a new request",
    );
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
    expect((await currentData(base(), ingest)).data).toHaveLength(2);
  });

  it("replays a refused submit as the same 422, without recording a second attempt", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const bad = [user(1), { emailId: "nope" }];
    const first = await submitWithKey(base(), ingest, "bad-1", bad);
    const firstProblem = await expectProblem(first, 422, "invalid-records");
    const second = await submitWithKey(base(), ingest, "bad-1", bad);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await expectProblem(second, 422, "invalid-records")).toEqual({ ...firstProblem, replayed: true });
    const history = await json<{ data: { kind: string }[] }>(
      await call("GET", `/v1/integrations/${integrationId}/ingestions`, { key: ingest }),
    );
    expect(history.data.map((i) => i.kind)).toEqual(["submit"]);
    expect((await currentData(base(), ingest)).version).toBeNull();
  });

  it("a key is scoped to its dataset: the same key on another context or integration is a new submit", async () => {
    const world = await dataWorld(["saas_users", "vendors"]);
    expect((await submitWithKey(world.base("saas_users"), world.ingest, "shared", users(1, 1))).status).toBe(
      201,
    );
    const vendors = await submitWithKey(world.base("vendors"), world.admin, "shared", [
      { vendorName: "Acme" },
    ]);
    expect(vendors.status).toBe(201);
    expect(vendors.headers.get("idempotent-replayed")).toBeNull();
    const otherIntegration = await createIntegration(world.admin, ["saas_users"], "Zoom");
    const other = await submitWithKey(
      `/v1/integrations/${otherIntegration}/contexts/saas_users`,
      world.admin,
      "shared",
      users(1, 1),
    );
    expect(other.status).toBe(201);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });

  it("a key is scoped to its tenant", async () => {
    const a = await dataWorld();
    const b = await dataWorld();
    expect((await submitWithKey(a.base(), a.ingest, "same-key", users(1, 1))).status).toBe(201);
    const other = await submitWithKey(b.base(), b.ingest, "same-key", users(1, 2));
    expect(other.status).toBe(201);
    expect(await json(other)).toMatchObject({ version: 1, recordCount: 2 });
  });

  it.each([[""], ["x".repeat(256)], ["caf\u00e9"], ["a\tb"]])(
    "refuses an Idempotency-Key %j: empty, over 255 characters or not printable ASCII",
    async (value) => {
      const { base, ingest } = await dataWorld();
      const problem = await expectProblem(
        await submitWithKey(base(), ingest, value, users(1, 1)),
        400,
        "bad-request",
      );
      expect(problem.detail).toBe("Idempotency-Key must be 1 to 255 printable ASCII characters");
    },
  );

  it("without a key, each submit is a new version (the snapshot is replaced, never appended)", async () => {
    const { base, ingest } = await dataWorld();
    await call("POST", `${base()}/records`, { key: ingest, body: users(1, 2) });
    await call("POST", `${base()}/records`, { key: ingest, body: users(1, 2) });
    expect(await versionNumbers(base(), ingest)).toEqual([2, 1]);
    expect((await currentData(base(), ingest)).data).toEqual(users(1, 2));
  });
});

describe("batch seq idempotency", () => {
  it("same payload: 200 replayed; different payload: 409; no duplicate records", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const first = await putBatch(base(), ingest, syncId, 1, users(1, 3));
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ seq: 1, recordCount: 3 });
    const replay = await putBatch(base(), ingest, syncId, 1, users(1, 3));
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(replay)).toEqual({
      seq: 1,
      recordCount: 3,
      firstRow: 1,
      warnings: [],
      warningCount: 0,
      replayed: true,
    });
    const conflict = await expectProblem(
      await putBatch(base(), ingest, syncId, 1, users(1, 4)),
      409,
      "batch-conflict",
    );
    expect(conflict.detail).toBe(`Batch 1 of sync ${syncId} was already received with a different payload`);
    // Other records sent as CSV are a different payload.
    const asCsv = await call("PUT", `${base()}/syncs/${syncId}/batches/1`, {
      key: ingest,
      raw: "emailId,firstName,role\nuser1@example.com,U1,USER\n",
      headers: { "content-type": "text/csv" },
    });
    await expectProblem(asCsv, 409, "batch-conflict");
    expect((await putBatch(base(), ingest, syncId, 2, users(4, 4))).status).toBe(200);
    // The same records with a charset parameter and other whitespace: the same batch, replayed.
    const spaced = await call("PUT", `${base()}/syncs/${syncId}/batches/2`, {
      key: ingest,
      raw: `\n ${JSON.stringify({ data: users(4, 4) }, null, 1)} `,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(spaced.status).toBe(200);
    expect(spaced.headers.get("idempotent-replayed")).toBe("true");
    const commit = await commitSync(base(), ingest, syncId, { expectedRecords: 4 });
    expect(commit.status).toBe(200);
    expect((await currentData(base(), ingest)).data).toEqual(users(1, 4));
  });

  it("concurrent retries of one seq store it once", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const answers = await Promise.all([1, 2, 3].map(() => putBatch(base(), ingest, syncId, 1, users(1, 5))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await commitSync(base(), ingest, syncId, { expectedRecords: 5 })).status).toBe(200);
    expect((await currentData(base(), ingest)).data).toHaveLength(5);
  });
});

describe("commit idempotency", () => {
  it("committing twice answers the same version and creates no second one", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 2));
    const first = await json<Record<string, unknown>>(await commitSync(base(), ingest, syncId));
    expect(first).toMatchObject({ syncId, version: 1, recordCount: 2 });
    const second = await commitSync(base(), ingest, syncId);
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(second)).toEqual({
      syncId,
      version: 1,
      recordCount: 2,
      committedAt: first.committedAt,
      warnings: [],
      warningCount: 0,
      replayed: true,
    });
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
    expect((await currentData(base(), ingest)).data).toEqual(users(1, 2));
  });

  it("concurrent commits of one sync make exactly one version", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 2));
    const answers = await Promise.all([1, 2, 3].map(() => commitSync(base(), ingest, syncId)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const versions = await Promise.all(answers.map((a) => json<{ version: number }>(a)));
    expect(versions.map((v) => v.version)).toEqual([1, 1, 1]);
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
  });

  it("a batch after the commit is refused and changes nothing", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 2));
    await commitSync(base(), ingest, syncId);
    const problem = await expectProblem(
      await putBatch(base(), ingest, syncId, 2, users(3, 3)),
      409,
      "sync-committed",
    );
    expect(problem.detail).toBe(
      `Sync ${syncId} is already committed as version 1; start a new sync to upload again`,
    );
    expect((await currentData(base(), ingest)).data).toEqual(users(1, 2));
  });
});
