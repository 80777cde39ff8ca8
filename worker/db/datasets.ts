// SQL for record sets, versions and the current-dataset pointer. Records are inserted with
// SQLite's json_each over one bound JSON parameter per chunk, so a 5,000-record batch takes a
// handful of statements whatever D1's 100-parameter limit; a commit is a pointer swap.
import { type SyncGuard, syncOpenSql } from "./syncs.ts";

/** A record ready for storage: its key (the core's unambiguous encoding) and its JSON. */
export interface StoredRow {
  key: string;
  data: string;
}

/** Kept under D1's 1,000,000-byte limit per string value (the bound JSON parameter). */
const CHUNK_BYTES = 900_000;
const NON_ASCII = /[\u0080-\uffff]/;
const encoder = new TextEncoder();

/** UTF-8 size of a string, cheaply for the (common) pure-ASCII case. */
const utf8Length = (text: string) => (NON_ASCII.test(text) ? encoder.encode(text).length : text.length);

export interface Version {
  version: number;
  setId: string;
  recordCount: number;
  source: "submit" | "sync" | "restore";
  sourceId: string;
  keyName: string;
  createdAt: string;
  /** The schema `$id` the version was committed under (null before this was recorded). */
  schemaId: string | null;
}

interface VersionRow {
  version: number;
  set_id: string;
  record_count: number;
  source: Version["source"];
  source_id: string;
  key_name: string;
  created_at: string;
  schema_id: string | null;
}

const toVersion = (r: VersionRow): Version => ({
  version: r.version,
  setId: r.set_id,
  recordCount: r.record_count,
  source: r.source,
  sourceId: r.source_id,
  keyName: r.key_name,
  createdAt: r.created_at,
  schemaId: r.schema_id,
});

export interface DatasetRef {
  tenantId: string;
  integrationId: string;
  context: string;
}

export function insertRecordSetStatement(
  db: D1Database,
  ref: DatasetRef,
  setId: string,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO record_sets (id, tenant_id, integration_id, context, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(setId, ref.tenantId, ref.integrationId, ref.context, now);
}

/**
 * Statements inserting rows as (seq, idx 0..n-1) of a record set, chunked by size. With a guard
 * (a sync's batch), each statement inserts nothing unless the sync is still open.
 */
export function insertRecordsStatements(
  db: D1Database,
  setId: string,
  seq: number,
  rows: StoredRow[],
  guard?: SyncGuard,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  // The parameter is written by hand as [[key, record], …]: each record is already JSON, so it
  // is embedded as it is instead of being escaped into a string a second time.
  let chunk: string[] = [];
  let bytes = 0;
  let start = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const sql = `INSERT INTO records (set_id, seq, idx, record_key, data)
       SELECT ?1, ?2, ?3 + CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?4)`;
    const param = `[${chunk.join(",")}]`;
    statements.push(
      guard
        ? db
            .prepare(`${sql} WHERE ${syncOpenSql(5, 6)}`)
            .bind(setId, seq, start, param, guard.syncId, guard.now)
        : db.prepare(sql).bind(setId, seq, start, param),
    );
    start += chunk.length;
    chunk = [];
    bytes = 0;
  };
  for (const row of rows) {
    const size = utf8Length(row.data) + utf8Length(row.key) + 8;
    if (bytes + size > CHUNK_BYTES) flush();
    chunk.push(`[${JSON.stringify(row.key)},${row.data}]`);
    bytes += size;
  }
  flush();
  return statements;
}

export function addToRecordCountStatement(
  db: D1Database,
  setId: string,
  count: number,
  guard?: SyncGuard,
): D1PreparedStatement {
  const sql = "UPDATE record_sets SET record_count = record_count + ?2 WHERE id = ?1";
  return guard
    ? db.prepare(`${sql} AND ${syncOpenSql(3, 4)}`).bind(setId, count, guard.syncId, guard.now)
    : db.prepare(sql).bind(setId, count);
}

/** What must still hold when a version is created, checked inside its transaction. */
export type CommitGuard =
  /**
   * A sync: still open and unexpired, holding exactly the batches the commit checked, every one
   * validated against `schemaId`; for a custom context, the context still at `customVersion`.
   */
  | {
      kind: "sync";
      syncId: string;
      now: string;
      batches: number;
      schemaId: string;
      customVersion: string | null;
      /** The version the commit checked it replaces (0: none yet); it must still be current. */
      currentVersion: number;
    }
  /** A restore: the restored version is still retained (its record set is not up for deletion). */
  | { kind: "restore"; version: number };

/**
 * Creates the next version of a dataset pointing at a record set and makes it current, in
 * statements meant for one `batch()` (one transaction). `sourceId` is unique, so committing the
 * same sync twice cannot create two versions; with a guard, nothing is created unless it holds
 * (then `versionBySource` finds no version).
 */
export function commitVersionStatements(
  db: D1Database,
  ref: DatasetRef,
  v: {
    setId: string;
    recordCount: number;
    source: Version["source"];
    sourceId: string;
    keyName: string;
    now: string;
    /** The schema `$id` the records were checked with (a restore keeps its version's). */
    schemaId: string | null;
  },
  guard?: CommitGuard,
): D1PreparedStatement[] {
  const params: unknown[] = [
    ref.tenantId,
    ref.integrationId,
    ref.context,
    v.setId,
    v.recordCount,
    v.source,
    v.sourceId,
    v.keyName,
    v.now,
  ];
  let condition = "";
  if (guard?.kind === "sync") {
    condition = ` AND ${syncOpenSql(10, 11)} AND (SELECT COUNT(*) FROM sync_batches WHERE sync_id = ?10) = ?12
         AND NOT EXISTS (SELECT 1 FROM sync_batches WHERE sync_id = ?10 AND (schema_id IS NULL OR schema_id != ?13))
         AND (?14 IS NULL OR EXISTS (SELECT 1 FROM custom_contexts WHERE tenant_id = ?1 AND name = ?3 AND version = ?14))
         AND COALESCE((SELECT current_version FROM datasets WHERE integration_id = ?2 AND context = ?3), 0) = ?15`;
    params.push(
      guard.syncId,
      guard.now,
      guard.batches,
      guard.schemaId,
      guard.customVersion,
      guard.currentVersion,
    );
  } else if (guard?.kind === "restore") {
    condition =
      " AND EXISTS (SELECT 1 FROM versions WHERE integration_id = ?2 AND context = ?3 AND version = ?10 AND set_id = ?4)";
    params.push(guard.version);
  }
  return [
    db
      .prepare(
        // HAVING: only when the tenant owns the integration (defence in depth: a ref with another
        // tenant's integration id inserts nothing, so the pointer swap below finds no version).
        `INSERT INTO versions (tenant_id, integration_id, context, version, set_id, record_count, source, source_id, key_name, created_at)
         SELECT ?1, ?2, ?3, COALESCE(MAX(version), 0) + 1, ?4, ?5, ?6, ?7, ?8, ?9 FROM versions WHERE integration_id = ?2 AND context = ?3
         HAVING EXISTS (SELECT 1 FROM integrations WHERE id = ?2 AND tenant_id = ?1)${condition}`,
      )
      .bind(...params),
    db
      .prepare(
        `INSERT INTO datasets (tenant_id, integration_id, context, current_version, updated_at)
         SELECT ?1, ?2, ?3, version, ?5 FROM versions WHERE source_id = ?4
         ON CONFLICT (integration_id, context) DO UPDATE SET current_version = excluded.current_version, updated_at = excluded.updated_at`,
      )
      .bind(ref.tenantId, ref.integrationId, ref.context, v.sourceId, v.now),
    db
      .prepare("UPDATE versions SET schema_id = ?2 WHERE source_id = ?1 AND tenant_id = ?3")
      .bind(v.sourceId, v.schemaId, ref.tenantId),
  ];
}

export async function versionBySource(
  db: D1Database,
  ref: DatasetRef,
  sourceId: string,
): Promise<Version | undefined> {
  const row = await db
    .prepare(
      "SELECT version, set_id, record_count, source, source_id, key_name, created_at, schema_id FROM versions WHERE tenant_id = ?1 AND integration_id = ?2 AND source_id = ?3",
    )
    .bind(ref.tenantId, ref.integrationId, sourceId)
    .first<VersionRow>();
  return row ? toVersion(row) : undefined;
}

/** The current version of a dataset, or undefined when nothing was committed yet. */
export async function currentVersion(db: D1Database, ref: DatasetRef): Promise<Version | undefined> {
  const row = await db
    .prepare(
      `SELECT v.version, v.set_id, v.record_count, v.source, v.source_id, v.key_name, v.created_at
       FROM datasets d JOIN versions v ON v.integration_id = d.integration_id AND v.context = d.context AND v.version = d.current_version
       WHERE d.tenant_id = ?1 AND d.integration_id = ?2 AND d.context = ?3`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context)
    .first<VersionRow>();
  return row ? toVersion(row) : undefined;
}

export async function getVersion(
  db: D1Database,
  ref: DatasetRef,
  version: number,
): Promise<Version | undefined> {
  const row = await db
    .prepare(
      `SELECT version, set_id, record_count, source, source_id, key_name, created_at, schema_id FROM versions
       WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND version = ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, version)
    .first<VersionRow>();
  return row ? toVersion(row) : undefined;
}

export async function listVersions(db: D1Database, ref: DatasetRef, limit: number): Promise<Version[]> {
  const { results } = await db
    .prepare(
      `SELECT version, set_id, record_count, source, source_id, key_name, created_at, schema_id FROM versions
       WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 ORDER BY version DESC LIMIT ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, limit)
    .all<VersionRow>();
  return results.map(toVersion);
}

export interface RecordPage {
  records: { seq: number; idx: number; data: string }[];
}

/** Records of a set in upload order after the cursor position (seq, idx). */
export async function readRecords(
  db: D1Database,
  setId: string,
  after: { seq: number; idx: number },
  limit: number,
): Promise<RecordPage> {
  const { results } = await db
    .prepare(
      `SELECT seq, idx, data FROM records WHERE set_id = ?1 AND (seq > ?2 OR (seq = ?2 AND idx > ?3))
       ORDER BY seq, idx LIMIT ?4`,
    )
    .bind(setId, after.seq, after.idx, limit)
    .all<{ seq: number; idx: number; data: string }>();
  return { records: results };
}

/**
 * Keys that occur more than once in a sync's record set: the first two occurrences of each (as
 * file rows, from each batch's first row) and the later record's data, for the core to word the
 * issue. Positions (batch, index) decide which occurrence is first.
 */
export async function duplicateKeys(
  db: D1Database,
  setId: string,
  syncId: string,
  limit: number,
): Promise<{ total: number; samples: { first: number; second: number; count: number; data: string }[] }> {
  const rows = await db
    .prepare(
      `WITH ordered AS (
         SELECT r.record_key, r.seq, r.idx, b.first_row + r.idx AS row, ROW_NUMBER() OVER (ORDER BY r.seq, r.idx) AS pos
         FROM records r JOIN sync_batches b ON b.sync_id = ?3 AND b.seq = r.seq
         WHERE r.set_id = ?1 AND r.record_key <> ''
       ), dup AS (
         SELECT record_key, COUNT(*) AS n, MIN(pos) AS first FROM ordered GROUP BY record_key HAVING COUNT(*) > 1
       ), pairs AS (
         SELECT d.n, d.first, (SELECT MIN(o.pos) FROM ordered o WHERE o.record_key = d.record_key AND o.pos > d.first) AS second
         FROM dup d ORDER BY second LIMIT ?2
       )
       SELECT p.n AS count, f.row AS first, s.row AS second,
              (SELECT data FROM records WHERE set_id = ?1 AND seq = s.seq AND idx = s.idx) AS data,
              (SELECT SUM(n - 1) FROM dup) AS total
       FROM pairs p JOIN ordered f ON f.pos = p.first JOIN ordered s ON s.pos = p.second
       ORDER BY p.second`,
    )
    .bind(setId, limit, syncId)
    .all<{ count: number; first: number; second: number; data: string; total: number }>();
  return { total: rows.results[0]?.total ?? 0, samples: rows.results.map(({ total: _t, ...r }) => r) };
}

/** access_relations: connection targets that never appear as an entity of the same sync's set (file rows). */
export async function unknownConnectionTargets(db: D1Database, setId: string, syncId: string, limit: number) {
  const rows = await db
    .prepare(
      `WITH rel AS (SELECT b.first_row + r.idx AS row, r.seq, r.idx,
                           json_extract(r.data, '$.accessSourceId') AS target, json_extract(r.data, '$.accessName') AS name,
                           json_extract(r.data, '$.accessEntityType') AS type, json_extract(r.data, '$.entitySourceId') AS entity
                    FROM records r JOIN sync_batches b ON b.sync_id = ?3 AND b.seq = r.seq WHERE r.set_id = ?1),
            firsts AS (SELECT target, MIN(seq * 1000000 + idx) AS pos FROM rel
                       WHERE type = 'connection' AND target NOT IN (SELECT entity FROM rel WHERE entity IS NOT NULL)
                       GROUP BY target)
       SELECT f.target AS target, rel.name AS name, rel.row AS row FROM firsts f JOIN rel ON rel.seq * 1000000 + rel.idx = f.pos
       ORDER BY f.pos LIMIT ?2`,
    )
    .bind(setId, limit, syncId)
    .all<{ target: string; name: string | null; row: number }>();
  return rows.results;
}
