// What an upload would do to the current dataset, by record key, before anything is committed:
// the diff of POST …/validate and GET …/syncs/{id}/diff.
import { describe, expect, it } from "vitest";
import { commitSync, dataWorld, putBatch, startSync, submit, user, users } from "./data-helpers.ts";
import { call, expectProblem, json } from "./helpers.ts";

interface Diff {
  current: { version: number; recordCount: number } | null;
  incoming: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  removedShare: number;
  lostValues: unknown[];
  examples: { added: unknown[]; removed: unknown[]; changed: unknown[] };
}

const email = (i: number) => ({ emailId: `user${i}@example.com` });

describe("POST …/validate reports what the records would replace", () => {
  it("with no current version, everything is added", async () => {
    const { base, ingest } = await dataWorld();
    const response = await call("POST", `${base()}/validate`, { key: ingest, body: users(1, 3) });
    const { diff } = await json<{ diff: Diff }>(response);
    expect(diff).toEqual({
      current: null,
      incoming: 3,
      added: 3,
      removed: 0,
      changed: 0,
      unchanged: 0,
      removedShare: 0,
      lostValues: [],
      examples: { added: [email(1), email(2), email(3)], removed: [], changed: [] },
    });
  });

  it("against the current version: added, removed, changed and unchanged by key (case-insensitive where the key is)", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 5));
    const upload = [user(3), { ...user(4), firstName: "Changed" }, user(5), user(6), user(7)];
    // The key folds case: USER5 is user5, and its stored data differs only by that case.
    upload[2] = { ...user(5), emailId: "USER5@example.com" };
    const response = await call("POST", `${base()}/validate`, { key: ingest, body: upload });
    expect(response.status).toBe(200);
    const body = await json<{ valid: boolean; diff: Diff }>(response);
    expect(body.valid).toBe(true);
    expect(body.diff).toEqual({
      current: { version: 1, recordCount: 5 },
      incoming: 5,
      added: 2,
      removed: 2,
      changed: 2,
      unchanged: 1,
      removedShare: 0.4,
      lostValues: [],
      examples: {
        added: [email(6), email(7)],
        removed: [email(1), email(2)],
        changed: [email(4), email(5)],
      },
    });
  });

  it("an upload of one record against 40 shows 39 going", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 40));
    const response = await call("POST", `${base()}/validate`, { key: ingest, body: [user(1)] });
    const { diff } = await json<{ diff: Diff }>(response);
    expect([diff.removed, diff.unchanged, diff.removedShare]).toEqual([39, 1, 39 / 40]);
    expect(diff.examples.removed).toEqual([email(2), email(3), email(4), email(5), email(6)]);
  });
});

describe("GET …/syncs/{id}/diff", () => {
  it("after the last batch, before the commit: the same difference, computed over the stored batches", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 10));
    const syncId = await startSync(base(), ingest);
    expect(
      (await putBatch(base(), ingest, syncId, 1, [user(9), { ...user(10), role: "ADMIN" }])).status,
    ).toBe(200);
    expect((await putBatch(base(), ingest, syncId, 2, users(11, 12))).status).toBe(200);
    const response = await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest });
    expect(response.status).toBe(200);
    expect(await json<Diff>(response)).toEqual({
      current: { version: 1, recordCount: 10 },
      incoming: 4,
      added: 2,
      removed: 8,
      changed: 1,
      unchanged: 1,
      removedShare: 0.8,
      lostValues: [],
      examples: {
        added: [email(11), email(12)],
        removed: [email(1), email(2), email(3), email(4), email(5)],
        changed: [email(10)],
      },
    });
    // Nothing changed by asking; removing 8 of 10 records needs a yes.
    expect(
      (await commitSync(base(), ingest, syncId, { expectedRecords: 4, confirmReplacement: true })).status,
    ).toBe(200);
  });

  it("a sync with no batches would empty the dataset", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 2));
    const syncId = await startSync(base(), ingest);
    const diff = await json<Diff>(await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest }));
    expect([diff.incoming, diff.removed, diff.removedShare]).toEqual([0, 2, 1]);
  });

  it("is refused for a closed sync, and another tenant's sync is a 404", async () => {
    const { base, ingest } = await dataWorld();
    const other = await dataWorld();
    const syncId = await startSync(base(), ingest);
    await putBatch(base(), ingest, syncId, 1, [user(1)]);
    await expectProblem(
      await call("GET", `${other.base()}/syncs/${syncId}/diff`, { key: other.ingest }),
      404,
      "not-found",
    );
    expect((await commitSync(base(), ingest, syncId)).status).toBe(200);
    await expectProblem(
      await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest }),
      409,
      "sync-committed",
    );
    const aborted = await startSync(base(), ingest);
    await call("DELETE", `${base()}/syncs/${aborted}`, { key: ingest });
    await expectProblem(
      await call("GET", `${base()}/syncs/${aborted}/diff`, { key: ingest }),
      409,
      "sync-aborted",
    );
  });
});

describe("a sync's difference compares values, not their order or form", () => {
  const reversed = (i: number) => ({ role: "USER", firstName: `U${i}`, emailId: `user${i}@example.com` });

  it("the same records in another field order, or sent as CSV instead of JSON, are unchanged", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 3));
    const reordered = await startSync(base(), ingest);
    expect((await putBatch(base(), ingest, reordered, 1, [1, 2, 3].map(reversed))).status).toBe(200);
    const csv = await startSync(base(), ingest);
    const body = ["role,emailId,firstName", ...[1, 2, 3].map((i) => `USER,user${i}@example.com,U${i}`)].join(
      "\n",
    );
    const sent = await call("PUT", `${base()}/syncs/${csv}/batches/1`, {
      key: ingest,
      raw: body,
      headers: { "content-type": "text/csv" },
    });
    expect(sent.status, await sent.clone().text()).toBe(200);
    for (const syncId of [reordered, csv]) {
      const diff = await json<Diff>(await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest }));
      expect(diff).toMatchObject({ added: 0, removed: 0, changed: 0, unchanged: 3 });
    }
  });

  it("is computed once per state of the sync and the dataset, and again when either moves", async () => {
    const { db, base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 3));
    const syncId = await startSync(base(), ingest);
    expect((await putBatch(base(), ingest, syncId, 1, [user(1), user(4)])).status).toBe(200);
    const ask = async () => json<Diff>(await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest }));
    const first = await ask();
    expect(first).toMatchObject({ added: 1, removed: 2, unchanged: 1 });
    const stored = await db
      .prepare("SELECT diff_for FROM syncs WHERE id = ?1")
      .bind(syncId)
      .first<{ diff_for: string }>();
    expect(stored?.diff_for).toBe("3:1:2:1");
    expect(await ask()).toEqual(first);
    // A new batch and a new current version each make it compute again.
    expect((await putBatch(base(), ingest, syncId, 2, [user(2)])).status).toBe(200);
    expect(await ask()).toMatchObject({ added: 1, removed: 1, unchanged: 2 });
    await submit(base(), ingest, users(1, 1));
    expect(await ask()).toMatchObject({ current: { version: 2, recordCount: 1 }, added: 2, removed: 0 });
  });
});
