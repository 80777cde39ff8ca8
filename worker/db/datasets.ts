// SQL for staged record sets, versions, the rows they hold and the current-dataset pointer (see
// migration 0008). Records are inserted with SQLite's json_each over one bound JSON parameter per
// chunk, so a 5,000-record batch takes a handful of statements whatever D1's 100-parameter
// limit. A commit writes only what changed: it closes the rows that changed or went and opens the
// new ones, grouping both sides by key in one sort each (no key index: see migration 0004).
import { bodyFieldSql } from "./bodies.ts";
import { otherCommittingSql } from "./commit-steps.ts";
import type { DatasetRef } from "./dataset-ref.ts";
import { type SyncGuard, syncOpenSql } from "./syncs.ts";

/** A record ready for storage: its key (the core's unambiguous encoding) and its body (bodies.ts). */
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
  recordCount: number;
  source: "submit" | "sync" | "restore";
  sourceId: string;
  keyName: string;
  createdAt: string;
  /** The schema `$id` the version was committed under (null before this was recorded). */
  schemaId: string | null;
  /** Where its records are: D1 rows, or an object in the ARCHIVE bucket (its member index). */
  storage: "hot" | "archive";
  archive: ArchiveIndex | null;
}

/** An archived version's object: per gzip member, its compressed bytes and its records. */
export type ArchiveIndex = [bytes: number, records: number][];

interface VersionRow {
  version: number;
  record_count: number;
  source: Version["source"];
  source_id: string;
  key_name: string;
  created_at: string;
  schema_id: string | null;
  storage: Version["storage"];
  archive: string | null;
}

const toVersion = (r: VersionRow): Version => ({
  version: r.version,
  recordCount: r.record_count,
  source: r.source,
  sourceId: r.source_id,
  keyName: r.key_name,
  createdAt: r.created_at,
  schemaId: r.schema_id,
  storage: r.storage,
  archive: r.archive ? (JSON.parse(r.archive) as ArchiveIndex) : null,
});

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
  /** A restore: the restored version is still retained (and, restored from its rows, still hot). */
  | { kind: "restore"; version: number; hot: boolean }
  /**
   * The last step of a commit in steps (commit-steps.ts): the sync is committing at its switch
   * with `version` reserved, which is still the next one, and `currentVersion` still current.
   */
  | { kind: "steps"; version: number; currentVersion: number };

/** Where a new version's records come from. */
export type VersionRecords =
  /** A staged record set (a sync's or a submit's); `first`: the dataset has no version yet. */
  | { kind: "staged"; setId: string; first: boolean }
  /** A staged record set whose difference is planned (diff.ts planStaged) for the current version. */
  | { kind: "planned"; setId: string }
  /** Version `version` of the same dataset, made current again. */
  | { kind: "restore"; version: number }
  /** Rows already written under the new version's number (a commit in steps). */
  | { kind: "written" };

/**
 * SQL true only inside the transaction that creates the version of source ?4: it exists, and the
 * current-dataset pointer has not reached it yet (the pointer moves in the same transaction, and
 * versions only grow). Parameters: ?2 integration, ?3 context, ?4 source id.
 */
const APPLYING = `EXISTS (SELECT 1 FROM versions v WHERE v.source_id = ?4 AND v.integration_id = ?2 AND v.context = ?3
  AND NOT EXISTS (SELECT 1 FROM datasets d WHERE d.integration_id = ?2 AND d.context = ?3 AND d.current_version >= v.version))`;
const NEW_VERSION = "(SELECT version FROM versions WHERE source_id = ?4)";

/** Live rows (?1 store) beside staged ones (?5 set), grouped by key: each key's live row and staged body. */
const LIVE_AND_STAGED = `SELECT record_key AS k, MAX(lid) AS lid, MAX(lb) AS lb, MAX(sb) AS sb, MIN(pos) AS pos FROM (
    SELECT record_key, rowid AS lid, body AS lb, NULL AS sb, NULL AS pos FROM dataset_rows
      WHERE store = ?1 AND v1 IS NULL AND record_key <> ''
    UNION ALL
    SELECT record_key, NULL, NULL, data, seq * 1000000 + idx FROM records WHERE set_id = ?5 AND record_key <> ''
  ) GROUP BY record_key`;

/**
 * The statements that make the new version's rows: they close the current rows it does not hold
 * and open the ones it adds (only inside the creating transaction: APPLYING). A keyless record
 * is never matched: it is closed and opened again.
 */
function rowStatements(
  db: D1Database,
  ref: DatasetRef,
  store: number,
  sourceId: string,
  records: VersionRecords,
): D1PreparedStatement[] {
  const bind = (sql: string, extra: unknown) =>
    db.prepare(sql).bind(store, ref.integrationId, ref.context, sourceId, extra);
  if (records.kind === "written") return [];
  if (records.kind === "restore")
    return [
      // Current rows opened after the restored version: not in it.
      bind(
        `UPDATE dataset_rows SET v1 = ${NEW_VERSION} WHERE store = ?1 AND v1 IS NULL AND v0 > ?5 AND ${APPLYING}`,
        records.version,
      ),
      // Its rows closed since: open again, in their order.
      bind(
        `INSERT INTO dataset_rows (store, v0, record_key, body)
         SELECT store, ${NEW_VERSION}, record_key, body FROM dataset_rows
         WHERE store = ?1 AND v0 <= ?5 AND v1 IS NOT NULL AND v1 > ?5 AND ${APPLYING} ORDER BY rowid`,
        records.version,
      ),
    ];
  if (records.kind === "planned")
    return [
      // Changed or gone: closed.
      bind(
        `UPDATE dataset_rows SET v1 = ${NEW_VERSION}
         WHERE rowid IN (SELECT live FROM sync_changes WHERE set_id = ?5 AND kind IN (2, 3))
           AND store = ?1 AND v1 IS NULL AND ${APPLYING}`,
        records.setId,
      ),
      // New or changed: opened, in upload order.
      bind(
        `INSERT INTO dataset_rows (store, v0, record_key, body)
         SELECT ?1, ${NEW_VERSION}, r.record_key, r.data FROM sync_changes c
         JOIN records r ON r.set_id = c.set_id AND r.seq = c.pos / 1000000 AND r.idx = c.pos % 1000000
         WHERE c.set_id = ?5 AND c.kind IN (1, 3) AND ${APPLYING} ORDER BY c.pos`,
        records.setId,
      ),
    ];
  if (records.first)
    return [
      bind(
        `INSERT INTO dataset_rows (store, v0, record_key, body)
         SELECT ?1, ${NEW_VERSION}, record_key, data FROM records WHERE set_id = ?5 AND ${APPLYING}
         ORDER BY seq, idx`,
        records.setId,
      ),
    ];
  return [
    // Changed or gone (and every keyless row): closed.
    bind(
      `UPDATE dataset_rows SET v1 = ${NEW_VERSION}
       WHERE store = ?1 AND v1 IS NULL AND ${APPLYING}
         AND (record_key = '' OR rowid IN (SELECT lid FROM (${LIVE_AND_STAGED}) WHERE lid IS NOT NULL AND (sb IS NULL OR sb <> lb)))`,
      records.setId,
    ),
    // New or changed (and every keyless record): opened, in upload order.
    bind(
      `INSERT INTO dataset_rows (store, v0, record_key, body)
       SELECT ?1, ${NEW_VERSION}, k, b FROM (
         SELECT k, sb AS b, pos FROM (${LIVE_AND_STAGED}) WHERE sb IS NOT NULL AND lb IS NULL
         UNION ALL
         SELECT record_key, data, seq * 1000000 + idx FROM records WHERE set_id = ?5 AND record_key = ''
       ) WHERE ${APPLYING} ORDER BY pos`,
      records.setId,
    ),
  ];
}

/**
 * Creates the next version of a dataset from `records` and makes it current, in statements meant
 * for one `batch()` (one transaction): the version, its rows, the pointer. `sourceId` is unique,
 * so committing the same sync twice cannot create two versions; with a guard, nothing is created
 * unless it holds (then `versionBySource` finds no version).
 */
export function commitVersionStatements(
  db: D1Database,
  ref: DatasetRef,
  store: number,
  v: {
    records: VersionRecords;
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
    v.recordCount,
    v.source,
    v.sourceId,
    v.keyName,
    v.now,
  ];
  let condition = "";
  if (guard?.kind === "sync") {
    condition = ` AND ${syncOpenSql(9, 10)} AND (SELECT COUNT(*) FROM sync_batches WHERE sync_id = ?9) = ?11
         AND NOT EXISTS (SELECT 1 FROM sync_batches WHERE sync_id = ?9 AND (schema_id IS NULL OR schema_id != ?12))
         AND (?13 IS NULL OR EXISTS (SELECT 1 FROM custom_contexts WHERE tenant_id = ?1 AND name = ?3 AND version = ?13))
         AND COALESCE((SELECT current_version FROM datasets WHERE integration_id = ?2 AND context = ?3), 0) = ?14`;
    params.push(
      guard.syncId,
      guard.now,
      guard.batches,
      guard.schemaId,
      guard.customVersion,
      guard.currentVersion,
    );
  } else if (guard?.kind === "restore") {
    condition = ` AND EXISTS (SELECT 1 FROM versions WHERE integration_id = ?2 AND context = ?3 AND version = ?9${guard.hot ? " AND storage = 'hot'" : ""})`;
    params.push(guard.version);
  } else if (guard?.kind === "steps") {
    condition = ` AND COALESCE(MAX(version), 0) + 1 = ?9
         AND EXISTS (SELECT 1 FROM syncs WHERE id = ?6 AND status = 'committing' AND commit_phase = 'switch' AND commit_version = ?9)
         AND COALESCE((SELECT current_version FROM datasets WHERE integration_id = ?2 AND context = ?3), 0) = ?10`;
    params.push(guard.version, guard.currentVersion);
  }
  // While a sync of the dataset is committing in steps, no other version is created.
  condition += ` AND NOT ${otherCommittingSql(2, 3, 6)}`;
  return [
    db
      .prepare(
        // HAVING: only when the tenant owns the integration (defence in depth: a ref with another
        // tenant's integration id inserts nothing, so nothing below applies).
        `INSERT INTO versions (tenant_id, integration_id, context, version, set_id, record_count, source, source_id, key_name, created_at)
         SELECT ?1, ?2, ?3, COALESCE(MAX(version), 0) + 1, '', ?4, ?5, ?6, ?7, ?8 FROM versions WHERE integration_id = ?2 AND context = ?3
         HAVING EXISTS (SELECT 1 FROM integrations WHERE id = ?2 AND tenant_id = ?1)${condition}`,
      )
      .bind(...params),
    ...rowStatements(db, ref, store, v.sourceId, v.records),
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
      "SELECT version, record_count, source, source_id, key_name, created_at, schema_id, storage, archive FROM versions WHERE tenant_id = ?1 AND integration_id = ?2 AND source_id = ?3",
    )
    .bind(ref.tenantId, ref.integrationId, sourceId)
    .first<VersionRow>();
  return row ? toVersion(row) : undefined;
}

/** The highest version number a dataset has (0: none). */
export async function latestVersionNumber(db: D1Database, ref: DatasetRef): Promise<number> {
  const row = await db
    .prepare(
      "SELECT COALESCE(MAX(version), 0) AS n FROM versions WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3",
    )
    .bind(ref.tenantId, ref.integrationId, ref.context)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The current version of a dataset, or undefined when nothing was committed yet. */
export async function currentVersion(db: D1Database, ref: DatasetRef): Promise<Version | undefined> {
  const row = await db
    .prepare(
      `SELECT v.version, v.record_count, v.source, v.source_id, v.key_name, v.created_at, v.schema_id, v.storage, v.archive
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
      `SELECT version, record_count, source, source_id, key_name, created_at, schema_id, storage, archive FROM versions
       WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND version = ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, version)
    .first<VersionRow>();
  return row ? toVersion(row) : undefined;
}

export async function listVersions(db: D1Database, ref: DatasetRef, limit: number): Promise<Version[]> {
  const { results } = await db
    .prepare(
      `SELECT version, record_count, source, source_id, key_name, created_at, schema_id, storage, archive FROM versions
       WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 ORDER BY version DESC LIMIT ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, limit)
    .all<VersionRow>();
  return results.map(toVersion);
}

export interface RecordPage {
  /** Bodies in the store's row order, each with its position (the cursor). */
  records: { pos: number; body: string }[];
}

/** The rows of version `version` of store `store` after position `after`, in a stable order. */
export async function readRecords(
  db: D1Database,
  store: number,
  version: number,
  after: number,
  limit: number,
): Promise<RecordPage> {
  const { results } = await db
    .prepare(
      `SELECT rowid AS pos, body FROM dataset_rows
       WHERE store = ?1 AND rowid > ?2 AND v0 <= ?3 AND (v1 IS NULL OR v1 > ?3) ORDER BY rowid LIMIT ?4`,
    )
    .bind(store, after, version, limit)
    .all<{ pos: number; body: string }>();
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

/**
 * access_relations: connection targets that never appear as an entity of the same sync's set
 * (file rows). `at`: the positions of the fields it reads in the store's field list.
 */
export async function unknownConnectionTargets(
  db: D1Database,
  setId: string,
  syncId: string,
  limit: number,
  at: { accessSourceId: number; accessName: number; accessEntityType: number; entitySourceId: number },
) {
  const rows = await db
    .prepare(
      `WITH rel AS (SELECT b.first_row + r.idx AS row, r.seq, r.idx,
                           ${bodyFieldSql("r.data", at.accessSourceId)} AS target, ${bodyFieldSql("r.data", at.accessName)} AS name,
                           ${bodyFieldSql("r.data", at.accessEntityType)} AS type, ${bodyFieldSql("r.data", at.entitySourceId)} AS entity
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
