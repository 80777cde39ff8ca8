// The Cron Trigger, for every database that holds tenant data: resumes stalled commits in steps, archives versions past the hot window to R2, expires abandoned syncs, deletes
// staged record sets nothing points to and the rows no version kept in D1 holds, and purges old
// idempotency records and history.
import { purgeIdempotency } from "./db/idempotency.ts";
import { databasesBeingCopied } from "./db/moves.ts";
import {
  deleteRecordSet,
  deleteUnretainedRows,
  purgeOldIngestions,
  unreferencedSets,
} from "./db/retention.ts";
import { expireSyncs } from "./db/syncs.ts";
import { archiveDue, deletePrunedArchives } from "./domain/archive.ts";
import { resumeStalledCommits } from "./domain/commit-steps.ts";
import { tenantDataDatabases } from "./domain/databases.ts";
import { resumeStalledMoves } from "./domain/move.ts";

const SETS_PER_RUN = 50;
/** Rows deleted per statement, and statements per run (D1: 30 s per query, 1,000 per invocation). */
const ROWS_PER_DELETE = 50_000;
const ROW_DELETES_PER_RUN = 20;
const HISTORY_DAYS = 180;

export interface MaintenanceRun {
  expired: number;
  deletedSets: number;
  deletedRows: number;
  archived: number;
  resumed: number;
  deletedArchives: number;
  /** Tenant moves no step moved for a while, sent to the queue again. */
  resumedMoves: number;
  /** Databases left for the next run because a move copies from or to them. */
  waiting: string[];
}

/** One database's part of the maintenance (every database that holds tenant data gets one). */
async function maintainDatabase(
  env: Env,
  db: D1Database,
  now: Date,
): Promise<Omit<MaintenanceRun, "deletedArchives" | "resumedMoves" | "waiting">> {
  // Commits in steps no step moved for a while (a lost queue message) go on.
  const resumed = await resumeStalledCommits(env, db, now);
  // Versions past the hot window go to the archive first: their rows go only after.
  const archived = await archiveDue(env, db);
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

/** The scheduled handler: every database's maintenance, then the archive's pruned objects and stalled moves. */
export async function runMaintenance(env: Env, now: Date): Promise<MaintenanceRun> {
  const total: MaintenanceRun = {
    expired: 0,
    deletedSets: 0,
    deletedRows: 0,
    archived: 0,
    resumed: 0,
    deletedArchives: 0,
    resumedMoves: 0,
    waiting: [],
  };
  // A database a move is copying from or to waits for the next run: expiring, pruning or archiving
  // there would change the rows being copied (the copy would not verify and be made again).
  const copying = await databasesBeingCopied(env.DB);
  for (const { name, db } of tenantDataDatabases(env)) {
    if (copying.has(name)) {
      total.waiting.push(name);
      continue;
    }
    const run = await maintainDatabase(env, db, now);
    for (const [field, n] of Object.entries(run)) total[field as keyof typeof run] += n;
  }
  total.deletedArchives = await deletePrunedArchives(env);
  total.resumedMoves = await resumeStalledMoves(env, now);
  return total;
}
