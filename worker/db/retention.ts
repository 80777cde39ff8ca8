// SQL for retention: the last N versions per dataset are kept; the rows only older versions held
// and the staged record sets no open sync points to are deleted in chunks by the Cron Trigger.
import type { DatasetRef } from "./dataset-ref.ts";

export function pruneVersionsStatement(db: D1Database, ref: DatasetRef, keep: number): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM versions WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3
       AND version <= (SELECT MAX(version) FROM versions WHERE integration_id = ?2 AND context = ?3) - ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, keep);
}

/**
 * Deletes up to `limit` rows that no version kept in D1 holds (closed at or before the oldest hot
 * version of their dataset: every older one is archived, its object written and checked, or
 * pruned); returns how many went.
 */
export async function deleteUnretainedRows(db: D1Database, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM dataset_rows WHERE rowid IN (
         SELECT r.rowid FROM stores s JOIN dataset_rows r ON r.store = s.id
         WHERE r.v1 IS NOT NULL
           AND r.v1 <= (SELECT MIN(version) FROM versions v
                        WHERE v.integration_id = s.integration_id AND v.context = s.context AND v.storage = 'hot')
         LIMIT ?1)`,
    )
    .bind(limit)
    .run();
  return result.meta.changes;
}

/** Staged record sets that nothing points to any more (oldest first). */
export async function unreferencedSets(db: D1Database, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM record_sets rs
       WHERE NOT EXISTS (SELECT 1 FROM syncs s WHERE s.set_id = rs.id AND s.status IN ('open', 'committing'))
       ORDER BY created_at LIMIT ?1`,
    )
    .bind(limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Nothing points to record set ?1: no open or committing sync (checked again at deletion). */
const UNREFERENCED =
  "NOT EXISTS (SELECT 1 FROM syncs WHERE set_id = ?1 AND status IN ('open', 'committing'))";

/**
 * Deletes one staged record set and its records, only while no open or committing sync points to it (a
 * submit's set is deleted in its own transaction; a committed, aborted or expired sync's here).
 */
export async function deleteRecordSet(db: D1Database, setId: string): Promise<void> {
  await db.batch(deleteStagedStatements(db, setId));
}

/** Statements deleting a staged record set and its records while no open sync points to it. */
export function deleteStagedStatements(db: D1Database, setId: string): D1PreparedStatement[] {
  return [
    db.prepare(`DELETE FROM sync_changes WHERE set_id = ?1 AND ${UNREFERENCED}`).bind(setId),
    db.prepare(`DELETE FROM records WHERE set_id = ?1 AND ${UNREFERENCED}`).bind(setId),
    db.prepare(`DELETE FROM record_sets WHERE id = ?1 AND ${UNREFERENCED}`).bind(setId),
  ];
}

export async function purgeOldIngestions(db: D1Database, before: string): Promise<void> {
  await db.prepare("DELETE FROM ingestions WHERE created_at < ?1").bind(before).run();
}
