// Versions store what changed (worker/db/datasets.ts, migration 0008): every retained version
// reads back exactly what was committed as it, in an order that never changes, after any sequence
// of submits, syncs, restores and retention runs. Compared with a plain in-memory model of the
// versions over random operation sequences (seeded, so a failure replays).
import { describe, expect, it } from "vitest";
import { type ContextSchema, getSchema, normalizeRecord } from "../../schemas/index.ts";
import { runMaintenance } from "../../worker/scheduled.ts";
import { prng as random } from "../prng.ts";
import { commitSync, dataWorld, putBatch, startSync, submit } from "./data-helpers.ts";
import { call, env, json } from "./helpers.ts";

const found = getSchema("saas_users");
if (!found) throw new Error("no saas_users schema");
const schema: ContextSchema = found;
const RETAINED = 10;

type Rec = Record<string, unknown>;
const canonical = (records: Rec[]) =>
  records.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort()))).sort();

/** What reading version `version` returns, page by page (pages of 7), in its order. */
async function readVersion(base: string, key: string, version: number): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | null = null;
  do {
    const url = `${base}/records?version=${version}&limit=7${cursor ? `&cursor=${cursor}` : ""}`;
    const page: { version: number; data: Rec[]; nextCursor: string | null } = await json(
      await call("GET", url, { key }),
    );
    expect(page.version).toBe(version);
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** A dataset drawn from `next`: some of 24 users, each in one of a few forms (a changed name, role, key case). */
function draw(next: () => number, current: Rec[] | undefined): Rec[] {
  const keep = next();
  const out: Rec[] = [];
  for (let i = 1; i <= 24; i++) {
    const before = current?.find((r) => String(r.emailId).toLowerCase() === `user${i}@example.com`);
    if (before && next() < keep) {
      out.push(before);
      continue;
    }
    if (next() < 0.45) continue;
    const form = Math.floor(next() * 4);
    out.push({
      emailId: form === 3 ? `User${i}@Example.com` : `user${i}@example.com`,
      firstName: form === 1 ? `Changed${i}` : `U${i}`,
      ...(form === 2 ? { role: "ADMIN" } : { role: "USER" }),
      ...(next() < 0.3 ? { lastName: `L${i}` } : {}),
    });
  }
  // Upload order differs from one upload to the next.
  return out.sort(() => next() - 0.5);
}

describe("versioned rows against a plain model of the versions", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`random sequence ${seed}: submits, syncs, restores and retention; every retained version reads as committed, in a fixed order`, async () => {
      const next = random(seed);
      const { db, base, ingest } = await dataWorld();
      const model = new Map<number, Rec[]>();
      /** The order each version was first read in: it never changes. */
      const orders = new Map<number, string[]>();
      let latest = 0;
      for (let step = 0; step < 16; step++) {
        const retained = [...model.keys()].filter((v) => v > latest - RETAINED);
        const current = model.get(latest);
        const op = next();
        if (op < 0.3) {
          const records = draw(next, current);
          latest = await submit(base(), ingest, records);
          model.set(
            latest,
            records.map((r) => normalizeRecord(r, schema)),
          );
        } else if (op < 0.65) {
          const records = draw(next, current);
          const syncId = await startSync(base(), ingest);
          const cut = Math.floor(records.length / 2);
          const batches = [records.slice(0, cut), records.slice(cut)].filter((b) => b.length > 0);
          for (const [i, batch] of batches.entries())
            expect((await putBatch(base(), ingest, syncId, i + 1, batch)).status).toBe(200);
          if (batches.length === 0) {
            await call("DELETE", `${base()}/syncs/${syncId}`, { key: ingest });
            continue;
          }
          const answer = await json<{ version: number; unchanged?: boolean }>(
            await commitSync(base(), ingest, syncId, { confirmReplacement: true }),
          );
          const normalized = records.map((r) => normalizeRecord(r, schema));
          if (current && JSON.stringify(canonical(normalized)) === JSON.stringify(canonical(current))) {
            expect(answer).toMatchObject({ version: latest, unchanged: true });
          } else {
            expect(answer.version).toBe(latest + 1);
            latest = answer.version;
            model.set(latest, normalized);
          }
        } else if (op < 0.85 && retained.length > 1) {
          const target = retained[Math.floor(next() * retained.length)] as number;
          const restored = await json<{ version: number }>(
            await call("POST", `${base()}/versions/${target}/restore`, { key: ingest }),
          );
          expect(restored.version).toBe(latest + 1);
          latest = restored.version;
          model.set(latest, model.get(target) as Rec[]);
        } else {
          await runMaintenance(env, new Date());
        }
        // Every retained version reads back as the model says, in the order it was first read.
        for (const [version, records] of model) {
          if (version <= latest - RETAINED) {
            model.delete(version);
            continue;
          }
          const read = await readVersion(base(), ingest, version);
          expect(canonical(read), `version ${version} after step ${step}`).toEqual(canonical(records));
          const order = read.map((r) => String(r.emailId).toLowerCase());
          if (!orders.has(version)) orders.set(version, order);
          expect(order, `order of version ${version}`).toEqual(orders.get(version));
        }
      }
      // Retention removed every row no retained version holds, and nothing else.
      await runMaintenance(env, new Date());
      const stray = await db
        .prepare(
          `SELECT COUNT(*) AS n FROM dataset_rows r JOIN stores s ON s.id = r.store
         JOIN datasets d ON d.integration_id = s.integration_id AND d.context = s.context
         WHERE r.v1 IS NOT NULL AND r.v1 <= d.current_version - ?1 + 1`,
        )
        .bind(RETAINED)
        .first<{ n: number }>();
      expect(stray?.n).toBe(0);
      for (const [version, records] of model)
        expect(canonical(await readVersion(base(), ingest, version))).toEqual(canonical(records));
    }, 60_000);
  }
});

describe("a commit writes what changed", () => {
  it("a second upload with 2 changed, 1 removed and 1 added record writes 3 rows and closes 3; the rest keep theirs", async () => {
    const { db, base, ingest, integrationId } = await dataWorld();
    const records = Array.from({ length: 200 }, (_, i) => ({
      emailId: `u${i}@example.com`,
      firstName: `U${i}`,
    }));
    const syncOf = async (batch: Rec[]) => {
      const syncId = await startSync(base(), ingest);
      expect((await putBatch(base(), ingest, syncId, 1, batch)).status).toBe(200);
      // The difference the client asks for first is the plan the commit writes from.
      const diff = await json<{ added: number; removed: number; changed: number; unchanged: number }>(
        await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest }),
      );
      const committed = await json<{ version: number }>(
        await commitSync(base(), ingest, syncId, { confirmReplacement: true }),
      );
      return { diff, version: committed.version };
    };
    await syncOf(records);
    const next = records
      .filter((_, i) => i !== 5)
      .map((r, i) => (i === 10 || i === 20 ? { ...r, firstName: "Changed" } : r));
    next.push({ emailId: "new@example.com", firstName: "New" });
    const second = await syncOf(next);
    expect(second.diff).toMatchObject({ added: 1, removed: 1, changed: 2, unchanged: 197 });
    const rows = await db
      .prepare(
        `SELECT v0, v1, COUNT(*) AS n FROM dataset_rows r JOIN stores s ON s.id = r.store
       WHERE s.integration_id = ?1 GROUP BY v0, v1 ORDER BY v0, v1`,
      )
      .bind(integrationId)
      .all<{ v0: number; v1: number | null; n: number }>();
    expect(rows.results).toEqual([
      { v0: 1, v1: null, n: 197 },
      { v0: 1, v1: 2, n: 3 },
      { v0: 2, v1: null, n: 3 },
    ]);
    expect(canonical(await readVersion(base(), ingest, 2))).toEqual(canonical(next));
    expect(canonical(await readVersion(base(), ingest, 1))).toEqual(canonical(records));
  });
});

describe("a commit that fails part-way", () => {
  it("leaves the previous version whole, and the same sync commits once the fault is gone", async () => {
    const { db, base, ingest } = await dataWorld();
    const v1 = await submit(base(), ingest, [
      { emailId: "a@example.com", firstName: "A" },
      { emailId: "b@example.com", firstName: "B" },
    ]);
    const before = await readVersion(base(), ingest, v1);
    // Fail each step of the commit's transaction in turn: the version insert, the closing of the
    // changed rows, the opening of the new ones, and the pointer.
    const faults = [
      "CREATE TRIGGER fault BEFORE INSERT ON versions BEGIN SELECT RAISE(ABORT, 'fault'); END",
      "CREATE TRIGGER fault BEFORE UPDATE ON dataset_rows BEGIN SELECT RAISE(ABORT, 'fault'); END",
      "CREATE TRIGGER fault BEFORE INSERT ON dataset_rows BEGIN SELECT RAISE(ABORT, 'fault'); END",
      "CREATE TRIGGER fault BEFORE UPDATE ON datasets BEGIN SELECT RAISE(ABORT, 'fault'); END",
    ];
    const syncId = await startSync(base(), ingest);
    expect(
      (
        await putBatch(base(), ingest, syncId, 1, [
          { emailId: "a@example.com", firstName: "A2" },
          { emailId: "c@example.com", firstName: "C" },
        ])
      ).status,
    ).toBe(200);
    for (const fault of faults) {
      await db.prepare(fault).run();
      const failed = await commitSync(base(), ingest, syncId, { confirmReplacement: true });
      await db.prepare("DROP TRIGGER fault").run();
      expect(failed.status, fault).toBe(500);
      expect(await readVersion(base(), ingest, v1)).toEqual(before);
      const versions = await json<{ data: unknown[] }>(
        await call("GET", `${base()}/versions`, { key: ingest }),
      );
      expect(versions.data.length).toBe(1);
    }
    const done = await json<{ version: number }>(
      await commitSync(base(), ingest, syncId, { confirmReplacement: true }),
    );
    expect(done.version).toBe(2);
    expect(canonical(await readVersion(base(), ingest, 2))).toEqual(
      canonical([
        { emailId: "a@example.com", firstName: "A2" },
        { emailId: "c@example.com", firstName: "C" },
      ]),
    );
    expect(await readVersion(base(), ingest, 1)).toEqual(before);
    // A retry of the finished commit answers the same version and writes nothing.
    const rows = async () =>
      (await db.prepare("SELECT COUNT(*) AS n FROM dataset_rows").first<{ n: number }>())?.n;
    const count = await rows();
    const again = await json<{ version: number }>(
      await commitSync(base(), ingest, syncId, { confirmReplacement: true }),
    );
    expect(again.version).toBe(2);
    expect(await rows()).toBe(count);
  });
});
