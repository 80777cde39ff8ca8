// Moving a tenant to another data database (issue 21): copied in steps, verified, switched in one
// statement, the old copy deleted after. Reads keep the same answers at every step; writes are
// refused until the switch; a failing step resumes; a step run twice copies once; a copy that does
// not verify is made again and finally rolled back; the tenant's records and versions end the same.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dataDatabases } from "../../worker/domain/databases.ts";
import { advanceMove } from "../../worker/domain/move.ts";
import { runMaintenance } from "../../worker/scheduled.ts";
import { commitSync, type DataWorld, dataWorld, putBatch, startSync, submit, users } from "./data-helpers.ts";
import { call, createKey, env, expectProblem, inDays, json, OPERATOR } from "./helpers.ts";

const operator = { authorization: `Bearer ${OPERATOR}` };
const TABLES = [
  "integrations",
  "custom_contexts",
  "custom_context_revisions",
  "stores",
  "datasets",
  "versions",
  "record_sets",
  "syncs",
  "ingestions",
];

/** The tenant's rows per table in `db` (dataset rows and staged records through their parents). */
async function rowsIn(db: D1Database, tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES)
    out[table] =
      (
        await db
          .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?1`)
          .bind(tenantId)
          .first<{ n: number }>()
      )?.n ?? 0;
  out.dataset_rows =
    (
      await db
        .prepare(
          "SELECT COUNT(*) AS n FROM dataset_rows WHERE store IN (SELECT id FROM stores WHERE tenant_id = ?1)",
        )
        .bind(tenantId)
        .first<{ n: number }>()
    )?.n ?? 0;
  out.records =
    (
      await db
        .prepare(
          "SELECT COUNT(*) AS n FROM records WHERE set_id IN (SELECT id FROM record_sets WHERE tenant_id = ?1)",
        )
        .bind(tenantId)
        .first<{ n: number }>()
    )?.n ?? 0;
  return out;
}

/** Everything a reader sees of the tenant: every version's records, the versions, a custom context. */
async function view(w: DataWorld, versions: number[]): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const v of versions) {
    const page = await json<{ data: unknown[] }>(
      await call("GET", `${w.base()}/records?version=${v}&limit=1000`, { key: w.ingest }),
    );
    out[`v${v}`] = page.data;
  }
  const list = await json<{ data: { version: number; recordCount: number }[] }>(
    await call("GET", `${w.base()}/versions`, { key: w.ingest }),
  );
  out.versions = list.data.map((v) => [v.version, v.recordCount]);
  const context = await call("GET", "/v1/contexts/badges/schema", { key: w.admin });
  out.context = context.status === 200 ? await context.json() : context.status;
  out.csv = await (await call("GET", `${w.base()}/records.csv`, { key: w.ingest })).text();
  return out;
}

let queue: Queue;
const sent: unknown[] = [];
const grace = env.MOVE_GRACE_SECONDS;
beforeAll(() => {
  // The queue's messages are kept here, so that only this file's calls run the steps.
  queue = env.MOVES;
  env.MOVES = { send: async (body: unknown) => void sent.push(body) } as unknown as Queue;
  env.MOVE_GRACE_SECONDS = "0";
});
afterAll(() => {
  env.MOVES = queue;
  env.MOVE_GRACE_SECONDS = grace;
});
afterEach(() => {
  sent.length = 0;
});

/** A tenant with a custom context, two versions (a submit and a sync), an open sync with a staged batch, and history. */
async function richTenant(): Promise<{ w: DataWorld; openSync: string }> {
  const w = await dataWorld(["saas_users"]);
  const badges = await call("POST", "/v1/contexts", {
    key: w.admin,
    body: {
      name: "badges",
      title: "Door badges",
      category: "Facilities",
      schema: {
        type: "object",
        properties: { badgeId: { type: "string" }, holder: { type: "string" } },
        required: ["badgeId"],
        "x-intake-key": ["badgeId"],
      },
    },
  });
  expect(badges.status, await badges.clone().text()).toBe(201);
  expect(await submit(w.base(), w.ingest, users(1, 30))).toBe(1);
  const sync = await startSync(w.base(), w.ingest);
  expect((await putBatch(w.base(), w.ingest, sync, 1, users(10, 45))).status).toBe(200);
  expect((await commitSync(w.base(), w.ingest, sync, { confirmReplacement: true })).status).toBe(200);
  const openSync = await startSync(w.base(), w.ingest);
  expect((await putBatch(w.base(), w.ingest, openSync, 1, users(40, 50))).status).toBe(200);
  return { w, openSync };
}

const elsewhere = (database: string) =>
  (dataDatabases(env).find((d) => d.name !== database) as { name: string }).name;

const move = (tenantId: string, database: unknown) =>
  call("POST", `/v1/tenants/${tenantId}/move`, { headers: operator, body: { database } });

// The tests that step a move through read the whole tenant after every step: seconds on a busy machine.
describe("moving a tenant", () => {
  it("serves the same reads at every step, refuses writes until the switch, and ends with the same records and versions on the target only", async () => {
    const { w, openSync } = await richTenant();
    const target = elsewhere(w.database);
    const before = await view(w, [1, 2]);
    const rowsBefore = await rowsIn(w.db, w.tenantId);
    // A reader half-way through the pages of version 2 when the move begins.
    const firstPage = await json<{ nextCursor: string }>(
      await call("GET", `${w.base()}/records?version=2&limit=5`, { key: w.ingest }),
    );
    expect(firstPage.nextCursor).toMatch(new RegExp(`^v2\\.\\d+\\.${w.database}$`));
    const started = await move(w.tenantId, target);
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/v1/tenants/${w.tenantId}`);
    expect(await json(started)).toMatchObject({
      id: w.tenantId,
      database: w.database,
      move: { source: w.database, target, phase: "clear-retry", attempts: 0 },
    });
    expect(sent).toEqual([{ tenantId: w.tenantId }]);
    // A second move while this one runs is refused.
    await expectProblem(await move(w.tenantId, target), 409, "move-running");

    // Writes to the tenant's data wait (503 + Retry-After); its keys stay manageable.
    const refused = await call("POST", `${w.base()}/records`, { key: w.ingest, body: { data: users(1, 2) } });
    await expectProblem(refused, 503, "tenant-moving");
    expect(refused.headers.get("retry-after")).toBe("30");
    await expectProblem(await putBatch(w.base(), w.ingest, openSync, 2, users(51, 52)), 503, "tenant-moving");
    expect((await createKey(w.admin, { expiresAt: inDays(5) })).id).toMatch(/^key_/);

    const phases = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const result = await advanceMove(env, w.tenantId, { steps: 1 });
      const info = await json<{ database: string; move: { phase: string } }>(
        await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }),
      );
      phases.add(info.move.phase);
      // Every reader sees the same data, from one database or the other.
      expect(await view(w, [1, 2])).toEqual(before);
      if (result.kind === "done") break;
    }
    expect([...phases]).toEqual(["copy", "verify", "cleanup", "done"]);
    const after = await json<{ database: string; move: { phase: string; records: number } }>(
      await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }),
    );
    expect(after.database).toBe(target);
    expect(after.move.phase).toBe("done");
    const targetDb = (dataDatabases(env).find((d) => d.name === target) as { db: D1Database }).db;
    // The same rows on the target, none left on the source (the tenant row of a data database too).
    expect(await rowsIn(targetDb, w.tenantId)).toEqual(rowsBefore);
    expect(Object.values(await rowsIn(w.db, w.tenantId)).every((n) => n === 0)).toBe(true);
    expect(
      (
        await w.db
          .prepare("SELECT COUNT(*) AS n FROM tenants WHERE id = ?1")
          .bind(w.tenantId)
          .first<{ n: number }>()
      )?.n,
    ).toBe(0);
    expect(after.move.records).toBeGreaterThan(rowsBefore.dataset_rows as number);
    expect(await view(w, [1, 2])).toEqual(before);
    // Its positions belonged to the old database: that reader is told to start again, not given another page.
    await expectProblem(
      await call("GET", `${w.base()}/records?version=2&limit=5&cursor=${firstPage.nextCursor}`, {
        key: w.ingest,
      }),
      409,
      "dataset-moved",
    );

    // Writes go on, on the target: the open sync takes its next batch and commits as version 3.
    expect((await putBatch(w.base(), w.ingest, openSync, 2, users(51, 52))).status).toBe(200);
    const committed = await commitSync(w.base(), w.ingest, openSync, { confirmReplacement: true });
    expect(committed.status, await committed.clone().text()).toBe(200);
    const current = await json<{ version: number; data: { emailId: string }[] }>(
      await call("GET", `${w.base()}/records?limit=1000`, { key: w.ingest }),
    );
    expect(current.version).toBe(3);
    expect(current.data.map((r) => r.emailId)).toEqual(users(40, 52).map((u) => u.emailId));
    expect(await rowsIn(w.db, w.tenantId)).toEqual(
      Object.fromEntries(Object.keys(rowsBefore).map((k) => [k, 0])),
    );
  }, 60_000);

  it("a failing step resumes where the last one landed, and a step run twice copies once", async () => {
    const { w } = await richTenant();
    const target = elsewhere(w.database);
    const targetDb = (dataDatabases(env).find((d) => d.name === target) as { db: D1Database }).db;
    const rowsBefore = await rowsIn(w.db, w.tenantId);
    expect((await move(w.tenantId, target)).status).toBe(202);
    await targetDb
      .prepare("CREATE TRIGGER hold BEFORE INSERT ON dataset_rows BEGIN SELECT RAISE(ABORT, 'held'); END")
      .run();
    try {
      await expect(advanceMove(env, w.tenantId, { steps: 100 })).rejects.toThrow(/held/);
      // Still on the source, still readable, still refusing writes.
      const info = await json<{ database: string; move: { phase: string } }>(
        await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }),
      );
      expect(info).toMatchObject({ database: w.database, move: { phase: "copy" } });
      expect((await call("GET", `${w.base()}/records`, { key: w.ingest })).status).toBe(200);
    } finally {
      await targetDb.prepare("DROP TRIGGER hold").run();
    }
    // Two consumers at once (a redelivered message): each page lands once.
    for (let i = 0; i < 100; i++) {
      const [a, b] = await Promise.all([
        advanceMove(env, w.tenantId, { steps: 1 }),
        advanceMove(env, w.tenantId, { steps: 1 }),
      ]);
      if (a.kind === "done" || b.kind === "done" || a.kind === "gone") break;
    }
    const info = await json<{ database: string; move: { phase: string; attempts: number } }>(
      await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }),
    );
    expect(info).toMatchObject({ database: target, move: { phase: "done", attempts: 0 } });
    expect(await rowsIn(targetDb, w.tenantId)).toEqual(rowsBefore);
  }, 60_000);

  it("a copy that does not verify is made again, and after three tries rolled back: the tenant stays, whole", async () => {
    const { w } = await richTenant();
    const target = elsewhere(w.database);
    const targetDb = (dataDatabases(env).find((d) => d.name === target) as { db: D1Database }).db;
    const before = await view(w, [1, 2]);
    const rowsBefore = await rowsIn(w.db, w.tenantId);
    expect((await move(w.tenantId, target)).status).toBe(202);
    // Every copied ingestion loses its detail on the way: the sums differ.
    await targetDb
      .prepare(
        "CREATE TRIGGER spoil AFTER INSERT ON ingestions BEGIN UPDATE ingestions SET detail = NULL WHERE id = NEW.id; END",
      )
      .run();
    try {
      const phases: string[] = [];
      for (let i = 0; i < 500; i++) {
        const result = await advanceMove(env, w.tenantId, { steps: 1 });
        const m = (
          await json<{ move: { phase: string } }>(
            await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }),
          )
        ).move;
        if (phases[phases.length - 1] !== m.phase) phases.push(m.phase);
        if (result.kind === "done") break;
      }
      expect(phases).toEqual([
        "copy",
        "verify",
        "clear-retry",
        "copy",
        "verify",
        "clear-retry",
        "copy",
        "verify",
        "rollback",
        "rolled-back",
      ]);
    } finally {
      await targetDb.prepare("DROP TRIGGER spoil").run();
    }
    const info = await json<{ database: string; move: { phase: string; attempts: number; error: string } }>(
      await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }),
    );
    expect(info).toMatchObject({ database: w.database, move: { phase: "rolled-back", attempts: 3 } });
    expect(info.move.error).toMatch(/did not match its source \(try 3 of 3\)/);
    expect(await rowsIn(w.db, w.tenantId)).toEqual(rowsBefore);
    expect(Object.values(await rowsIn(targetDb, w.tenantId)).every((n) => n === 0)).toBe(true);
    expect(await view(w, [1, 2])).toEqual(before);
    // Writes are taken again; and the tenant can be moved again, whole this time.
    expect(await submit(w.base(), w.ingest, users(1, 3))).toBe(3);
    expect((await move(w.tenantId, target)).status).toBe(202);
    for (let i = 0; i < 200 && (await advanceMove(env, w.tenantId, { steps: 10 })).kind !== "done"; i++);
    expect(await json(await call("GET", `/v1/tenants/${w.tenantId}`, { headers: operator }))).toMatchObject({
      database: target,
      move: { phase: "done", attempts: 0 },
    });
  }, 60_000);

  it("refuses a move to where the tenant is, to a database that is not a data database, of an unknown tenant, and without the operator token", async () => {
    const w = await dataWorld();
    await expectProblem(await move(w.tenantId, w.database), 409, "already-there");
    for (const bad of ["DB", "DATA_9", 3, null])
      await expectProblem(await move(w.tenantId, bad), 422, "invalid-body");
    await expectProblem(await move("ten_missing", "DATA_0"), 404, "not-found");
    await expectProblem(
      await call("POST", `/v1/tenants/${w.tenantId}/move`, { key: w.admin, body: { database: "DATA_0" } }),
      401,
      "unauthorized",
    );
    expect(sent).toEqual([]);
  });

  it("maintenance leaves the two databases of a copy alone until it is done, then goes on", async () => {
    const w = await dataWorld();
    const target = elsewhere(w.database);
    const targetDb = (dataDatabases(env).find((d) => d.name === target) as { db: D1Database }).db;
    const syncId = await startSync(w.base(), w.ingest);
    expect((await putBatch(w.base(), w.ingest, syncId, 1, users(1, 3))).status).toBe(200);
    expect((await move(w.tenantId, target)).status).toBe(202);
    const later = new Date(Date.now() + 48 * 3_600_000);
    // The open sync is past its expiry, but its database is being copied from.
    const held = await runMaintenance(env, later);
    expect([...held.waiting].sort()).toEqual([w.database, target].sort());
    const status = (db: D1Database) =>
      db.prepare("SELECT status FROM syncs WHERE id = ?1").bind(syncId).first<{ status: string }>();
    expect(await status(w.db)).toEqual({ status: "open" });
    for (let i = 0; i < 100 && (await advanceMove(env, w.tenantId, { steps: 10 })).kind !== "done"; i++);
    const after = await runMaintenance(env, later);
    expect(after.waiting).toEqual([]);
    expect(await status(targetDb)).toEqual({ status: "expired" });
  }, 60_000);

  it("the Cron Trigger sends a move no step moved for two minutes back to the queue", async () => {
    const w = await dataWorld();
    expect((await move(w.tenantId, elsewhere(w.database))).status).toBe(202);
    sent.length = 0;
    await env.DB.prepare(
      "UPDATE tenant_moves SET touched_at = '2000-01-01T00:00:00.000Z' WHERE tenant_id = ?1",
    )
      .bind(w.tenantId)
      .run();
    expect((await runMaintenance(env, new Date())).resumedMoves).toBeGreaterThanOrEqual(1);
    expect(sent).toContainEqual({ tenantId: w.tenantId });
  });
});
