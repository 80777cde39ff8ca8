// Sync integrity: terminal states no route leaves, writes guarded by "the sync is still open"
// inside their own transaction, file rows in batch reports, unambiguous record keys, and a
// property test over random interleavings of batches, commits, aborts, retries and the cron.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ContextSchema, getSchema } from "../../schemas/index.ts";
import type { DatasetRef } from "../../worker/db/dataset-ref.ts";
import { commitVersionStatements, versionBySource } from "../../worker/db/datasets.ts";
import { getStore } from "../../worker/db/stores.ts";
import { getSync, insertBatchStatement } from "../../worker/db/syncs.ts";
import { runMaintenance } from "../../worker/scheduled.ts";
import { prng as random } from "../prng.ts";
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
import { call, expectProblem, json } from "./helpers.ts";

const emails = (records: unknown[]) => (records as { emailId: string }[]).map((r) => r.emailId);

interface Committed {
  syncId: string;
  version: number;
  recordCount: number;
  committedAt: string;
  warnings: unknown[];
  warningCount: number;
  replayed?: boolean;
}

describe("a committed sync is terminal", () => {
  it("a repeated commit replays the first answer, marked, and creates no version", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 3));
    const first = await commitSync(base(), ingest, syncId, { expectedRecords: 3 });
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const answer = await json<Committed>(first);
    expect(answer.replayed).toBeUndefined();
    const before = await snapshot(base(), ingest);
    for (const body of [{ expectedRecords: 3 }, undefined]) {
      const again = await commitSync(base(), ingest, syncId, body);
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await json(again)).toEqual({ ...answer, replayed: true });
    }
    expect(await snapshot(base(), ingest)).toEqual(before);
  });

  it("a repeated commit with a different expectedRecords is a 409 and changes nothing", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 3));
    expect((await commitSync(base(), ingest, syncId, { expectedRecords: 3 })).status).toBe(200);
    const before = await snapshot(base(), ingest);
    const problem = await expectProblem(
      await commitSync(base(), ingest, syncId, { expectedRecords: 4 }),
      409,
      "sync-committed",
    );
    expect(problem.detail).toContain("this commit expects 4");
    expect(await snapshot(base(), ingest)).toEqual(before);
  });

  it("after its version is pruned and its records cleaned up, a repeated commit is a clear 409 and never republishes", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, users(1, 3));
    const committed = await json<Committed>(await commitSync(base(), ingest, syncId));
    expect(committed.version).toBe(1);
    // VERSIONS_RETAINED is 10: ten newer versions prune version 1.
    for (let i = 0; i < 10; i++) await submit(base(), ingest, [user(100 + i)]);
    expect(await versionNumbers(base(), ingest)).not.toContain(1);
    const before = await snapshot(base(), ingest);
    const problem = await expectProblem(await commitSync(base(), ingest, syncId), 409, "sync-committed");
    expect(problem.detail).toBe(
      `Sync ${syncId} was committed as version 1, since pruned; it is never committed again. Start a new sync to upload again`,
    );
    expect(problem.committedVersion).toBe(1);
    expect(await snapshot(base(), ingest)).toEqual(before);
    // The cron deletes the pruned version's records (and archives the older versions: only
    // where they are kept changes); a retry still publishes nothing.
    await runMaintenance(env, new Date());
    const afterCron = await snapshot(base(), ingest);
    expect({ ...afterCron, versions: "" }).toEqual({ ...before, versions: "" });
    await expectProblem(await commitSync(base(), ingest, syncId), 409, "sync-committed");
    expect(await snapshot(base(), ingest)).toEqual(afterCron);
    expect(emails((await currentData(base(), ingest)).data)).toEqual(["user109@example.com"]);
  });

  it("a batch after the commit is a 409 and the committed version keeps its records", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1)]);
    expect((await commitSync(base(), ingest, syncId)).status).toBe(200);
    const before = await snapshot(base(), ingest);
    await expectProblem(await putBatch(base(), ingest, syncId, 2, [user(1), user(2)]), 409, "sync-committed");
    // Even a retry of batch 1 with its own payload: the sync takes nothing any more.
    await expectProblem(await putBatch(base(), ingest, syncId, 1, [user(1)]), 409, "sync-committed");
    expect(await snapshot(base(), ingest)).toEqual(before);
    const body = await currentData(base(), ingest);
    expect(body.data).toHaveLength(1);
  });

  it("a batch after an abort is a 409; a commit after an abort is a 409; abort after commit is a 409", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1)]);
    expect((await call("DELETE", `${base()}/syncs/${syncId}`, { key: ingest })).status).toBe(204);
    await expectProblem(await putBatch(base(), ingest, syncId, 2, [user(2)]), 409, "sync-aborted");
    await expectProblem(await commitSync(base(), ingest, syncId), 409, "sync-aborted");
    expect((await currentData(base(), ingest)).version).toBeNull();
    const other = await startSync(base(), ingest);
    await putBatch(base(), ingest, other, 1, [user(1)]);
    expect((await commitSync(base(), ingest, other)).status).toBe(200);
    await expectProblem(
      await call("DELETE", `${base()}/syncs/${other}`, { key: ingest }),
      409,
      "sync-committed",
    );
  });

  it("a batch whose body arrives slowly, finishing after the commit, stores nothing", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1)]);
    let push!: (text: string | null) => void;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => {
          if (text === null) controller.close();
          else controller.enqueue(new TextEncoder().encode(text));
        };
      },
    });
    const payload = JSON.stringify({ data: [user(1), user(2)] });
    push(payload.slice(0, 10));
    const slow = call("PUT", `${base()}/syncs/${syncId}/batches/2`, {
      key: ingest,
      raw: stream,
      headers: { "content-type": "application/json" },
    });
    const committed = await json<Committed>(await commitSync(base(), ingest, syncId));
    expect(committed.recordCount).toBe(1);
    const before = await snapshot(base(), ingest);
    push(payload.slice(10));
    push(null);
    await expectProblem(await slow, 409, "sync-committed");
    expect(await snapshot(base(), ingest)).toEqual(before);
    expect((await currentData(base(), ingest)).data).toHaveLength(1);
  });
});

describe("writes into a sync are guarded inside their transaction", () => {
  it("a batch statement for a sync that is no longer open inserts nothing", async () => {
    const { db, base, ingest, tenantId, integrationId } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1)]);
    expect((await commitSync(base(), ingest, syncId)).status).toBe(200);
    const now = new Date().toISOString();
    const [result] = await db.batch([
      insertBatchStatement(
        db,
        syncId,
        { seq: 2, payloadHash: "h", recordCount: 1, firstRow: 2, response: null, schemaId: null },
        now,
      ),
    ]);
    expect(result?.meta.changes).toBe(0);
    const ref: DatasetRef = { tenantId, integrationId, context: "saas_users" };
    const sync = await getSync(db, ref, syncId);
    expect(sync?.status).toBe("committed");
    const batches = await db
      .prepare("SELECT COUNT(*) AS n FROM sync_batches WHERE sync_id = ?1")
      .bind(syncId)
      .first<{ n: number }>();
    expect(batches?.n).toBe(1);
  });

  it("a commit whose batches changed after its checks creates no version", async () => {
    const { db, base, ingest, tenantId, integrationId } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1)]);
    await putBatch(base(), ingest, syncId, 2, [user(2)]);
    const ref: DatasetRef = { tenantId, integrationId, context: "saas_users" };
    const sync = await getSync(db, ref, syncId);
    const now = new Date().toISOString();
    // The checks saw one batch; two are there now.
    const store = (await getStore(db, ref))?.id as number;
    await db.batch(
      commitVersionStatements(
        db,
        ref,
        store,
        {
          records: { kind: "staged", setId: sync?.setId ?? "", first: true },
          recordCount: 1,
          source: "sync",
          sourceId: syncId,
          keyName: "k",
          now,
          schemaId: null,
        },
        {
          kind: "sync",
          syncId,
          now,
          batches: 1,
          schemaId: (getSchema("saas_users") as ContextSchema).$id,
          customVersion: null,
          currentVersion: 0,
        },
      ),
    );
    expect(await versionBySource(db, ref, syncId)).toBeUndefined();
    expect((await currentData(base(), ingest)).version).toBeNull();
    // The real commit sees both batches.
    const committed = await json<Committed>(await commitSync(base(), ingest, syncId));
    expect(committed.recordCount).toBe(2);
  });
});

describe("batch reports carry file rows", () => {
  it("without a header, a batch's rows follow the lower batches", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const first = await putBatch(base(), ingest, syncId, 1, users(1, 50));
    expect((await json<{ firstRow: number }>(first)).firstRow).toBe(1);
    const batch = users(51, 100) as Record<string, unknown>[];
    batch[11] = { ...batch[11], emailId: "not-an-email" };
    const problem = await expectProblem(
      await putBatch(base(), ingest, syncId, 2, batch),
      422,
      "invalid-records",
    );
    const report = problem.report as { errors: { row: number; message: string }[] };
    expect(report.errors.map((e) => e.row)).toEqual([62]);
  });

  it("with Intake-First-Row, rows start there; CSV batches keep their lines", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const csv = "emailId,firstName,role\r\na@example.com,A,USER\r\nb-at-example.com,B,USER\r\n";
    const response = await call("PUT", `${base()}/syncs/${syncId}/batches/1`, {
      key: ingest,
      raw: csv,
      headers: { "content-type": "text/csv", "intake-first-row": "5001" },
    });
    const problem = await expectProblem(response, 422, "invalid-records");
    const report = problem.report as { errors: { row: number; line: number }[] };
    expect(report.errors.map((e) => [e.row, e.line])).toEqual([[5002, 3]]);
  });

  it("refuses seq and Intake-First-Row written other than in plain digits", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    for (const seq of ["011", "0xb", "1e1", "Infinity", "+1", "1.0", "0"]) {
      await expectProblem(await putBatch(base(), ingest, syncId, seq as unknown as number, [user(1)]), 400);
    }
    for (const first of ["0", "1e3", "-1", "5x", "0x10", "05"]) {
      const response = await call("PUT", `${base()}/syncs/${syncId}/batches/1`, {
        key: ingest,
        body: [user(1)],
        headers: { "intake-first-row": first },
      });
      await expectProblem(response, 400, "bad-request");
    }
    expect((await putBatch(base(), ingest, syncId, 11, [user(1)])).status).toBe(200);
  });

  it("duplicates across batches are reported at commit with the one-shot's words and file rows", async () => {
    const { base, ingest } = await dataWorld();
    const oneShot = await call("POST", `${base()}/records`, {
      key: ingest,
      body: [user(1), user(2), user(1)],
    });
    const single = (await expectProblem(oneShot, 422, "invalid-records")).report as {
      errors: { message: string; row: number; relatedRow: number }[];
    };
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1), user(2)]);
    await putBatch(base(), ingest, syncId, 2, [user(1)]);
    const problem = await expectProblem(await commitSync(base(), ingest, syncId), 422, "invalid-records");
    const report = problem.report as { errors: { message: string; row: number; relatedRow: number }[] };
    expect(report.errors.map((e) => [e.row, e.relatedRow, e.message])).toEqual(
      single.errors.map((e) => [e.row, e.relatedRow, e.message]),
    );
    expect(report.errors[0]?.message).toBe(
      'Duplicate record: rows 1 and 3 have the same emailId "user1@example.com"; each record must be unique',
    );
  });
});

describe("record keys are unambiguous", () => {
  it("composite keys that would collide through a separator are different records", async () => {
    const { base, ingest } = await dataWorld(["access_pairs"]);
    const a = { identityName: "A", identityId: "a\u0000b", entitlementName: "c" };
    const b = { identityName: "B", identityId: "a", entitlementName: "b\u0000c" };
    const syncId = await startSync(base(), ingest);
    expect((await putBatch(base(), ingest, syncId, 1, [a])).status).toBe(200);
    expect((await putBatch(base(), ingest, syncId, 2, [b])).status).toBe(200);
    const committed = await commitSync(base(), ingest, syncId);
    expect(committed.status).toBe(200);
    expect((await json<Committed>(committed)).recordCount).toBe(2);
    const oneShot = await call("POST", `${base()}/records`, { key: ingest, body: [a, b] });
    expect(oneShot.status).toBe(201);
  });
});

interface ModelSync {
  id: string;
  /** Batches the Worker accepted (200), by seq. */
  accepted: Map<number, string[]>;
  /** The version the commit answered, once committed. */
  version?: number;
  closed: boolean;
}

describe("property: whatever the interleaving, a reader sees exactly one complete committed snapshot", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}`, async () => {
      const { base, ingest } = await dataWorld();
      const next = random(seed);
      const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
      /** The records each committed version holds, by version number. */
      const versions = new Map<number, string[]>();
      const syncs: ModelSync[] = [];
      let person = 0;
      const batchOf = (dup: boolean) => {
        const n = 1 + Math.floor(next() * 3);
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(`p${dup && i === 0 ? 0 : ++person}@example.com`);
        return out;
      };
      const sendPut = (s: ModelSync, seq: number, emailsOf: string[]) =>
        putBatch(
          base(),
          ingest,
          s.id,
          seq,
          emailsOf.map((emailId) => ({ emailId })),
        );
      const applyPut = (s: ModelSync, seq: number, emailsOf: string[], response: Response) => {
        if (response.status === 200) {
          const previous = s.accepted.get(seq);
          if (previous) expect(previous).toEqual(emailsOf);
          else {
            // Never accepted once its sync has a committed answer.
            expect(s.version).toBeUndefined();
            s.accepted.set(seq, emailsOf);
          }
        } else {
          expect([409, 410, 422]).toContain(response.status);
        }
      };
      const put = async (s: ModelSync, seq: number, emailsOf: string[]) =>
        applyPut(s, seq, emailsOf, await sendPut(s, seq, emailsOf));
      const applyCommit = async (s: ModelSync, response: Response) => {
        if (response.status === 200) {
          const body = await json<Committed>(response);
          if (s.version !== undefined) expect(body.version).toBe(s.version);
          s.version = body.version;
          s.closed = true;
          const seqs = [...s.accepted.keys()].sort((x, y) => x - y);
          const held = seqs.flatMap((q) => s.accepted.get(q) ?? []);
          if (!body.replayed) versions.set(body.version, held);
          expect(body.recordCount).toBe(held.length);
        } else {
          expect([409, 410, 422]).toContain(response.status);
        }
      };
      const commit = async (s: ModelSync) => applyCommit(s, await commitSync(base(), ingest, s.id));
      for (let step = 0; step < 36; step++) {
        const open = syncs.filter((s) => !s.closed);
        const roll = next();
        if (roll < 0.15 || syncs.length === 0) {
          syncs.push({ id: await startSync(base(), ingest), accepted: new Map(), closed: false });
        } else if (roll < 0.45 && open.length > 0) {
          const s = pick(open);
          const seq = s.accepted.size + 1 + (next() < 0.1 ? 1 : 0);
          await put(s, seq, batchOf(next() < 0.1));
        } else if (roll < 0.55) {
          // A retry of an accepted batch, or a batch to a closed sync.
          const s = pick(syncs);
          const seqs = [...s.accepted.keys()];
          if (seqs.length > 0) {
            const seq = pick(seqs);
            await put(s, seq, s.accepted.get(seq) ?? []);
          }
        } else if (roll < 0.7 && open.length > 0) {
          // A batch racing the commit of its sync.
          // A batch racing the commit of its sync. If both succeed, the batch was stored first (a
          // batch is never stored into a committed sync), so the model applies it first.
          const s = pick(open);
          const seq = s.accepted.size + 1;
          const records = batchOf(false);
          const [batch, committed] = await Promise.all([
            sendPut(s, seq, records),
            commitSync(base(), ingest, s.id),
          ]);
          applyPut(s, seq, records, batch);
          await applyCommit(s, committed);
        } else if (roll < 0.8) {
          await commit(pick(syncs));
        } else if (roll < 0.87 && open.length > 0) {
          const s = pick(open);
          const response = await call("DELETE", `${base()}/syncs/${s.id}`, { key: ingest });
          if (response.status === 204) s.closed = s.version === undefined ? true : s.closed;
        } else if (roll < 0.94) {
          const records = batchOf(false);
          const version = await submit(
            base(),
            ingest,
            records.map((emailId) => ({ emailId })),
          );
          versions.set(version, records);
        } else {
          await runMaintenance(env, new Date());
        }
        const now = await currentData(base(), ingest);
        if (now.version === null) {
          expect(versions.size).toBe(0);
          continue;
        }
        const seen = emails(now.data);
        // Exactly the snapshot committed as that version: complete, in order, no duplicate key.
        expect(seen).toEqual(versions.get(now.version));
        expect(new Set(seen).size).toBe(seen.length);
        const listed = await json<{ data: { version: number; recordCount: number; current: boolean }[] }>(
          await call("GET", `${base()}/versions`, { key: ingest }),
        );
        const current = listed.data.filter((v) => v.current);
        expect(current.map((v) => [v.version, v.recordCount])).toEqual([[now.version, seen.length]]);
        // Every retained version still holds what it was committed with.
        for (const v of listed.data) expect(v.recordCount).toBe(versions.get(v.version)?.length);
      }
      expect(versions.size).toBeGreaterThan(0);
    });
  }
});
