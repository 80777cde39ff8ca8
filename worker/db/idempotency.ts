// SQL for Idempotency-Key records of one-shot submits.
export interface IdempotencyRecord {
  bodyHash: string;
  status: number | null;
  response: string | null;
}

/** Claims a key; false when it is already claimed (then read it). */
export async function claimIdempotencyKey(
  db: D1Database,
  tenantId: string,
  scope: string,
  key: string,
  bodyHash: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO idempotency (tenant_id, scope, idempotency_key, body_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT DO NOTHING`,
    )
    .bind(tenantId, scope, key, bodyHash, now)
    .run();
  return result.meta.changes > 0;
}

export async function getIdempotencyRecord(
  db: D1Database,
  tenantId: string,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .prepare(
      "SELECT body_hash, status, response FROM idempotency WHERE tenant_id = ?1 AND scope = ?2 AND idempotency_key = ?3",
    )
    .bind(tenantId, scope, key)
    .first<{ body_hash: string; status: number | null; response: string | null }>();
  return row ? { bodyHash: row.body_hash, status: row.status, response: row.response } : undefined;
}

export function completeIdempotencyStatement(
  db: D1Database,
  tenantId: string,
  scope: string,
  key: string,
  status: number,
  response: string,
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE idempotency SET status = ?4, response = ?5 WHERE tenant_id = ?1 AND scope = ?2 AND idempotency_key = ?3",
    )
    .bind(tenantId, scope, key, status, response);
}

export async function releaseIdempotencyKey(
  db: D1Database,
  tenantId: string,
  scope: string,
  key: string,
): Promise<void> {
  await db
    .prepare(
      "DELETE FROM idempotency WHERE tenant_id = ?1 AND scope = ?2 AND idempotency_key = ?3 AND status IS NULL",
    )
    .bind(tenantId, scope, key)
    .run();
}

export async function purgeIdempotency(db: D1Database, before: string): Promise<void> {
  await db.prepare("DELETE FROM idempotency WHERE created_at < ?1").bind(before).run();
}
