// API keys (admin): create (secret returned once), list (never secrets), revoke.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { getIntegration } from "../db/integrations.ts";
import { type ApiKey, countKeys, getKey, insertKeyStatement, listKeys, revokeKey } from "../db/keys.ts";
import { newApiKey } from "../domain/crypto.ts";
import { publicKey } from "../domain/views.ts";
import { readJsonObject } from "../http/body.ts";
import { FieldChecker } from "../http/fields.ts";
import { checkExpiry } from "../http/key-input.ts";
import { limitsOf } from "../http/limits.ts";
import { conflict, notFound } from "../http/problem.ts";
import { requireKey } from "../middleware/auth.ts";

export const keys = new Hono<AppEnv>()
  .use("*", requireKey("admin"))
  .post("/", async (c) => {
    const caller = c.get("key");
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const fields = new FieldChecker(await readJsonObject(c), ["name", "scope", "integrationId", "expiresAt"]);
    const name = fields.text("name", { required: true, max: 100 });
    const scope = fields.oneOf("scope", ["admin", "ingest"] as const);
    const integrationId = fields.text("integrationId", { max: 100, nullable: true }) ?? null;
    const expiresAt = checkExpiry(fields, "expiresAt", now, limits.maxKeyLifetimeDays, true);
    if (integrationId && scope === "admin")
      fields.fail("integrationId", "only ingest keys are bound to one integration");
    if (integrationId && !(await getIntegration(c.var.db, caller.tenantId, integrationId))) {
      fields.fail("integrationId", `no integration "${integrationId}" in this tenant`);
    }
    fields.done();
    if ((await countKeys(c.env.DB, caller.tenantId)) >= limits.maxKeysPerTenant) {
      throw conflict(
        "limit-reached",
        "Too many keys",
        `A tenant may have at most ${limits.maxKeysPerTenant} active keys; revoke one first`,
      );
    }
    const { id, secret, hash } = await newApiKey();
    const key: ApiKey = {
      id,
      tenantId: caller.tenantId,
      name: name as string,
      scope: scope as ApiKey["scope"],
      integrationId,
      createdAt: now.toISOString(),
      expiresAt: expiresAt as string,
      lastUsedAt: null,
      revokedAt: null,
    };
    await insertKeyStatement(c.env.DB, key, hash).run();
    c.header("location", `/v1/keys/${id}`);
    return c.json({ key: publicKey(key), secret }, 201);
  })
  .get("/", async (c) => c.json({ data: (await listKeys(c.env.DB, c.get("key").tenantId)).map(publicKey) }))
  .get("/:id", async (c) => {
    const key = await getKey(c.env.DB, c.get("key").tenantId, c.req.param("id"));
    if (!key) throw notFound(`Key "${c.req.param("id")}"`);
    return c.json(publicKey(key));
  })
  .delete("/:id", async (c) => {
    const key = await revokeKey(
      c.env.DB,
      c.get("key").tenantId,
      c.req.param("id"),
      c.get("now").toISOString(),
    );
    if (!key) throw notFound(`Key "${c.req.param("id")}"`);
    return c.json(publicKey(key));
  });
