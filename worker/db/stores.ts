// SQL for stores: one per dataset (integration, context), the integer id its rows carry and the
// field list their bodies are written under (see bodies.ts and migration 0008).
import { type FieldList, fieldList } from "./bodies.ts";
import type { DatasetRef } from "./dataset-ref.ts";

export interface Store extends FieldList {
  id: number;
}

/** The dataset's store, or undefined when nothing was ever staged or committed for it. */
export async function getStore(db: D1Database, ref: DatasetRef): Promise<Store | undefined> {
  const row = await db
    .prepare("SELECT id, fields FROM stores WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3")
    .bind(ref.tenantId, ref.integrationId, ref.context)
    .first<{ id: number; fields: string }>();
  return row ? { id: row.id, ...fieldList(JSON.parse(row.fields) as string[]) } : undefined;
}

/**
 * The dataset's store, created when missing, its list holding every name of `names` (appended in
 * their order). The list is only ever appended to, by compare-and-set, so concurrent requests
 * agree on every position.
 */
export async function ensureStore(db: D1Database, ref: DatasetRef, names: readonly string[]): Promise<Store> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const store = await getStore(db, ref);
    if (!store) {
      // Only for an integration of the tenant's (every route checked it; this is defence in depth).
      await db
        .prepare(
          `INSERT INTO stores (tenant_id, integration_id, context, fields)
           SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM integrations WHERE id = ?2 AND tenant_id = ?1)
           ON CONFLICT (integration_id, context) DO NOTHING`,
        )
        .bind(ref.tenantId, ref.integrationId, ref.context, JSON.stringify([...new Set(names)]))
        .run();
      continue;
    }
    const missing = names.filter((n) => !store.index.has(n));
    if (missing.length === 0) return store;
    const next = JSON.stringify([...store.fields, ...new Set(missing)]);
    await db
      .prepare("UPDATE stores SET fields = ?3 WHERE id = ?1 AND fields = ?2")
      .bind(store.id, JSON.stringify(store.fields), next)
      .run();
  }
  throw new Error(`The field list of ${ref.context} could not be updated; try again`);
}
