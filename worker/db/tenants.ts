// SQL for tenants and their placement (DB).
export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

/** A tenant with the data database it is placed on (null: DB itself, for tenants made before placement). */
export interface PlacedTenant extends Tenant {
  database: string | null;
}

interface TenantRow {
  id: string;
  name: string;
  created_at: string;
  data_db: string | null;
}

const toTenant = (r: TenantRow): PlacedTenant => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  database: r.data_db,
});

export function insertTenantStatement(
  db: D1Database,
  tenant: Tenant,
  database: string | null,
): D1PreparedStatement {
  return db
    .prepare("INSERT INTO tenants (id, name, created_at, data_db) VALUES (?1, ?2, ?3, ?4)")
    .bind(tenant.id, tenant.name, tenant.createdAt, database);
}

export async function getTenant(db: D1Database, id: string): Promise<PlacedTenant | undefined> {
  const row = await db
    .prepare("SELECT id, name, created_at, data_db FROM tenants WHERE id = ?1")
    .bind(id)
    .first<TenantRow>();
  return row ? toTenant(row) : undefined;
}

/** How many tenants each database holds (null: DB itself). */
export async function tenantsPerDatabase(db: D1Database): Promise<Map<string | null, number>> {
  const { results } = await db
    .prepare("SELECT data_db, COUNT(*) AS n FROM tenants GROUP BY data_db")
    .all<{ data_db: string | null; n: number }>();
  return new Map(results.map((r) => [r.data_db, r.n]));
}
