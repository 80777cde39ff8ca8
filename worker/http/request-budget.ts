// The per-key request budget's answer (429 + Retry-After), and charging a request that costs more
// than one against it. The middleware (rate-limit.ts) and the domain (a difference) both use it.
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { Problem } from "./problem.ts";

/** Both bindings count in 60-second windows. */
export const RETRY_AFTER_SECONDS = 60;

export const tooMany = (detail: string) =>
  new Problem(
    429,
    "rate-limited",
    "Too many requests",
    detail,
    {},
    { "retry-after": String(RETRY_AFTER_SECONDS) },
  );

/**
 * Counts `extra` more requests against the caller's key, for work that costs more than one
 * request (a 429 when that exhausts the budget).
 */
export async function chargeRequests(c: Context<AppEnv>, extra: number): Promise<void> {
  const key = c.get("key");
  for (let i = 0; i < extra; i++) {
    const { success } = await c.env.RATE_LIMITER.limit({ key: key.id });
    if (!success)
      throw tooMany(
        `The API key "${key.name}" sent too many requests (a difference counts as several); retry after ${RETRY_AFTER_SECONDS} seconds`,
      );
  }
}
