// SQL for cold versions (migration 0009): which retained versions are due for the archive, and
// marking one archived once its object is written and checked.

import type { DatasetRef } from "./dataset-ref.ts";
import type { ArchiveIndex } from "./datasets.ts";

export interface DueVersion extends DatasetRef {
  version: number;
  recordCount: number;
  schemaId: string | null;
}

/**
 * Hot versions older than the `hot` newest of their dataset and still retained (the `retained`
 * newest), oldest first.
 */
export async function versionsDue(
  db: D1Database,
  hot: number,
  retained: number,
  limit: number,
): Promise<DueVersion[]> {
  const { results } = await db
    .prepare(
      `SELECT v.tenant_id, v.integration_id, v.context, v.version, v.record_count, v.schema_id FROM versions v
       JOIN datasets d ON d.integration_id = v.integration_id AND d.context = v.context
       WHERE v.storage = 'hot' AND v.version <= d.current_version - ?1 AND v.version > d.current_version - ?2
       ORDER BY v.created_at LIMIT ?3`,
    )
    .bind(hot, retained, limit)
    .all<{
      tenant_id: string;
      integration_id: string;
      context: string;
      version: number;
      record_count: number;
      schema_id: string | null;
    }>();
  return results.map((r) => ({
    tenantId: r.tenant_id,
    integrationId: r.integration_id,
    context: r.context,
    version: r.version,
    recordCount: r.record_count,
    schemaId: r.schema_id,
  }));
}

/** Marks a hot version archived with its object's member index; false when it was not hot (any more). */
export async function markArchived(
  db: D1Database,
  ref: DatasetRef,
  version: number,
  index: ArchiveIndex,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE versions SET storage = 'archive', archive = ?5
       WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND version = ?4 AND storage = 'hot'`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, version, JSON.stringify(index))
    .run();
  return result.meta.changes > 0;
}

/** Whether a version row exists (an archived object without one belongs to a pruned version). */
export async function versionExists(db: D1Database, ref: DatasetRef, version: number): Promise<boolean> {
  const row = await db
    .prepare(
      "SELECT 1 AS ok FROM versions WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND version = ?4",
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, version)
    .first<{ ok: number }>();
  return row !== null;
}
