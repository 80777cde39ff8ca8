// What committing a sync would do to the current dataset: computed once per state of the sync and
// the dataset (its batches and records, the current version), kept with the sync, and shared by
// GET …/syncs/{id}/diff and the commit (which refuses an unconfirmed risky replacement and
// commits nothing new for an unchanged one). Computing one costs the caller DIFF_COST requests.
import type { Context } from "hono";
import type { DatasetDiff } from "../../schemas/api-types.ts";
import type { ContextSchema } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { currentVersion, type Version } from "../db/datasets.ts";
import { cacheDiff, cachedDiff, planStaged, type RawDiff } from "../db/diff.ts";
import { ensureStore } from "../db/stores.ts";
import { batchSummary, type Sync } from "../db/syncs.ts";
import { chargeRequests } from "../http/request-budget.ts";
import { refuseWhileCommitting } from "./commit-steps.ts";
import { diffView } from "./views.ts";

/** Requests of the caller's budget a computed (not cached) difference costs, its own included. */
export const DIFF_COST = 5;
/** Bumped when the stored form of a difference changes, so older kept ones are computed again. */
const DIFF_FORM = 3;

export interface SyncDiff {
  diff: DatasetDiff;
  /** As found: with the keys repeated in the sync (the commit refuses them). */
  raw: RawDiff;
  /** The version the difference is against (undefined: the dataset has none yet). */
  current: Version | undefined;
  batches: { count: number; maxSeq: number; records: number };
}

export async function syncDiffOf(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  schema: ContextSchema,
): Promise<SyncDiff> {
  await refuseWhileCommitting(c, ref, sync.id);
  const [current, batches] = await Promise.all([
    currentVersion(c.var.db, ref),
    batchSummary(c.var.db, sync.id),
  ]);
  const diffFor = `${DIFF_FORM}:${batches.count}:${batches.records}:${current?.version ?? 0}`;
  let raw = await cachedDiff(c.var.db, sync.id, diffFor);
  if (!raw) {
    await chargeRequests(c, DIFF_COST - 1);
    const store = await ensureStore(c.var.db, ref, Object.keys(schema.properties));
    raw = await planStaged(
      c.var.db,
      store,
      sync.setId,
      current !== undefined,
      batches.records,
      Object.keys(schema.properties),
    );
    await cacheDiff(c.var.db, sync.id, diffFor, raw);
  }
  return { diff: diffView(raw, current, batches.records, schema), raw, current, batches };
}
