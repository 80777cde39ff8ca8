// Query tests for the data plane (worker/db/datasets.ts, stores.ts, syncs.ts, retention.ts,
// status.ts, ingestions.ts): a tenant's ref never reads or writes another tenant's rows (storage is shared
// within a file, so each tenant here is its own).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { DatasetRef } from "../../../worker/db/dataset-ref.ts";
import {
  commitVersionStatements,
  currentVersion,
  getVersion,
  insertRecordSetStatement,
  insertRecordsStatements,
  listVersions,
  readRecords,
  versionBySource,
} from "../../../worker/db/datasets.ts";
import { insertIngestionStatement, listIngestions } from "../../../worker/db/ingestions.ts";
import { type Integration, insertIntegration } from "../../../worker/db/integrations.ts";
import { type ApiKey, insertKeyStatement } from "../../../worker/db/keys.ts";
import { pruneVersionsStatement } from "../../../worker/db/retention.ts";
import { lastCommits, uploadFailures, usableKeysFor } from "../../../worker/db/status.ts";
import { ensureStore, getStore } from "../../../worker/db/stores.ts";
import {
  batchSummary,
  expireSyncs,
  getSync,
  insertBatchStatement,
  insertSyncStatement,
  markAborted,
  missingSeqs,
  type Sync,
} from "../../../worker/db/syncs.ts";
import { insertTenantStatement } from "../../../worker/db/tenants.ts";

const NOW = "2030-01-01T00:00:00.000Z";
const A: DatasetRef = { tenantId: "ten_da", integrationId: "int_da", context: "vendors" };
const B: DatasetRef = { tenantId: "ten_db", integrationId: "int_db", context: "vendors" };
/** Tenant A's ref pointed at tenant B's integration: what a missing route check would pass. */
const A_ON_B: DatasetRef = { ...B, tenantId: A.tenantId };

const integration = (ref: DatasetRef): Integration => ({
  id: ref.integrationId,
  tenantId: ref.tenantId,
  name: ref.integrationId,
  displayName: null,
  description: null,
  logo: null,
  contexts: ["vendors"],
  createdAt: NOW,
  updatedAt: NOW,
});

const key = (id: string, tenantId: string, over: Partial<ApiKey> = {}): ApiKey => ({
  id,
  tenantId,
  name: id,
  scope: "ingest",
  integrationId: null,
  createdAt: NOW,
  expiresAt: "2031-01-01T00:00:00.000Z",
  lastUsedAt: null,
  revokedAt: null,
  ...over,
});

const sync = (id: string, ref: DatasetRef, setId: string, expiresAt = "2030-01-02T00:00:00.000Z"): Sync => ({
  id,
  tenantId: ref.tenantId,
  integrationId: ref.integrationId,
  context: ref.context,
  setId,
  status: "open",
  keyName: "k",
  createdAt: NOW,
  expiresAt,
  committedVersion: null,
  expectedRecords: null,
  commitWarnings: null,
  schemaId: null,
  openedSchemaId: null,
});

/** A vendors record as a body under the field list ["vendorName"]. */
const row = (name: string) => ({ key: name.toLowerCase(), data: JSON.stringify([name]) });

async function commit(ref: DatasetRef, setId: string, sourceId: string, names: string[]) {
  const store = await ensureStore(env.DB, ref, ["vendorName"]);
  await env.DB.batch([
    ...insertRecordsStatements(env.DB, setId, 0, names.map(row)),
    ...commitVersionStatements(env.DB, ref, store.id, {
      records: { kind: "staged", setId, first: false },
      recordCount: names.length,
      source: "submit",
      sourceId,
      keyName: "k",
      now: NOW,
      schemaId: null,
    }),
  ]);
}

beforeAll(async () => {
  await env.DB.batch([
    insertTenantStatement(env.DB, { id: A.tenantId, name: "A", createdAt: NOW }, null),
    insertTenantStatement(env.DB, { id: B.tenantId, name: "B", createdAt: NOW }, null),
    insertKeyStatement(env.DB, key("key_da", A.tenantId), "h1"),
    insertKeyStatement(env.DB, key("key_db", B.tenantId, { integrationId: B.integrationId }), "h2"),
    insertKeyStatement(env.DB, key("key_db_revoked", B.tenantId), "h3"),
    insertKeyStatement(env.DB, key("key_db_expired", B.tenantId, { expiresAt: NOW }), "h4"),
    insertKeyStatement(env.DB, key("key_db_other", B.tenantId, { integrationId: "int_elsewhere" }), "h5"),
    env.DB.prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1").bind("key_db_revoked", NOW),
  ]);
  await insertIntegration(env.DB, integration(A), []);
  await insertIntegration(env.DB, integration(B), []);
  await commit(A, "set_da1", "src_da1", ["Alpha"]);
  await commit(B, "set_db1", "src_db1", ["Bravo", "Beta"]);
  await env.DB.batch([
    insertRecordSetStatement(env.DB, B, "set_db_sync", NOW),
    insertSyncStatement(env.DB, sync("syn_db", B, "set_db_sync")),
    insertBatchStatement(
      env.DB,
      "syn_db",
      { seq: 1, payloadHash: "x", recordCount: 2, firstRow: 1, response: null, schemaId: null },
      NOW,
    ),
    insertBatchStatement(
      env.DB,
      "syn_db",
      { seq: 3, payloadHash: "y", recordCount: 1, firstRow: 3, response: null, schemaId: null },
      NOW,
    ),
    insertIngestionStatement(env.DB, B, {
      id: "ing_db1",
      context: "vendors",
      kind: "submit",
      outcome: "failure",
      recordCount: 0,
      errorCount: 0,
      warningCount: 0,
      detail: null,
      firstErrors: [],
      syncId: null,
      version: null,
      sourceName: null,
      keyName: "k",
      createdAt: NOW,
    }),
  ]);
});

describe("datasets.ts", () => {
  it("reads versions and stores only within the tenant", async () => {
    expect((await currentVersion(env.DB, B))?.sourceId).toBe("src_db1");
    expect(await currentVersion(env.DB, A_ON_B)).toBeUndefined();
    expect(await getStore(env.DB, A_ON_B)).toBeUndefined();
    expect((await getStore(env.DB, B))?.fields).toEqual(["vendorName"]);
    expect(await getVersion(env.DB, A_ON_B, 1)).toBeUndefined();
    expect(await listVersions(env.DB, A_ON_B, 10)).toEqual([]);
    expect(await versionBySource(env.DB, A_ON_B, "src_db1")).toBeUndefined();
    expect(await versionBySource(env.DB, A, "src_db1")).toBeUndefined();
    expect((await listVersions(env.DB, A, 10)).map((v) => v.sourceId)).toEqual(["src_da1"]);
  });

  it("creates no store through a ref whose tenant does not own the integration", async () => {
    await expect(ensureStore(env.DB, { ...A_ON_B, context: "invoices" }, ["x"])).rejects.toThrow();
    const stores = await env.DB.prepare("SELECT COUNT(*) AS n FROM stores WHERE tenant_id = ?1")
      .bind(A.tenantId)
      .first<{ n: number }>();
    expect(stores?.n).toBe(1);
  });

  it("a commit through a ref whose tenant does not own the integration changes nothing", async () => {
    const store = (await getStore(env.DB, B))?.id as number;
    await env.DB.batch([
      ...insertRecordsStatements(env.DB, "set_hijack", 0, [row("Evil")]),
      ...commitVersionStatements(env.DB, A_ON_B, store, {
        records: { kind: "staged", setId: "set_hijack", first: false },
        recordCount: 1,
        source: "submit",
        sourceId: "src_hijack",
        keyName: "intruder",
        now: NOW,
        schemaId: null,
      }),
    ]);
    const current = await currentVersion(env.DB, B);
    expect(current?.sourceId).toBe("src_db1");
    const page = await readRecords(env.DB, store, current?.version as number, 0, 10);
    expect(page.records.map((r) => JSON.parse(r.body)[0])).toEqual(["Bravo", "Beta"]);
    const versions = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM versions WHERE source_id = 'src_hijack'",
    ).first<{
      n: number;
    }>();
    expect(versions?.n).toBe(0);
  });

  it("pruning through another tenant's ref deletes nothing", async () => {
    await pruneVersionsStatement(env.DB, A_ON_B, 0).run();
    expect((await listVersions(env.DB, B, 10)).length).toBe(1);
  });
});

describe("syncs.ts", () => {
  it("reads and aborts a sync only within its tenant, integration and context", async () => {
    expect((await getSync(env.DB, B, "syn_db"))?.status).toBe("open");
    expect(await getSync(env.DB, A_ON_B, "syn_db")).toBeUndefined();
    expect(
      await getSync(env.DB, { ...A, integrationId: B.integrationId, tenantId: A.tenantId }, "syn_db"),
    ).toBeUndefined();
    expect(await getSync(env.DB, { ...B, context: "invoices" }, "syn_db")).toBeUndefined();
    expect(await markAborted(env.DB, A_ON_B, "syn_db")).toBe(false);
    expect((await getSync(env.DB, B, "syn_db"))?.status).toBe("open");
  });

  it("summarizes batches and the seqs missing below the highest", async () => {
    expect(await batchSummary(env.DB, "syn_db")).toEqual({ count: 2, maxSeq: 3, records: 3 });
    expect(await missingSeqs(env.DB, "syn_db", 3)).toEqual([2]);
    expect(await batchSummary(env.DB, "syn_none")).toEqual({ count: 0, maxSeq: 0, records: 0 });
  });

  it("expires only open syncs past their expiry", async () => {
    await env.DB.batch([
      insertRecordSetStatement(env.DB, A, "set_da_old", NOW),
      insertSyncStatement(env.DB, sync("syn_da_old", A, "set_da_old", "2030-01-01T12:00:00.000Z")),
    ]);
    expect(await expireSyncs(env.DB, "2030-01-01T11:59:59.999Z")).toEqual([]);
    expect(await expireSyncs(env.DB, "2030-01-01T12:00:00.000Z")).toEqual(["set_da_old"]);
    expect((await getSync(env.DB, A, "syn_da_old"))?.status).toBe("expired");
    expect((await getSync(env.DB, B, "syn_db"))?.status).toBe("open");
  });
});

describe("status.ts and ingestions.ts", () => {
  it("last commits, usable keys and history are per tenant", async () => {
    expect([...(await lastCommits(env.DB, A.tenantId, B.integrationId)).keys()]).toEqual([]);
    expect([...(await lastCommits(env.DB, B.tenantId, B.integrationId)).keys()]).toEqual(["vendors"]);
    expect(await usableKeysFor(env.DB, A.tenantId, B.integrationId, NOW)).toEqual([
      { name: "key_da", expiresAt: "2031-01-01T00:00:00.000Z" },
    ]);
    // B: the bound key counts; revoked, expired and keys bound elsewhere do not.
    expect((await usableKeysFor(env.DB, B.tenantId, B.integrationId, NOW)).map((k) => k.name)).toEqual([
      "key_db",
    ]);
    expect(await listIngestions(env.DB, A.tenantId, B.integrationId, { limit: 10 })).toEqual([]);
    expect(await uploadFailures(env.DB, A.tenantId, B.integrationId)).toEqual([]);
    expect((await uploadFailures(env.DB, B.tenantId, B.integrationId)).map((f) => f.context)).toEqual([
      "vendors",
    ]);
  });
});
