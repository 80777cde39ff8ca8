// SQL for retention: the last N versions per dataset are kept; record sets that no version and
// no open sync points to are deleted in chunks by the Cron Trigger.
import type { DatasetRef } from "./datasets.ts";

export function pruneVersionsStatement(db: D1Database, ref: DatasetRef, keep: number): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM versions WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3
       AND version <= (SELECT MAX(version) FROM versions WHERE integration_id = ?2 AND context = ?3) - ?4`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, keep);
}

/** Record sets that nothing points to any more (oldest first). */
export async function unreferencedSets(db: D1Database, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM record_sets rs
       WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.set_id = rs.id)
         AND NOT EXISTS (SELECT 1 FROM syncs s WHERE s.set_id = rs.id AND s.status = 'open')
       ORDER BY created_at LIMIT ?1`,
    )
    .bind(limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Nothing points to record set ?1: no version, no open sync (checked again at deletion). */
const UNREFERENCED =
  "NOT EXISTS (SELECT 1 FROM versions WHERE set_id = ?1) AND NOT EXISTS (SELECT 1 FROM syncs WHERE set_id = ?1 AND status = 'open')";

/**
 * Deletes one record set and its records, only while nothing points to it: the check is repeated
 * inside the deleting transaction, so a set that became referenced since it was listed survives.
 */
export async function deleteRecordSet(db: D1Database, setId: string): Promise<void> {
  await db.batch([
    db.prepare(`DELETE FROM records WHERE set_id = ?1 AND ${UNREFERENCED}`).bind(setId),
    db.prepare(`DELETE FROM record_sets WHERE id = ?1 AND ${UNREFERENCED}`).bind(setId),
  ]);
}

export async function purgeOldIngestions(db: D1Database, before: string): Promise<void> {
  await db.prepare("DELETE FROM ingestions WHERE created_at < ?1").bind(before).run();
}
