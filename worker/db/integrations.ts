// SQL for integrations, always scoped to the caller's tenant.
export interface Integration {
  id: string;
  tenantId: string;
  name: string;
  displayName: string | null;
  description: string | null;
  logo: string | null;
  contexts: string[];
  createdAt: string;
  updatedAt: string;
}

interface IntegrationRow {
  id: string;
  tenant_id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  logo: string | null;
  contexts: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = "id, tenant_id, name, display_name, description, logo, contexts, created_at, updated_at";

const toIntegration = (r: IntegrationRow): Integration => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  displayName: r.display_name,
  description: r.description,
  logo: r.logo,
  contexts: JSON.parse(r.contexts) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * SQL true when every name of the JSON array ?`p` is a custom context of tenant ?1: checked in
 * the statement that writes an integration's contexts, so a context deleted meanwhile is never
 * listed (the delete refuses while an integration lists it; see deleteCustomContext).
 */
const customContextsExist = (p: number) =>
  `(SELECT COUNT(*) FROM custom_contexts WHERE tenant_id = ?1 AND name IN (SELECT value FROM json_each(?${p}))) = json_array_length(?${p})`;

export function insertIntegrationStatement(
  db: D1Database,
  i: Integration,
  customContexts: readonly string[] = [],
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO integrations (id, tenant_id, name, display_name, description, logo, contexts, created_at, updated_at)
       SELECT ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE ${customContextsExist(10)}`,
    )
    .bind(
      i.tenantId,
      i.id,
      i.name,
      i.displayName,
      i.description,
      i.logo,
      JSON.stringify(i.contexts),
      i.createdAt,
      i.updatedAt,
      JSON.stringify(customContexts),
    );
}

/** Inserts an integration; false when one of its custom contexts no longer exists. */
export async function insertIntegration(
  db: D1Database,
  i: Integration,
  customContexts: readonly string[],
): Promise<boolean> {
  const result = await insertIntegrationStatement(db, i, customContexts).run();
  return result.meta.changes === 1;
}

export async function listIntegrations(
  db: D1Database,
  tenantId: string,
  onlyId?: string | null,
): Promise<Integration[]> {
  const { results } = onlyId
    ? await db
        .prepare(`SELECT ${COLUMNS} FROM integrations WHERE tenant_id = ?1 AND id = ?2`)
        .bind(tenantId, onlyId)
        .all<IntegrationRow>()
    : await db
        .prepare(`SELECT ${COLUMNS} FROM integrations WHERE tenant_id = ?1 ORDER BY created_at, id`)
        .bind(tenantId)
        .all<IntegrationRow>();
  return results.map(toIntegration);
}

export async function getIntegration(
  db: D1Database,
  tenantId: string,
  id: string,
): Promise<Integration | undefined> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM integrations WHERE tenant_id = ?1 AND id = ?2`)
    .bind(tenantId, id)
    .first<IntegrationRow>();
  return row ? toIntegration(row) : undefined;
}

export async function countIntegrations(db: D1Database, tenantId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM integrations WHERE tenant_id = ?1")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Updates an integration; undefined when it is gone or one of its custom contexts no longer exists. */
export async function updateIntegration(
  db: D1Database,
  i: Integration,
  customContexts: readonly string[],
): Promise<Integration | undefined> {
  const row = await db
    .prepare(
      `UPDATE integrations SET name = ?3, display_name = ?4, description = ?5, logo = ?6, contexts = ?7, updated_at = ?8
       WHERE tenant_id = ?1 AND id = ?2 AND ${customContextsExist(9)} RETURNING ${COLUMNS}`,
    )
    .bind(
      i.tenantId,
      i.id,
      i.name,
      i.displayName,
      i.description,
      i.logo,
      JSON.stringify(i.contexts),
      i.updatedAt,
      JSON.stringify(customContexts),
    )
    .first<IntegrationRow>();
  return row ? toIntegration(row) : undefined;
}

export function deleteIntegrationStatement(
  db: D1Database,
  tenantId: string,
  id: string,
): D1PreparedStatement {
  return db.prepare("DELETE FROM integrations WHERE tenant_id = ?1 AND id = ?2").bind(tenantId, id);
}

/** Statements deleting an integration's data rows (record sets are then unreferenced; the cron deletes their records). */
export function deleteIntegrationDataStatements(
  db: D1Database,
  tenantId: string,
  id: string,
): D1PreparedStatement[] {
  return ["datasets", "versions", "syncs", "ingestions"].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE tenant_id = ?1 AND integration_id = ?2`).bind(tenantId, id),
  );
}
