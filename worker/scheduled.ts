// The Cron Trigger: resumes stalled commits in steps, archives versions past the hot window to R2, expires abandoned syncs, deletes
// staged record sets nothing points to and the rows no version kept in D1 holds, and purges old
// idempotency records and history.
import { purgeIdempotency } from "./db/idempotency.ts";
import {
  deleteRecordSet,
  deleteUnretainedRows,
  purgeOldIngestions,
  unreferencedSets,
} from "./db/retention.ts";
import { expireSyncs } from "./db/syncs.ts";
import { archiveDue } from "./domain/archive.ts";
import { resumeStalledCommits } from "./domain/commit-steps.ts";

const SETS_PER_RUN = 50;
/** Rows deleted per statement, and statements per run (D1: 30 s per query, 1,000 per invocation). */
const ROWS_PER_DELETE = 50_000;
const ROW_DELETES_PER_RUN = 20;
const HISTORY_DAYS = 180;

export async function runMaintenance(
  env: Env,
  now: Date,
): Promise<{ expired: number; deletedSets: number; deletedRows: number; archived: number; resumed: number }> {
  const db = env.DB;
  // Commits in steps no step moved for a while (a lost queue message) go on.
  const resumed = await resumeStalledCommits(env, now);
  // Versions past the hot window go to the archive first: their rows go only after.
  const { archived } = await archiveDue(env);
  const expired = await expireSyncs(db, now.toISOString());
  const sets = await unreferencedSets(db, SETS_PER_RUN);
  for (const id of sets) await deleteRecordSet(db, id);
  let deletedRows = 0;
  for (let run = 0; run < ROW_DELETES_PER_RUN; run++) {
    const n = await deleteUnretainedRows(db, ROWS_PER_DELETE);
    deletedRows += n;
    if (n < ROWS_PER_DELETE) break;
  }
  await purgeIdempotency(db, new Date(now.getTime() - 86_400_000).toISOString());
  await purgeOldIngestions(db, new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString());
  return { expired: expired.length, deletedSets: sets.length, deletedRows, archived, resumed };
}
