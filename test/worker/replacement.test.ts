// A replacement says everything it will lose (issue 28) and an identical upload changes nothing
// (issue 27): the diffs carry the values a replacement erases per field, a risky commit needs
// `confirmReplacement: true` and is refused otherwise in the words the extension shows, small
// datasets are not guarded against removals, and a sync equal to the current version commits no
// new version.
import { describe, expect, it } from "vitest";
import { replacementConcerns } from "../../schemas/index.ts";
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
  lostValues: { field: string; records: number; missing: boolean }[];
}

const withDepartment = (i: number) => user(i, { department: `D${i}` });

describe("lost values", () => {
  it("a column left out of the upload is counted per field, in the sync diff and in validate", async () => {
    const { base, ingest } = await dataWorld();
    const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(withDepartment);
    await submit(base(), ingest, nine);
    // The same people without Department; one of them had none to lose.
    const upload = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => user(i));
    const syncId = await startSync(base(), ingest);
    expect((await putBatch(base(), ingest, syncId, 1, upload)).status).toBe(200);
    const diff = await json<Diff>(await call("GET", `${base()}/syncs/${syncId}/diff`, { key: ingest }));
    expect(diff).toMatchObject({ removed: 0, changed: 9, unchanged: 0 });
    expect(diff.lostValues).toEqual([{ field: "department", records: 9, missing: true }]);
    const validated = await json<{ diff: Diff }>(
      await call("POST", `${base()}/validate`, { key: ingest, body: upload }),
    );
    expect(validated.diff.lostValues).toEqual([{ field: "department", records: 9, missing: true }]);
    expect(replacementConcerns(diff as never)).toEqual([
      "department would be emptied in 9 of 9 records (the upload has no such column).",
    ]);
  });

  it("an emptied cell counts too, and the column is not missing when some records keep it", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, [1, 2, 3].map(withDepartment));
    const upload = [user(1, { department: "" }), user(2), withDepartment(3)];
    const response = await call("POST", `${base()}/validate`, { key: ingest, body: upload });
    const { diff } = await json<{ diff: Diff }>(response);
    expect(diff.lostValues).toEqual([{ field: "department", records: 2, missing: false }]);
  });
});

describe("a risky commit needs confirmReplacement", () => {
  it("refuses emptying a field without a yes, in the words of replacementConcerns, and commits with one", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, [1, 2, 3, 4, 5].map(withDepartment));
    const syncId = await startSync(base(), ingest);
    expect((await putBatch(base(), ingest, syncId, 1, users(1, 5))).status).toBe(200);
    const refused = await expectProblem(
      await commitSync(base(), ingest, syncId),
      409,
      "replacement-unconfirmed",
    );
    expect(refused.concerns).toEqual([
      "department would be emptied in 5 of 5 records (the upload has no such column).",
    ]);
    expect(String(refused.detail)).toContain('commit with "confirmReplacement": true');
    const current = await json<{ version: number }>(await call("GET", `${base()}/records`, { key: ingest }));
    expect(current.version).toBe(1);
    await expectProblem(
      await commitSync(base(), ingest, syncId, { confirmReplacement: "yes" }),
      400,
      "bad-request",
    );
    const committed = await commitSync(base(), ingest, syncId, { confirmReplacement: true });
    expect(committed.status, await committed.clone().text()).toBe(200);
    expect((await json<{ version: number }>(committed)).version).toBe(2);
  });

  it("removing more than 20 % of 10 records or more needs a yes; of a smaller dataset it does not", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 10));
    const big = await startSync(base(), ingest);
    expect((await putBatch(base(), ingest, big, 1, users(1, 7))).status).toBe(200);
    const refused = await expectProblem(
      await commitSync(base(), ingest, big),
      409,
      "replacement-unconfirmed",
    );
    expect(refused.concerns).toEqual(["This upload removes 3 of the 10 records in version 1 (30 %)."]);
    await call("DELETE", `${base()}/syncs/${big}`, { key: ingest });

    const small = await dataWorld();
    await submit(small.base(), small.ingest, users(1, 1));
    const replaced = await startSync(small.base(), small.ingest);
    expect((await putBatch(small.base(), small.ingest, replaced, 1, users(2, 198))).status).toBe(200);
    expect((await commitSync(small.base(), small.ingest, replaced)).status).toBe(200);
  });
});

describe("an upload equal to the current version", () => {
  it("commits no new version: it answers unchanged with the current one, and replays it", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 4));
    const syncId = await startSync(base(), ingest);
    // The same records in another order of rows and fields.
    const same = users(1, 4)
      .reverse()
      .map((u) => ({ role: u.role, firstName: u.firstName, emailId: u.emailId }));
    expect((await putBatch(base(), ingest, syncId, 1, same)).status).toBe(200);
    const committed = await commitSync(base(), ingest, syncId);
    expect(committed.status, await committed.clone().text()).toBe(200);
    const body = await json<{ version: number; unchanged?: boolean; recordCount: number }>(committed);
    expect(body).toMatchObject({ version: 1, unchanged: true, recordCount: 4 });
    const versions = await json<{ data: unknown[] }>(
      await call("GET", `${base()}/versions`, { key: ingest }),
    );
    expect(versions.data).toHaveLength(1);
    const replay = await json<Record<string, unknown>>(await commitSync(base(), ingest, syncId));
    expect(replay).toEqual({ ...body, replayed: true });
  });
});

describe("GET …/versions/{n}/diff", () => {
  it("says what restoring a version would do to the current one", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 1));
    await submit(base(), ingest, users(1, 20));
    const diff = await json<Diff>(await call("GET", `${base()}/versions/1/diff`, { key: ingest }));
    expect(diff).toMatchObject({
      current: { version: 2, recordCount: 20 },
      incoming: 1,
      added: 0,
      removed: 19,
      unchanged: 1,
    });
    expect(replacementConcerns(diff as never)).toEqual([
      "This upload removes 19 of the 20 records in version 2 (95 %).",
    ]);
    await expectProblem(await call("GET", `${base()}/versions/9/diff`, { key: ingest }), 404);
  });
});
