// Restoring a retained version: one transaction commits a new version holding its records. A hot
// version is restored by range from its rows; an archived one is staged from its object and
// committed like a sync's records.
import type { Context } from "hono";
import type { ContextSchema } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { commitVersionStatements, type Version, versionBySource } from "../db/datasets.ts";
import { deleteStagedStatements, pruneVersionsStatement } from "../db/retention.ts";
import type { Store } from "../db/stores.ts";
import { limitsOf } from "../http/limits.ts";
import { stageArchived } from "./archive.ts";
import { newId } from "./crypto.ts";

/** The new current version, or undefined when a concurrent commit pruned `target` first. */
export async function restoreVersion(
  c: Context<AppEnv>,
  ref: DatasetRef,
  target: Version,
  dataset: { store: Store; schema: ContextSchema },
): Promise<Version | undefined> {
  const { store } = dataset;
  const now = c.get("now").toISOString();
  const sourceId = newId("rst");
  const staged =
    target.storage === "archive"
      ? await stageArchived(c.env, c.var.db, ref, store, dataset.schema, target, now)
      : undefined;
  await c.var.db.batch([
    ...commitVersionStatements(
      c.var.db,
      ref,
      store.id,
      {
        records: staged
          ? { kind: "staged", setId: staged, first: false }
          : { kind: "restore", version: target.version },
        recordCount: target.recordCount,
        source: "restore",
        sourceId,
        keyName: c.get("key").name,
        now,
        schemaId: target.schemaId,
      },
      { kind: "restore", version: target.version, hot: !staged },
    ),
    pruneVersionsStatement(c.var.db, ref, limitsOf(c.env).versionsRetained),
    ...(staged ? deleteStagedStatements(c.var.db, staged) : []),
  ]);
  return versionBySource(c.var.db, ref, sourceId);
}
