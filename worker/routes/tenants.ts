// The operator's routes (operator token): POST /v1/tenants creates a tenant, placed on the least
// loaded data database, and returns its first admin key, once; GET /v1/tenants/{id} shows where a
// tenant lives (and its move); POST /v1/tenants/{id}/move moves it to another data database in the
// background; GET /v1/databases lists the data databases with their load.
import { Hono } from "hono";
import type { DatabaseInfo, TenantInfo } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import { type ApiKey, insertKeyStatement } from "../db/keys.ts";
import { getMove, type MoveRow } from "../db/moves.ts";
import { getTenant, insertTenantStatement, type PlacedTenant, type Tenant } from "../db/tenants.ts";
import { newApiKey, newId } from "../domain/crypto.ts";
import { CONTROL_DATABASE, databaseLoads, databaseOf, placeNewTenant } from "../domain/databases.ts";
import { publicMove, startMove } from "../domain/move.ts";
import { publicKey } from "../domain/views.ts";
import { readJsonObject } from "../http/body.ts";
import { FieldChecker } from "../http/fields.ts";
import { checkExpiry } from "../http/key-input.ts";
import { limitsOf } from "../http/limits.ts";
import { notFound } from "../http/problem.ts";
import { requireOperator } from "../middleware/auth.ts";

const DEFAULT_FIRST_KEY_DAYS = 365;

const tenantInfo = (t: PlacedTenant, move?: MoveRow): TenantInfo => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt,
  database: t.database ?? CONTROL_DATABASE,
  ...(move ? { move: publicMove(move) } : {}),
});

export const tenants = new Hono<AppEnv>()
  .post("/", requireOperator(), async (c) => {
    const now = c.get("now");
    const fields = new FieldChecker(await readJsonObject(c), ["name", "adminKeyName", "adminKeyExpiresAt"]);
    const name = fields.text("name", { required: true, max: 200 });
    const keyName = fields.text("adminKeyName", { max: 100 }) ?? "First admin key";
    const expiresAt =
      checkExpiry(fields, "adminKeyExpiresAt", now, limitsOf(c.env).maxKeyLifetimeDays, false) ??
      new Date(now.getTime() + DEFAULT_FIRST_KEY_DAYS * 86_400_000).toISOString();
    fields.done();

    const tenant: Tenant = { id: newId("ten"), name: name as string, createdAt: now.toISOString() };
    const { id, secret, hash } = await newApiKey();
    const key: ApiKey = {
      id,
      tenantId: tenant.id,
      name: keyName,
      scope: "admin",
      integrationId: null,
      createdAt: now.toISOString(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    const database = await placeNewTenant(c.env);
    // The data database holds the tenant's row too (its integrations and contexts refer to it);
    // written first, so the tenant exists in DB only once its data has a home.
    if (database !== null) await insertTenantStatement(databaseOf(c.env, database), tenant, database).run();
    await c.env.DB.batch([
      insertTenantStatement(c.env.DB, tenant, database),
      insertKeyStatement(c.env.DB, key, hash),
    ]);
    c.header("location", `/v1/tenants/${tenant.id}`);
    return c.json({ tenant: tenantInfo({ ...tenant, database }), key: publicKey(key), secret }, 201);
  })
  .get("/:id", requireOperator(), async (c) => {
    const tenant = await getTenant(c.env.DB, c.req.param("id"));
    if (!tenant) throw notFound(`Tenant "${c.req.param("id")}"`);
    return c.json<TenantInfo>(tenantInfo(tenant, await getMove(c.env.DB, tenant.id)));
  })
  .post("/:id/move", requireOperator(), async (c) => {
    const fields = new FieldChecker(await readJsonObject(c), ["database"]);
    const database = fields.text("database", { required: true, max: 100 });
    fields.done();
    const id = c.req.param("id");
    const move = await startMove(c.env, id, database, c.get("now").toISOString());
    const tenant = (await getTenant(c.env.DB, id)) as PlacedTenant;
    c.header("location", `/v1/tenants/${id}`);
    c.header("retry-after", "5");
    return c.json<TenantInfo>(tenantInfo(tenant, move), 202);
  });

export const databases = new Hono<AppEnv>().get("/", requireOperator(), async (c) =>
  c.json<{ data: DatabaseInfo[] }>({ data: await databaseLoads(c.env) }),
);
