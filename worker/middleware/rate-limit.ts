// Request budgets (Workers Rate Limiting bindings), 429 with Retry-After beyond them: per API key
// on every authenticated route, and per client IP for failed authentications.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { Problem } from "../http/problem.ts";
import { RETRY_AFTER_SECONDS, tooMany } from "../http/request-budget.ts";

export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.get("key");
    const { success } = await c.env.RATE_LIMITER.limit({ key: key.id });
    if (!success) {
      throw tooMany(
        `The API key "${key.name}" sent too many requests; retry after ${RETRY_AFTER_SECONDS} seconds`,
      );
    }
    await next();
  };
}

/** The failed-authentication bucket of a request: its client IP, or one shared bucket without one. */
export function clientBucket(headers: Headers): string {
  const ip = headers.get("cf-connecting-ip")?.trim();
  return `ip:${ip || "unknown"}`;
}

/**
 * IPs over their failed-authentication budget, and until when (ms). The binding can only count,
 * not be asked, so this isolate remembers its answer: a blocked IP is refused before its
 * credential is looked up, even a valid one, so guessing gains nothing until the window ends.
 */
const blockedUntil = new Map<string, number>();
const MAX_REMEMBERED = 10_000;

const authBlocked = () =>
  tooMany(`Too many failed authentications from this address; retry after ${RETRY_AFTER_SECONDS} seconds`);

/** Throws a 429 when the request's client IP is over its failed-authentication budget. */
export function refuseBlockedClient(c: Context<AppEnv>): void {
  const bucket = clientBucket(c.req.raw.headers);
  const until = blockedUntil.get(bucket);
  if (until === undefined) return;
  if (until > Date.now()) throw authBlocked();
  blockedUntil.delete(bucket);
}

/** Counts a failed authentication; the one that exhausts the budget is answered with a 429. */
export async function countFailedAuth(c: Context<AppEnv>, failure: Problem): Promise<Problem> {
  const bucket = clientBucket(c.req.raw.headers);
  const { success } = await c.env.AUTH_FAILURE_LIMITER.limit({ key: bucket });
  if (success) return failure;
  if (blockedUntil.size >= MAX_REMEMBERED) {
    const oldest = blockedUntil.keys().next().value;
    if (oldest !== undefined) blockedUntil.delete(oldest);
  }
  blockedUntil.set(bucket, Date.now() + RETRY_AFTER_SECONDS * 1000);
  return authBlocked();
}
