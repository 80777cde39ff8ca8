// What an upload would do to the current dataset, by record key, before anything is committed:
// GET …/syncs/{syncId}/diff once the batches are in (the extension shows it before submit). A
// difference is computed once per state of the sync and the dataset (batches, records, current
// version) and kept with the sync; computing one costs the caller DIFF_COST requests of its budget.
import { Hono } from "hono";
import type { DatasetDiff } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import { currentVersion } from "../db/datasets.ts";
import { cacheDiff, cachedDiff, setDiff } from "../db/diff.ts";
import { batchSummary } from "../db/syncs.ts";
import { schemaFor } from "../domain/contexts.ts";
import { closedProblem, requireSync } from "../domain/sync-state.ts";
import { diffView } from "../domain/views.ts";
import { notFound } from "../http/problem.ts";
import { refOf } from "../middleware/dataset.ts";
import { chargeRequests } from "../middleware/rate-limit.ts";

/** Requests of the caller's budget a computed (not cached) difference costs, this one included. */
const DIFF_COST = 5;

export const syncDiff = new Hono<AppEnv>().get("/:syncId/diff", async (c) => {
  const ref = refOf(c);
  const sync = await requireSync(c, ref, c.req.param("syncId"));
  const closed = closedProblem(sync, c.get("now"));
  if (closed) throw closed;
  const schema = await schemaFor(c, ref.context);
  if (!schema) throw notFound(`Context "${ref.context}"`);
  const [current, batches] = await Promise.all([
    currentVersion(c.env.DB, ref),
    batchSummary(c.env.DB, sync.id),
  ]);
  const diffFor = `${batches.count}:${batches.records}:${current?.version ?? 0}`;
  let raw = await cachedDiff(c.env.DB, sync.id, diffFor);
  if (!raw) {
    await chargeRequests(c, DIFF_COST - 1);
    raw = await setDiff(c.env.DB, sync.setId, current?.setId);
    await cacheDiff(c.env.DB, sync.id, diffFor, raw);
  }
  const diff: DatasetDiff = diffView(raw, current, batches.records, schema);
  return c.json(diff);
});
