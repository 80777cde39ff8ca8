// Per-key request budget (Workers Rate Limiting binding): beyond it, 429 with Retry-After.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { Problem } from "../lib/problem.ts";

const RETRY_AFTER_SECONDS = 60;

export function rateLimit(): MiddlewareHandler<AppEnv> {
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
    await next();
  };
}
