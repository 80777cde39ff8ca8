// Where a tenant's data lives (issue 21). DB holds tenants, keys and each tenant's placement; the
// data databases are the D1 bindings named DATA_<n>, so a deployment adds one by configuration.
// A tenant's integrations, custom contexts, datasets, versions, syncs and history all live in its
// data database, so every guard that ties them together stays one transaction.
import { currentRecords, databaseSize } from "../db/status.ts";
import { getTenant, tenantsPerDatabase } from "../db/tenants.ts";

/** DB's own name: tenants placed before placement existed keep their data there. */
export const CONTROL_DATABASE = "DB";

export interface DataDatabase {
  name: string;
  db: D1Database;
}

const DATA_BINDING = /^DATA_(\d+)$/;

function bound(env: Env, name: string): D1Database | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return value && typeof (value as D1Database).prepare === "function" ? (value as D1Database) : undefined;
}

/** The data databases bound to this Worker, in the order of their number. */
export function dataDatabases(env: Env): DataDatabase[] {
  const number = (name: string) => Number(DATA_BINDING.exec(name)?.[1]);
  return Object.keys(env)
    .filter((name) => DATA_BINDING.test(name))
    .sort((a, b) => number(a) - number(b))
    .flatMap((name) => {
      const db = bound(env, name);
      return db ? [{ name, db }] : [];
    });
}

/** Every database that may hold tenant data (DB for tenants placed before placement, then the data databases). */
export function tenantDataDatabases(env: Env): DataDatabase[] {
  return [{ name: CONTROL_DATABASE, db: env.DB }, ...dataDatabases(env)];
}

/** The handle of the database a tenant is placed on (null: DB). */
export function databaseOf(env: Env, placement: string | null): D1Database {
  if (placement === null || placement === CONTROL_DATABASE) return env.DB;
  const db = DATA_BINDING.test(placement) ? bound(env, placement) : undefined;
  // A placement names a binding this deployment removed: refuse rather than read another database.
  if (!db)
    throw new Error(`A tenant is placed on the database "${placement}", which this Worker does not bind`);
  return db;
}

/** The database of a tenant, looked up in DB (for work that starts without a request: queue, cron); undefined when the tenant is gone. */
export async function tenantDatabase(env: Env, tenantId: string): Promise<D1Database | undefined> {
  const tenant = await getTenant(env.DB, tenantId);
  return tenant ? databaseOf(env, tenant.database) : undefined;
}

export interface DatabaseLoad {
  name: string;
  tenants: number;
  storedBytes: number;
  records: number;
}

/** Each data database's tenants, bytes and current records (and DB's, when tenants still live there). */
export async function databaseLoads(env: Env): Promise<DatabaseLoad[]> {
  const counts = await tenantsPerDatabase(env.DB);
  const listed = tenantDataDatabases(env).filter(
    (d) => d.name !== CONTROL_DATABASE || (counts.get(null) ?? 0) > 0 || dataDatabases(env).length === 0,
  );
  return Promise.all(
    listed.map(async ({ name, db }) => {
      const [storedBytes, records] = await Promise.all([databaseSize(db), currentRecords(db)]);
      const tenants = counts.get(name === CONTROL_DATABASE ? null : name) ?? 0;
      return { name, tenants, storedBytes, records };
    }),
  );
}

/** Where a new tenant goes: the data database storing the fewest bytes, then holding the fewest tenants. */
export async function placeNewTenant(env: Env): Promise<string | null> {
  const data = dataDatabases(env);
  if (data.length === 0) return null;
  const counts = await tenantsPerDatabase(env.DB);
  const loads = await Promise.all(
    data.map(async ({ name, db }) => ({
      name,
      bytes: await databaseSize(db),
      tenants: counts.get(name) ?? 0,
    })),
  );
  loads.sort((a, b) => a.bytes - b.bytes || a.tenants - b.tenants);
  return (loads[0] as (typeof loads)[number]).name;
}
