// No partial dataset is ever visible: a failing one-shot, batch or commit leaves the previous
// version byte-identical (the JSON page, the CSV export and the versions list).
import { describe, expect, it } from "vitest";
import { commitSync, dataWorld, putBatch, snapshot, startSync, submit, user, users } from "./data-helpers.ts";
import { call, expectProblem, json } from "./helpers.ts";

/** A world with version 1 committed (formula-looking values included, to cover CSV escaping). */
async function committed() {
  const world = await dataWorld();
  const base = world.base();
  await submit(base, world.ingest, [...users(1, 3), user(4, { firstName: "=1+1" })]);
  return { ...world, base, before: await snapshot(base, world.ingest) };
}

describe("a failing one-shot submit", () => {
  it("with invalid records leaves the previous version byte-identical", async () => {
    const { base, ingest, before } = await committed();
    await expectProblem(
      await call("POST", `${base}/records`, { key: ingest, body: [user(9), { emailId: "not-an-email" }] }),
      422,
      "invalid-records",
    );
    expect(await snapshot(base, ingest)).toEqual(before);
  });

  it("with duplicate keys leaves the previous version byte-identical", async () => {
    const { base, ingest, before } = await committed();
    const problem = await expectProblem(
      await call("POST", `${base}/records`, {
        key: ingest,
        body: [user(7), user(8), { ...user(7), emailId: "USER7@example.com" }],
      }),
      422,
      "invalid-records",
    );
    expect((problem.report as { errors: { keyword: string }[] }).errors[0]?.keyword).toBe("duplicate-key");
    expect(await snapshot(base, ingest)).toEqual(before);
  });

  it.each([
    ["too many records", JSON.stringify(users(1, 5001)), "application/json", 413],
    ["bad JSON", "[{", "application/json", 400],
    ["a ragged CSV", "emailId,firstName\nuser9@example.com\n", "text/csv", 422],
  ])("with %s leaves the previous version byte-identical", async (_label, raw, type, status) => {
    const { base, ingest, before } = await committed();
    const response = await call("POST", `${base}/records`, {
      key: ingest,
      raw,
      headers: { "content-type": type },
    });
    expect(response.status).toBe(status);
    expect(await snapshot(base, ingest)).toEqual(before);
  });
});

describe("a failing batch", () => {
  it("stores nothing, is not visible, and can be retried with a fixed payload", async () => {
    const { base, ingest, before } = await committed();
    const syncId = await startSync(base, ingest);
    expect((await putBatch(base, ingest, syncId, 1, users(10, 12))).status).toBe(200);
    const problem = await expectProblem(
      await putBatch(base, ingest, syncId, 2, [user(13), { emailId: "broken" }]),
      422,
      "invalid-records",
    );
    expect(problem.detail).toBe("1 error in 2 records; batch 2 was not stored");
    expect(await snapshot(base, ingest)).toEqual(before);
    // The refused payload was not recorded against seq 2: a corrected retry is not a conflict.
    expect((await putBatch(base, ingest, syncId, 2, users(13, 14))).status).toBe(200);
    expect(await snapshot(base, ingest)).toEqual(before);
    const commit = await commitSync(base, ingest, syncId, { expectedRecords: 5 });
    expect(commit.status).toBe(200);
    const after = await json<{ data: { emailId: string }[] }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
    expect(after.data.map((r) => r.emailId)).toEqual(users(10, 14).map((u) => u.emailId));
  });
});

describe("a failing commit", () => {
  it("with duplicates across batches leaves the previous version byte-identical", async () => {
    const { base, ingest, before } = await committed();
    const syncId = await startSync(base, ingest);
    await putBatch(base, ingest, syncId, 1, users(20, 22));
    await putBatch(base, ingest, syncId, 2, [user(23), user(21)]);
    const problem = await expectProblem(await commitSync(base, ingest, syncId), 422, "invalid-records");
    expect(problem.detail).toBe("1 error in 5 records; nothing was committed");
    expect(await snapshot(base, ingest)).toEqual(before);
  });

  it("with missing batches or a count mismatch leaves the previous version byte-identical", async () => {
    const { base, ingest, before } = await committed();
    const syncId = await startSync(base, ingest);
    await putBatch(base, ingest, syncId, 2, users(30, 31));
    await expectProblem(await commitSync(base, ingest, syncId), 409, "batches-missing");
    expect(await snapshot(base, ingest)).toEqual(before);
    await putBatch(base, ingest, syncId, 1, users(32, 33));
    await expectProblem(
      await commitSync(base, ingest, syncId, { expectedRecords: 3 }),
      409,
      "count-mismatch",
    );
    expect(await snapshot(base, ingest)).toEqual(before);
  });

  it("of an empty sync leaves the previous version byte-identical", async () => {
    const { base, ingest, before } = await committed();
    const syncId = await startSync(base, ingest);
    const problem = await expectProblem(await commitSync(base, ingest, syncId), 409, "sync-empty");
    expect(problem.detail).toBe(`Sync ${syncId} has no batches; send batch 1 first`);
    expect(await snapshot(base, ingest)).toEqual(before);
  });
});

it("an open sync is invisible until its commit, then visible whole", async () => {
  const { base, ingest, before } = await committed();
  const syncId = await startSync(base, ingest);
  for (let seq = 1; seq <= 3; seq++) {
    await putBatch(base, ingest, syncId, seq, users(seq * 10, seq * 10 + 1));
    expect(await snapshot(base, ingest)).toEqual(before);
  }
  expect((await commitSync(base, ingest, syncId)).status).toBe(200);
  const after = await json<{ version: number; recordCount: number }>(
    await call("GET", `${base}/records`, { key: ingest }),
  );
  expect(after).toMatchObject({ version: 2, recordCount: 6 });
});
