// GET /v1/me: who the presented key is (the extension's "test connection").
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { getTenant } from "../db/tenants.ts";
import { requireKey } from "../middleware/auth.ts";
import { publicKey } from "./keys.ts";

export const me = new Hono<AppEnv>().get("/", requireKey(), async (c) => {
  const key = c.get("key");
  const tenant = await getTenant(c.env.DB, key.tenantId);
  return c.json({ tenant: tenant ? { id: tenant.id, name: tenant.name } : null, key: publicKey(key) });
});
