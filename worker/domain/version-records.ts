// The records of a hot version (D1 rows), decoded from their bodies, page by page in the store's
// order (version-read.ts reads an archived one from R2).
import type { IntakeRecord } from "../../schemas/index.ts";
import { decodeBody } from "../db/bodies.ts";
import { readRecords } from "../db/datasets.ts";
import type { Store } from "../db/stores.ts";

/** One page of version `version` after position `after` (0: from the start), decoded. */
export async function versionPage(
  db: D1Database,
  store: Store,
  version: number,
  after: number,
  limit: number,
): Promise<{ records: IntakeRecord[]; last: number | undefined }> {
  const page = await readRecords(db, store.id, version, after, limit);
  return {
    records: page.records.map((r) => decodeBody(r.body, store.fields)),
    last: page.records.at(-1)?.pos,
  };
}
