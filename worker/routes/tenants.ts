// POST /v1/tenants (operator token): creates a tenant and returns its first admin key, once.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { type ApiKey, insertKeyStatement } from "../db/keys.ts";
import { insertTenantStatement, type Tenant } from "../db/tenants.ts";
import { newApiKey, newId } from "../domain/crypto.ts";
import { publicKey } from "../domain/views.ts";
import { readJsonObject } from "../http/body.ts";
import { FieldChecker } from "../http/fields.ts";
import { checkExpiry } from "../http/key-input.ts";
import { limitsOf } from "../http/limits.ts";
import { requireOperator } from "../middleware/auth.ts";

const DEFAULT_FIRST_KEY_DAYS = 365;

export const tenants = new Hono<AppEnv>().post("/", requireOperator(), async (c) => {
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
  await c.env.DB.batch([insertTenantStatement(c.env.DB, tenant), insertKeyStatement(c.env.DB, key, hash)]);
  return c.json({ tenant, key: publicKey(key), secret }, 201);
});
