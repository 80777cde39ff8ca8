// Where a sync stands: its terminal states as the problems every sync route answers with, and the
// one way routes find a sync of the request's dataset.
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { getSync, type Sync } from "../db/syncs.ts";
import { conflict, notFound, Problem } from "../http/problem.ts";
import { COMMIT_RETRY_SECONDS } from "./commit-steps.ts";

export const expiredProblem = (sync: Sync) =>
  new Problem(
    410,
    "sync-expired",
    "Sync expired",
    `Sync ${sync.id} expired at ${sync.expiresAt} before it was committed; start a new sync`,
  );

const abortedProblem = (sync: Sync) =>
  conflict("sync-aborted", "Sync aborted", `Sync ${sync.id} was aborted; start a new sync`);

const committedProblem = (sync: Sync) =>
  conflict(
    "sync-committed",
    "Sync committed",
    `Sync ${sync.id} is already committed${sync.committedVersion ? ` as version ${sync.committedVersion}` : ""}; start a new sync to upload again`,
  );

export const committingProblem = (sync: Sync) =>
  conflict(
    "sync-committing",
    "Sync being committed",
    `Sync ${sync.id} is being committed; it takes no more batches and can no longer be aborted. Ask its commit again to learn when it is done`,
    {},
    { "retry-after": String(COMMIT_RETRY_SECONDS) },
  );

/** Open past its expiry counts as expired, whether or not the Cron Trigger has marked it yet. */
function isExpired(sync: Sync, now: Date): boolean {
  return sync.status === "expired" || (sync.status === "open" && Date.parse(sync.expiresAt) <= now.getTime());
}

/** The problem for a sync that can take no more batches (undefined while it is open). */
export function closedProblem(sync: Sync, now: Date): Problem | undefined {
  if (sync.status === "committed") return committedProblem(sync);
  if (sync.status === "aborted") return abortedProblem(sync);
  if (sync.status === "committing") return committingProblem(sync);
  if (isExpired(sync, now)) return expiredProblem(sync);
  return undefined;
}

/** The sync of the request's dataset, or a 404 like any missing resource. */
export async function requireSync(c: Context<AppEnv>, ref: DatasetRef, id: string): Promise<Sync> {
  const sync = await getSync(c.var.db, ref, id);
  if (!sync) throw notFound(`Sync "${id}"`);
  return sync;
}
