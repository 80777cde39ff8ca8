// Tenants placed across data databases (issue 21): DB keeps tenants, keys and placement; each
// tenant's data lives in the data database it was placed on (the least loaded when it was made),
// every request goes to that database only, and the operator sees where everything is.
import { describe, expect, it } from "vitest";
import { dataDatabases } from "../../worker/domain/databases.ts";
import { runMaintenance } from "../../worker/scheduled.ts";
import { commitSync, dataWorld, putBatch, startSync, submit, users } from "./data-helpers.ts";
import { call, createTenant, env, expectProblem, json, OPERATOR } from "./helpers.ts";

const operator = { authorization: `Bearer ${OPERATOR}` };

/** Tables holding tenant data, and how many of their rows belong to `tenantId` in `db`. */
const DATA_TABLES = ["integrations", "datasets", "versions", "syncs", "ingestions", "record_sets", "stores"];
async function rowsOf(db: D1Database, tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    const row = await db
      .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?1`)
      .bind(tenantId)
      .first<{ n: number }>();
    out[table] = row?.n ?? 0;
  }
  return out;
}
const none = Object.fromEntries(DATA_TABLES.map((t) => [t, 0]));

interface Listed {
  name: string;
  tenants: number;
  storedBytes: number;
  records: number;
}
const listDatabases = async () =>
  (await json<{ data: Listed[] }>(await call("GET", "/v1/databases", { headers: operator }))).data;

describe("placement", () => {
  it("binds at least three data databases locally, and lists each with its load for the operator", async () => {
    expect(dataDatabases(env).map((d) => d.name)).toEqual(["DATA_0", "DATA_1", "DATA_2"]);
    const before = await listDatabases();
    expect(before.map((d) => d.name)).toEqual(["DATA_0", "DATA_1", "DATA_2"]);
    const w = await dataWorld();
    await submit(w.base(), w.ingest, users(1, 400));
    const after = await listDatabases();
    const mine = after.find((d) => d.name === w.database) as Listed;
    const was = before.find((d) => d.name === w.database) as Listed;
    expect(mine.tenants).toBe(was.tenants + 1);
    expect(mine.records).toBe(was.records + 400);
    expect(mine.storedBytes).toBeGreaterThan(was.storedBytes);
    for (const other of after.filter((d) => d.name !== w.database))
      expect(other).toEqual(before.find((d) => d.name === other.name));
  });

  it("places a new tenant on the database storing the fewest bytes, then holding the fewest tenants", async () => {
    /** The database the rule picks from the loads the operator sees. */
    const leastLoaded = (loads: Listed[]) =>
      [...loads].sort((x, y) => x.storedBytes - y.storedBytes || x.tenants - y.tenants)[0]?.name;
    const placed: string[] = [];
    for (const n of ["T1", "T2", "T3", "T4", "T5", "T6"]) {
      const expected = leastLoaded(await listDatabases());
      const t = await createTenant(n);
      expect(t.database).toBe(expected);
      placed.push(t.database);
      // Half of them store a dataset, so bytes and not only counts decide the next placement.
      if (placed.length % 2 === 1) {
        const integration = await call("POST", "/v1/integrations", {
          key: t.admin,
          body: { name: n, contexts: ["saas_users"] },
        });
        const { id } = await json<{ id: string }>(integration);
        await submit(`/v1/integrations/${id}/contexts/saas_users`, t.admin, users(1, 300));
      }
    }
    // Spread over more than one database.
    expect(new Set(placed).size).toBeGreaterThan(1);
  });

  it("shows a tenant's database to the operator only", async () => {
    const t = await createTenant("Shown");
    const shown = await call("GET", `/v1/tenants/${t.tenantId}`, { headers: operator });
    expect(shown.status).toBe(200);
    expect(await json(shown)).toMatchObject({ id: t.tenantId, name: "Shown", database: t.database });
    await expectProblem(
      await call("GET", "/v1/tenants/ten_missing", { headers: operator }),
      404,
      "not-found",
    );
    // A tenant's own admin key is not the operator token.
    await expectProblem(
      await call("GET", `/v1/tenants/${t.tenantId}`, { key: t.admin }),
      401,
      "unauthorized",
    );
    await expectProblem(await call("GET", "/v1/databases", { key: t.admin }), 401, "unauthorized");
    await expectProblem(await call("GET", "/v1/databases"), 401, "unauthorized");
  });
});

describe("a tenant's requests reach its own database only", () => {
  it("every write of a full upload cycle lands in the tenant's database; the others and DB hold none of it", async () => {
    const a = await dataWorld();
    const b = await dataWorld(["saas_users"], "ingest key", elsewhere(a.database));
    const others = [
      env.DB,
      ...dataDatabases(env)
        .filter((d) => d.name !== a.database)
        .map((d) => d.db),
    ];
    const othersBefore = await Promise.all(others.map((db) => rowsOf(db, a.tenantId)));
    const bBefore = await rowsOf(b.db, b.tenantId);
    // Submit, a sync in batches, a commit, a restore, reads, history, status: all of tenant A.
    await submit(a.base(), a.ingest, users(1, 10));
    const syncId = await startSync(a.base(), a.ingest);
    expect((await putBatch(a.base(), a.ingest, syncId, 1, users(5, 20))).status).toBe(200);
    expect((await commitSync(a.base(), a.ingest, syncId, { confirmReplacement: true })).status).toBe(200);
    expect((await call("POST", `${a.base()}/versions/1/restore`, { key: a.ingest })).status).toBe(201);
    expect((await call("GET", `${a.base()}/records`, { key: a.ingest })).status).toBe(200);
    expect(
      (await call("GET", `/v1/integrations/${a.integrationId}/ingestions`, { key: a.ingest })).status,
    ).toBe(200);
    expect((await call("GET", `/v1/integrations/${a.integrationId}/status`, { key: a.ingest })).status).toBe(
      200,
    );
    const mine = await rowsOf(a.db, a.tenantId);
    expect(mine).toMatchObject({ integrations: 1, datasets: 1, versions: 3 });
    expect(mine.ingestions).toBeGreaterThan(3);
    // None of it anywhere else, and B's database unchanged by A's work.
    expect(othersBefore).toEqual(others.map(() => none));
    expect(await Promise.all(others.map((db) => rowsOf(db, a.tenantId)))).toEqual(others.map(() => none));
    expect(await rowsOf(b.db, b.tenantId)).toEqual(bBefore);
    // B reads its own (empty) dataset from its database, and A's integration is not found for B.
    const bRead = await json<{ version: number | null }>(
      await call("GET", `${b.base()}/records`, { key: b.ingest }),
    );
    expect(bRead.version).toBeNull();
    await expectProblem(await call("GET", `${a.base()}/records`, { key: b.admin }), 404, "not-found");
  });

  it("a placement naming a database this Worker does not bind is refused, never served from another", async () => {
    const a = await dataWorld();
    await submit(a.base(), a.ingest, users(1, 3));
    await env.DB.prepare("UPDATE tenants SET data_db = 'DATA_9' WHERE id = ?1").bind(a.tenantId).run();
    const refused = await call("GET", `${a.base()}/records`, { key: a.ingest });
    expect(refused.status).toBe(500);
    expect(await refused.text()).not.toContain("emailId");
    await env.DB.prepare("UPDATE tenants SET data_db = ?2 WHERE id = ?1").bind(a.tenantId, a.database).run();
    expect((await call("GET", `${a.base()}/records`, { key: a.ingest })).status).toBe(200);
  });

  it("maintenance runs on every database: a sync expired on each is expired", async () => {
    const worlds = await Promise.all(
      dataDatabases(env).map((d) => dataWorld(["saas_users"], "ingest key", d.name)),
    );
    const syncs = await Promise.all(worlds.map((w) => startSync(w.base(), w.ingest)));
    const run = await runMaintenance(env, new Date(Date.now() + 48 * 3_600_000));
    expect(run.expired).toBeGreaterThanOrEqual(worlds.length);
    for (const [i, w] of worlds.entries()) {
      const row = await w.db
        .prepare("SELECT status FROM syncs WHERE id = ?1")
        .bind(syncs[i] as string)
        .first<{ status: string }>();
      expect(row?.status).toBe("expired");
    }
  });
});

/** A data database other than `database`. */
function elsewhere(database: string): string {
  return (dataDatabases(env).find((d) => d.name !== database) as { name: string }).name;
}
