// SQL for a commit written in steps (migration 0010): a sync too large to commit in one request is
// `committing` while steps write its version's rows a range at a time. The rows carry the version
// number the commit reserved, above the current one, so no reader sees them: a version's rows are
// those with v0 ≤ N < v1, and version N does not exist until the last step inserts it and moves
// the pointer, in one transaction. Every step is guarded by the cursor it advances, so a step
// replayed after it landed writes nothing.
import type { DatasetRef } from "./dataset-ref.ts";

/** The ordered phases of a commit in steps; each moves a cursor over its range. */
export type CommitPhase = "plan" | "close" | "open" | "switch";

/** What the steps need, fixed when the commit begins (`syncs.commit_plan`). */
export interface CommitPlan {
  store: number;
  /** The version this one replaces (0: none yet). */
  current: number;
  /** Rows come from the difference (sync_changes) or, for a first version, from the staged set. */
  mode: "planned" | "first";
  recordCount: number;
  batches: number;
  keyName: string;
  schemaId: string;
  /** The plan's rowids (sync_changes), set when the plan is (re)made: the close phase's range. */
  planFrom: number;
  planTo: number;
}

/** A sync while it is committing (its steps' state). */
export interface CommitState {
  syncId: string;
  setId: string;
  version: number;
  phase: CommitPhase;
  cursor: number;
  done: number;
  total: number;
  plan: CommitPlan;
  touchedAt: string;
}

/** SQL true while sync ?s is committing at phase ?p, cursor ?c (the guard of every step). */
const AT_STEP = (s: number, p: number, c: number) =>
  `EXISTS (SELECT 1 FROM syncs WHERE id = ?${s} AND status = 'committing' AND commit_phase = ?${p} AND commit_cursor = ?${c})`;

/** SQL true while a sync of dataset (?i integration, ?c context) other than ?s is committing. */
export const otherCommittingSql = (i: number, c: number, s: number) =>
  `EXISTS (SELECT 1 FROM syncs WHERE integration_id = ?${i} AND context = ?${c} AND status = 'committing' AND id <> ?${s})`;

/**
 * Moves an open sync to committing at version `version`, only while everything the commit checked
 * still holds: the sync open with exactly `batches` batches, every one validated against the
 * schema; a custom context still at `customVersion`; `current` still the dataset's version and
 * `version` the next; and no other sync of the dataset committing.
 */
export function beginStepsStatement(
  db: D1Database,
  ref: DatasetRef,
  syncId: string,
  now: string,
  begin: {
    version: number;
    phase: CommitPhase;
    cursor: number;
    total: number;
    plan: CommitPlan;
    customVersion: string | null;
    expectedRecords: number | null;
    warnings: string;
  },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE syncs SET status = 'committing', commit_version = ?5, commit_phase = ?6, commit_cursor = ?7,
         commit_done = 0, commit_total = ?8, commit_plan = ?9, commit_touched_at = ?2,
         expected_records = ?10, commit_warnings = ?11
       WHERE id = ?1 AND tenant_id = ?12 AND status = 'open' AND expires_at > ?2
         AND (SELECT COUNT(*) FROM sync_batches WHERE sync_id = ?1) = ?13
         AND NOT EXISTS (SELECT 1 FROM sync_batches WHERE sync_id = ?1 AND (schema_id IS NULL OR schema_id != ?14))
         AND (?15 IS NULL OR EXISTS (SELECT 1 FROM custom_contexts WHERE tenant_id = ?12 AND name = ?4 AND version = ?15))
         AND COALESCE((SELECT current_version FROM datasets WHERE integration_id = ?3 AND context = ?4), 0) = ?16
         AND COALESCE((SELECT MAX(version) FROM versions WHERE integration_id = ?3 AND context = ?4), 0) + 1 = ?5
         AND NOT ${otherCommittingSql(3, 4, 1)}`,
    )
    .bind(
      syncId,
      now,
      ref.integrationId,
      ref.context,
      begin.version,
      begin.phase,
      begin.cursor,
      begin.total,
      JSON.stringify(begin.plan),
      begin.expectedRecords,
      begin.warnings,
      ref.tenantId,
      begin.plan.batches,
      begin.plan.schemaId,
      begin.customVersion,
      begin.plan.current,
    );
}

interface StateRow {
  id: string;
  set_id: string;
  commit_version: number;
  commit_phase: CommitPhase;
  commit_cursor: number;
  commit_done: number;
  commit_total: number;
  commit_plan: string;
  commit_touched_at: string;
}

/** The steps' state of a committing sync of the dataset (undefined when it is not committing). */
export async function commitState(
  db: D1Database,
  ref: DatasetRef,
  syncId: string,
): Promise<CommitState | undefined> {
  const row = await db
    .prepare(
      `SELECT id, set_id, commit_version, commit_phase, commit_cursor, commit_done, commit_total, commit_plan, commit_touched_at
       FROM syncs WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND id = ?4 AND status = 'committing'`,
    )
    .bind(ref.tenantId, ref.integrationId, ref.context, syncId)
    .first<StateRow>();
  return row ? toState(row) : undefined;
}

const toState = (row: StateRow): CommitState => ({
  syncId: row.id,
  setId: row.set_id,
  version: row.commit_version,
  phase: row.commit_phase,
  cursor: row.commit_cursor,
  done: row.commit_done,
  total: row.commit_total,
  plan: JSON.parse(row.commit_plan) as CommitPlan,
  touchedAt: row.commit_touched_at,
});

/** The sync committing in a dataset, if one is (at most one: index syncs_committing). */
export async function committingSyncOf(db: D1Database, ref: DatasetRef): Promise<string | undefined> {
  const row = await db
    .prepare(
      "SELECT id FROM syncs WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3 AND status = 'committing'",
    )
    .bind(ref.tenantId, ref.integrationId, ref.context)
    .first<{ id: string }>();
  return row?.id;
}

/** A sync of a tenant's context committing in steps, in any integration. */
export async function committingInContext(
  db: D1Database,
  tenantId: string,
  context: string,
): Promise<string | undefined> {
  const row = await db
    .prepare("SELECT id FROM syncs WHERE tenant_id = ?1 AND context = ?2 AND status = 'committing' LIMIT 1")
    .bind(tenantId, context)
    .first<{ id: string }>();
  return row?.id;
}

/** Committing syncs no step moved since `before`, across tenants (the Cron Trigger resumes them). */
export async function stalledCommits(
  db: D1Database,
  before: string,
  limit: number,
): Promise<(DatasetRef & { syncId: string })[]> {
  const { results } = await db
    .prepare(
      `SELECT id, tenant_id, integration_id, context FROM syncs
       WHERE status = 'committing' AND commit_touched_at < ?1 ORDER BY commit_touched_at LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ id: string; tenant_id: string; integration_id: string; context: string }>();
  return results.map((r) => ({
    syncId: r.id,
    tenantId: r.tenant_id,
    integrationId: r.integration_id,
    context: r.context,
  }));
}

/**
 * Advances a committing sync from (phase, cursor) to the next step; it changes nothing unless the
 * sync is still at (phase, cursor). Last in a step's batch: the step's write before it checks the
 * same guard, and `counted` adds the rows that write changed (SQLite's changes(): the statement
 * completed last on the connection, which a batch runs in order). `plan` and `total` replace the
 * steps' plan and row total when given.
 */
export function advanceStatement(
  db: D1Database,
  state: CommitState,
  next: {
    phase: CommitPhase;
    cursor: number;
    now: string;
    counted?: true;
    plan?: CommitPlan;
    total?: number;
  },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE syncs SET commit_phase = ?4, commit_cursor = ?5, commit_done = commit_done + CASE WHEN ?6 THEN changes() ELSE 0 END, commit_touched_at = ?7,
         commit_plan = COALESCE(?8, commit_plan), commit_total = COALESCE(?9, commit_total)
       WHERE ${AT_STEP(1, 2, 3)} AND id = ?1`,
    )
    .bind(
      state.syncId,
      state.phase,
      state.cursor,
      next.phase,
      next.cursor,
      next.counted ? 1 : 0,
      next.now,
      next.plan ? JSON.stringify(next.plan) : null,
      next.total ?? null,
    );
}

/** The rowid range of a sync's plan rows (written by one statement: contiguous). */
export async function planRange(db: D1Database, setId: string): Promise<{ from: number; to: number }> {
  const row = await db
    .prepare("SELECT MIN(rowid) AS lo, MAX(rowid) AS hi FROM sync_changes WHERE set_id = ?1")
    .bind(setId)
    .first<{ lo: number | null; hi: number | null }>();
  return { from: (row?.lo ?? 1) - 1, to: row?.hi ?? 0 };
}

/** Closes the current rows planned as removed or changed with plan rowids in (from, to]. */
export function closeRowsStatement(db: D1Database, state: CommitState, to: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE dataset_rows SET v1 = ?4
       WHERE rowid IN (SELECT live FROM sync_changes WHERE set_id = ?5 AND kind IN (2, 3) AND rowid > ?3 AND rowid <= ?6)
         AND store = ?7 AND v1 IS NULL AND ${AT_STEP(1, 2, 3)}`,
    )
    .bind(state.syncId, state.phase, state.cursor, state.version, state.setId, to, state.plan.store);
}

/**
 * Opens the version's new rows from batches [from, to]: the planned additions and changes, or
 * (a first version) every staged record, in upload order.
 */
export function openRowsStatement(
  db: D1Database,
  state: CommitState,
  from: number,
  to: number,
): D1PreparedStatement {
  const sql =
    state.plan.mode === "first"
      ? `INSERT INTO dataset_rows (store, v0, record_key, body)
         SELECT ?7, ?4, record_key, data FROM records
         WHERE set_id = ?5 AND seq >= ?6 AND seq <= ?8 AND ${AT_STEP(1, 2, 3)} ORDER BY seq, idx`
      : `INSERT INTO dataset_rows (store, v0, record_key, body)
         SELECT ?7, ?4, r.record_key, r.data FROM sync_changes c
         JOIN records r ON r.set_id = c.set_id AND r.seq = c.pos / 1000000 AND r.idx = c.pos % 1000000
         WHERE c.set_id = ?5 AND c.kind IN (1, 3) AND c.pos >= ?6 * 1000000 AND c.pos < (?8 + 1) * 1000000
           AND ${AT_STEP(1, 2, 3)} ORDER BY c.pos`;
  return db
    .prepare(sql)
    .bind(state.syncId, state.phase, state.cursor, state.version, state.setId, from, state.plan.store, to);
}

/** Batches from `from` on, with their record counts, in order (the open phase's ranges). */
export async function batchesFrom(
  db: D1Database,
  syncId: string,
  from: number,
  limit: number,
): Promise<{ seq: number; records: number }[]> {
  const { results } = await db
    .prepare(
      "SELECT seq, record_count FROM sync_batches WHERE sync_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3",
    )
    .bind(syncId, from, limit)
    .all<{ seq: number; record_count: number }>();
  return results.map((r) => ({ seq: r.seq, records: r.record_count }));
}

/** Moves a committing sync whose version now exists to committed (the last step's transaction). */
export function markCommittedFromStepsStatement(db: D1Database, state: CommitState): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE syncs SET status = 'committed', committed_version = ?4, commit_phase = NULL, commit_plan = NULL
       WHERE ${AT_STEP(1, 2, 3)} AND id = ?1
         AND EXISTS (SELECT 1 FROM versions WHERE source_id = ?1 AND version = ?4)`,
    )
    .bind(state.syncId, state.phase, state.cursor, state.version);
}
