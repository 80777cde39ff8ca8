// What an upload would do to the current dataset, by record key, before anything is committed:
// GET …/syncs/{syncId}/diff once the batches are in (the extension shows it before submit).
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { schemaFor } from "../domain/contexts.ts";
import { syncDiffOf } from "../domain/sync-diff.ts";
import { closedProblem, requireSync } from "../domain/sync-state.ts";
import { notFound } from "../http/problem.ts";
import { refOf } from "../middleware/dataset.ts";

export const syncDiff = new Hono<AppEnv>().get("/:syncId/diff", async (c) => {
  const ref = refOf(c);
  const sync = await requireSync(c, ref, c.req.param("syncId"));
  const closed = closedProblem(sync, c.get("now"));
  if (closed) throw closed;
  const schema = await schemaFor(c, ref.context);
  if (!schema) throw notFound(`Context "${ref.context}"`);
  return c.json((await syncDiffOf(c, ref, sync, schema)).diff);
});
