// Idempotency-Key for one-shot writes. The middleware checks the header; the handler claims the
// key once it has parsed the payload (the hash is over the parsed records, so a charset parameter
// or whitespace is not a different request); the middleware stores the answer the handler gave,
// or releases the claim when the handler failed unexpectedly. A retry gets the stored answer,
// marked as a replay; the same key with a different payload is a 409.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import {
  claimIdempotencyKey,
  completeIdempotencyStatement,
  getIdempotencyRecord,
  releaseIdempotencyKey,
} from "../db/idempotency.ts";
import { sha256Hex } from "../domain/crypto.ts";
import { badRequest, conflict, Problem } from "../http/problem.ts";
import { replayResponse } from "../http/replay.ts";

const MAX_KEY_LENGTH = 255;
const PRINTABLE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

interface Claim {
  tenantId: string;
  scope: string;
  key: string;
  claimed: boolean;
}

const claims = new WeakMap<Context, Claim>();

/** Reads and checks the Idempotency-Key header of a write whose answers are stored per `scope`. */
export function idempotency(scopeOf: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("idempotency-key");
    if (header === undefined) return next();
    const key = header.trim();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !PRINTABLE.test(key))
      throw badRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters`);
    const claim: Claim = { tenantId: c.get("key").tenantId, scope: scopeOf(c), key, claimed: false };
    claims.set(c, claim);
    await next();
    if (!claim.claimed) return;
    const db = c.var.db;
    if (c.error && !(c.error instanceof Problem)) {
      await releaseIdempotencyKey(db, claim.tenantId, claim.scope, claim.key);
      return;
    }
    const text = await c.res.clone().text();
    await completeIdempotencyStatement(db, claim.tenantId, claim.scope, claim.key, c.res.status, text).run();
  };
}

/**
 * Claims the request's Idempotency-Key for this payload. Returns the stored answer when the key
 * was already used with the same payload (a replay), nothing when the handler should go on.
 */
export async function claimIdempotency(c: Context<AppEnv>, payload: unknown): Promise<Response | undefined> {
  const claim = claims.get(c);
  if (!claim) return undefined;
  const db = c.var.db;
  const hash = await sha256Hex(JSON.stringify(payload));
  if (
    await claimIdempotencyKey(db, claim.tenantId, claim.scope, claim.key, hash, c.get("now").toISOString())
  ) {
    claim.claimed = true;
    return undefined;
  }
  const existing = await getIdempotencyRecord(db, claim.tenantId, claim.scope, claim.key);
  if (existing && existing.bodyHash !== hash) {
    throw conflict(
      "idempotency-key-reused",
      "Idempotency-Key reused",
      "This Idempotency-Key was already used with a different payload; use a new key for a new request",
    );
  }
  if (!existing?.status || !existing.response) {
    throw conflict(
      "idempotency-in-progress",
      "Request in progress",
      "A request with this Idempotency-Key is still being processed; retry shortly",
    );
  }
  return replayResponse(
    existing.response,
    existing.status,
    existing.status >= 400 ? "application/problem+json" : "application/json",
  );
}
