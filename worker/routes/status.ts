// GET /v1/integrations/{id}/status: Ready / Active / Warning / Failed per context and overall, for
// any key that may use the integration; an ingest key sees no other key's name.
import { Hono } from "hono";
import type { IntegrationStatus } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import { lastCommits, uploadFailures, usableKeysFor } from "../db/status.ts";
import { contextStatus, integrationStatus, keysVisibleTo } from "../domain/status.ts";
import { requireKey } from "../middleware/auth.ts";
import { visibleIntegration } from "../middleware/dataset.ts";
import { rateLimit } from "../middleware/rate-limit.ts";

export const status = new Hono<AppEnv>().get("/status", requireKey(), rateLimit(), async (c) => {
  const integration = await visibleIntegration(c, c.req.param("id") as string);
  const now = c.get("now");
  const [commits, failures, keys] = await Promise.all([
    lastCommits(c.var.db, integration.tenantId, integration.id),
    uploadFailures(c.var.db, integration.tenantId, integration.id),
    usableKeysFor(c.env.DB, integration.tenantId, integration.id, now.toISOString()),
  ]);
  const visible = keysVisibleTo(keys, c.get("key"));
  const contexts = integration.contexts.map((context) => {
    const failure = failures.find((f) => f.context === context);
    return contextStatus(
      {
        context,
        lastCommitAt: commits.get(context) ?? null,
        failure: failure ? { at: failure.at, detail: failure.detail } : null,
      },
      visible,
      now,
    );
  });
  return c.json<IntegrationStatus>({
    integrationId: integration.id,
    computedAt: now.toISOString(),
    ...integrationStatus(contexts),
    contexts,
  });
});
