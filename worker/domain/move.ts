// Moving a tenant to another data database (issue 21), in resumable steps run by the MOVES
// queue's consumer (and resumed by the Cron Trigger):
//   clear-retry  the target holds nothing of the tenant (leftovers of an earlier try are deleted);
//   copy         page by page, each page and the copy's cursor one transaction in the target;
//   verify       every table counted and summed on both sides; equal: the placement switches
//                (one transaction in DB) and the move goes to cleanup; else cleared and copied
//                again, and after three tries rolled back (the target cleared, the tenant stays);
//   cleanup      after a grace for reads already running, the source copy is deleted.
// The tenant's writes are refused (503 + Retry-After) from the start until the switch; its reads
// are served from the source until the switch, and from the target after it.
import type { TenantMove } from "../../schemas/api-types.ts";
import {
  beginMove,
  committingSyncs,
  copiedColumns,
  deleteMoveCursorStatement,
  deleteUnitRows,
  getMove,
  insertUnitStatements,
  type MoveRow,
  type MoveUnit,
  moveCursor,
  moveUnits,
  RUNNING,
  sampleRow,
  setMoveCursorStatement,
  setPhaseStatement,
  stalledMoves,
  storesOf,
  switchPlacementStatements,
  touchMove,
  unitChecksum,
  unitPage,
} from "../db/moves.ts";
import { getTenant } from "../db/tenants.ts";
import { limitsOf } from "../http/limits.ts";
import { conflict, invalidBody, notFound, Problem } from "../http/problem.ts";
import { CONTROL_DATABASE, databaseOf, dataDatabases } from "./databases.ts";

export interface MoveMessage {
  tenantId: string;
}

/** Rows copied per step, rows deleted per step, tries before a rollback, and when a move has stalled. */
const PAGE_ROWS = 2000;
const DELETE_ROWS = 5000;
const MAX_ATTEMPTS = 3;
const STALLED_MS = 120_000;
/** What a refused write is told to wait. */
export const MOVE_RETRY_SECONDS = 30;

/** The 503 a write of a tenant being moved gets. */
export function movingProblem(tenantId: string): Problem {
  return new Problem(
    503,
    "tenant-moving",
    "Tenant being moved",
    `Tenant ${tenantId} is being moved to another database; its data can be read but not changed until the move switches over. Try again in ${MOVE_RETRY_SECONDS} seconds`,
    {},
    { "retry-after": String(MOVE_RETRY_SECONDS) },
  );
}

export const publicMove = (m: MoveRow): TenantMove => ({
  source: m.source,
  target: m.target,
  phase: m.phase,
  attempts: m.attempts,
  records: m.records,
  error: m.error,
  startedAt: m.startedAt,
  finishedAt: m.finishedAt,
});

/** Begins moving a tenant to data database `target`; its steps run in the background. */
export async function startMove(env: Env, tenantId: string, target: unknown, now: string): Promise<MoveRow> {
  const names = dataDatabases(env).map((d) => d.name);
  if (typeof target !== "string" || !names.includes(target))
    throw invalidBody([
      { pointer: "/database", message: `must be one of the data databases: ${names.join(", ")}` },
    ]);
  const tenant = await getTenant(env.DB, tenantId);
  if (!tenant) throw notFound(`Tenant "${tenantId}"`);
  const source = tenant.database ?? CONTROL_DATABASE;
  if (source === target)
    throw conflict("already-there", "Already there", `Tenant ${tenantId} already lives on ${target}`);
  if (await committingSyncs(databaseOf(env, tenant.database), tenantId))
    throw conflict(
      "tenant-committing",
      "A commit is running",
      `A commit of tenant ${tenantId} is being written in steps; move it once it is done`,
      {},
      { "retry-after": "5" },
    );
  if (!(await beginMove(env.DB, { tenantId, source, target, units: [], now })))
    throw conflict(
      "move-running",
      "A move is running",
      `Tenant ${tenantId} is already being moved (or was placed elsewhere meanwhile)`,
    );
  await env.MOVES.send({ tenantId });
  return (await getMove(env.DB, tenantId)) as MoveRow;
}

type StepResult = { kind: "more" } | { kind: "wait"; seconds: number } | { kind: "done" } | { kind: "gone" };

/** Deletes one chunk of the tenant's rows in `db`, children first; false once there are none. */
async function deleteChunk(db: D1Database, units: MoveUnit[], tenantId: string): Promise<boolean> {
  for (const unit of [...units].reverse())
    if ((await deleteUnitRows(db, unit, tenantId, DELETE_ROWS)) > 0) return true;
  return false;
}

/** True when every unit counts and sums the same on both sides, and the source has no other stores. */
async function verified(
  source: D1Database,
  target: D1Database,
  move: MoveRow,
): Promise<{ ok: boolean; rows: number }> {
  const stores = await storesOf(source, move.tenantId);
  const copied = move.units
    .filter((u) => u.store)
    .map((u) => `${u.store?.integrationId}/${u.store?.context}`);
  if (JSON.stringify(stores.map((s) => `${s.integrationId}/${s.context}`)) !== JSON.stringify(copied))
    return { ok: false, rows: 0 };
  let rows = 0;
  for (const unit of move.units) {
    const sample = await sampleRow(source, unit, move.tenantId);
    const columns = sample ? copiedColumns(unit, sample) : [];
    const [a, b] = await Promise.all([
      unitChecksum(source, unit, move.tenantId, columns),
      unitChecksum(target, unit, move.tenantId, columns),
    ]);
    if (a !== b) return { ok: false, rows: 0 };
    rows += (JSON.parse(a) as { n: number }).n;
  }
  return { ok: true, rows };
}

/** One step of a running move. */
async function step(env: Env, move: MoveRow, now: Date): Promise<StepResult> {
  const stamp = now.toISOString();
  const source = databaseOf(env, move.source);
  const target = databaseOf(env, move.target);
  const graceMs = limitsOf(env).moveGraceSeconds * 1000;
  const waitFor = (from: string) => Date.parse(from) + graceMs - now.getTime();
  const { tenantId } = move;
  switch (move.phase) {
    case "clear-retry":
    case "rollback": {
      // Requests that began before the move may still be writing: the first copy waits for them.
      if (move.phase === "clear-retry" && move.attempts === 0 && waitFor(move.startedAt) > 0)
        return { kind: "wait", seconds: Math.ceil(waitFor(move.startedAt) / 1000) };
      if (await deleteChunk(target, moveUnits(await storesOf(target, tenantId)), tenantId)) {
        await touchMove(env.DB, tenantId, stamp);
        return { kind: "more" };
      }
      await deleteMoveCursorStatement(target, tenantId).run();
      if (move.phase === "rollback") {
        await setPhaseStatement(env.DB, tenantId, "rollback", "rolled-back", stamp, { finished: true }).run();
        return { kind: "done" };
      }
      // What to copy is read now, with no commit in steps running (its steps name rows by rowid).
      if (await committingSyncs(source, tenantId)) {
        await touchMove(env.DB, tenantId, stamp);
        return { kind: "wait", seconds: 5 };
      }
      const units = moveUnits(await storesOf(source, tenantId));
      await env.DB.batch([
        env.DB.prepare(
          "UPDATE tenant_moves SET units = ?2 WHERE tenant_id = ?1 AND phase = 'clear-retry'",
        ).bind(tenantId, JSON.stringify(units)),
        setPhaseStatement(env.DB, tenantId, "clear-retry", "copy", stamp),
      ]);
      return { kind: "more" };
    }
    case "copy": {
      const cursor = await moveCursor(target, tenantId);
      const unit = move.units[cursor.unit];
      if (!unit) {
        await setPhaseStatement(env.DB, tenantId, "copy", "verify", stamp).run();
        return { kind: "more" };
      }
      const rows = await unitPage(source, unit, tenantId, cursor.after, PAGE_ROWS);
      const last = rows[rows.length - 1];
      await target.batch([
        ...insertUnitStatements(target, unit, rows, tenantId, cursor),
        setMoveCursorStatement(
          target,
          tenantId,
          cursor,
          last ? { unit: cursor.unit, after: Number(last._rid) } : { unit: cursor.unit + 1, after: 0 },
        ),
      ]);
      await touchMove(env.DB, tenantId, stamp);
      return { kind: "more" };
    }
    case "verify": {
      const check = await verified(source, target, move);
      if (!check.ok) {
        const attempts = move.attempts + 1;
        const next = attempts >= MAX_ATTEMPTS ? "rollback" : "clear-retry";
        const error = `the copy did not match its source (try ${attempts} of ${MAX_ATTEMPTS})`;
        await setPhaseStatement(env.DB, tenantId, "verify", next, stamp, { attempts, error }).run();
        return { kind: "more" };
      }
      const [, switched] = await env.DB.batch(
        switchPlacementStatements(env.DB, { ...move, records: check.rows }, stamp),
      );
      if ((switched?.meta.changes ?? 0) !== 1)
        await setPhaseStatement(env.DB, tenantId, "verify", "rollback", stamp, {
          error: "the tenant's placement changed during the move",
        }).run();
      return { kind: "more" };
    }
    case "cleanup": {
      // Reads that resolved the old database just before the switch finish first.
      if (waitFor(move.switchedAt ?? move.touchedAt) > 0)
        return { kind: "wait", seconds: Math.ceil(waitFor(move.switchedAt ?? move.touchedAt) / 1000) };
      // Never without the switch: the source's copy goes only once the tenant lives on the target.
      if ((await getTenant(env.DB, tenantId))?.database !== move.target)
        throw new Error(`move of tenant ${tenantId}: cleanup without the switch; the source copy is kept`);
      // DB's own tenant row (a tenant placed before placement) is the tenant itself: it stays.
      const units = moveUnits(await storesOf(source, tenantId)).filter(
        (u) => !(u.table === "tenants" && move.source === CONTROL_DATABASE),
      );
      if (await deleteChunk(source, units, tenantId)) {
        await touchMove(env.DB, tenantId, stamp);
        return { kind: "more" };
      }
      await deleteMoveCursorStatement(target, tenantId).run();
      await setPhaseStatement(env.DB, tenantId, "cleanup", "done", stamp, { finished: true }).run();
      return { kind: "done" };
    }
    default:
      return { kind: "gone" };
  }
}

/**
 * Moves a tenant's move on by up to `steps` steps (fewer past the deadline): "done" when it
 * finished (switched and cleaned up, or rolled back), "wait" when it must wait, "more" when steps
 * remain, "gone" when no move runs.
 */
export async function advanceMove(
  env: Env,
  tenantId: string,
  budget: { steps: number; deadline?: number; now?: () => Date },
): Promise<StepResult> {
  const clock = budget.now ?? (() => new Date());
  for (let i = 0; i < budget.steps; i++) {
    if (budget.deadline !== undefined && Date.now() > budget.deadline) return { kind: "more" };
    const move = await getMove(env.DB, tenantId);
    if (!move || !RUNNING.includes(move.phase)) return i === 0 ? { kind: "gone" } : { kind: "done" };
    const result = await step(env, move, clock());
    if (result.kind !== "more") return result;
  }
  return { kind: "more" };
}

/**
 * Steps per queue message, and the time one message may take before it hands over to the next.
 * Short: while a message runs, the Worker's other requests wait behind it under `wrangler dev`
 * (measured: a 300,000-record move held another tenant's batches for 11.8 s with 20 s messages,
 * and for at most 2 s with 1 s messages, the move itself no slower).
 */
const STEPS_PER_MESSAGE = 500;
const MESSAGE_MS = 1_000;

/** The MOVES queue consumer: each message moves one move on, and sends the next while steps remain. */
export async function consumeMoves(batch: MessageBatch<MoveMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const result = await advanceMove(env, message.body.tenantId, {
        steps: STEPS_PER_MESSAGE,
        deadline: Date.now() + MESSAGE_MS,
      });
      if (result.kind === "more") await env.MOVES.send(message.body);
      if (result.kind === "wait") await env.MOVES.send(message.body, { delaySeconds: result.seconds });
      message.ack();
    } catch (error) {
      console.error(`Move step of tenant ${message.body.tenantId} failed; retried:`, error);
      message.retry({ delaySeconds: 5 });
    }
  }
}

/** The Cron Trigger's part: moves no step moved for a while are sent to the queue again. */
export async function resumeStalledMoves(env: Env, now: Date): Promise<number> {
  const stalled = await stalledMoves(env.DB, new Date(now.getTime() - STALLED_MS).toISOString());
  for (const tenantId of stalled) await env.MOVES.send({ tenantId });
  return stalled.length;
}
