// The source name a sync records (POST …/syncs `sourceName`: a file name, or a captured page's
// title and address): on every ingestion of the sync, clipped and cleaned, refused when not a
// string, and only ever seen by the tenant that sent it.
import { describe, expect, it } from "vitest";
import { clipSourceName, SOURCE_NAME_MAX } from "../../schemas/limits.ts";
import { insertIngestionStatement, listIngestions } from "../../worker/db/ingestions.ts";
import { commitSync, dataWorld, putBatch, users } from "./data-helpers.ts";
import { call, expectProblem, json } from "./helpers.ts";

interface Entry {
  kind: string;
  syncId: string | null;
  sourceName: string | null;
}

async function start(base: string, key: string, body?: unknown): Promise<string> {
  const response = await call("POST", `${base}/syncs`, { key, body });
  expect(response.status).toBe(201);
  return (await json<{ syncId: string }>(response)).syncId;
}

async function history(integrationId: string, key: string): Promise<Entry[]> {
  const response = await call("GET", `/v1/integrations/${integrationId}/ingestions`, { key });
  expect(response.status).toBe(200);
  return (await json<{ data: Entry[] }>(response)).data;
}

describe("source names", () => {
  it("records the sync's source name on each of its ingestions, and none when not given", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const page = "Users · Acme admin (https://admin.acme.example/users)";
    const named = await start(base(), ingest, { sourceName: page });
    expect((await putBatch(base(), ingest, named, 1, users(1, 2))).status).toBe(200);
    expect((await commitSync(base(), ingest, named)).status).toBe(200);
    const plain = await start(base(), ingest);
    expect((await putBatch(base(), ingest, plain, 1, users(3, 3))).status).toBe(200);
    expect((await call("POST", `${base()}/validate`, { key: ingest, body: users(1, 1) })).status).toBe(200);

    const entries = await history(integrationId, ingest);
    const of = (syncId: string | null) => entries.filter((e) => e.syncId === syncId);
    expect(of(named).map((e) => [e.kind, e.sourceName])).toEqual([
      ["commit", page],
      ["batch", page],
    ]);
    expect(of(plain).map((e) => e.sourceName)).toEqual([null]);
    expect(of(null).map((e) => [e.kind, e.sourceName])).toEqual([["validate", null]]);
  });

  it("clips long names, blanks control and bidi characters, and refuses a name that is not text", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const long = await start(base(), ingest, { sourceName: `${"x".repeat(5000)}.csv` });
    const hostile = await start(base(), ingest, {
      sourceName: "  Users\u0000\r\n<script>\u202eevil\u2066.csv  ",
    });
    const blank = await start(base(), ingest, { sourceName: " \u200b\t " });
    for (const id of [long, hostile, blank])
      expect((await putBatch(base(), ingest, id, 1, users(1, 1))).status).toBe(200);
    const byId = new Map((await history(integrationId, ingest)).map((e) => [e.syncId, e.sourceName]));
    const clipped = byId.get(long) as string;
    expect(clipped).toHaveLength(SOURCE_NAME_MAX);
    expect(clipped.endsWith("x…")).toBe(true);
    // Stored as inert text (the console renders it as text), never with its control characters.
    expect(byId.get(hostile)).toBe("Users <script> evil .csv");
    expect(byId.get(blank)).toBe(null);
    expect(clipSourceName("a\u{1F600}".padEnd(SOURCE_NAME_MAX + 5, "\u{1F600}"))?.length).toBeLessThanOrEqual(
      SOURCE_NAME_MAX,
    );

    for (const sourceName of [42, null, ["a.csv"], { name: "a.csv" }]) {
      const response = await call("POST", `${base()}/syncs`, { key: ingest, body: { sourceName } });
      const problem = await expectProblem(response, 400);
      expect(problem.detail).toMatch(/sourceName must be a string/);
    }
  });

  it("refuses a name holding half a character (a lone surrogate), and blanks format and bidi controls", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const problem = await expectProblem(
      await call("POST", `${base()}/syncs`, { key: ingest, body: { sourceName: "report\uD800.csv" } }),
      400,
    );
    expect(problem.detail).toContain("lone surrogate");
    const syncId = await start(base(), ingest, { sourceName: "pay\u061Croll\u2060.csv" });
    await putBatch(base(), ingest, syncId, 1, users(1, 1));
    const entries = (await history(integrationId, ingest)).filter((e) => e.syncId === syncId);
    // Each invisible character becomes a space, as control characters do (see clipSourceName).
    expect(entries.map((e) => e.sourceName)).toEqual(["pay roll .csv"]);
  });

  it("is tenant-scoped: another tenant never sees it, nor can reach the sync", async () => {
    const a = await dataWorld();
    const b = await dataWorld();
    const secret = await start(a.base(), a.ingest, { sourceName: "Tenant A payroll.xlsx" });
    expect((await putBatch(a.base(), a.ingest, secret, 1, users(1, 1))).status).toBe(200);
    const mine = await start(b.base(), b.ingest, { sourceName: "Tenant B users.csv" });
    expect((await putBatch(b.base(), b.ingest, mine, 1, users(1, 1))).status).toBe(200);
    // B's key on A's sync: not found, and nothing recorded under either tenant.
    expect((await putBatch(b.base(), b.ingest, secret, 2, users(2, 2))).status).toBe(404);

    const seen = await history(b.integrationId, b.ingest);
    expect(seen.map((e) => e.sourceName)).toEqual(["Tenant B users.csv"]);
    expect(
      (await call("GET", `/v1/integrations/${a.integrationId}/ingestions`, { key: b.ingest })).status,
    ).toBe(404);
    expect((await history(a.integrationId, a.ingest)).map((e) => e.sourceName)).toEqual([
      "Tenant A payroll.xlsx",
    ]);
  });

  it("copies a sync's name into an ingestion only within the sync's tenant (SQL level)", async () => {
    const a = await dataWorld();
    // In one database, so only the query's tenant scope keeps them apart.
    const b = await dataWorld(["saas_users"], "ingest key", a.database);
    const secret = await start(a.base(), a.ingest, { sourceName: "Tenant A payroll.xlsx" });
    // An ingestion of tenant B naming tenant A's sync id (no route does this) gets no name from it.
    await insertIngestionStatement(
      b.db,
      { tenantId: b.tenantId, integrationId: b.integrationId, context: "saas_users" },
      {
        id: "ing_cross_tenant",
        context: "saas_users",
        kind: "batch",
        outcome: "success",
        recordCount: 1,
        errorCount: 0,
        warningCount: 0,
        detail: null,
        firstErrors: [],
        syncId: secret,
        version: null,
        sourceName: null,
        keyName: "k",
        createdAt: new Date().toISOString(),
      },
    ).run();
    const listed = await listIngestions(b.db, b.tenantId, b.integrationId, { limit: 10 });
    expect(listed.map((e) => [e.id, e.sourceName])).toEqual([["ing_cross_tenant", null]]);
  });
});
