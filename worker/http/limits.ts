// Limits from wrangler.toml vars, read once per request with safe fallbacks.
import type { AnnouncedLimits } from "../../schemas/api-types.ts";
import { DEFAULT_LIMITS } from "../../schemas/limits.ts";

export interface Limits {
  maxBodyBytes: number;
  maxRecordsPerBatch: number;
  maxFieldLength: number;
  maxNestingDepth: number;
  maxKeysPerTenant: number;
  maxIntegrationsPerTenant: number;
  maxKeyLifetimeDays: number;
  versionsRetained: number;
  /** Of the retained versions, the newest kept in D1 (the others are archived to R2). */
  versionsHot: number;
  syncTtlHours: number;
  /** A commit writing more rows than this runs in steps, in the background (commit-steps.ts). */
  commitInlineRows: number;
  /** Rows one step of such a commit writes at most (whole batches; at least one). */
  commitStepRows: number;
  /** Seconds a tenant move waits for requests already running: before it copies, and before it deletes the old copy. */
  moveGraceSeconds: number;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function nonNegative(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : fallback;
}

export function limitsOf(env: Env): Limits {
  return {
    maxBodyBytes: positive(env.MAX_BODY_BYTES, DEFAULT_LIMITS.maxBodyBytes),
    maxRecordsPerBatch: positive(env.MAX_RECORDS_PER_BATCH, DEFAULT_LIMITS.maxRecordsPerBatch),
    maxFieldLength: positive(env.MAX_FIELD_LENGTH, DEFAULT_LIMITS.maxFieldLength),
    maxNestingDepth: positive(env.MAX_NESTING_DEPTH, DEFAULT_LIMITS.maxNestingDepth),
    maxKeysPerTenant: positive(env.MAX_KEYS_PER_TENANT, 100),
    maxIntegrationsPerTenant: positive(env.MAX_INTEGRATIONS_PER_TENANT, 100),
    maxKeyLifetimeDays: positive(env.MAX_KEY_LIFETIME_DAYS, 730),
    versionsRetained: positive(env.VERSIONS_RETAINED, 10),
    versionsHot: positive(env.VERSIONS_HOT, 3),
    syncTtlHours: positive(env.SYNC_TTL_HOURS, 24),
    commitInlineRows: positive(env.COMMIT_INLINE_ROWS, 200_000),
    commitStepRows: positive(env.COMMIT_STEP_ROWS, 50_000),
    moveGraceSeconds: nonNegative(env.MOVE_GRACE_SECONDS, 30),
  };
}

/** The limits a client must respect, as POST …/syncs and GET /v1/me announce them. */
export function announcedLimits(limits: Limits): AnnouncedLimits {
  return {
    maxRecordsPerBatch: limits.maxRecordsPerBatch,
    maxBodyBytes: limits.maxBodyBytes,
    maxFieldLength: limits.maxFieldLength,
    maxNestingDepth: limits.maxNestingDepth,
  };
}
