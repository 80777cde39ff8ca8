// What an upload would do to the current dataset, by record key, before anything is committed:
// GET …/syncs/{syncId}/diff once the batches are in (the extension shows it before submit).
import { Hono } from "hono";
import type { DatasetDiff } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import { currentVersion } from "../db/datasets.ts";
import { setDiff } from "../db/diff.ts";
import { schemaFor } from "../domain/contexts.ts";
import { closedProblem, requireSync } from "../domain/sync-state.ts";
import { diffView } from "../domain/views.ts";
import { notFound } from "../http/problem.ts";
import { refOf } from "../middleware/dataset.ts";

export const syncDiff = new Hono<AppEnv>().get("/:syncId/diff", async (c) => {
  const ref = refOf(c);
  const sync = await requireSync(c, ref, c.req.param("syncId"));
  const closed = closedProblem(sync, c.get("now"));
  if (closed) throw closed;
  const schema = await schemaFor(c, ref.context);
  if (!schema) throw notFound(`Context "${ref.context}"`);
  const current = await currentVersion(c.env.DB, ref);
  const incoming = await c.env.DB.prepare("SELECT record_count AS n FROM record_sets WHERE id = ?1")
    .bind(sync.setId)
    .first<{ n: number }>();
  const raw = await setDiff(c.env.DB, sync.setId, current?.setId);
  const diff: DatasetDiff = diffView(raw, current, incoming?.n ?? 0, schema);
  return c.json(diff);
});
