// SQL for syncs (multi-batch uploads) and their batches, scoped to the caller's tenant.
import type { DatasetRef } from "./datasets.ts";

export type SyncStatus = "open" | "committed" | "aborted" | "expired";

export interface Sync {
  id: string;
  tenantId: string;
  integrationId: string;
  context: string;
  setId: string;
  status: SyncStatus;
  keyName: string;
  createdAt: string;
  expiresAt: string;
  committedVersion: number | null;
}

interface SyncRow {
  id: string;
  tenant_id: string;
  integration_id: string;
  context: string;
  set_id: string;
  status: SyncStatus;
  key_name: string;
  created_at: string;
  expires_at: string;
  committed_version: number | null;
}

const COLUMNS =
  "id, tenant_id, integration_id, context, set_id, status, key_name, created_at, expires_at, committed_version";

const toSync = (r: SyncRow): Sync => ({
  id: r.id,
  tenantId: r.tenant_id,
  integrationId: r.integration_id,
  context: r.context,
  setId: r.set_id,
  status: r.status,
  keyName: r.key_name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  committedVersion: r.committed_version,
});

export function insertSyncStatement(db: D1Database, s: Sync): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO syncs (id, tenant_id, integration_id, context, set_id, status, key_name, created_at, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8)`,
    )
    .bind(s.id, s.tenantId, s.integrationId, s.context, s.setId, s.keyName, s.createdAt, s.expiresAt);
}

export async function getSync(db: D1Database, ref: DatasetRef, id: string): Promise<Sync | undefined> {
  const row = await db
    .prepare(
      `SELECT ${COLUMNS} FROM syncs WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND id = ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, id)
    .first<SyncRow>();
  return row ? toSync(row) : undefined;
}

export interface BatchRow {
  seq: number;
  payloadHash: string;
  recordCount: number;
}

export async function getBatch(db: D1Database, syncId: string, seq: number): Promise<BatchRow | undefined> {
  const row = await db
    .prepare("SELECT seq, payload_hash, record_count FROM sync_batches WHERE sync_id = ?1 AND seq = ?2")
    .bind(syncId, seq)
    .first<{ seq: number; payload_hash: string; record_count: number }>();
  return row ? { seq: row.seq, payloadHash: row.payload_hash, recordCount: row.record_count } : undefined;
}

export function insertBatchStatement(
  db: D1Database,
  syncId: string,
  batch: BatchRow,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO sync_batches (sync_id, seq, payload_hash, record_count, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(syncId, batch.seq, batch.payloadHash, batch.recordCount, now);
}

/** Batch count, highest seq and record total of a sync. */
export async function batchSummary(
  db: D1Database,
  syncId: string,
): Promise<{ count: number; maxSeq: number; records: number }> {
  const row = await db
    .prepare(
      "SELECT COUNT(*) AS count, COALESCE(MAX(seq), 0) AS max_seq, COALESCE(SUM(record_count), 0) AS records FROM sync_batches WHERE sync_id = ?1",
    )
    .bind(syncId)
    .first<{ count: number; max_seq: number; records: number }>();
  return { count: row?.count ?? 0, maxSeq: row?.max_seq ?? 0, records: row?.records ?? 0 };
}

/** The seqs missing below the highest one received. */
export async function missingSeqs(db: D1Database, syncId: string, upTo: number): Promise<number[]> {
  const { results } = await db
    .prepare("SELECT seq FROM sync_batches WHERE sync_id = ?1")
    .bind(syncId)
    .all<{ seq: number }>();
  const have = new Set(results.map((r) => r.seq));
  const missing: number[] = [];
  for (let seq = 1; seq <= upTo && missing.length < 100; seq++) if (!have.has(seq)) missing.push(seq);
  return missing;
}

/** Moves an open sync to committed (guarded: only one commit can win). */
export function markCommittedStatement(db: D1Database, syncId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE syncs SET status = 'committed', committed_version = (SELECT version FROM versions WHERE source_id = ?1)
       WHERE id = ?1 AND status = 'open'`,
    )
    .bind(syncId);
}

export async function markAborted(db: D1Database, ref: DatasetRef, syncId: string): Promise<boolean> {
  const result = await db
    .prepare(
      "UPDATE syncs SET status = 'aborted' WHERE tenant_id = ?1 AND integration_id = ?2 AND id = ?3 AND status = 'open'",
    )
    .bind(ref.tenantId, ref.integrationId, syncId)
    .run();
  return result.meta.changes > 0;
}

/** Open syncs past their expiry become expired; returns their record sets for cleanup. */
export async function expireSyncs(db: D1Database, now: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      "UPDATE syncs SET status = 'expired' WHERE status = 'open' AND expires_at <= ?1 RETURNING set_id",
    )
    .bind(now)
    .all<{ set_id: string }>();
  return results.map((r) => r.set_id);
}
