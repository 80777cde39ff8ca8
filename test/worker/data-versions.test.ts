// Reading the current dataset (cursor pages, CSV), versions, restore and retention (VERSIONS_RETAINED = 10).
import { describe, expect, it } from "vitest";
import { runMaintenance } from "../../worker/scheduled.ts";
import { currentData, dataWorld, submit, syncUpload, user, users, versionNumbers } from "./data-helpers.ts";
import { call, env, expectProblem, json } from "./helpers.ts";

interface VersionsBody {
  retained: number;
  data: {
    version: number;
    recordCount: number;
    source: string;
    keyName: string;
    committedAt: string;
    current: boolean;
  }[];
}

describe("restore", () => {
  it("restoring v1 after v2 makes a new v3 whose records equal v1's", async () => {
    const { base, ingest } = await dataWorld(["saas_users"], "nightly");
    await submit(base(), ingest, [user(1, { firstName: "=A1" }), user(2)]);
    const v1 = {
      data: (await currentData(base(), ingest)).data,
      csv: await (await call("GET", `${base()}/records?format=csv`, { key: ingest })).text(),
    };
    await syncUpload(base(), ingest, [users(10, 12)]);
    const restored = await call("POST", `${base()}/versions/1/restore`, { key: ingest });
    expect(restored.status).toBe(201);
    expect(await json(restored)).toMatchObject({
      version: 3,
      recordCount: 2,
      source: "restore",
      keyName: "nightly",
      restoredFrom: 1,
    });
    const now = await currentData(base(), ingest);
    expect(now.version).toBe(3);
    expect(now.data).toEqual(v1.data);
    const csv = await call("GET", `${base()}/records?format=csv`, { key: ingest });
    expect(await csv.text()).toBe(v1.csv);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="saas_users-v3.csv"');
    const versions = await json<VersionsBody>(await call("GET", `${base()}/versions`, { key: ingest }));
    expect(versions.retained).toBe(10);
    expect(versions.data.map((v) => [v.version, v.source, v.recordCount, v.current])).toEqual([
      [3, "restore", 2, true],
      [2, "sync", 3, false],
      [1, "submit", 2, false],
    ]);
  });

  it.each([
    ["7", 404, "not-found"],
    ["0", 400, "bad-request"],
    ["abc", 400, "bad-request"],
    ["1.5", 400, "bad-request"],
  ])("restore of version %s: %i", async (version, status, slug) => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 1));
    const problem = await expectProblem(
      await call("POST", `${base()}/versions/${version}/restore`, { key: ingest }),
      status,
      slug,
    );
    if (status === 404) expect(problem.detail).toBe("Version 7 of saas_users was not found");
    expect(await versionNumbers(base(), ingest)).toEqual([1]);
  });

  it("versions of one context are not restorable on another", async () => {
    const { base, ingest } = await dataWorld(["saas_users", "vendors"]);
    await submit(base("saas_users"), ingest, users(1, 1));
    await expectProblem(
      await call("POST", `${base("vendors")}/versions/1/restore`, { key: ingest }),
      404,
      "not-found",
    );
    expect((await currentData(base("vendors"), ingest)).version).toBeNull();
  });
});

describe("retention", () => {
  it("keeps only the last 10 versions; a pruned version is a 404; restoring the oldest kept one works", async () => {
    const { db, base, ingest, integrationId } = await dataWorld();
    for (let i = 1; i <= 12; i++) await submit(base(), ingest, [user(i)]);
    expect(await versionNumbers(base(), ingest)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    for (const pruned of [1, 2])
      await expectProblem(
        await call("POST", `${base()}/versions/${pruned}/restore`, { key: ingest }),
        404,
        "not-found",
      );
    const restored = await json<{ version: number }>(
      await call("POST", `${base()}/versions/3/restore`, { key: ingest }),
    );
    expect(restored.version).toBe(13);
    // v3 itself is now pruned, but v13 holds its record again.
    expect(await versionNumbers(base(), ingest)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    const rows = async () =>
      (
        await db
          .prepare(
            `SELECT r.v0, r.v1 FROM dataset_rows r JOIN stores s ON s.id = r.store
           WHERE s.integration_id = ?1 ORDER BY r.rowid`,
          )
          .bind(integrationId)
          .all<{ v0: number; v1: number | null }>()
      ).results;
    // One row per submit (each held one record for one version) and the restored copy.
    expect((await rows()).length).toBe(13);
    for (let run = 0; run < 10 && (await runMaintenance(env, new Date())).deletedRows > 0; run++);
    expect((await currentData(base(), ingest)).data).toEqual([user(3)]);
    // v4..v10 went to the archive (VERSIONS_HOT is 3), so only the rows of v11..v13 stay in D1;
    // nothing staged is left.
    expect(await rows()).toEqual([
      { v0: 11, v1: 12 },
      { v0: 12, v1: 13 },
      { v0: 13, v1: null },
    ]);
    const listed = await json<{ data: { version: number; storage: string }[] }>(
      await call("GET", `${base()}/versions`, { key: ingest }),
    );
    expect(listed.data.map((v) => `${v.version}:${v.storage}`)).toEqual([
      "13:hot",
      "12:hot",
      "11:hot",
      ...[10, 9, 8, 7, 6, 5, 4].map((v) => `${v}:archive`),
    ]);
    const staged = await db
      .prepare("SELECT COUNT(*) AS n FROM record_sets WHERE integration_id = ?1")
      .bind(integrationId)
      .first<{ n: number }>();
    expect(staged?.n).toBe(0);
    for (const v of [4, 8, 12]) {
      const read = await json<{ version: number; data: unknown[] }>(
        await call("GET", `${base()}/records?version=${v}`, { key: ingest }),
      );
      expect(read).toMatchObject({ version: v, data: [user(v)] });
    }
    await expectProblem(await call("GET", `${base()}/records?version=3`, { key: ingest }), 404, "not-found");
  });
});

describe("reading the current dataset", () => {
  it("pages with a cursor and ends with nextCursor null", async () => {
    const { base, ingest } = await dataWorld();
    await syncUpload(base(), ingest, [users(1, 3), users(4, 5)]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: {
        version: number;
        recordCount: number;
        data: { emailId: string }[];
        nextCursor: string | null;
      } = await json(
        await call("GET", `${base()}/records?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: ingest }),
      );
      expect(page).toMatchObject({ version: 1, recordCount: 5 });
      seen.push(...page.data.map((r) => r.emailId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(users(1, 5).map((u) => u.emailId));
    expect(pages).toBe(3);
  });

  it("a cursor stays on its version while a new one is committed", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 4));
    const first = await json<{ nextCursor: string }>(
      await call("GET", `${base()}/records?limit=2`, { key: ingest }),
    );
    await submit(base(), ingest, users(50, 60));
    const second = await json<{ version: number; data: unknown[] }>(
      await call("GET", `${base()}/records?limit=2&cursor=${first.nextCursor}`, { key: ingest }),
    );
    expect(second.version).toBe(1);
    expect(second.data).toEqual(users(3, 4));
  });

  it("a cursor of a pruned version is a 409; malformed cursors and limits are 400", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, users(1, 1));
    const gone = await expectProblem(
      await call("GET", `${base()}/records?cursor=v0.0`, { key: ingest }),
      409,
      "version-gone",
    );
    expect(gone.detail).toBe("Version 0 was pruned; start again without a cursor");
    for (const query of ["cursor=abc", "limit=0", "limit=1001", "limit=x"])
      await expectProblem(
        await call("GET", `${base()}/records?${query}`, { key: ingest }),
        400,
        "bad-request",
      );
  });

  it("an empty dataset reads as version null and a header-only CSV (also with Accept: text/csv)", async () => {
    const { base, ingest } = await dataWorld();
    expect(await json(await call("GET", `${base()}/records`, { key: ingest }))).toEqual({
      version: null,
      data: [],
      nextCursor: null,
    });
    const csv = await call("GET", `${base()}/records`, { key: ingest, headers: { accept: "text/csv" } });
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="saas_users.csv"');
    const text = await csv.text();
    expect(text.split("\r\n")).toEqual([
      "emailId,firstName,lastName,role,createdOn,userStatus,accountType,department,mfaEnrolmentStatus,accountPaymentStatus",
      "",
    ]);
    expect(await json(await call("GET", `${base()}/versions`, { key: ingest }))).toEqual({
      retained: 10,
      hot: 3,
      data: [],
    });
  });
});
