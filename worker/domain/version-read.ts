// Reading a retained version wherever it lives: D1 rows (hot) or its object in the archive.
import type { IntakeRecord } from "../../schemas/index.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import type { Version } from "../db/datasets.ts";
import type { Store } from "../db/stores.ts";
import { archivedPage, archivedRecords } from "./archive.ts";
import { versionPage } from "./version-records.ts";

/** One page of `version` after position `after` (0: from the start); `last` is the next cursor. */
export function readPage(
  env: Env,
  db: D1Database,
  ref: DatasetRef,
  store: Store,
  version: Version,
  after: number,
  limit: number,
): Promise<{ records: IntakeRecord[]; last: number | undefined }> {
  return version.storage === "archive"
    ? archivedPage(env, ref, version, after, limit)
    : versionPage(db, store, version.version, after, limit);
}

/** Every record of `version`, in pages of `pageSize` (an archived one from one GET, member by member). */
export async function* readAll(
  env: Env,
  db: D1Database,
  ref: DatasetRef,
  store: Store,
  version: Version,
  pageSize = 5000,
): AsyncGenerator<IntakeRecord> {
  if (version.storage === "archive") {
    for await (const records of archivedRecords(env, ref, version)) yield* records;
    return;
  }
  let after = 0;
  for (;;) {
    const page = await readPage(env, db, ref, store, version, after, pageSize);
    yield* page.records;
    if (page.last === undefined || page.records.length < pageSize) return;
    after = page.last;
  }
}
