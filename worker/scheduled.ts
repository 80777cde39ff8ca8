// The Cron Trigger: expires abandoned syncs, deletes record sets nothing points to, and purges
// old idempotency records and history.
import { purgeIdempotency } from "./db/idempotency.ts";
import { deleteRecordSet, purgeOldIngestions, unreferencedSets } from "./db/retention.ts";
import { expireSyncs } from "./db/syncs.ts";

const SETS_PER_RUN = 50;
const HISTORY_DAYS = 180;

export async function runMaintenance(
  db: D1Database,
  now: Date,
): Promise<{ expired: number; deletedSets: number }> {
  const expired = await expireSyncs(db, now.toISOString());
  const sets = await unreferencedSets(db, SETS_PER_RUN);
  for (const id of sets) await deleteRecordSet(db, id);
  await purgeIdempotency(db, new Date(now.getTime() - 86_400_000).toISOString());
  await purgeOldIngestions(db, new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString());
  return { expired: expired.length, deletedSets: sets.length };
}
