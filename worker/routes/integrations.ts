// Integrations: admin keys create, update and delete; any key reads what it may use (an ingest
// key bound to one integration sees only that one). Another tenant's integration is a 404.
import { type Context, Hono } from "hono";
import { getSchema } from "../../schemas/index.ts";
import { checkLogo } from "../../schemas/logo.ts";
import type { AppEnv } from "../app-env.ts";
import {
  countIntegrations,
  deleteIntegrationDataStatements,
  deleteIntegrationStatement,
  getIntegration,
  type Integration,
  insertIntegration,
  listIntegrations,
  updateIntegration,
} from "../db/integrations.ts";
import { revokeIntegrationKeysStatement } from "../db/keys.ts";
import { titlesOf, unknownContexts } from "../domain/contexts.ts";
import { newId } from "../domain/crypto.ts";
import { endpointsOf, publicIntegration } from "../domain/views.ts";
import { readJsonObject } from "../http/body.ts";
import { FieldChecker } from "../http/fields.ts";
import { limitsOf } from "../http/limits.ts";
import { conflict, notFound } from "../http/problem.ts";
import { baseUrl } from "../http/urls.ts";
import { requireKey } from "../middleware/auth.ts";
import { visibleIntegration } from "../middleware/dataset.ts";

const FIELDS = ["name", "displayName", "description", "logo", "contexts"] as const;
const MAX_CONTEXTS = 50;

async function endpoints(c: Context<AppEnv>, integration: Integration) {
  return endpointsOf(baseUrl(c), integration, await titlesOf(c, integration.contexts));
}

async function checkIntegrationFields(c: Context<AppEnv>, body: Record<string, unknown>, partial: boolean) {
  const fields = new FieldChecker(body, FIELDS);
  const name = fields.text("name", { required: !partial, max: 100 });
  const displayName = fields.text("displayName", { max: 100, nullable: true });
  const description = fields.text("description", { max: 2000, nullable: true });
  // Generous here: checkLogo gives the meaningful size message (5 KB decoded).
  const logo = fields.text("logo", { max: 64_000, nullable: true });
  if (typeof logo === "string") {
    const problem = checkLogo(logo);
    if (problem) fields.fail("logo", problem);
  }
  let contexts: string[] | undefined;
  if (fields.has("contexts")) {
    const raw = fields.raw("contexts");
    if (!Array.isArray(raw) || raw.length === 0) {
      fields.fail("contexts", 'must be a non-empty list of context names, e.g. ["saas_users"]');
    } else if (raw.length > MAX_CONTEXTS) {
      fields.fail("contexts", `must list at most ${MAX_CONTEXTS} contexts`);
    } else {
      // Built-ins are known at once; the tenant's own contexts take one query.
      const names = raw.filter((x): x is string => typeof x === "string");
      const missing = new Set(await unknownContexts(c, names));
      const unknown = raw.filter((x) => typeof x !== "string" || missing.has(x));
      if (unknown.length > 0)
        fields.fail("contexts", `unknown context(s): ${unknown.map((x) => JSON.stringify(x)).join(", ")}`);
      else contexts = [...new Set(names)];
    }
  } else if (!partial) {
    fields.fail("contexts", 'is required: at least one context, e.g. ["saas_users"]');
  }
  fields.done();
  return { name, displayName, description, logo, contexts };
}

/** The tenant's own contexts among `names` (the built-ins always exist). */
const customOnly = (names: readonly string[]) => names.filter((name) => !getSchema(name));

/** A context of the integration was deleted between the check and the write. */
const contextsGone = (names: readonly string[]) =>
  conflict(
    "context-deleted",
    "Context deleted meanwhile",
    `One of the contexts ${customOnly(names).join(", ")} was deleted while this integration was saved; nothing was saved. Read the contexts again and retry`,
  );

export const integrations = new Hono<AppEnv>()
  .post("/", requireKey("admin"), async (c) => {
    const key = c.get("key");
    const now = c.get("now").toISOString();
    const input = await checkIntegrationFields(c, await readJsonObject(c), false);
    const limit = limitsOf(c.env).maxIntegrationsPerTenant;
    if ((await countIntegrations(c.var.db, key.tenantId)) >= limit) {
      throw conflict(
        "limit-reached",
        "Too many integrations",
        `A tenant may have at most ${limit} integrations`,
      );
    }
    const integration: Integration = {
      id: newId("int"),
      tenantId: key.tenantId,
      name: input.name as string,
      displayName: input.displayName ?? null,
      description: input.description ?? null,
      logo: input.logo ?? null,
      contexts: input.contexts as string[],
      createdAt: now,
      updatedAt: now,
    };
    if (!(await insertIntegration(c.var.db, integration, customOnly(integration.contexts))))
      throw contextsGone(integration.contexts);
    c.header("location", `/v1/integrations/${integration.id}`);
    return c.json({ ...publicIntegration(integration), endpoints: await endpoints(c, integration) }, 201);
  })
  .get("/", requireKey(), async (c) => {
    const key = c.get("key");
    const list = await listIntegrations(c.var.db, key.tenantId, key.integrationId);
    return c.json({ data: list.map(publicIntegration) });
  })
  .get("/:id", requireKey(), async (c) => {
    const integration = await visibleIntegration(c, c.req.param("id"));
    return c.json({ ...publicIntegration(integration), endpoints: await endpoints(c, integration) });
  })
  .patch("/:id", requireKey("admin"), async (c) => {
    const current = await visibleIntegration(c, c.req.param("id"));
    const input = await checkIntegrationFields(c, await readJsonObject(c), true);
    const next: Integration = {
      ...current,
      name: input.name ?? current.name,
      displayName: input.displayName === undefined ? current.displayName : input.displayName,
      description: input.description === undefined ? current.description : input.description,
      logo: input.logo === undefined ? current.logo : input.logo,
      contexts: input.contexts ?? current.contexts,
      updatedAt: c.get("now").toISOString(),
    };
    const updated = await updateIntegration(c.var.db, next, customOnly(next.contexts));
    if (!updated) {
      if (await getIntegration(c.var.db, current.tenantId, current.id)) throw contextsGone(next.contexts);
      throw notFound(`Integration "${current.id}"`);
    }
    return c.json({ ...publicIntegration(updated), endpoints: await endpoints(c, updated) });
  })
  .delete("/:id", requireKey("admin"), async (c) => {
    const integration = await visibleIntegration(c, c.req.param("id"));
    const key = c.get("key");
    // Its keys (in DB) are revoked first, then the integration and its data go from the tenant's
    // database in one transaction: a failure in between leaves an integration without keys, and
    // deleting it again finishes the job.
    await revokeIntegrationKeysStatement(
      c.env.DB,
      key.tenantId,
      integration.id,
      c.get("now").toISOString(),
    ).run();
    await c.var.db.batch([
      deleteIntegrationStatement(c.var.db, key.tenantId, integration.id),
      ...deleteIntegrationDataStatements(c.var.db, key.tenantId, integration.id),
    ]);
    return c.body(null, 204);
  });
