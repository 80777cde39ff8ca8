// Data routes: the key may use this integration, the context is enabled on it, and the key is
// within its request budget (Workers Rate Limiting binding -> 429 + Retry-After).
import type { Context, MiddlewareHandler } from "hono";
import { isContextName } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/datasets.ts";
import { notFound, Problem } from "../lib/problem.ts";
import { visibleIntegration } from "../routes/integrations.ts";

const RETRY_AFTER_SECONDS = 60;

export function datasetScope(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.get("key");
    const { success } = await c.env.RATE_LIMITER.limit({ key: key.id });
    if (!success) {
      throw new Problem(
        429,
        "rate-limited",
        "Too many requests",
        `The API key "${key.name}" sent too many requests; retry after ${RETRY_AFTER_SECONDS} seconds`,
        {},
        { "retry-after": String(RETRY_AFTER_SECONDS) },
      );
    }
    const integration = await visibleIntegration(c, c.req.param("id") as string);
    const context = c.req.param("context") as string;
    if (!isContextName(context) || !integration.contexts.includes(context)) {
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
