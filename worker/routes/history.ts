// Ingestion history and status of one integration (any key that may use it).
import { Hono } from "hono";
import { isContextName } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { latestAttempts, listIngestions } from "../db/ingestions.ts";
import { lastCommits, usableKeysFor } from "../db/status.ts";
import { badRequest } from "../lib/problem.ts";
import { contextStatus, integrationStatus } from "../lib/status.ts";
import { requireKey } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { visibleIntegration } from "./integrations.ts";

export const history = new Hono<AppEnv>()
  .use("*", requireKey(), rateLimit())
  .get("/ingestions", async (c) => {
    const integration = await visibleIntegration(c, c.req.param("id") as string);
    const context = c.req.query("context");
    if (context !== undefined && !isContextName(context)) throw badRequest(`Unknown context "${context}"`);
    // `before` is a previous page's nextBefore (`<createdAt>~<id>`, exact even within one
    // millisecond) or a plain ISO 8601 date-time.
    const cursor = c.req.query("before");
    const [before, beforeId] = cursor === undefined ? [undefined, undefined] : cursor.split("~", 2);
    if (before !== undefined && Number.isNaN(Date.parse(before))) {
      throw badRequest("before must be the nextBefore of a previous page or an ISO 8601 date-time");
    }
    const limitText = c.req.query("limit") ?? "50";
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw badRequest("limit must be a whole number from 1 to 500");
    const data = await listIngestions(c.env.DB, integration.tenantId, integration.id, {
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
  })
  .get("/status", async (c) => {
    const integration = await visibleIntegration(c, c.req.param("id") as string);
    const now = c.get("now");
    const [commits, attempts, keys] = await Promise.all([
      lastCommits(c.env.DB, integration.tenantId, integration.id),
      latestAttempts(c.env.DB, integration.tenantId, integration.id),
      usableKeysFor(c.env.DB, integration.tenantId, integration.id, now.toISOString()),
    ]);
    const contexts = integration.contexts.map((context) => {
      const attempt = attempts.find((a) => a.context === context);
      return contextStatus(
        {
          context,
          lastCommitAt: commits.get(context) ?? null,
          latestAttempt: attempt
            ? { outcome: attempt.outcome, at: attempt.createdAt, detail: attempt.detail }
            : null,
        },
        keys,
        now,
      );
    });
    return c.json({
      integrationId: integration.id,
      computedAt: now.toISOString(),
      ...integrationStatus(contexts),
      contexts,
    });
  });
