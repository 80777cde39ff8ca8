// A commit too large for one request, written in steps (issue 20). The commit request checks
// everything a commit checks, then moves the sync to `committing` with the next version number
// reserved, and answers 202; steps run from the COMMITS queue (and the Cron Trigger resumes any
// commit no step moved for a while). Each step writes one range of the version's rows — closing
// the current rows that changed or went, opening the new ones — invisible to every reader until
// the last step inserts the version and moves the pointer in one transaction. A step that fails
// is run again from where the last one landed; a step replayed after it landed writes nothing.
import type { Context } from "hono";
import type { SyncCommitting } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import {
  advanceStatement,
  batchesFrom,
  type CommitPhase,
  type CommitPlan,
  type CommitState,
  closeRowsStatement,
  commitState,
  committingSyncOf,
  markCommittedFromStepsStatement,
  openRowsStatement,
  planRange,
  stalledCommits,
} from "../db/commit-steps.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { commitVersionStatements, versionBySource } from "../db/datasets.ts";
import { planStaged } from "../db/diff.ts";
import { insertIngestionStatement } from "../db/ingestions.ts";
import { deleteRecordSet, pruneVersionsStatement } from "../db/retention.ts";
import { getStore } from "../db/stores.ts";
import { limitsOf } from "../http/limits.ts";
import { conflict, type Problem } from "../http/problem.ts";
import { tenantDatabase } from "./databases.ts";
import { ingestionEntry } from "./ingestion.ts";

/** What a COMMITS queue message names: the sync whose commit to move on. */
export interface CommitMessage {
  tenantId: string;
  integrationId: string;
  context: string;
  syncId: string;
}

/** Seconds a client waits before asking again about a commit in steps. */
export const COMMIT_RETRY_SECONDS = 2;
/** A commit no step moved for this long is resumed by the Cron Trigger. */
const STALLED_MS = 120_000;

/** The 409 for a write into a dataset while one of its syncs is committing in steps. */
export function committingProblem(ref: DatasetRef, syncId: string): Problem {
  return conflict(
    "dataset-committing",
    "Dataset being committed",
    `Sync ${syncId} of ${ref.context} is being committed; nothing else can change this dataset until it is. Try again in a few seconds`,
    { syncId },
    { "retry-after": String(COMMIT_RETRY_SECONDS) },
  );
}

/** Refuses (409 + Retry-After) while a sync of the dataset other than `except` is committing. */
export async function refuseWhileCommitting(c: Context<AppEnv>, ref: DatasetRef, except?: string) {
  const committing = await committingSyncOf(c.var.db, ref);
  if (committing && committing !== except) throw committingProblem(ref, committing);
}

/** The 202 a commit in steps answers (to the request that began it and to every repeat). */
export function committingResponse(c: Context<AppEnv>, ref: DatasetRef, state: CommitState): Response {
  const body: SyncCommitting = {
    syncId: state.syncId,
    status: "committing",
    version: state.version,
    progress: { done: state.done, total: state.total },
    retryAfter: COMMIT_RETRY_SECONDS,
  };
  const path = `/v1/integrations/${encodeURIComponent(ref.integrationId)}/contexts/${encodeURIComponent(ref.context)}/syncs/${encodeURIComponent(state.syncId)}`;
  return c.json(body, 202, { "retry-after": String(COMMIT_RETRY_SECONDS), location: path });
}

/** The first phase and cursor of a commit in steps with `plan`. */
export function firstStep(plan: CommitPlan, replan: boolean): { phase: CommitPhase; cursor: number } {
  if (replan) return { phase: "plan", cursor: 0 };
  if (plan.mode === "first") return { phase: "open", cursor: 1 };
  return { phase: "close", cursor: plan.planFrom };
}

/** Runs one step of a committing sync; "done" once its version is current. */
async function runStep(
  env: Env,
  db: D1Database,
  ref: DatasetRef,
  state: CommitState,
  now: string,
): Promise<"more" | "done"> {
  const stepRows = limitsOf(env).commitStepRows;
  const advance = (
    phase: CommitPhase,
    cursor: number,
    extra: { counted?: true; plan?: CommitPlan; total?: number } = {},
  ) => advanceStatement(db, state, { phase, cursor, now, ...extra });
  const { plan } = state;
  if (state.phase === "plan") {
    // A re-check rewrote records when the commit began: the difference is made again first.
    const store = await getStore(db, ref);
    if (!store) throw new Error(`commit of sync ${state.syncId}: the dataset's store is gone`);
    const diff = await planStaged(db, store, state.setId, true, plan.recordCount, store.fields);
    const range = await planRange(db, state.setId);
    const next = { ...plan, planFrom: range.from, planTo: range.to };
    await advance("close", range.from, {
      plan: next,
      total: diff.removed + 2 * diff.changed + diff.added,
    }).run();
    return "more";
  }
  if (state.phase === "close") {
    if (state.cursor >= plan.planTo) {
      await advance("open", 1).run();
      return "more";
    }
    const to = Math.min(plan.planTo, state.cursor + stepRows);
    await db.batch([closeRowsStatement(db, state, to), advance("close", to, { counted: true })]);
    return "more";
  }
  if (state.phase === "open") {
    const batches = await batchesFrom(db, state.syncId, state.cursor, 1000);
    if (batches.length === 0) {
      await advance("switch", 0).run();
      return "more";
    }
    // Whole batches, as many as fit in a step's rows (at least one).
    let last = batches[0]?.seq ?? state.cursor;
    let rows = 0;
    for (const b of batches) {
      if (rows > 0 && rows + b.records > stepRows) break;
      rows += b.records;
      last = b.seq;
    }
    await db.batch([
      openRowsStatement(db, state, state.cursor, last),
      advance("open", last + 1, { counted: true }),
    ]);
    return "more";
  }
  return switchVersion(env, db, ref, state, now);
}

/** The last step: the version, the pointer, the sync committed, older versions pruned — one transaction. */
async function switchVersion(
  env: Env,
  db: D1Database,
  ref: DatasetRef,
  state: CommitState,
  now: string,
): Promise<"done"> {
  const { plan } = state;
  // Every planned row written, once: else nothing is published (the rows stay unreadable).
  if (state.done !== state.total)
    throw new Error(
      `commit of sync ${state.syncId}: its steps wrote ${state.done} of ${state.total} rows; version ${state.version} is not published`,
    );
  await db.batch([
    ...commitVersionStatements(
      db,
      ref,
      plan.store,
      {
        records: { kind: "written" },
        recordCount: plan.recordCount,
        source: "sync",
        sourceId: state.syncId,
        keyName: plan.keyName,
        now,
        schemaId: plan.schemaId,
      },
      { kind: "steps", version: state.version, currentVersion: plan.current },
    ),
    markCommittedFromStepsStatement(db, state),
    pruneVersionsStatement(db, ref, limitsOf(env).versionsRetained),
  ]);
  const version = await versionBySource(db, ref, state.syncId);
  if (!version) throw new Error(`commit of sync ${state.syncId}: version ${state.version} was not created`);
  await deleteRecordSet(db, state.setId);
  await insertIngestionStatement(
    db,
    ref,
    ingestionEntry(ref, {
      outcome: {
        kind: "commit",
        ok: true,
        recordCount: version.recordCount,
        syncId: state.syncId,
        version: version.version,
        detail: `committed in steps: ${state.total.toLocaleString("en-US")} rows written`,
      },
      keyName: plan.keyName,
      now,
    }),
  ).run();
  return "done";
}

/**
 * Moves a committing sync on by up to `steps` steps (fewer when it is done or its deadline passes):
 * "done" when its version is current, "more" when steps remain, "gone" when it is not committing
 * (committed by an earlier run, or its context deleted).
 */
export async function advanceCommit(
  env: Env,
  message: CommitMessage,
  budget: { steps: number; deadline?: number; now?: () => Date },
): Promise<"done" | "more" | "gone"> {
  const { syncId, ...ref } = message;
  const clock = budget.now ?? (() => new Date());
  const db = await tenantDatabase(env, ref.tenantId);
  if (!db) return "gone";
  for (let step = 0; step < budget.steps; step++) {
    if (budget.deadline !== undefined && Date.now() > budget.deadline) return "more";
    const state = await commitState(db, ref, syncId);
    if (!state) return step === 0 ? "gone" : "done";
    if ((await runStep(env, db, ref, state, clock().toISOString())) === "done") return "done";
  }
  return "more";
}

/** Steps per queue message, and the time one message may take before it hands over to the next. */
const STEPS_PER_MESSAGE = 300;
const MESSAGE_MS = 20_000;

/** The COMMITS queue consumer: each message moves one commit on, and sends the next while steps remain. */
export async function consumeCommits(batch: MessageBatch<CommitMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const result = await advanceCommit(env, message.body, {
        steps: STEPS_PER_MESSAGE,
        deadline: Date.now() + MESSAGE_MS,
      });
      if (result === "more") await env.COMMITS.send(message.body);
      message.ack();
    } catch (error) {
      console.error(`Commit step of sync ${message.body.syncId} failed; retried:`, error);
      message.retry({ delaySeconds: COMMIT_RETRY_SECONDS });
    }
  }
}

/** The Cron Trigger's part for one database: commits no step moved for a while are sent to the queue again. */
export async function resumeStalledCommits(env: Env, db: D1Database, now: Date): Promise<number> {
  const stalled = await stalledCommits(db, new Date(now.getTime() - STALLED_MS).toISOString(), 100);
  for (const commit of stalled) await env.COMMITS.send(commit);
  return stalled.length;
}
