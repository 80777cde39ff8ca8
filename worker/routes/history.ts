// Ingestion history and status of one integration (any key that may use it).
import { Hono } from "hono";
import { isContextName } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { latestAttempts, listIngestions } from "../db/ingestions.ts";
import { lastCommits, usableKeysFor } from "../db/status.ts";
import { badRequest } from "../lib/problem.ts";
import { contextStatus, integrationStatus } from "../lib/status.ts";
import { requireKey } from "../middleware/auth.ts";
import { visibleIntegration } from "./integrations.ts";

export const history = new Hono<AppEnv>()
  .use("*", requireKey())
  .get("/ingestions", async (c) => {
    const integration = await visibleIntegration(c, c.req.param("id") as string);
    const context = c.req.query("context");
    if (context !== undefined && !isContextName(context)) throw badRequest(`Unknown context "${context}"`);
    const before = c.req.query("before");
    if (before !== undefined && Number.isNaN(Date.parse(before)))
      throw badRequest("before must be an ISO 8601 date-time");
    const limitText = c.req.query("limit") ?? "50";
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw badRequest("limit must be a whole number from 1 to 500");
    const data = await listIngestions(c.env.DB, integration.tenantId, integration.id, {
      context,
      before,
      limit,
    });
    return c.json({ data, nextBefore: data.length === limit ? (data.at(-1)?.createdAt ?? null) : null });
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
