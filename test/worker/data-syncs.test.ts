// Syncs: competing syncs (one wins whole), missing batches and count checks, abort, expiry under
// a controlled clock, and the Cron Trigger's cleanup.
import { afterEach, describe, expect, it, vi } from "vitest";
import { runMaintenance } from "../../worker/scheduled.ts";
import {
  commitSync,
  currentData,
  dataWorld,
  putBatch,
  snapshot,
  startSync,
  submit,
  user,
  users,
  versionNumbers,
} from "./data-helpers.ts";
import { call, env, expectProblem, json } from "./helpers.ts";

afterEach(() => {
  vi.useRealTimers();
});

const emails = (records: unknown[]) => (records as { emailId: string }[]).map((r) => r.emailId);

describe("two syncs committing to one context", () => {
  it("in turn: the later commit wins whole, the versions list shows both in order", async () => {
    const { base, ingest } = await dataWorld();
    const a = await startSync(base(), ingest);
    const b = await startSync(base(), ingest);
    // Interleaved batches; overlapping keys between the syncs are fine (each is its own snapshot).
    await putBatch(base(), ingest, a, 1, users(1, 3));
    await putBatch(base(), ingest, b, 1, users(2, 2));
    await putBatch(base(), ingest, a, 2, users(4, 5));
    await putBatch(base(), ingest, b, 2, [user(100), user(101)]);
    const ca = await json<{ version: number }>(await commitSync(base(), ingest, a));
    expect(ca.version).toBe(1);
    expect(emails((await currentData(base(), ingest)).data)).toEqual(emails(users(1, 5)));
    const cb = await json<{ version: number }>(await commitSync(base(), ingest, b));
    expect(cb.version).toBe(2);
    expect(emails((await currentData(base(), ingest)).data)).toEqual(emails([user(2), user(100), user(101)]));
    const versions = await json<{
      data: { version: number; recordCount: number; source: string; current: boolean }[];
    }>(await call("GET", `${base()}/versions`, { key: ingest }));
    expect(versions.data.map((v) => [v.version, v.recordCount, v.source, v.current])).toEqual([
      [2, 3, "sync", true],
      [1, 5, "sync", false],
    ]);
  });

  it("at once: one commit wins whole, the other is refused as it checked another dataset; never a mix", async () => {
    const { base, ingest } = await dataWorld();
    const a = await startSync(base(), ingest);
    const b = await startSync(base(), ingest);
    const recordsA = users(1, 40);
    const recordsB = users(41, 70);
    await Promise.all([
      putBatch(base(), ingest, a, 1, recordsA.slice(0, 20)),
      putBatch(base(), ingest, b, 1, recordsB.slice(0, 15)),
      putBatch(base(), ingest, a, 2, recordsA.slice(20)),
      putBatch(base(), ingest, b, 2, recordsB.slice(15)),
    ]);
    const [ra, rb] = await Promise.all([commitSync(base(), ingest, a), commitSync(base(), ingest, b)]);
    // Each commit checked what it replaces (nothing yet); the one that lands second would replace
    // the other's version unseen, so it is refused and nothing of it is stored.
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const [won, lost] = ra.status === 200 ? [ra, rb] : [rb, ra];
    expect((await json<{ version: number }>(won)).version).toBe(1);
    // Refused either as it raced the other commit (dataset-changed) or, when it looked after the
    // other landed, as it would remove every record of that version without a yes.
    expect([
      "https://intake.dev/problems/dataset-changed",
      "https://intake.dev/problems/replacement-unconfirmed",
    ]).toContain((await json<{ type: string }>(lost)).type);
    const winner = won === ra ? recordsA : recordsB;
    const current = await currentData(base(), ingest);
    expect(current.version).toBe(1);
    expect(emails(current.data)).toEqual(emails(winner));
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
  });

  it("a sync and a one-shot racing: one wins whole", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 10));
    const [commit, oneShot] = await Promise.all([
      commitSync(base(), ingest, syncId),
      call("POST", `${base()}/records`, { key: ingest, body: users(50, 52) }),
    ]);
    expect([commit.status, oneShot.status]).toEqual([200, 201]);
    const syncWon = (await json<{ version: number }>(commit)).version === 2;
    expect(emails((await currentData(base(), ingest)).data)).toEqual(
      emails(syncWon ? users(1, 10) : users(50, 52)),
    );
  });
});

describe("commit checks", () => {
  it("missing batches: 409 listing the missing seqs; nothing changes; commit works once they arrive", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 1));
    const before = await snapshot(base(), ingest);
    const syncId = await startSync(base(), ingest);
    for (const seq of [1, 3, 5]) await putBatch(base(), ingest, syncId, seq, [user(seq * 10)]);
    const problem = await expectProblem(await commitSync(base(), ingest, syncId), 409, "batches-missing");
    expect(problem.missing).toEqual([2, 4]);
    expect(problem.detail).toBe(`Batches 2, 4 of sync ${syncId} were never received`);
    expect(await snapshot(base(), ingest)).toEqual(before);
    for (const seq of [2, 4]) await putBatch(base(), ingest, syncId, seq, [user(seq * 10)]);
    const commit = await commitSync(base(), ingest, syncId, { expectedRecords: 5 });
    expect(commit.status).toBe(200);
    expect(emails((await currentData(base(), ingest)).data)).toEqual(
      emails([10, 20, 30, 40, 50].map((i) => user(i))),
    );
  });

  it("count mismatch: 409 with both counts; nothing changes; the right count commits", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 1));
    const before = await snapshot(base(), ingest);
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 3));
    await putBatch(base(), ingest, syncId, 2, users(4, 4));
    const problem = await expectProblem(
      await commitSync(base(), ingest, syncId, { expectedRecords: 5 }),
      409,
      "count-mismatch",
    );
    expect(problem).toMatchObject({
      detail: "Expected 5 records but the batches hold 4",
      expectedRecords: 5,
      receivedRecords: 4,
    });
    expect(await snapshot(base(), ingest)).toEqual(before);
    expect((await commitSync(base(), ingest, syncId, { expectedRecords: 4 })).status).toBe(200);
  });

  it.each([["0"], ["-1"], ["1.5"], ["abc"], ["100001"], ["011"], ["0xb"], ["1e1"], ["Infinity"]])(
    "refuses the batch seq %s",
    async (seq) => {
      const { base, ingest } = await dataWorld();
      const syncId = await startSync(base(), ingest);
      const problem = await expectProblem(
        await call("PUT", `${base()}/syncs/${syncId}/batches/${seq}`, { key: ingest, body: users(1, 1) }),
        400,
        "bad-request",
      );
      expect(problem.detail).toBe(
        `The batch seq must be a whole number from 1 to 100000 written in plain digits; got "${seq}"`,
      );
    },
  );

  it("an unknown sync, or one of another context, is a 404 on batch, commit and abort", async () => {
    const world = await dataWorld(["saas_users", "vendors"]);
    const syncId = await startSync(world.base("vendors"), world.ingest);
    for (const id of ["syn_00000000000000000000000000000000", syncId]) {
      const base = world.base("saas_users");
      const responses = [
        await putBatch(base, world.ingest, id, 1, users(1, 1)),
        await commitSync(base, world.ingest, id),
        await call("DELETE", `${base}/syncs/${id}`, { key: world.ingest }),
      ];
      for (const r of responses) {
        const problem = await expectProblem(r, 404, "not-found");
        expect(problem.detail).toBe(`Sync "${id}" was not found`);
      }
    }
  });
});

describe("abort", () => {
  it("refuses later batches and commits with 409, and nothing becomes visible", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 1));
    const before = await snapshot(base(), ingest);
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(5, 6));
    const aborted = await call("DELETE", `${base()}/syncs/${syncId}`, { key: ingest });
    expect(aborted.status).toBe(204);
    const batch = await expectProblem(
      await putBatch(base(), ingest, syncId, 2, users(7, 7)),
      409,
      "sync-aborted",
    );
    expect(batch.detail).toBe(`Sync ${syncId} was aborted; start a new sync`);
    // Even a retry of an already-received batch is refused once aborted.
    await expectProblem(await putBatch(base(), ingest, syncId, 1, users(5, 6)), 409, "sync-aborted");
    await expectProblem(await commitSync(base(), ingest, syncId), 409, "sync-aborted");
    // Aborting again is harmless.
    expect((await call("DELETE", `${base()}/syncs/${syncId}`, { key: ingest })).status).toBe(204);
    expect(await snapshot(base(), ingest)).toEqual(before);
  });

  it("a committed sync cannot be aborted", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 1));
    await commitSync(base(), ingest, syncId);
    const problem = await expectProblem(
      await call("DELETE", `${base()}/syncs/${syncId}`, { key: ingest }),
      409,
      "sync-committed",
    );
    expect(problem.detail).toBe(`Sync ${syncId} is already committed; restore an earlier version instead`);
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
  });
});

async function setRow(db: D1Database, setId: string) {
  return db
    .prepare(
      "SELECT (SELECT COUNT(*) FROM record_sets WHERE id = ?1) AS sets, (SELECT COUNT(*) FROM records WHERE set_id = ?1) AS records",
    )
    .bind(setId)
    .first<{ sets: number; records: number }>();
}

async function syncRow(db: D1Database, syncId: string) {
  return db
    .prepare("SELECT status, set_id, expires_at FROM syncs WHERE id = ?1")
    .bind(syncId)
    .first<{ status: string; set_id: string; expires_at: string }>();
}

describe("expiry", () => {
  it("a sync expires after SYNC_TTL_HOURS (24 h) under a controlled clock: batch and commit get 410", async () => {
    const t0 = new Date(Date.now() + 3_600_000);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    const { base, ingest } = await dataWorld();
    const created = await call("POST", `${base()}/syncs`, { key: ingest });
    const { syncId, expiresAt } = await json<{ syncId: string; expiresAt: string }>(created);
    expect(expiresAt).toBe(new Date(t0.getTime() + 24 * 3_600_000).toISOString());
    await putBatch(base(), ingest, syncId, 1, users(1, 2));
    vi.setSystemTime(new Date(t0.getTime() + 24 * 3_600_000 - 1));
    expect((await putBatch(base(), ingest, syncId, 2, users(3, 3))).status).toBe(200);
    vi.setSystemTime(new Date(t0.getTime() + 24 * 3_600_000));
    const batch = await expectProblem(
      await putBatch(base(), ingest, syncId, 3, users(4, 4)),
      410,
      "sync-expired",
    );
    expect(batch.detail).toBe(
      `Sync ${syncId} expired at ${expiresAt} before it was committed; start a new sync`,
    );
    await expectProblem(await commitSync(base(), ingest, syncId), 410, "sync-expired");
    expect((await currentData(base(), ingest)).version).toBeNull();
  });

  it("a sync whose expiry passed (row rewritten) is refused; maintenance expires it and deletes its records", async () => {
    const { db, base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 2));
    const before = await snapshot(base(), ingest);
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(3, 5));
    const row = await syncRow(db, syncId);
    expect(await setRow(db, row?.set_id as string)).toEqual({ sets: 1, records: 3 });
    const past = new Date(Date.now() - 1000).toISOString();
    await db.prepare("UPDATE syncs SET expires_at = ?2 WHERE id = ?1").bind(syncId, past).run();
    await expectProblem(await putBatch(base(), ingest, syncId, 2, users(6, 6)), 410, "sync-expired");
    await expectProblem(await commitSync(base(), ingest, syncId), 410, "sync-expired");

    const result = await runMaintenance(env, new Date());
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect((await syncRow(db, syncId))?.status).toBe("expired");
    // Sets are cleaned a bounded number per run; a few runs reach this one whatever else the file left.
    for (let run = 0; run < 10 && (await setRow(db, row?.set_id as string))?.sets; run++)
      await runMaintenance(env, new Date());
    expect(await setRow(db, row?.set_id as string)).toEqual({ sets: 0, records: 0 });
    // Still refused (now by status), and the committed dataset is untouched.
    await expectProblem(await putBatch(base(), ingest, syncId, 2, users(6, 6)), 410, "sync-expired");
    expect(await snapshot(base(), ingest)).toEqual(before);
  });

  it("maintenance keeps an open sync's records and removes an aborted sync's; a commit moves its records into the version", async () => {
    const { db, base, ingest } = await dataWorld();
    const open = await startSync(base(), ingest);
    await putBatch(base(), ingest, open, 1, users(1, 1));
    const committed = await startSync(base(), ingest);
    await putBatch(base(), ingest, committed, 1, users(2, 3));
    await commitSync(base(), ingest, committed);
    const aborted = await startSync(base(), ingest);
    await putBatch(base(), ingest, aborted, 1, users(4, 4));
    await call("DELETE", `${base()}/syncs/${aborted}`, { key: ingest });
    const sets = {
      open: (await syncRow(db, open))?.set_id as string,
      committed: (await syncRow(db, committed))?.set_id as string,
      aborted: (await syncRow(db, aborted))?.set_id as string,
    };
    for (let run = 0; run < 10 && (await setRow(db, sets.aborted))?.sets; run++)
      await runMaintenance(env, new Date());
    expect(await setRow(db, sets.aborted)).toEqual({ sets: 0, records: 0 });
    expect(await setRow(db, sets.open)).toEqual({ sets: 1, records: 1 });
    // The committed sync's staged copy went with its commit; the version holds the records.
    expect(await setRow(db, sets.committed)).toEqual({ sets: 0, records: 0 });
    expect((await syncRow(db, open))?.status).toBe("open");
    expect((await putBatch(base(), ingest, open, 2, users(5, 5))).status).toBe(200);
    expect(emails((await currentData(base(), ingest)).data)).toEqual(emails(users(2, 3)));
  });

  it("the scheduled handler runs the same maintenance", async () => {
    const { db, base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await db
      .prepare("UPDATE syncs SET expires_at = ?2 WHERE id = ?1")
      .bind(syncId, new Date(Date.now() - 1000).toISOString())
      .run();
    const worker = (await import("../../worker/index.ts")).default;
    const waits: Promise<unknown>[] = [];
    await worker.scheduled(
      { cron: "*/15 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController,
      env,
      {
        waitUntil: (p: Promise<unknown>) => waits.push(p),
        passThroughOnException() {},
        props: {},
      } as unknown as ExecutionContext,
    );
    await Promise.all(waits);
    expect((await syncRow(db, syncId))?.status).toBe("expired");
  });
});
