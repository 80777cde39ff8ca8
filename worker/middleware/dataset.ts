// Which integrations a key may use, and for data routes: the key may use this integration and the
// context is enabled on it.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { getIntegration, type Integration } from "../db/integrations.ts";
import { contextFor } from "../domain/contexts.ts";
import { notFound } from "../http/problem.ts";

/** The integration if the caller's key may see it; otherwise exactly like a missing one. */
export async function visibleIntegration(c: Context<AppEnv>, id: string): Promise<Integration> {
  const key = c.get("key");
  const integration =
    key.integrationId && key.integrationId !== id
      ? undefined
      : await getIntegration(c.var.db, key.tenantId, id);
  if (!integration) throw notFound(`Integration "${id}"`);
  return integration;
}

export function datasetScope(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const integration = await visibleIntegration(c, c.req.param("id") as string);
    const context = c.req.param("context") as string;
    if (!integration.contexts.includes(context) || !(await contextFor(c, context))) {
      throw notFound(
        `Context "${context}" on integration "${integration.id}" (enabled: ${integration.contexts.join(", ")})`,
      );
    }
    await next();
  };
}

export function refOf(c: Context<AppEnv>): DatasetRef {
  return {
    tenantId: c.get("key").tenantId,
    integrationId: c.req.param("id") as string,
    context: c.req.param("context") as string,
  };
}
