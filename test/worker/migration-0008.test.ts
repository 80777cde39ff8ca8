// Migration 0008 on a database written by the old layout (a full record set per version, JSON
// objects): built here with migrations 0001-0007 and the old layout's own SQL, then migrated. Every
// retained version reads back as it was, unchanged records share one row, an open sync's staged
// records keep working, and records uploaded again compare equal to the migrated ones.
import type { D1Migration } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type ContextSchema, getSchema, normalizeRecord, recordKey } from "../../schemas/index.ts";
import { insertIntegration } from "../../worker/db/integrations.ts";
import { insertKeyStatement } from "../../worker/db/keys.ts";
import { insertBatchStatement, insertSyncStatement } from "../../worker/db/syncs.ts";
import { newApiKey } from "../../worker/domain/crypto.ts";
import { commitSync, putBatch, startSync } from "./data-helpers.ts";
import { call, env, inDays, json } from "./helpers.ts";

const found = getSchema("saas_users");
if (!found) throw new Error("no saas_users schema");
const schema: ContextSchema = found;
const NOW = "2030-01-01T00:00:00.000Z";

async function run(migrations: D1Migration[]) {
  for (const m of migrations) await env.DB.batch(m.queries.map((q) => env.DB.prepare(q)));
}

const a = { emailId: "a@example.com", firstName: "A", role: "USER" };
const b = { emailId: "b@example.com", firstName: "B", role: "ADMIN", department: "Ops" };
const b2 = { ...b, firstName: "Bee" };
const c = { emailId: "c@example.com", lastName: "C", role: "USER" };

/** A record set of the old layout: the core's key and canonical JSON object per record. */
function oldSet(setId: string, integrationId: string, records: Record<string, unknown>[], tenantId: string) {
  return [
    env.DB.prepare(
      "INSERT INTO record_sets (id, tenant_id, integration_id, context, record_count, created_at) VALUES (?1, ?2, ?3, 'saas_users', ?4, ?5)",
    ).bind(setId, tenantId, integrationId, records.length, NOW),
    ...records.map((r, idx) => {
      const record = normalizeRecord(r, schema);
      return env.DB.prepare(
        "INSERT INTO records (set_id, seq, idx, record_key, data) VALUES (?1, 1, ?2, ?3, ?4)",
      ).bind(setId, idx, recordKey(record, schema) ?? "", JSON.stringify(record));
    }),
  ];
}

let world: { base: string; key: string; integrationId: string };

beforeAll(async () => {
  // Back to the old layout: every table dropped, migrations 0001-0007 applied again.
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  for (const { name } of results) await env.DB.prepare(`DROP TABLE "${name}"`).run();
  const old = env.TEST_MIGRATIONS.filter((m) => m.name < "0008");
  expect(old.map((m) => m.name.slice(0, 4))).toEqual([
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
  ]);
  await run(old);
  // A tenant of the old deployment, its integration and an ingest key, written as it wrote them.
  const tenantId = "ten_legacy";
  const integrationId = "int_legacy";
  const made = new Date().toISOString();
  await env.DB.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?1, 'Legacy', ?2)")
    .bind(tenantId, made)
    .run();
  expect(
    await insertIntegration(
      env.DB,
      {
        id: integrationId,
        tenantId,
        name: "Slack",
        displayName: null,
        description: null,
        logo: null,
        contexts: ["saas_users"],
        createdAt: made,
        updatedAt: made,
      },
      [],
    ),
  ).toBe(true);
  const { id, secret: key, hash } = await newApiKey();
  await insertKeyStatement(
    env.DB,
    {
      id,
      tenantId,
      name: "ingest",
      scope: "ingest",
      integrationId,
      createdAt: made,
      expiresAt: inDays(30),
      lastUsedAt: null,
      revokedAt: null,
    },
    hash,
  ).run();
  // Three versions the old way: v1 {a, b}, v2 {a, b2, c}, v3 a restore of v1 (the same set).
  const version = (n: number, setId: string, source: string, count: number) =>
    env.DB.prepare(
      `INSERT INTO versions (tenant_id, integration_id, context, version, set_id, record_count, source, source_id, key_name, created_at)
       VALUES (?1, ?2, 'saas_users', ?3, ?4, ?5, ?6, ?7, 'ingest', ?8)`,
    ).bind(tenantId, integrationId, n, setId, count, source, `src_${n}`, NOW);
  await env.DB.batch([
    ...oldSet("set_1", integrationId, [a, b], tenantId),
    ...oldSet("set_2", integrationId, [a, b2, c], tenantId),
    version(1, "set_1", "submit", 2),
    version(2, "set_2", "sync", 3),
    version(3, "set_1", "restore", 2),
    // A sync opened under the old layout with one batch staged (a unchanged, c new against v3).
    ...oldSet("set_open", integrationId, [a, c], tenantId),
    insertSyncStatement(env.DB, {
      id: "syn_open",
      tenantId,
      integrationId,
      context: "saas_users",
      setId: "set_open",
      status: "open",
      keyName: "ingest",
      createdAt: new Date().toISOString(),
      expiresAt: inDays(1),
      committedVersion: null,
      expectedRecords: null,
      commitWarnings: null,
      schemaId: null,
      openedSchemaId: schema.$id,
    }),
    insertBatchStatement(
      env.DB,
      "syn_open",
      { seq: 1, payloadHash: "h", recordCount: 2, firstRow: 1, response: null, schemaId: schema.$id },
      new Date().toISOString(),
    ),
    env.DB.prepare(
      "INSERT INTO datasets (tenant_id, integration_id, context, current_version, updated_at) VALUES (?1, ?2, 'saas_users', 3, ?3)",
    ).bind(tenantId, integrationId, NOW),
  ]);
  world = {
    base: `/v1/integrations/${integrationId}/contexts/saas_users`,
    key,
    integrationId,
  };
});

const read = async (version: number) =>
  (
    await json<{ data: Record<string, unknown>[] }>(
      await call("GET", `${world.base}/records?version=${version}&limit=1000`, { key: world.key }),
    )
  ).data;

describe("migration 0008 (versions store what changed)", () => {
  it("reads every version as it was; an open sync staged before it commits after it", async () => {
    const syncId = "syn_open";
    await run(env.TEST_MIGRATIONS.filter((m) => m.name >= "0008"));

    // Every version reads as it was committed.
    expect(await read(1)).toEqual([a, b]);
    expect(await read(2)).toEqual([a, b2, c]);
    expect(await read(3)).toEqual([a, b]);
    // a is one row for v1-v3; b two runs (v1, v3); b2 and c one each; no full copies are left.
    const rows = await env.DB.prepare(
      "SELECT record_key, v0, v1 FROM dataset_rows ORDER BY record_key, v0",
    ).all<{ record_key: string; v0: number; v1: number | null }>();
    expect(rows.results.map((r) => [r.v0, r.v1])).toEqual([
      [1, null],
      [1, 2],
      [2, 3],
      [3, null],
      [2, 3],
    ]);
    const left = await env.DB.prepare(
      "SELECT (SELECT COUNT(*) FROM record_sets) AS sets, (SELECT COUNT(*) FROM records) AS records",
    ).first<{ sets: number; records: number }>();
    expect(left).toEqual({ sets: 1, records: 2 });

    // The staged sync's difference against v3 {a, b}: a unchanged, c added, b removed.
    const diff = await json<{ added: number; removed: number; changed: number; unchanged: number }>(
      await call("GET", `${world.base}/syncs/${syncId}/diff`, { key: world.key }),
    );
    expect(diff).toMatchObject({ added: 1, removed: 1, changed: 0, unchanged: 1 });
    const committed = await json<{ version: number }>(
      await commitSync(world.base, world.key, syncId, { confirmReplacement: true }),
    );
    expect(committed.version).toBe(4);
    expect(await read(4)).toEqual([a, c]);
    // a kept its row across v1-v4; only c was written.
    const live = await env.DB.prepare(
      "SELECT record_key, v0 FROM dataset_rows WHERE v1 IS NULL ORDER BY rowid",
    ).all<{ record_key: string; v0: number }>();
    expect(live.results.map((r) => r.v0)).toEqual([1, 4]);

    // The same records uploaded again are the same: nothing new is committed.
    const again = await startSync(world.base, world.key);
    expect((await putBatch(world.base, world.key, again, 1, [c, a])).status).toBe(200);
    const unchanged = await json<{ version: number; unchanged?: boolean }>(
      await commitSync(world.base, world.key, again),
    );
    expect(unchanged).toMatchObject({ version: 4, unchanged: true });
  });
});
