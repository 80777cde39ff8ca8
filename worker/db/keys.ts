// SQL for API keys. Only hashes of secrets are stored; every query is scoped to a tenant except
// the lookup by key id that authentication itself needs.
import type { KeyScope } from "../../schemas/api-types.ts";

export type { KeyScope };

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  scope: KeyScope;
  integrationId: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface KeyRow {
  id: string;
  tenant_id: string;
  name: string;
  scope: KeyScope;
  integration_id: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const COLUMNS =
  "id, tenant_id, name, scope, integration_id, created_at, expires_at, last_used_at, revoked_at";

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  scope: r.scope,
  integrationId: r.integration_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export function insertKeyStatement(db: D1Database, key: ApiKey, secretHash: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO api_keys (id, tenant_id, name, scope, integration_id, secret_hash, created_at, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
    )
    .bind(
      key.id,
      key.tenantId,
      key.name,
      key.scope,
      key.integrationId,
      secretHash,
      key.createdAt,
      key.expiresAt,
    );
}

/** The key and its stored hash, for authentication. */
export async function findKeyForAuth(
  db: D1Database,
  id: string,
): Promise<{ key: ApiKey; secretHash: string; database: string | null; moving: boolean } | undefined> {
  // With the tenant's placement, so a request resolves its database with its key, and whether a
  // move holds its writes.
  const row = await db
    .prepare(
      `SELECT ${COLUMNS}, secret_hash, (SELECT data_db FROM tenants WHERE tenants.id = api_keys.tenant_id) AS data_db,
         EXISTS (SELECT 1 FROM tenant_moves m WHERE m.tenant_id = api_keys.tenant_id
           AND m.phase IN ('copy', 'verify', 'clear-retry')) AS moving
       FROM api_keys WHERE id = ?1`,
    )
    .bind(id)
    .first<KeyRow & { secret_hash: string; data_db: string | null; moving: number }>();
  return row
    ? { key: toKey(row), secretHash: row.secret_hash, database: row.data_db, moving: row.moving === 1 }
    : undefined;
}

/** Records use at most once a minute per key, so busy keys do not write on every request. */
export async function touchKey(db: D1Database, id: string, now: string, notBefore: string): Promise<void> {
  await db
    .prepare(
      "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?3)",
    )
    .bind(id, now, notBefore)
    .run();
}

export async function listKeys(db: D1Database, tenantId: string): Promise<ApiKey[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = ?1 ORDER BY created_at DESC, id`)
    .bind(tenantId)
    .all<KeyRow>();
  return results.map(toKey);
}

export async function getKey(db: D1Database, tenantId: string, id: string): Promise<ApiKey | undefined> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = ?1 AND id = ?2`)
    .bind(tenantId, id)
    .first<KeyRow>();
  return row ? toKey(row) : undefined;
}

export async function countKeys(db: D1Database, tenantId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = ?1 AND revoked_at IS NULL")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function revokeKey(
  db: D1Database,
  tenantId: string,
  id: string,
  now: string,
): Promise<ApiKey | undefined> {
  const row = await db
    .prepare(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3) WHERE tenant_id = ?1 AND id = ?2 RETURNING ${COLUMNS}`,
    )
    .bind(tenantId, id, now)
    .first<KeyRow>();
  return row ? toKey(row) : undefined;
}

/** Revokes the keys bound to an integration (when it is deleted). */
export function revokeIntegrationKeysStatement(
  db: D1Database,
  tenantId: string,
  integrationId: string,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE api_keys SET revoked_at = ?3 WHERE tenant_id = ?1 AND integration_id = ?2 AND revoked_at IS NULL",
    )
    .bind(tenantId, integrationId, now);
}
