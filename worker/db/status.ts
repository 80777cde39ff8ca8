// SQL reads for status: last commit per context, uploads that failed with nothing committed since,
// and the keys that can still write to an integration.
export async function lastCommits(
  db: D1Database,
  tenantId: string,
  integrationId: string,
): Promise<Map<string, string>> {
  const { results } = await db
    .prepare("SELECT context, updated_at FROM datasets WHERE tenant_id = ?1 AND integration_id = ?2")
    .bind(tenantId, integrationId)
    .all<{ context: string; updated_at: string }>();
  return new Map(results.map((r) => [r.context, r.updated_at]));
}

export interface UploadFailure {
  context: string;
  at: string;
  detail: string | null;
}

/**
 * Per context, the newest failed upload (submit, batch or commit) that no successful commit
 * (submit, commit) or restore followed. Dry runs, aborts and accepted batches change nothing:
 * only data becoming current clears a failure. Ties within a millisecond go by insertion order.
 */
export async function uploadFailures(
  db: D1Database,
  tenantId: string,
  integrationId: string,
): Promise<UploadFailure[]> {
  const { results } = await db
    .prepare(
      `WITH latest AS (
         SELECT context, outcome, created_at, detail, rowid AS rid,
                ROW_NUMBER() OVER (PARTITION BY context, outcome ORDER BY created_at DESC, rowid DESC) AS n
         FROM ingestions
         WHERE tenant_id = ?1 AND integration_id = ?2
           AND ((outcome = 'failure' AND kind IN ('submit', 'batch', 'commit'))
             OR (outcome = 'success' AND kind IN ('submit', 'commit', 'restore'))))
       SELECT f.context, f.created_at, f.detail FROM latest f
       LEFT JOIN latest s ON s.context = f.context AND s.outcome = 'success' AND s.n = 1
       WHERE f.outcome = 'failure' AND f.n = 1
         AND (s.rid IS NULL OR f.created_at > s.created_at OR (f.created_at = s.created_at AND f.rid > s.rid))`,
    )
    .bind(tenantId, integrationId)
    .all<{ context: string; created_at: string; detail: string | null }>();
  return results.map((r) => ({ context: r.context, at: r.created_at, detail: r.detail }));
}

/**
 * Unrevoked, unexpired ingest keys that upload to the integration: bound to it, or unbound. Admin
 * keys are not counted: they manage the tenant, and an integration whose only ingest key is gone
 * has no key ready for its uploads.
 */
export async function usableKeysFor(
  db: D1Database,
  tenantId: string,
  integrationId: string,
  now: string,
): Promise<{ name: string; expiresAt: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT name, expires_at FROM api_keys WHERE tenant_id = ?1 AND revoked_at IS NULL AND expires_at > ?3
       AND scope = 'ingest' AND (integration_id IS NULL OR integration_id = ?2) ORDER BY expires_at, name`,
    )
    .bind(tenantId, integrationId, now)
    .all<{ name: string; expires_at: string }>();
  return results.map((r) => ({ name: r.name, expiresAt: r.expires_at }));
}

/** One round trip to the database (GET /health). */
export async function pingDatabase(db: D1Database): Promise<void> {
  await db.prepare("SELECT 1").first();
}

/** The database's size in bytes, as D1 reports it after a query. */
export async function databaseSize(db: D1Database): Promise<number> {
  const { meta } = await db.prepare("SELECT 1").run();
  return Number(meta.size_after ?? 0);
}

/** Records in the current versions of every dataset of the database. */
export async function currentRecords(db: D1Database): Promise<number> {
  const row = await db
    .prepare(
      `SELECT COALESCE(SUM(v.record_count), 0) AS n FROM datasets d JOIN versions v
       ON v.integration_id = d.integration_id AND v.context = d.context AND v.version = d.current_version`,
    )
    .first<{ n: number }>();
  return row?.n ?? 0;
}
