// SQL for syncs (multi-batch uploads) and their batches, scoped to the caller's tenant.
import type { SyncState } from "../../schemas/api-types.ts";
import type { DatasetRef } from "./dataset-ref.ts";

export interface Sync {
  id: string;
  tenantId: string;
  integrationId: string;
  context: string;
  setId: string;
  status: SyncState;
  keyName: string;
  createdAt: string;
  expiresAt: string;
  committedVersion: number | null;
  /** What the commit was asked to expect (null when it was not told). */
  expectedRecords: number | null;
  /** The warnings the commit answered with (JSON), for replaying its answer. */
  commitWarnings: string | null;
  /** The schema `$id` the client validated against (POST …/syncs `schemaId`), when it said. */
  schemaId: string | null;
  /** The context's schema `$id` when the sync began (null for syncs older than migration 0007). */
  openedSchemaId: string | null;
}

interface SyncRow {
  id: string;
  tenant_id: string;
  integration_id: string;
  context: string;
  set_id: string;
  status: SyncState;
  key_name: string;
  created_at: string;
  expires_at: string;
  committed_version: number | null;
  expected_records: number | null;
  commit_warnings: string | null;
  schema_id: string | null;
  opened_schema_id: string | null;
}

const COLUMNS =
  "id, tenant_id, integration_id, context, set_id, status, key_name, created_at, expires_at, committed_version, expected_records, commit_warnings, schema_id, opened_schema_id";

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
  expectedRecords: r.expected_records,
  commitWarnings: r.commit_warnings,
  schemaId: r.schema_id,
  openedSchemaId: r.opened_schema_id,
});

/**
 * The guard every write into a sync carries, evaluated inside the same transaction as the write:
 * the sync is open and not past its expiry. A batch or commit racing an abort, a commit or the
 * expiry therefore writes nothing. Parameters: ?1 = sync id, ?2 = now.
 */
export const syncOpenSql = (id: number, now: number) =>
  `EXISTS (SELECT 1 FROM syncs WHERE id = ?${id} AND status = 'open' AND expires_at > ?${now})`;
const SYNC_OPEN = syncOpenSql(1, 2);

/** A write into a sync's record set that must not land once the sync is closed. */
export interface SyncGuard {
  syncId: string;
  now: string;
}

export function insertSyncStatement(db: D1Database, s: Sync): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO syncs (id, tenant_id, integration_id, context, set_id, status, key_name, created_at, expires_at, schema_id, opened_schema_id)
       VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?9, ?10)`,
    )
    .bind(
      s.id,
      s.tenantId,
      s.integrationId,
      s.context,
      s.setId,
      s.keyName,
      s.createdAt,
      s.expiresAt,
      s.schemaId,
      s.openedSchemaId,
    );
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
  /** File row of the batch's first record. */
  firstRow: number;
  /** The answer given when the batch was stored (JSON), replayed to a retry. */
  response: string | null;
  /** The schema `$id` its records were validated against (null before migration 0007). */
  schemaId: string | null;
}

export async function getBatch(db: D1Database, syncId: string, seq: number): Promise<BatchRow | undefined> {
  const row = await db
    .prepare(
      "SELECT seq, payload_hash, record_count, first_row, response, schema_id FROM sync_batches WHERE sync_id = ?1 AND seq = ?2",
    )
    .bind(syncId, seq)
    .first<{
      seq: number;
      payload_hash: string;
      record_count: number;
      first_row: number;
      response: string | null;
      schema_id: string | null;
    }>();
  return row
    ? {
        seq: row.seq,
        payloadHash: row.payload_hash,
        recordCount: row.record_count,
        firstRow: row.first_row,
        response: row.response,
        schemaId: row.schema_id,
      }
    : undefined;
}

/**
 * Inserts a batch row only while its sync is open (see SYNC_OPEN); 0 changes means the sync was
 * committed, aborted or expired meanwhile. Run it first in the batch's transaction: the records
 * statements that follow are guarded by the same condition.
 */
export function insertBatchStatement(
  db: D1Database,
  syncId: string,
  batch: BatchRow,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO sync_batches (sync_id, seq, payload_hash, record_count, first_row, response, schema_id, created_at)
       SELECT ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?2 WHERE ${SYNC_OPEN}`,
    )
    .bind(
      syncId,
      now,
      batch.seq,
      batch.payloadHash,
      batch.recordCount,
      batch.firstRow,
      batch.response,
      batch.schemaId,
    );
}

/** The different schema `$id`s a sync's batches were validated against (null: unknown). */
export async function batchSchemaIds(db: D1Database, syncId: string): Promise<(string | null)[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT schema_id FROM sync_batches WHERE sync_id = ?1")
    .bind(syncId)
    .all<{ schema_id: string | null }>();
  return results.map((r) => r.schema_id);
}

/** The batches validated against another schema than `schemaId` (or an unknown one), by seq. */
export async function batchesNotCheckedWith(
  db: D1Database,
  syncId: string,
  schemaId: string,
): Promise<{ seq: number; firstRow: number; recordCount: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT seq, first_row, record_count FROM sync_batches
       WHERE sync_id = ?1 AND (schema_id IS NULL OR schema_id != ?2) ORDER BY seq`,
    )
    .bind(syncId, schemaId)
    .all<{ seq: number; first_row: number; record_count: number }>();
  return results.map((r) => ({ seq: r.seq, firstRow: r.first_row, recordCount: r.record_count }));
}

/** Up to `limit` stored records of one batch after index `afterIdx`, in file order. */
export async function batchRecordsPage(
  db: D1Database,
  setId: string,
  seq: number,
  afterIdx: number,
  limit: number,
): Promise<{ idx: number; data: string }[]> {
  const { results } = await db
    .prepare(
      "SELECT idx, data FROM records WHERE set_id = ?1 AND seq = ?2 AND idx > ?3 ORDER BY idx LIMIT ?4",
    )
    .bind(setId, seq, afterIdx, limit)
    .all<{ idx: number; data: string }>();
  return results;
}

/**
 * Rewrites records a re-check normalized differently (a revised schema), as one JSON parameter,
 * only while the sync is open. Parameters of `rows`: idx and the new JSON text.
 */
export function rewriteRecordsStatement(
  db: D1Database,
  setId: string,
  seq: number,
  rows: { idx: number; data: string }[],
  guard: SyncGuard,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE records SET data = (SELECT json_extract(value, '$[1]') FROM json_each(?3) WHERE json_extract(value, '$[0]') = records.idx)
       WHERE set_id = ?1 AND seq = ?2 AND idx IN (SELECT json_extract(value, '$[0]') FROM json_each(?3))
         AND ${syncOpenSql(4, 5)}`,
    )
    .bind(setId, seq, JSON.stringify(rows.map((r) => [r.idx, r.data])), guard.syncId, guard.now);
}

/** Marks batches `seqs` of a sync as validated against `schemaId` (after a re-check), while it is open. */
export function markBatchesCheckedStatement(
  db: D1Database,
  syncId: string,
  seqs: number[],
  schemaId: string,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sync_batches SET schema_id = ?3
       WHERE sync_id = ?1 AND seq IN (SELECT value FROM json_each(?4)) AND ${SYNC_OPEN}`,
    )
    .bind(syncId, now, schemaId, JSON.stringify(seqs));
}

/** The file row the next batch starts at when the client does not say: after every lower batch, when they are all here. */
export async function defaultFirstRow(db: D1Database, syncId: string, seq: number): Promise<number> {
  const row = await db
    .prepare(
      "SELECT COUNT(*) AS n, COALESCE(SUM(record_count), 0) AS records FROM sync_batches WHERE sync_id = ?1 AND seq < ?2",
    )
    .bind(syncId, seq)
    .first<{ n: number; records: number }>();
  return row && row.n === seq - 1 ? row.records + 1 : 1;
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

/**
 * Moves an open sync to committed, remembering what the commit expected and answered; guarded
 * like every write into a sync, so only one commit can win and a closed sync stays closed.
 */
export function markCommittedStatement(
  db: D1Database,
  syncId: string,
  now: string,
  answer: { expectedRecords: number | null; warnings: string },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE syncs SET status = 'committed', committed_version = (SELECT version FROM versions WHERE source_id = ?1),
         expected_records = ?3, commit_warnings = ?4
       WHERE id = ?1 AND status = 'open' AND expires_at > ?2 AND EXISTS (SELECT 1 FROM versions WHERE source_id = ?1)`,
    )
    .bind(syncId, now, answer.expectedRecords, answer.warnings);
}

/**
 * Commits an open sync as the dataset's current version when its records equal it (nothing new is
 * stored): guarded like every write into a sync, holding exactly the batches checked, and only
 * while `version` is still current.
 */
export function markCommittedUnchangedStatement(
  db: D1Database,
  ref: DatasetRef,
  syncId: string,
  now: string,
  answer: { version: number; batches: number; expectedRecords: number | null; warnings: string },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE syncs SET status = 'committed', committed_version = ?3, expected_records = ?4, commit_warnings = ?5
       WHERE id = ?1 AND status = 'open' AND expires_at > ?2
         AND (SELECT COUNT(*) FROM sync_batches WHERE sync_id = ?1) = ?6
         AND EXISTS (SELECT 1 FROM datasets WHERE integration_id = ?7 AND context = ?8 AND current_version = ?3)`,
    )
    .bind(
      syncId,
      now,
      answer.version,
      answer.expectedRecords,
      answer.warnings,
      answer.batches,
      ref.integrationId,
      ref.context,
    );
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

/** Records what a new sync's data came from (its ingestions copy it; see insertIngestionStatement). */
export function setSyncSourceNameStatement(
  db: D1Database,
  tenantId: string,
  syncId: string,
  sourceName: string,
): D1PreparedStatement {
  return db
    .prepare("UPDATE syncs SET source_name = ?3 WHERE tenant_id = ?1 AND id = ?2")
    .bind(tenantId, syncId, sourceName);
}
