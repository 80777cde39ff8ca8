// GET /v1/integrations/{id}/ingestions: the ingestion history of one integration (any key that may
// use it). Middleware is per route: this sub-app shares its mount point with the data routes,
// which a "*" middleware here would authenticate and rate-limit a second time.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { listIngestions } from "../db/ingestions.ts";
import { contextFor } from "../domain/contexts.ts";
import { strictInt } from "../http/params.ts";
import { badRequest } from "../http/problem.ts";
import { requireKey } from "../middleware/auth.ts";
import { visibleIntegration } from "../middleware/dataset.ts";
import { rateLimit } from "../middleware/rate-limit.ts";

export const history = new Hono<AppEnv>().get("/ingestions", requireKey(), rateLimit(), async (c) => {
  const integration = await visibleIntegration(c, c.req.param("id") as string);
  const context = c.req.query("context");
  if (context !== undefined && !(await contextFor(c, context)))
    throw badRequest(`Unknown context "${context}"`);
  // `before` is a previous page's nextBefore (`<createdAt>~<id>`, exact even within one
  // millisecond) or a plain ISO 8601 date-time.
  const cursor = c.req.query("before");
  const [before, beforeId] = cursor === undefined ? [undefined, undefined] : cursor.split("~", 2);
  if (before !== undefined && Number.isNaN(Date.parse(before))) {
    throw badRequest("before must be the nextBefore of a previous page or an ISO 8601 date-time");
  }
  const limit = strictInt(c.req.query("limit") ?? "50", "limit", 1, 500);
  const data = await listIngestions(c.var.db, integration.tenantId, integration.id, {
    context,
    before,
    beforeId,
    limit,
  });
  const last = data.at(-1);
  return c.json({
    data,
    nextBefore: data.length === limit && last ? `${last.createdAt}~${last.id}` : null,
  });
});
