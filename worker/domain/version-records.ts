// The records of a retained version, decoded from their bodies, page by page in the store's order.
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

/** Every record of version `version`, in pages of `pageSize`. */
export async function* versionRecords(
  db: D1Database,
  store: Store,
  version: number,
  pageSize = 5000,
): AsyncGenerator<IntakeRecord> {
  let after = 0;
  for (;;) {
    const page = await versionPage(db, store, version, after, pageSize);
    yield* page.records;
    if (page.last === undefined || page.records.length < pageSize) return;
    after = page.last;
  }
}
