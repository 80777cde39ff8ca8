// SQL for the ingestion history: every validate, submit, batch, commit, abort and restore.
import type { Ingestion, IngestionKind } from "../../schemas/api-types.ts";
import type { Issue } from "../../schemas/index.ts";

import type { DatasetRef } from "./dataset-ref.ts";

interface IngestionRow {
  id: string;
  context: string;
  kind: IngestionKind;
  outcome: "success" | "failure";
  record_count: number;
  error_count: number;
  warning_count: number;
  detail: string | null;
  first_errors: string;
  sync_id: string | null;
  version: number | null;
  source_name: string | null;
  key_name: string;
  created_at: string;
}

const toIngestion = (r: IngestionRow): Ingestion => ({
  id: r.id,
  context: r.context,
  kind: r.kind,
  outcome: r.outcome,
  recordCount: r.record_count,
  errorCount: r.error_count,
  warningCount: r.warning_count,
  detail: r.detail,
  firstErrors: JSON.parse(r.first_errors) as Issue[],
  syncId: r.sync_id,
  version: r.version,
  sourceName: r.source_name,
  keyName: r.key_name,
  createdAt: r.created_at,
});

export const FIRST_ERRORS = 10;

export function insertIngestionStatement(db: D1Database, ref: DatasetRef, i: Ingestion): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO ingestions (id, tenant_id, integration_id, context, kind, outcome, record_count, error_count, warning_count,
                               detail, first_errors, sync_id, version, key_name, created_at, source_name)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
               COALESCE(?16, (SELECT source_name FROM syncs WHERE tenant_id = ?2 AND id = ?12)))`,
    )
    .bind(
      i.id,
      ref.tenantId,
      ref.integrationId,
      ref.context,
      i.kind,
      i.outcome,
      i.recordCount,
      i.errorCount,
      i.warningCount,
      i.detail,
      JSON.stringify(i.firstErrors.slice(0, FIRST_ERRORS)),
      i.syncId,
      i.version,
      i.keyName,
      i.createdAt,
      i.sourceName,
    );
}

export async function listIngestions(
  db: D1Database,
  tenantId: string,
  integrationId: string,
  options: { context?: string; before?: string; beforeId?: string; limit: number },
): Promise<Ingestion[]> {
  const { results } = await db
    .prepare(
      `SELECT id, context, kind, outcome, record_count, error_count, warning_count, detail, first_errors, sync_id, version, source_name, key_name, created_at
       FROM ingestions WHERE tenant_id = ?1 AND integration_id = ?2 AND (?3 IS NULL OR context = ?3)
         AND (?4 IS NULL OR created_at < ?4 OR (?5 IS NOT NULL AND created_at = ?4 AND id < ?5))
       ORDER BY created_at DESC, id DESC LIMIT ?6`,
    )
    .bind(
      tenantId,
      integrationId,
      options.context ?? null,
      options.before ?? null,
      options.beforeId ?? null,
      options.limit,
    )
    .all<IngestionRow>();
  return results.map(toIngestion);
}
