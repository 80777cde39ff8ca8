// Cold versions in R2 (worker/domain/archive.ts, migration 0009): versions past the hot window
// (VERSIONS_HOT = 3) are written to the ARCHIVE bucket by the scheduled handler, read back page by
// page and as CSV exactly as they read from D1, restored as new versions, and their rows leave D1
// only once the object is checked. The object is plain gzip NDJSON that a standard reader opens.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { getStore } from "../../worker/db/stores.ts";
import { archiveKey, archiveVersion } from "../../worker/domain/archive.ts";
import { runMaintenance } from "../../worker/scheduled.ts";
import { dataWorld, submit } from "./data-helpers.ts";
import { call, env, expectProblem, json } from "./helpers.ts";

type Rec = Record<string, unknown>;
const people = (version: number, count: number): Rec[] =>
  Array.from({ length: count }, (_, i) => ({
    emailId: `p${i}@example.com`,
    firstName: i % 7 === version % 7 ? `Changed${version}` : `P${i}`,
    ...(i % 3 === 0 ? { department: `D${(i + version) % 5}` } : {}),
  }));

async function readAll(base: string, key: string, version: number, limit: number): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | null = null;
  do {
    const page: { version: number; data: Rec[]; nextCursor: string | null } = await json(
      await call(
        "GET",
        `${base}/records?version=${version}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
        { key },
      ),
    );
    expect(page.version).toBe(version);
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const csvOf = async (base: string, key: string, version: number) =>
  (await call("GET", `${base}/records?version=${version}&format=csv`, { key })).text();

describe("cold versions in R2", () => {
  it("archives versions past the hot window; they read, export and restore exactly as before", async () => {
    const { db, base, ingest, tenantId, integrationId } = await dataWorld();
    // Six versions of 2,500 records (three gzip members each), each changing a few.
    for (let v = 1; v <= 6; v++) expect(await submit(base(), ingest, people(v, 2500))).toBe(v);
    const before = new Map<number, { records: Rec[]; csv: string }>();
    for (let v = 1; v <= 6; v++)
      before.set(v, { records: await readAll(base(), ingest, v, 1000), csv: await csvOf(base(), ingest, v) });

    const result = await runMaintenance(env, new Date());
    expect(result.archived).toBe(3);
    const listed = await json<{ data: { version: number; storage: string }[] }>(
      await call("GET", `${base()}/versions`, { key: ingest }),
    );
    expect(listed.data.map((v) => `${v.version}:${v.storage}`)).toEqual([
      "6:hot",
      "5:hot",
      "4:hot",
      "3:archive",
      "2:archive",
      "1:archive",
    ]);
    // Only the rows of versions 4-6 stay in D1.
    const oldest = await db
      .prepare(
        `SELECT MIN(COALESCE(r.v1, 1e9)) AS v1 FROM dataset_rows r JOIN stores s ON s.id = r.store WHERE s.integration_id = ?1`,
      )
      .bind(integrationId)
      .first<{ v1: number }>();
    expect(oldest?.v1).toBeGreaterThan(4);

    // The object: gzip NDJSON any reader opens, with the schema and the count in its metadata.
    const ref = { tenantId, integrationId, context: "saas_users" };
    const object = await env.ARCHIVE.get(archiveKey(ref, 2));
    expect(object?.customMetadata).toEqual({
      schemaId: expect.stringContaining("saas_users"),
      recordCount: "2500",
    });
    const lines = gunzipSync(Buffer.from(await (object as R2ObjectBody).arrayBuffer()))
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(before.get(2)?.records);

    // Pages of 700 (across members), and the CSV export, read exactly as from D1.
    for (const v of [1, 2, 3]) {
      expect(await readAll(base(), ingest, v, 700)).toEqual(before.get(v)?.records);
      expect(await csvOf(base(), ingest, v)).toBe(before.get(v)?.csv);
    }

    // What restoring version 2 would change, then the restore: a new version with its records.
    const diff = await json<{ changed: number; added: number; removed: number }>(
      await call("GET", `${base()}/versions/2/diff`, { key: ingest }),
    );
    expect(diff).toMatchObject({ added: 0, removed: 0 });
    expect(diff.changed).toBeGreaterThan(0);
    const restored = await json<{ version: number; restoredFrom: number }>(
      await call("POST", `${base()}/versions/2/restore`, { key: ingest }),
    );
    expect(restored).toMatchObject({ version: 7, restoredFrom: 2 });
    const readBack = await readAll(base(), ingest, 7, 1000);
    const sorted = (records: Rec[]) =>
      [...records].sort((a, b) => String(a.emailId).localeCompare(String(b.emailId)));
    expect(sorted(readBack)).toEqual(sorted(before.get(2)?.records ?? []));
    // Nothing staged is left behind by the difference or the restore.
    const staged = await db
      .prepare("SELECT COUNT(*) AS n FROM record_sets WHERE integration_id = ?1")
      .bind(integrationId)
      .first<{ n: number }>();
    expect(staged?.n).toBe(0);

    // Archiving again changes nothing; version 4 goes now (7 is current).
    const again = await runMaintenance(env, new Date());
    expect(again.archived).toBe(1);
    expect(await readAll(base(), ingest, 4, 1000)).toEqual(before.get(4)?.records);
  });

  it("a version whose object does not check out stays hot and keeps its rows", async () => {
    const { db, base, ingest, tenantId, integrationId } = await dataWorld();
    for (let v = 1; v <= 4; v++) await submit(base(), ingest, people(v, 30));
    const ref = { tenantId, integrationId, context: "saas_users" };
    const store = await getStore(db, ref);
    if (!store) throw new Error("no store");
    // Told the wrong count (as a version read short would be): refused before it is marked.
    await expect(
      archiveVersion(env, db, { ...ref, version: 1, recordCount: 31, schemaId: null }, store),
    ).rejects.toThrow("read 30 of its 31 records");
    const listed = await json<{ data: { version: number; storage: string }[] }>(
      await call("GET", `${base()}/versions`, { key: ingest }),
    );
    expect(listed.data.find((v) => v.version === 1)?.storage).toBe("hot");
    expect(await readAll(base(), ingest, 1, 1000)).toHaveLength(30);
    // The next run archives it properly.
    expect((await runMaintenance(env, new Date())).archived).toBe(1);
    expect(await readAll(base(), ingest, 1, 7)).toEqual(people(1, 30));
  });

  it("a pruned version's object is deleted; another tenant reads no archived version", async () => {
    const { base, ingest, tenantId, integrationId } = await dataWorld();
    for (let v = 1; v <= 5; v++) await submit(base(), ingest, people(v, 10));
    await runMaintenance(env, new Date());
    const ref = { tenantId, integrationId, context: "saas_users" };
    expect(await env.ARCHIVE.head(archiveKey(ref, 1))).not.toBeNull();
    // Ten more versions prune version 1 (VERSIONS_RETAINED = 10).
    for (let v = 6; v <= 15; v++) await submit(base(), ingest, people(v, 10));
    await runMaintenance(env, new Date());
    expect(await env.ARCHIVE.head(archiveKey(ref, 1))).toBeNull();
    await expectProblem(await call("GET", `${base()}/records?version=1`, { key: ingest }), 404, "not-found");
    // Another tenant's key, on this integration's archived version: as if it did not exist.
    const other = await dataWorld();
    await expectProblem(
      await call("GET", `${base()}/records?version=6`, { key: other.ingest }),
      404,
      "not-found",
    );
  });
});
