// A commit too large for one request is written in steps (worker/domain/commit-steps.ts): the sync
// is `committing`, the dataset serves its current version and refuses every other change until the
// last step; a step that fails is run again from where the last one landed, a step replayed after
// it landed writes nothing, and the version that appears is exactly the upload.
import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../extension/api-client.ts";
import type { SyncCommitting } from "../../schemas/api-types.ts";
import { advanceStatement, closeRowsStatement, commitState } from "../../worker/db/commit-steps.ts";
import { advanceCommit } from "../../worker/domain/commit-steps.ts";
import { runMaintenance } from "../../worker/scheduled.ts";
import { commitSync, dataWorld, putBatch, startSync, submit, user, users } from "./data-helpers.ts";
import { call, createIntegration, createTenant, env, expectProblem, json, ORIGIN } from "./helpers.ts";

type Rec = Record<string, unknown>;
const canonical = (records: Rec[]) =>
  records.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort()))).sort();

/** Every record of version `version` (or the current one), pages of 9. */
async function readAll(base: string, key: string, version?: number): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | null = null;
  do {
    const query = `${version ? `version=${version}&` : ""}limit=9${cursor ? `&cursor=${cursor}` : ""}`;
    const page: { data: Rec[]; nextCursor: string | null } = await json(
      await call("GET", `${base}/records?${query}`, { key }),
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const settings = { COMMIT_INLINE_ROWS: env.COMMIT_INLINE_ROWS, COMMIT_STEP_ROWS: env.COMMIT_STEP_ROWS };
beforeAll(() => {
  // Small enough that these uploads are committed in steps of a few rows.
  env.COMMIT_INLINE_ROWS = "30";
  env.COMMIT_STEP_ROWS = "7";
});
afterAll(() => Object.assign(env, settings));

/** Version 1 (40 users, submitted) and a sync that changes 10, removes 5 and adds 8: 33 rows to write. */
async function secondUpload() {
  const world = await dataWorld();
  const base = world.base();
  const first = users(1, 40);
  expect(await submit(base, world.ingest, first)).toBe(1);
  const second: Rec[] = [
    ...users(1, 35).map((r, i) => (i < 10 ? { ...r, firstName: `Changed ${i}` } : r)),
    ...users(41, 48),
  ];
  const syncId = await startSync(base, world.ingest);
  for (const [i, from] of [0, 15, 30].entries())
    expect((await putBatch(base, world.ingest, syncId, i + 1, second.slice(from, from + 15))).status).toBe(
      200,
    );
  return { ...world, base, first, second, syncId, message: { ...world, context: "saas_users", syncId } };
}

describe("a commit in steps", () => {
  it("serves the current version and refuses other changes until its last step; a failed step resumes; the version is the upload", async () => {
    const w = await secondUpload();
    const before = await readAll(w.base, w.ingest);
    // Rows cannot be opened while this trigger stands: the commit stops at its first open step.
    await w.db
      .prepare("CREATE TRIGGER hold BEFORE INSERT ON dataset_rows BEGIN SELECT RAISE(ABORT, 'held'); END")
      .run();
    try {
      const begun = await commitSync(w.base, w.ingest, w.syncId, {
        confirmReplacement: true,
        expectedRecords: 43,
      });
      expect(begun.status).toBe(202);
      expect(begun.headers.get("retry-after")).toBe("2");
      expect(begun.headers.get("location")).toBe(`${w.base}/syncs/${w.syncId}`);
      const body = await json(begun);
      expect(body).toMatchObject({ syncId: w.syncId, status: "committing", version: 2, retryAfter: 2 });
      expect(body.progress).toEqual({ done: 0, total: 33 });

      await expect(advanceCommit(env, w.message, { steps: 50 })).rejects.toThrow(/held/);
      const state = await commitState(w.db, w.message, w.syncId);
      expect(state?.phase).toBe("open");
      // Closed rows carry version 2, which does not exist: every reader still sees version 1.
      const closed = await w.db
        .prepare("SELECT COUNT(*) AS n FROM dataset_rows WHERE store = ?1 AND v1 = 2")
        .bind(state?.plan.store)
        .first<{ n: number }>();
      expect(closed?.n).toBe(15);
      expect(await readAll(w.base, w.ingest)).toEqual(before);
      expect(await readAll(w.base, w.ingest, 1)).toEqual(before);
      const versions = await json<{ data: { version: number }[] }>(
        await call("GET", `${w.base}/versions`, { key: w.ingest }),
      );
      expect(versions.data.map((v) => v.version)).toEqual([1]);
      expect(
        await json(await call("GET", `${w.base}/records?version=2`, { key: w.ingest })).then((r) => r.status),
      ).toBe(404);
      const info = await json(await call("GET", `${w.base}/syncs/${w.syncId}`, { key: w.ingest }));
      expect(info).toMatchObject({ status: "committing", version: 2, batches: 3, records: 43 });
      expect(info.progress).toEqual({ done: 15, total: 33 });

      // Nothing else changes the dataset meanwhile, each refusal saying so.
      await expectProblem(await putBatch(w.base, w.ingest, w.syncId, 4, [user(99)]), 409, "sync-committing");
      await expectProblem(
        await call("DELETE", `${w.base}/syncs/${w.syncId}`, { key: w.ingest }),
        409,
        "sync-committing",
      );
      const other = await startSync(w.base, w.ingest);
      expect((await putBatch(w.base, w.ingest, other, 1, users(1, 3))).status).toBe(200);
      const refused = await commitSync(w.base, w.ingest, other, { confirmReplacement: true });
      const problem = await expectProblem(refused, 409, "dataset-committing");
      expect(refused.headers.get("retry-after")).toBe("2");
      expect(problem.syncId).toBe(w.syncId);
      await expectProblem(
        await call("GET", `${w.base}/syncs/${other}/diff`, { key: w.ingest }),
        409,
        "dataset-committing",
      );
      await expectProblem(
        await call("POST", `${w.base}/records`, { key: w.ingest, body: { data: [user(1)] } }),
        409,
        "dataset-committing",
      );
      await expectProblem(
        await call("POST", `${w.base}/versions/1/restore`, { key: w.ingest }),
        409,
        "dataset-committing",
      );
      await expectProblem(
        await call("GET", `${w.base}/versions/1/diff`, { key: w.ingest }),
        409,
        "dataset-committing",
      );
      // Asking again answers where it stands.
      expect((await commitSync(w.base, w.ingest, w.syncId, { confirmReplacement: true })).status).toBe(202);
    } finally {
      await w.db.prepare("DROP TRIGGER IF EXISTS hold").run();
    }

    // The step that failed runs again, and the rest after it.
    for (let i = 0; i < 20 && (await commitState(w.db, w.message, w.syncId)); i++)
      await advanceCommit(env, w.message, { steps: 5 });
    const done = await commitSync(w.base, w.ingest, w.syncId, { expectedRecords: 43 });
    expect(done.status).toBe(200);
    expect(await json(done)).toMatchObject({ syncId: w.syncId, version: 2, recordCount: 43 });
    expect(canonical(await readAll(w.base, w.ingest))).toEqual(canonical(w.second));
    expect(canonical(await readAll(w.base, w.ingest, 2))).toEqual(canonical(w.second));
    expect(await readAll(w.base, w.ingest, 1)).toEqual(before);
    // Written once each: 10 changed and 8 added rows opened, 15 closed.
    const rows = await w.db
      .prepare(
        "SELECT SUM(v0 = 2) AS opened, SUM(v1 = 2) AS closed FROM dataset_rows WHERE store = (SELECT store FROM dataset_rows WHERE v0 = 2 LIMIT 1)",
      )
      .first<{ opened: number; closed: number }>();
    expect(rows).toEqual({ opened: 18, closed: 15 });
    const info = await json(await call("GET", `${w.base}/syncs/${w.syncId}`, { key: w.ingest }));
    expect(info).toMatchObject({ status: "committed", version: 2 });
    expect(info.progress).toBeUndefined();
    const history = await json<{
      data: { kind: string; outcome: string; syncId: string | null; version: number | null }[];
    }>(await call("GET", `/v1/integrations/${w.integrationId}/ingestions`, { key: w.admin }));
    const commits = history.data.filter((h) => h.kind === "commit" && h.syncId === w.syncId);
    expect(commits).toEqual([expect.objectContaining({ outcome: "success", version: 2 })]);
    // The dataset takes changes again.
    expect(await submit(w.base, w.ingest, users(1, 5))).toBe(3);
  });

  it("a step replayed after it landed writes nothing", async () => {
    const w = await secondUpload();
    // The queue's messages are kept here, so that no step runs but this test's.
    const queue = env.COMMITS;
    const sent: unknown[] = [];
    env.COMMITS = { send: async (body: unknown) => void sent.push(body) } as unknown as Queue;
    try {
      expect((await commitSync(w.base, w.ingest, w.syncId, { confirmReplacement: true })).status).toBe(202);
    } finally {
      env.COMMITS = queue;
    }
    expect(sent).toEqual([
      { tenantId: w.tenantId, integrationId: w.integrationId, context: "saas_users", syncId: w.syncId },
    ]);
    const state = await commitState(w.db, w.message, w.syncId);
    if (!state) throw new Error("not committing");
    expect(state.phase).toBe("close");
    const step = () =>
      w.db.batch([
        closeRowsStatement(w.db, state, state.plan.planTo),
        advanceStatement(w.db, state, {
          phase: "close",
          cursor: state.plan.planTo,
          now: "x",
          counted: true,
        }),
      ]);
    const first = await step();
    expect(first.map((r) => r.meta.changes)).toEqual([15, 1]);
    const again = await step();
    expect(again.map((r) => r.meta.changes)).toEqual([0, 0]);
    expect((await commitState(w.db, w.message, w.syncId))?.done).toBe(15);
  });

  it("after a schema revision the first step plans the difference again; the version is labelled with the revision", async () => {
    const tenant = await createTenant("Replan");
    const badges = (statuses: string[]) => ({
      title: "Door badges",
      category: "Facilities",
      schema: {
        type: "object",
        properties: { badgeId: { type: "string" }, status: { type: "string", enum: statuses } },
        required: ["badgeId"],
        "x-intake-key": ["badgeId"],
      },
    });
    const created = await call("POST", "/v1/contexts", {
      key: tenant.admin,
      body: { name: "badges", ...badges(["A", "B", "C"]) },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const integrationId = await createIntegration(tenant.admin, ["badges"], "Doors");
    const base = `/v1/integrations/${integrationId}/contexts/badges`;
    const records = Array.from({ length: 45 }, (_, i) => ({
      badgeId: `B${100 + i}`,
      status: i % 2 ? "A" : "B",
    }));
    // Version 1: 30 of them, all A; the sync changes half of those, adds 15 and removes none.
    expect(
      await submit(
        base,
        tenant.admin,
        records.slice(0, 30).map((r) => ({ ...r, status: "A" })),
      ),
    ).toBe(1);
    const syncId = await startSync(base, tenant.admin);
    for (const [i, from] of [0, 15, 30].entries())
      expect((await putBatch(base, tenant.admin, syncId, i + 1, records.slice(from, from + 15))).status).toBe(
        200,
      );
    // C is no longer allowed: a REVISION; the staged records are checked again at the commit.
    expect(
      (await call("PUT", "/v1/contexts/badges", { key: tenant.admin, body: badges(["A", "B"]) })).status,
    ).toBe(200);
    const queue = env.COMMITS;
    env.COMMITS = { send: async () => {} } as unknown as Queue;
    try {
      expect((await commitSync(base, tenant.admin, syncId, { confirmReplacement: true })).status).toBe(202);
    } finally {
      env.COMMITS = queue;
    }
    const message = { tenantId: tenant.tenantId, integrationId, context: "badges", syncId };
    expect((await commitState(tenant.db, message, syncId))?.phase).toBe("plan");
    expect(await advanceCommit(env, message, { steps: 100 })).toBe("done");
    expect(canonical(await readAll(base, tenant.admin))).toEqual(canonical(records));
    const versions = await json<{ data: { version: number; schemaId: string }[] }>(
      await call("GET", `${base}/versions`, { key: tenant.admin }),
    );
    expect(versions.data).toMatchObject([
      { version: 2, schemaId: `urn:intake:${tenant.tenantId}.badges:1-1-0` },
      { version: 1, schemaId: `urn:intake:${tenant.tenantId}.badges:1-0-0` },
    ]);
    // Written once each: the 15 changed rows closed and opened again, the 15 new ones opened.
    const rows = await tenant.db
      .prepare(
        "SELECT SUM(v0 = 2) AS opened, SUM(v1 = 2) AS closed FROM dataset_rows WHERE store = (SELECT id FROM stores WHERE integration_id = ?1)",
      )
      .bind(integrationId)
      .first<{ opened: number; closed: number }>();
    expect(rows).toEqual({ opened: 30, closed: 15 });
  });

  it("a first version of many batches goes through the queue to committed", async () => {
    const world = await dataWorld();
    const base = world.base();
    const records = users(1, 60);
    const syncId = await startSync(base, world.ingest);
    for (const [i, from] of [0, 20, 40].entries())
      expect((await putBatch(base, world.ingest, syncId, i + 1, records.slice(from, from + 20))).status).toBe(
        200,
      );
    expect((await commitSync(base, world.ingest, syncId)).status).toBe(202);
    let answer = 202;
    for (let i = 0; i < 100 && answer === 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = (await commitSync(base, world.ingest, syncId)).status;
    }
    expect(answer).toBe(200);
    expect(await readAll(base, world.ingest)).toEqual(records);
  });

  it("the Cron Trigger sends a commit no step moved for two minutes back to the queue", async () => {
    const w = await secondUpload();
    await w.db
      .prepare("CREATE TRIGGER hold BEFORE INSERT ON dataset_rows BEGIN SELECT RAISE(ABORT, 'held'); END")
      .run();
    try {
      expect((await commitSync(w.base, w.ingest, w.syncId, { confirmReplacement: true })).status).toBe(202);
      await w.db
        .prepare("UPDATE syncs SET commit_touched_at = '2000-01-01T00:00:00.000Z' WHERE id = ?1")
        .bind(w.syncId)
        .run();
      expect((await runMaintenance(env, new Date())).resumed).toBe(1);
      // A committing sync never expires, however old.
      await runMaintenance(env, new Date(Date.now() + 30 * 86_400_000));
      const info = await json(await call("GET", `${w.base}/syncs/${w.syncId}`, { key: w.ingest }));
      expect(info.status).toBe("committing");
    } finally {
      await w.db.prepare("DROP TRIGGER hold").run();
    }
    let answer = 202;
    for (let i = 0; i < 100 && answer === 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = (await commitSync(w.base, w.ingest, w.syncId)).status;
    }
    expect(answer).toBe(200);
    expect(canonical(await readAll(w.base, w.ingest))).toEqual(canonical(w.second));
  });

  it("the extension's and the CLI's client asks again after each 202 until the commit answers", async () => {
    const world = await dataWorld();
    const base = world.base();
    const records = users(1, 45);
    const syncId = await startSync(base, world.ingest);
    for (const [i, from] of [0, 15, 30].entries())
      expect((await putBatch(base, world.ingest, syncId, i + 1, records.slice(from, from + 15))).status).toBe(
        200,
      );
    const waits: number[] = [];
    const client = createApiClient({
      baseUrl: ORIGIN,
      apiKey: world.ingest,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
      fetch: async (input, init) => exports.default.fetch(new Request(input, init)),
    });
    const seen: SyncCommitting[] = [];
    const committed = await client.commitSync(
      world.integrationId,
      "saas_users",
      syncId,
      { expectedRecords: 45 },
      { onCommitting: (state) => seen.push(state) },
    );
    expect(committed).toMatchObject({ syncId, version: 1, recordCount: 45 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ syncId, status: "committing", version: 1 });
    expect(waits.every((ms) => ms === 2000)).toBe(true);
    expect(await readAll(base, world.ingest)).toEqual(records);
  });
});
