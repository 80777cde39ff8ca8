// SQL for a tenant's own contexts and their schema revisions; every query is scoped to the tenant.
import type { ContextSchema } from "../../schemas/index.ts";

export interface CustomContextRow {
  tenantId: string;
  name: string;
  version: string;
  /** The current schema as stored (JSON text). */
  schema: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  tenant_id: string;
  name: string;
  version: string;
  schema: string;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Row): CustomContextRow => ({
  tenantId: r.tenant_id,
  name: r.name,
  version: r.version,
  schema: r.schema,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS = "tenant_id, name, version, schema, created_at, updated_at";

export async function getCustomContext(
  db: D1Database,
  tenantId: string,
  name: string,
): Promise<CustomContextRow | undefined> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM custom_contexts WHERE tenant_id = ?1 AND name = ?2`)
    .bind(tenantId, name)
    .first<Row>();
  return row ? toRow(row) : undefined;
}

export async function listCustomContexts(db: D1Database, tenantId: string): Promise<CustomContextRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM custom_contexts WHERE tenant_id = ?1 ORDER BY name`)
    .bind(tenantId)
    .all<Row>();
  return results.map(toRow);
}

export async function countCustomContexts(db: D1Database, tenantId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM custom_contexts WHERE tenant_id = ?1")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Creates a context and its first revision; false when the tenant already has one of that name. */
export async function insertCustomContext(
  db: D1Database,
  tenantId: string,
  name: string,
  schema: ContextSchema,
  version: string,
  now: string,
): Promise<boolean> {
  const text = JSON.stringify(schema);
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO custom_contexts (tenant_id, name, version, schema, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (tenant_id, name) DO NOTHING`,
      )
      .bind(tenantId, name, version, text, now),
    db
      .prepare(
        `INSERT INTO custom_context_revisions (tenant_id, name, version, schema, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1`,
      )
      .bind(tenantId, name, version, text, now),
  ]);
  return (inserted?.meta.changes ?? 0) === 1;
}

/**
 * Moves a context from revision `from` to `to`, keeping `to` among its revisions; false when the
 * context changed meanwhile (another update won: the caller answers 409).
 */
export async function updateCustomContext(
  db: D1Database,
  tenantId: string,
  name: string,
  from: string,
  schema: ContextSchema,
  to: string,
  now: string,
): Promise<boolean> {
  const text = JSON.stringify(schema);
  const [updated] = await db.batch([
    db
      .prepare(
        `UPDATE custom_contexts SET version = ?4, schema = ?5, updated_at = ?6
         WHERE tenant_id = ?1 AND name = ?2 AND version = ?3`,
      )
      .bind(tenantId, name, from, to, text, now),
    db
      .prepare(
        `INSERT INTO custom_context_revisions (tenant_id, name, version, schema, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1`,
      )
      .bind(tenantId, name, to, text, now),
  ]);
  return (updated?.meta.changes ?? 0) === 1;
}

/** Removes a context and its revisions; false when there was none. */
export async function deleteCustomContext(db: D1Database, tenantId: string, name: string): Promise<boolean> {
  const [, deleted] = await db.batch([
    db
      .prepare("DELETE FROM custom_context_revisions WHERE tenant_id = ?1 AND name = ?2")
      .bind(tenantId, name),
    db.prepare("DELETE FROM custom_contexts WHERE tenant_id = ?1 AND name = ?2").bind(tenantId, name),
  ]);
  return (deleted?.meta.changes ?? 0) === 1;
}

/** The revisions of a context, by version (any order). */
export async function listRevisions(db: D1Database, tenantId: string, name: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT version FROM custom_context_revisions WHERE tenant_id = ?1 AND name = ?2")
    .bind(tenantId, name)
    .all<{ version: string }>();
  return results.map((r) => r.version);
}

/** One stored revision of a context's schema (JSON text). */
export async function getRevision(
  db: D1Database,
  tenantId: string,
  name: string,
  version: string,
): Promise<string | undefined> {
  const row = await db
    .prepare(
      "SELECT schema FROM custom_context_revisions WHERE tenant_id = ?1 AND name = ?2 AND version = ?3",
    )
    .bind(tenantId, name, version)
    .first<{ schema: string }>();
  return row?.schema;
}

/** The integrations of a tenant that list a context (JSON array column `contexts`). */
export async function integrationsUsing(
  db: D1Database,
  tenantId: string,
  name: string,
): Promise<{ id: string; name: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT i.id, i.name FROM integrations i, json_each(i.contexts) c
       WHERE i.tenant_id = ?1 AND c.value = ?2 ORDER BY i.name`,
    )
    .bind(tenantId, name)
    .all<{ id: string; name: string }>();
  return results;
}
