// GET /v1/me: who the presented key is (the extension's "test connection") and the limits the
// extension validates and batches with.
import { Hono } from "hono";
import type { Me } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import { getTenant } from "../db/tenants.ts";
import { publicKey } from "../domain/views.ts";
import { announcedLimits, limitsOf } from "../http/limits.ts";
import { unauthorized } from "../http/problem.ts";
import { requireKey } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";

export const me = new Hono<AppEnv>().get("/", requireKey(), rateLimit(), async (c) => {
  const key = c.get("key");
  const tenant = await getTenant(c.env.DB, key.tenantId);
  // Keys are deleted with their tenant, so this is a race with that deletion only.
  if (!tenant) throw unauthorized("The API key's tenant no longer exists");
  return c.json<Me>({
    tenant: { id: tenant.id, name: tenant.name },
    key: publicKey(key),
    limits: announcedLimits(limitsOf(c.env)),
  });
});
