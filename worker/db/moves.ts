// SQL for moving a tenant between data databases (issue 21): the move's row in DB, the copy's
// cursor in the target database, and the tenant's rows table by table ("units"), read in pages by
// rowid from the source, inserted into the target, counted and summed on both sides, and deleted.
import type { TenantMove } from "../../schemas/api-types.ts";

/** What a move copies: the tenant's rows of one table (dataset rows: of one store). */
export interface MoveUnit {
  table: string;
  /** The rows' condition; `?1` is the tenant id, and for dataset rows `?2`, `?3` the store's integration and context. */
  where: string;
  store?: { integrationId: string; context: string };
  /** Columns not copied: the target gives its own (a store's id), or they are caches made again (a sync's difference). */
  skip?: string[];
  /** Columns set on the way (a dataset row's store in the target). */
  set?: Record<string, string>;
}

const TENANT = "tenant_id = ?1";
const STORE = "store = (SELECT id FROM stores WHERE tenant_id = ?1 AND integration_id = ?2 AND context = ?3)";
/** The store's id in the target, in an insert (where ?2 is the tenant and ?4, ?5 the store's integration and context). */
const TARGET_STORE = "(SELECT id FROM stores WHERE tenant_id = ?2 AND integration_id = ?4 AND context = ?5)";

/** Every table a tenant's data lives in, parents first (a delete goes the other way). */
export function moveUnits(stores: { integrationId: string; context: string }[]): MoveUnit[] {
  return [
    { table: "tenants", where: "id = ?1" },
    { table: "integrations", where: TENANT },
    { table: "custom_contexts", where: TENANT },
    { table: "custom_context_revisions", where: TENANT },
    { table: "custom_context_generations", where: TENANT },
    { table: "stores", where: TENANT, skip: ["id"] },
    ...stores.map((store) => ({
      table: "dataset_rows",
      where: STORE,
      store,
      skip: ["store"],
      set: { store: TARGET_STORE },
    })),
    { table: "datasets", where: TENANT },
    { table: "versions", where: TENANT },
    { table: "record_sets", where: TENANT },
    { table: "records", where: "set_id IN (SELECT id FROM record_sets WHERE tenant_id = ?1)" },
    // A sync's cached difference names rows by their rowid in the source: it is made again.
    { table: "syncs", where: TENANT, skip: ["diff_for", "diff"] },
    { table: "sync_batches", where: "sync_id IN (SELECT id FROM syncs WHERE tenant_id = ?1)" },
    { table: "ingestions", where: TENANT },
    { table: "idempotency", where: TENANT },
  ];
}

const binds = (unit: MoveUnit, tenantId: string): unknown[] =>
  unit.store ? [tenantId, unit.store.integrationId, unit.store.context] : [tenantId];

/** The tenant's stores, which the dataset rows are copied by. */
export async function storesOf(
  db: D1Database,
  tenantId: string,
): Promise<{ integrationId: string; context: string }[]> {
  const { results } = await db
    .prepare("SELECT integration_id, context FROM stores WHERE tenant_id = ?1 ORDER BY id")
    .bind(tenantId)
    .all<{ integration_id: string; context: string }>();
  return results.map((r) => ({ integrationId: r.integration_id, context: r.context }));
}

/** Up to `limit` rows of `unit` after rowid `after`, in rowid order, with their rowid as `_rid`. */
export async function unitPage(
  db: D1Database,
  unit: MoveUnit,
  tenantId: string,
  after: number,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const b = binds(unit, tenantId);
  const { results } = await db
    .prepare(
      `SELECT rowid AS _rid, * FROM ${unit.table} WHERE (${unit.where}) AND rowid > ?${b.length + 1} ORDER BY rowid LIMIT ${limit}`,
    )
    .bind(...b, after)
    .all<Record<string, unknown>>();
  return results;
}

/** The columns of `rows` a unit copies. */
export function copiedColumns(unit: MoveUnit, row: Record<string, unknown>): string[] {
  return Object.keys(row).filter((c) => c !== "_rid" && !unit.skip?.includes(c));
}

/** Bytes of JSON per insert statement (D1: 100 KB of SQL, 1 MB per value; the rows go as one bound JSON value). */
const CHUNK_CHARS = 800_000;

/** The copy's position: a unit and the last source rowid copied of it. */
export interface MoveCursor {
  unit: number;
  after: number;
}

/** True while the target's cursor is still `at` (`<unit>.<after>`): a step run twice, or by two consumers, copies once. */
const cursorIs = (tenant: string, at: string) =>
  `COALESCE((SELECT unit || '.' || after FROM move_cursors WHERE tenant_id = ${tenant}), '0.0') = ${at}`;

/**
 * Inserts `rows` of `unit` into the target, as JSON arrays unpacked by json_each (a few statements
 * per page), each only while the cursor is still `at`.
 */
export function insertUnitStatements(
  db: D1Database,
  unit: MoveUnit,
  rows: Record<string, unknown>[],
  tenantId: string,
  at: MoveCursor,
): D1PreparedStatement[] {
  const first = rows[0];
  if (!first) return [];
  const columns = copiedColumns(unit, first);
  const set = Object.entries(unit.set ?? {});
  const names = [...columns, ...set.map(([c]) => c)].map((c) => `"${c}"`).join(", ");
  const values = [
    ...columns.map((_, i) => `json_extract(value, '$[${i}]')`),
    ...set.map(([, expression]) => expression),
  ].join(", ");
  const sql = `INSERT INTO ${unit.table} (${names}) SELECT ${values} FROM json_each(?1) WHERE ${cursorIs("?2", "?3")}`;
  const extra = unit.store ? [unit.store.integrationId, unit.store.context] : [];
  const statements: D1PreparedStatement[] = [];
  let chunk: string[] = [];
  let chars = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    statements.push(
      db.prepare(sql).bind(`[${chunk.join(",")}]`, tenantId, `${at.unit}.${at.after}`, ...extra),
    );
    chunk = [];
    chars = 0;
  };
  for (const row of rows) {
    const json = JSON.stringify(columns.map((c) => row[c] ?? null));
    if (chars + json.length > CHUNK_CHARS) flush();
    chunk.push(json);
    chars += json.length + 1;
  }
  flush();
  return statements;
}

/** The copy's cursor in the target: the unit it is at and the last source rowid copied of it. */
export async function moveCursor(db: D1Database, tenantId: string): Promise<MoveCursor> {
  const row = await db
    .prepare("SELECT unit, after FROM move_cursors WHERE tenant_id = ?1")
    .bind(tenantId)
    .first<MoveCursor>();
  return row ?? { unit: 0, after: 0 };
}

/** Moves the cursor from `at` to `to` (in the same transaction as the page it follows; nothing if it moved meanwhile). */
export function setMoveCursorStatement(
  db: D1Database,
  tenantId: string,
  at: MoveCursor,
  to: MoveCursor,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO move_cursors (tenant_id, unit, after) SELECT ?1, ?3, ?4 WHERE ${cursorIs("?1", "?2")}
       ON CONFLICT (tenant_id) DO UPDATE SET unit = excluded.unit, after = excluded.after`,
    )
    .bind(tenantId, `${at.unit}.${at.after}`, to.unit, to.after);
}

export function deleteMoveCursorStatement(db: D1Database, tenantId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM move_cursors WHERE tenant_id = ?1").bind(tenantId);
}

/** One column of `table` in the tenant's rows, or none (the unit holds nothing there). */
export async function sampleRow(
  db: D1Database,
  unit: MoveUnit,
  tenantId: string,
): Promise<Record<string, unknown> | undefined> {
  return (
    (await db
      .prepare(`SELECT * FROM ${unit.table} WHERE (${unit.where}) LIMIT 1`)
      .bind(...binds(unit, tenantId))
      .first<Record<string, unknown>>()) ?? undefined
  );
}

/**
 * The unit's count and checksum: for every copied column, the sum of its values' lengths and the
 * total of its integers, so that a row lost, doubled or changed on the way shows.
 */
export async function unitChecksum(
  db: D1Database,
  unit: MoveUnit,
  tenantId: string,
  columns: string[],
): Promise<string> {
  const parts = columns.flatMap((c) => [
    `COALESCE(SUM(length("${c}")), 0)`,
    `TOTAL(CASE WHEN typeof("${c}") = 'integer' THEN "${c}" END)`,
  ]);
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS n${parts.map((p, i) => `, ${p} AS c${i}`).join("")} FROM ${unit.table} WHERE (${unit.where})`,
    )
    .bind(...binds(unit, tenantId))
    .first<Record<string, number>>();
  return JSON.stringify(row ?? {});
}

/** Deletes up to `limit` of the unit's rows; the number deleted. */
export async function deleteUnitRows(
  db: D1Database,
  unit: MoveUnit,
  tenantId: string,
  limit: number,
): Promise<number> {
  const { meta } = await db
    .prepare(
      `DELETE FROM ${unit.table} WHERE rowid IN (SELECT rowid FROM ${unit.table} WHERE (${unit.where}) LIMIT ${limit})`,
    )
    .bind(...binds(unit, tenantId))
    .run();
  return meta.changes ?? 0;
}

/** Committing syncs of the tenant (a move waits for them: their steps name rows by rowid). */
export async function committingSyncs(db: D1Database, tenantId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM syncs WHERE tenant_id = ?1 AND status = 'committing'")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

// The move's row in DB.

export type MovePhase = TenantMove["phase"];

export interface MoveRow {
  tenantId: string;
  source: string;
  target: string;
  phase: MovePhase;
  attempts: number;
  units: MoveUnit[];
  records: number | null;
  error: string | null;
  startedAt: string;
  touchedAt: string;
  switchedAt: string | null;
  finishedAt: string | null;
}

interface MoveDbRow {
  tenant_id: string;
  source: string;
  target: string;
  phase: MovePhase;
  attempts: number;
  units: string;
  records: number | null;
  error: string | null;
  started_at: string;
  touched_at: string;
  switched_at: string | null;
  finished_at: string | null;
}

const toMove = (r: MoveDbRow): MoveRow => ({
  tenantId: r.tenant_id,
  source: r.source,
  target: r.target,
  phase: r.phase,
  attempts: r.attempts,
  units: JSON.parse(r.units) as MoveUnit[],
  records: r.records,
  error: r.error,
  startedAt: r.started_at,
  touchedAt: r.touched_at,
  switchedAt: r.switched_at,
  finishedAt: r.finished_at,
});

/** Phases in which the tenant's data may not change (the copy must stay equal to its source). */
export const WRITES_HELD: readonly MovePhase[] = ["copy", "verify", "clear-retry"];
/** Phases of a move still running. */
export const RUNNING: readonly MovePhase[] = ["copy", "verify", "clear-retry", "rollback", "cleanup"];
const running = RUNNING.map((p) => `'${p}'`).join(", ");

export async function getMove(db: D1Database, tenantId: string): Promise<MoveRow | undefined> {
  const row = await db
    .prepare("SELECT * FROM tenant_moves WHERE tenant_id = ?1")
    .bind(tenantId)
    .first<MoveDbRow>();
  return row ? toMove(row) : undefined;
}

/**
 * Begins a move unless one runs; false when one does. The tenant must still be where `source`
 * says (a placement changed meanwhile refuses it).
 */
export async function beginMove(
  db: D1Database,
  move: { tenantId: string; source: string; target: string; units: MoveUnit[]; now: string },
): Promise<boolean> {
  const { meta } = await db
    .prepare(
      `INSERT INTO tenant_moves (tenant_id, source, target, phase, attempts, units, started_at, touched_at)
       SELECT ?1, ?2, ?3, 'clear-retry', 0, ?4, ?5, ?5
       WHERE EXISTS (SELECT 1 FROM tenants WHERE id = ?1 AND COALESCE(data_db, 'DB') = ?2)
       ON CONFLICT (tenant_id) DO UPDATE SET source = excluded.source, target = excluded.target, phase = 'clear-retry',
         attempts = 0, units = excluded.units, records = NULL, error = NULL, started_at = excluded.started_at,
         touched_at = excluded.touched_at, switched_at = NULL, finished_at = NULL
       WHERE tenant_moves.phase NOT IN (${running})`,
    )
    .bind(move.tenantId, move.source, move.target, JSON.stringify(move.units), move.now)
    .run();
  return (meta.changes ?? 0) === 1;
}

/** Moves the phase on from `from` (a step that lost a race changes nothing). */
export function setPhaseStatement(
  db: D1Database,
  tenantId: string,
  from: MovePhase,
  to: MovePhase,
  now: string,
  extra: { attempts?: number; records?: number; error?: string; finished?: boolean } = {},
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE tenant_moves SET phase = ?3, touched_at = ?4, attempts = COALESCE(?5, attempts),
         records = COALESCE(?6, records), error = COALESCE(?7, error), finished_at = CASE WHEN ?8 THEN ?4 ELSE finished_at END
       WHERE tenant_id = ?1 AND phase = ?2`,
    )
    .bind(
      tenantId,
      from,
      to,
      now,
      extra.attempts ?? null,
      extra.records ?? null,
      extra.error ?? null,
      extra.finished ? 1 : 0,
    );
}

export async function touchMove(db: D1Database, tenantId: string, now: string): Promise<void> {
  await db.prepare("UPDATE tenant_moves SET touched_at = ?2 WHERE tenant_id = ?1").bind(tenantId, now).run();
}

/**
 * The switch, one transaction in DB: the tenant's placement moves to the target, and only if it
 * did does the move go on to cleanup (which deletes the source's copy).
 */
export function switchPlacementStatements(db: D1Database, move: MoveRow, now: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE tenants SET data_db = ?3 WHERE id = ?1 AND COALESCE(data_db, 'DB') = ?2
         AND EXISTS (SELECT 1 FROM tenant_moves WHERE tenant_id = ?1 AND phase = 'verify')`,
      )
      .bind(move.tenantId, move.source, move.target),
    db
      .prepare(
        `UPDATE tenant_moves SET phase = 'cleanup', switched_at = ?3, touched_at = ?3, records = ?4
         WHERE tenant_id = ?1 AND phase = 'verify' AND EXISTS (SELECT 1 FROM tenants WHERE id = ?1 AND data_db = ?2)`,
      )
      .bind(move.tenantId, move.target, now, move.records),
  ];
}

/** The databases a running move copies from or to (their maintenance waits: it would change what is being copied). */
export async function databasesBeingCopied(db: D1Database): Promise<Set<string>> {
  const { results } = await db
    .prepare(
      `SELECT source, target FROM tenant_moves WHERE phase IN (${WRITES_HELD.map((p) => `'${p}'`).join(", ")})`,
    )
    .all<{ source: string; target: string }>();
  return new Set(results.flatMap((r) => [r.source, r.target]));
}

/** Moves no step touched since `before` (the Cron Trigger sends them again). */
export async function stalledMoves(db: D1Database, before: string): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT tenant_id FROM tenant_moves WHERE phase IN (${running}) AND touched_at < ?1 LIMIT 100`)
    .bind(before)
    .all<{ tenant_id: string }>();
  return results.map((r) => r.tenant_id);
}
