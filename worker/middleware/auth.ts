// Authentication: API keys (x-api-key or Authorization: Bearer) and the operator token.
// Failures never echo the presented secret, and count against the client IP's budget.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { type ApiKey, findKeyForAuth, type KeyScope, touchKey } from "../db/keys.ts";
import { constantTimeEqual, keyIdOf, sha256Hex } from "../domain/crypto.ts";
import { CONTROL_DATABASE, databaseOf } from "../domain/databases.ts";
import { movingProblem } from "../domain/move.ts";
import { forbidden, Problem, unauthorized } from "../http/problem.ts";
import { countFailedAuth, refuseBlockedClient } from "./rate-limit.ts";
import { decodeBody } from "./request-body.ts";

/** The credential of a request: `x-api-key`, else a Bearer token. */
export function presentedSecret(headers: Headers): string | undefined {
  const apiKey = headers.get("x-api-key")?.trim();
  if (apiKey) return apiKey;
  const auth = headers.get("authorization")?.trim();
  if (!auth) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m) throw unauthorized("The Authorization header must be 'Bearer <key>'");
  return m[1];
}

const TOUCH_INTERVAL_MS = 60_000;

/**
 * Whether a request may change the tenant's data database: any write to its integrations or
 * contexts, and the differences (computing one caches it, or stages an archived version).
 */
function changesTenantData(c: Context<AppEnv>): boolean {
  const path = new URL(c.req.url).pathname;
  if (!path.startsWith("/v1/integrations") && !path.startsWith("/v1/contexts")) return false;
  return !["GET", "HEAD", "OPTIONS"].includes(c.req.method) || path.endsWith("/diff");
}

/** A failed authentication counts against the client IP's budget (and may become a 429). */
async function counted(c: Context<AppEnv>, error: unknown): Promise<unknown> {
  return error instanceof Problem && error.status === 401 ? countFailedAuth(c, error) : error;
}

/** The key behind a presented secret, if it is valid, unexpired and unrevoked; else a 401. */
async function verifiedKey(
  c: Context<AppEnv>,
  secret: string,
): Promise<{ key: ApiKey; database: string | null; moving: boolean }> {
  const id = keyIdOf(secret);
  if (!id) throw unauthorized("The API key is malformed; copy the whole key as it was shown when created");
  const found = await findKeyForAuth(c.env.DB, id);
  // The hash is compared even for unknown ids, so timing does not tell which ids exist.
  const hash = await sha256Hex(secret);
  const matches = await constantTimeEqual(hash, found?.secretHash ?? "0".repeat(64));
  // One answer for every refused key (unknown, wrong secret, revoked, expired): a caller learns
  // nothing about a key it does not hold; its owner sees why in the console's key list.
  const refused = unauthorized("The API key is not valid");
  if (!found || !matches) throw refused;
  const { key } = found;
  if (key.revokedAt || Date.parse(key.expiresAt) <= c.get("now").getTime()) throw refused;
  return { key, database: found.database, moving: found.moving };
}

/**
 * Requires a valid, unexpired, unrevoked key; with `scope: "admin"`, an admin key. Failed
 * attempts are counted per client IP; an IP over that budget is refused with 429. Sets the key
 * and its tenant's data database.
 */
export function requireKey(scope?: KeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    refuseBlockedClient(c);
    let secret: string | undefined;
    try {
      secret = presentedSecret(c.req.raw.headers);
    } catch (error) {
      throw await counted(c, error);
    }
    if (!secret) throw unauthorized("An API key is required: send it in the x-api-key header");
    const { key, database, moving } = await verifiedKey(c, secret).catch(async (error: unknown) => {
      throw await counted(c, error);
    });
    if (scope === "admin" && key.scope !== "admin") {
      throw forbidden(`The API key "${key.name}" is an ingest key; this needs an admin key`);
    }
    const now = c.get("now");
    await touchKey(
      c.env.DB,
      key.id,
      now.toISOString(),
      new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString(),
    );
    c.set("key", key);
    // The tenant's data database: every data query of this request goes to it. While the tenant is
    // being moved, its data is read from there but not changed (keys, in DB, stay manageable).
    if (moving && changesTenantData(c)) throw movingProblem(key.tenantId);
    c.set("db", databaseOf(c.env, database));
    c.set("database", database ?? CONTROL_DATABASE);
    await decodeBody(c);
    await next();
  };
}

/**
 * For public routes that show more to a tenant (the catalog: its custom contexts): no credential
 * is fine; a presented one must be valid, exactly as `requireKey` checks it.
 */
export function optionalKey(): MiddlewareHandler<AppEnv> {
  const required = requireKey();
  return async (c, next) => {
    if (!c.req.header("x-api-key")?.trim() && !c.req.header("authorization")?.trim()) return next();
    return required(c, next);
  };
}

/** Requires the operator token (a Worker secret), for creating tenants; failures count per IP. */
export function requireOperator(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    refuseBlockedClient(c);
    const expected = c.env.OPERATOR_TOKEN;
    if (!expected) throw unauthorized("This Worker has no OPERATOR_TOKEN secret configured");
    let secret: string | undefined;
    try {
      secret = presentedSecret(c.req.raw.headers);
    } catch (error) {
      throw await counted(c, error);
    }
    const invalid = unauthorized("The operator token is not valid");
    if (!secret) throw invalid;
    if (!(await constantTimeEqual(secret, expected))) throw await counted(c, invalid);
    await decodeBody(c);
    await next();
  };
}
