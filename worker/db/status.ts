// SQL reads for status: last commit per context and the keys that can still reach an integration.
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

/** Unrevoked, unexpired keys that may submit to the integration (admin, unbound ingest, or bound to it). */
export async function usableKeysFor(
  db: D1Database,
  tenantId: string,
  integrationId: string,
  now: string,
): Promise<{ name: string; expiresAt: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT name, expires_at FROM api_keys WHERE tenant_id = ?1 AND revoked_at IS NULL AND expires_at > ?3
       AND (integration_id IS NULL OR integration_id = ?2) ORDER BY expires_at`,
    )
    .bind(tenantId, integrationId, now)
    .all<{ name: string; expires_at: string }>();
  return results.map((r) => ({ name: r.name, expiresAt: r.expires_at }));
}
