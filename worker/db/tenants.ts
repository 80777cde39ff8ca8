// SQL for tenants.
export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

interface TenantRow {
  id: string;
  name: string;
  created_at: string;
}

const toTenant = (r: TenantRow): Tenant => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function insertTenantStatement(db: D1Database, tenant: Tenant): D1PreparedStatement {
  return db
    .prepare("INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3)")
    .bind(tenant.id, tenant.name, tenant.createdAt);
}

export async function getTenant(db: D1Database, id: string): Promise<Tenant | undefined> {
  const row = await db
    .prepare("SELECT id, name, created_at FROM tenants WHERE id = ?1")
    .bind(id)
    .first<TenantRow>();
  return row ? toTenant(row) : undefined;
}
