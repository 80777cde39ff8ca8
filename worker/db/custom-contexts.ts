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

/**
 * The MODEL a new context of this name starts at: 1, or one past the highest MODEL a deleted
 * context of that name reached (so no `$id` is ever reused for another definition).
 */
export async function firstModelOf(db: D1Database, tenantId: string, name: string): Promise<number> {
  const row = await db
    .prepare("SELECT last_model FROM custom_context_generations WHERE tenant_id = ?1 AND name = ?2")
    .bind(tenantId, name)
    .first<{ last_model: number }>();
  return (row?.last_model ?? 0) + 1;
}

/**
 * Creates a context and its first revision in one transaction, only while the tenant has fewer
 * than `maxContexts`, none of that name, and no deleted one that reached `model` or beyond.
 * "created", or why not.
 */
export async function insertCustomContext(
  db: D1Database,
  tenantId: string,
  name: string,
  schema: ContextSchema,
  version: string,
  now: string,
  limits: { maxContexts: number; model: number },
): Promise<"created" | "exists" | "limit-reached" | "generation-moved"> {
  const text = JSON.stringify(schema);
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO custom_contexts (tenant_id, name, version, schema, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?5
         WHERE (SELECT COUNT(*) FROM custom_contexts WHERE tenant_id = ?1) < ?6
           AND NOT EXISTS (SELECT 1 FROM custom_context_generations WHERE tenant_id = ?1 AND name = ?2 AND last_model >= ?7)
         ON CONFLICT (tenant_id, name) DO NOTHING`,
      )
      .bind(tenantId, name, version, text, now, limits.maxContexts, limits.model),
    db
      .prepare(
        `INSERT INTO custom_context_revisions (tenant_id, name, version, schema, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1`,
      )
      .bind(tenantId, name, version, text, now),
  ]);
  if ((inserted?.meta.changes ?? 0) === 1) return "created";
  if (await getCustomContext(db, tenantId, name)) return "exists";
  if ((await firstModelOf(db, tenantId, name)) > limits.model) return "generation-moved";
  return "limit-reached";
}

/**
 * Moves a context from revision `from` to `to`, keeping `to` among its revisions; false when the
 * context changed meanwhile (another update won: the caller answers 409), or while a sync of it is
 * committing in steps (its records were checked with revision `from`).
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
         WHERE tenant_id = ?1 AND name = ?2 AND version = ?3
           AND NOT EXISTS (SELECT 1 FROM syncs WHERE tenant_id = ?1 AND context = ?2 AND status = 'committing')`,
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

/** SQL true while an integration of tenant ?1 lists context ?2. */
const IN_USE =
  "EXISTS (SELECT 1 FROM integrations i, json_each(i.contexts) c WHERE i.tenant_id = ?1 AND c.value = ?2)";
/** SQL true once tenant ?1 has no context ?2. */
const GONE = "NOT EXISTS (SELECT 1 FROM custom_contexts WHERE tenant_id = ?1 AND name = ?2)";

/**
 * Deletes a context unless an integration lists it, in one transaction (so an integration update
 * racing it either lists a context that still exists or is refused): its revisions go, its MODEL
 * is remembered (`firstModelOf`), and its data under that name ends: datasets, versions, syncs
 * (open ones with them) and ingestion history of every integration of the tenant. Their record
 * sets are then unreferenced; the cron deletes their records.
 */
export async function deleteCustomContext(
  db: D1Database,
  tenantId: string,
  name: string,
): Promise<"deleted" | "in-use" | "missing"> {
  const results = await db.batch([
    db
      .prepare(
        `INSERT INTO custom_context_generations (tenant_id, name, last_model)
         SELECT tenant_id, name, CAST(substr(version, 1, instr(version, '-') - 1) AS INTEGER)
         FROM custom_contexts WHERE tenant_id = ?1 AND name = ?2 AND NOT ${IN_USE}
         ON CONFLICT (tenant_id, name) DO UPDATE SET last_model = MAX(last_model, excluded.last_model)`,
      )
      .bind(tenantId, name),
    db
      .prepare(`DELETE FROM custom_context_revisions WHERE tenant_id = ?1 AND name = ?2 AND NOT ${IN_USE}`)
      .bind(tenantId, name),
    db
      .prepare(`DELETE FROM custom_contexts WHERE tenant_id = ?1 AND name = ?2 AND NOT ${IN_USE}`)
      .bind(tenantId, name),
    ...["datasets", "versions", "syncs", "ingestions"].map((table) =>
      db
        .prepare(`DELETE FROM ${table} WHERE tenant_id = ?1 AND context = ?2 AND ${GONE}`)
        .bind(tenantId, name),
    ),
  ]);
  if ((results[2]?.meta.changes ?? 0) === 1) return "deleted";
  return (await getCustomContext(db, tenantId, name)) ? "in-use" : "missing";
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
