// Committing a sync, step by step: its batches are all there (and as many records as expected),
// a schema change since it began is refused (MODEL) or checked again (REVISION, ADDITION), no key
// repeats across batches, and what it replaces is known — nothing new for the same records, a yes
// for a risky replacement. Then one transaction publishes the version, guarded so that a batch,
// a schema change or another commit racing it makes it publish nothing. A repeated commit replays
// the first answer.
import type { Context } from "hono";
import type { SchemaChangeNotice, SyncCommitted } from "../../schemas/api-types.ts";
import {
  type ContextSchema,
  connectionTargetIssue,
  duplicateKeyIssue,
  formatSchemaVer,
  type Issue,
  parseSchemaId,
  replacementConcerns,
} from "../../schemas/index.ts";
import type { AppEnv, ResolvedContext } from "../app-env.ts";
import { decodeBody } from "../db/bodies.ts";
import { beginStepsStatement, commitState, planRange } from "../db/commit-steps.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import {
  commitVersionStatements,
  currentVersion,
  duplicateKeys,
  getVersion,
  latestVersionNumber,
  unknownConnectionTargets,
  type Version,
  versionBySource,
} from "../db/datasets.ts";
import { deleteRecordSet, pruneVersionsStatement } from "../db/retention.ts";
import { ensureStore, type Store } from "../db/stores.ts";
import {
  batchSchemaIds,
  batchSummary,
  markCommittedStatement,
  markCommittedUnchangedStatement,
  missingSeqs,
  type Sync,
} from "../db/syncs.ts";
import { limitsOf } from "../http/limits.ts";
import { conflict, invalidRecords, notFound, type Problem } from "../http/problem.ts";
import { replayJson } from "../http/replay.ts";
import { type CommitMessage, committingResponse, firstStep, refuseWhileCommitting } from "./commit-steps.ts";
import { contextFor, forgetContext } from "./contexts.ts";
import { recheckSync, schemaMoved } from "./recheck.ts";
import { syncDiffOf } from "./sync-diff.ts";
import { closedProblem, requireSync } from "./sync-state.ts";
import { committedView } from "./views.ts";

/** Issues a failed commit lists at most. */
const COMMIT_ISSUES = 1000;

export interface CommitRequest {
  /** The record count the client expects (`expectedRecords`). */
  expected: number | undefined;
  /** The client's yes to a risky replacement (`confirmReplacement`). */
  confirmed: boolean;
}

/**
 * A notice when the context's REVISION moved since the file was validated (the client's
 * `schemaId`, else the schema when the sync began); nothing for an ADDITION. A MODEL change is
 * refused before (`schemaMoved`).
 */
function schemaSince(sync: Sync, schema: ContextSchema): SchemaChangeNotice | undefined {
  const validatedAgainst = sync.schemaId ?? sync.openedSchemaId;
  const given = validatedAgainst ? parseSchemaId(validatedAgainst) : undefined;
  const current = parseSchemaId(schema.$id);
  if (!validatedAgainst || !given || !current) return undefined;
  if (given.version.model === current.version.model && given.version.revision !== current.version.revision)
    return {
      kind: "revision",
      validatedAgainst,
      current: schema.$id,
      message: `The ${sync.context} schema was revised since this file was validated (${formatSchemaVer(given.version)} → ${formatSchemaVer(current.version)}); the records were checked again with the current rules and committed`,
    };
  return undefined;
}

/** What a commit answered besides its version, kept to replay it (`syncs.commit_warnings`). */
interface CommitNotes {
  warnings: Issue[];
  schemaChange?: SchemaChangeNotice;
  /** Nothing changed: the sync was committed as the version that was already current. */
  unchanged?: true;
}

/** A commit repeated after it succeeded: the first answer again, never a second commit. */
export async function replayCommit(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  expected: number | undefined,
): Promise<Response> {
  // The commit stored its warnings, and its schema notice with them when it had one.
  const stored = JSON.parse(sync.commitWarnings ?? "[]") as Issue[] | CommitNotes;
  const notes: CommitNotes = Array.isArray(stored) ? { warnings: stored } : stored;
  const version = notes.unchanged
    ? await getVersion(c.var.db, ref, sync.committedVersion ?? 0)
    : await versionBySource(c.var.db, ref, sync.id);
  if (!version) {
    throw conflict(
      "sync-committed",
      "Sync committed, version pruned",
      `Sync ${sync.id} was committed as version ${sync.committedVersion ?? "?"}, since pruned; it is never committed again. Start a new sync to upload again`,
      { committedVersion: sync.committedVersion },
    );
  }
  if (expected !== undefined && expected !== version.recordCount) {
    throw conflict(
      "sync-committed",
      "Sync committed with another count",
      `Sync ${sync.id} was committed as version ${version.version} with ${version.recordCount} records; this commit expects ${expected}`,
      { committedVersion: version.version, expectedRecords: expected, receivedRecords: version.recordCount },
    );
  }
  return replayJson(c, {
    ...committedView(sync, version, notes.warnings),
    ...(notes.schemaChange ? { schemaChange: notes.schemaChange } : {}),
    ...(notes.unchanged ? { unchanged: true } : {}),
  });
}

/**
 * A sync whose records equal the current version's: no new version (none of the retained ones is
 * spent); the sync is committed as that version, which stays current.
 */
async function commitUnchanged(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  current: Version,
  options: { expected: number | undefined; batches: number; since: SchemaChangeNotice | undefined },
): Promise<Response> {
  const now = c.get("now").toISOString();
  const notes: CommitNotes = {
    warnings: [],
    unchanged: true,
    ...(options.since ? { schemaChange: options.since } : {}),
  };
  const marked = await markCommittedUnchangedStatement(c.var.db, ref, sync.id, now, {
    version: current.version,
    batches: options.batches,
    expectedRecords: options.expected ?? null,
    warnings: JSON.stringify(notes),
  }).run();
  const after = await requireSync(c, ref, sync.id);
  if (marked.meta.changes === 0) {
    if (after.status === "committed") return replayCommit(c, ref, after, options.expected);
    throw (
      closedProblem(after, c.get("now")) ??
      conflict(
        "dataset-changed",
        "Dataset changed during the commit",
        `The ${ref.context} dataset or this sync's batches changed while the commit was checking them; nothing was committed. Commit again`,
      )
    );
  }
  await deleteRecordSet(c.var.db, sync.setId);
  c.set("ingestion", {
    kind: "commit",
    ok: true,
    recordCount: current.recordCount,
    syncId: sync.id,
    version: current.version,
    detail: `nothing changed: version ${current.version} stays current`,
  });
  const response: SyncCommitted = {
    ...committedView(after, current, []),
    ...(options.since ? { schemaChange: options.since } : {}),
    unchanged: true,
  };
  return c.json(response);
}

/** The batches' count, highest seq and records, once every batch is there and counted as expected. */
async function completeBatches(c: Context<AppEnv>, sync: Sync, expected: number | undefined) {
  const summary = await batchSummary(c.var.db, sync.id);
  if (summary.count === 0)
    throw conflict("sync-empty", "No batches", `Sync ${sync.id} has no batches; send batch 1 first`);
  if (summary.count !== summary.maxSeq) {
    const missing = await missingSeqs(c.var.db, sync.id, summary.maxSeq);
    throw conflict(
      "batches-missing",
      "Batches missing",
      `Batches ${missing.join(", ")} of sync ${sync.id} were never received`,
      { missing },
    );
  }
  if (expected !== undefined && expected !== summary.records)
    throw conflict(
      "count-mismatch",
      "Record count mismatch",
      `Expected ${expected} records but the batches hold ${summary.records}`,
      { expectedRecords: expected, receivedRecords: summary.records },
    );
  return summary;
}

/** A 422 problem when a key repeats across the batches (the SQL finds them, the core words them). */
async function duplicatesProblem(
  c: Context<AppEnv>,
  sync: Sync,
  schema: ContextSchema,
  store: Store,
  records: number,
): Promise<Problem | undefined> {
  const duplicates = await duplicateKeys(c.var.db, sync.setId, sync.id, COMMIT_ISSUES);
  if (duplicates.total === 0) return undefined;
  const errors: Issue[] = duplicates.samples.map((d) =>
    duplicateKeyIssue(schema, decodeBody(d.data, store.fields), { row: d.first }, { row: d.second }),
  );
  const report = {
    valid: false,
    recordCount: records,
    errorCount: duplicates.total,
    warningCount: 0,
    errors,
    warnings: [],
    truncated: errors.length < duplicates.total,
  };
  return invalidRecords(report, "nothing was committed");
}

/** Why a guarded commit published nothing: the sync closed, or the dataset, schema or batches moved. */
async function whyNothingPublished(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  checked: { schema: ContextSchema; current: Version | undefined },
): Promise<Problem> {
  const closed = closedProblem(await requireSync(c, ref, sync.id), c.get("now"));
  if (closed) return closed;
  const nowCurrent = await currentVersion(c.var.db, ref);
  if ((nowCurrent?.version ?? 0) !== (checked.current?.version ?? 0))
    return conflict(
      "dataset-changed",
      "Dataset changed during the commit",
      `Version ${nowCurrent?.version ?? "?"} of ${ref.context} became current while this commit was checking what it replaces; nothing was committed. Commit again`,
    );
  forgetContext(c, ref.context);
  if ((await contextFor(c, ref.context))?.schema.$id !== checked.schema.$id)
    return conflict(
      "schema-changed",
      "Schema changed during the commit",
      `The ${ref.context} schema changed while this commit was checking the records; nothing was committed. Commit again: the records are checked with the new schema`,
    );
  return conflict(
    "batches-changed",
    "Batches changed during the commit",
    `A batch of sync ${sync.id} arrived while the commit was checking the batches; nothing was committed. Commit again`,
  );
}

/** Commits an open sync (see the top of this file); every refusal is recorded in the history. */
export async function commitSync(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  request: CommitRequest,
): Promise<Response> {
  const context = await contextFor(c, ref.context);
  if (!context) throw notFound(`Context "${ref.context}"`);
  c.set("ingestion", { kind: "commit", refusals: true, syncId: sync.id });
  await refuseWhileCommitting(c, ref, sync.id);
  return commitChecked(c, ref, sync, context, request);
}

async function commitChecked(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  context: ResolvedContext,
  request: CommitRequest,
): Promise<Response> {
  const { schema } = context;
  const stamp = c.get("now").toISOString();
  const moved = schemaMoved(sync, schema, await batchSchemaIds(c.var.db, sync.id));
  if (moved) throw moved;
  const since = schemaSince(sync, schema);
  const summary = await completeBatches(c, sync, request.expected);
  const store = await ensureStore(c.var.db, ref, Object.keys(schema.properties));
  // Batches validated against another schema are checked again with this one.
  const recheck = await recheckSync(c.var.db, sync, schema, store, limitsOf(c.env), {
    maxIssues: COMMIT_ISSUES,
    now: stamp,
  });
  if (recheck instanceof Error) throw recheck;
  if (!recheck.report.valid)
    throw invalidRecords(
      { ...recheck.report, recordCount: summary.records },
      `the ${ref.context} schema changed to ${schema.$id} since they were checked, and nothing was committed`,
    );
  // What the commit would replace (found once, with the keys repeated across the batches): a
  // refusal for a repeated key, nothing new for the same records, a yes for a risky change.
  const { diff, raw, current } = await syncDiffOf(c, ref, sync, schema);
  if ((raw.repeatedKeys ?? 0) > 0) {
    const duplicates = await duplicatesProblem(c, sync, schema, store, summary.records);
    if (duplicates) throw duplicates;
  }
  const concerns = replacementConcerns(diff);
  if (concerns.length > 0 && !request.confirmed)
    throw conflict(
      "replacement-unconfirmed",
      "Replacement not confirmed",
      `${concerns.join(" ")} Nothing was committed; check that the file is complete, then commit with "confirmReplacement": true`,
      { concerns, diff },
    );
  const sameRecords =
    current !== undefined &&
    diff.added === 0 &&
    diff.removed === 0 &&
    diff.changed === 0 &&
    summary.records === current.recordCount &&
    recheck.statements.length === 0;
  if (sameRecords)
    return commitUnchanged(c, ref, sync, current, {
      expected: request.expected,
      batches: summary.count,
      since,
    });
  const warnings: Issue[] = [];
  if ((schema["x-intake-rules"] ?? []).some((r) => r.rule === "connection-target-known")) {
    const at = (field: string) => store.index.get(field) ?? -1;
    const targets = await unknownConnectionTargets(c.var.db, sync.setId, sync.id, COMMIT_ISSUES, {
      accessSourceId: at("accessSourceId"),
      accessName: at("accessName"),
      accessEntityType: at("accessEntityType"),
      entitySourceId: at("entitySourceId"),
    });
    for (const t of targets)
      warnings.push(connectionTargetIssue({ id: t.target, name: t.name ?? undefined }, { row: t.row }));
  }
  const notes = JSON.stringify(since ? ({ warnings, schemaChange: since } satisfies CommitNotes) : warnings);
  // Too many rows for one request: written in steps in the background (commit-steps.ts).
  const rows = current ? diff.removed + 2 * diff.changed + diff.added : summary.records;
  if (rows > limitsOf(c.env).commitInlineRows)
    return commitInSteps(c, ref, sync, {
      store,
      current,
      rows,
      records: summary.records,
      batches: summary.count,
      replan: recheck.statements.length > 0,
      recheck: recheck.statements,
      schema,
      customVersion: context.custom?.version ?? null,
      expected: request.expected,
      notes,
    });
  await c.var.db.batch([
    ...recheck.statements,
    ...commitVersionStatements(
      c.var.db,
      ref,
      store.id,
      {
        // The planned difference holds while nothing was rewritten; else both sides are grouped again.
        records:
          current !== undefined && recheck.statements.length === 0
            ? { kind: "planned", setId: sync.setId }
            : { kind: "staged", setId: sync.setId, first: current === undefined },
        recordCount: summary.records,
        source: "sync",
        sourceId: sync.id,
        keyName: c.get("key").name,
        now: stamp,
        schemaId: schema.$id,
      },
      {
        kind: "sync",
        syncId: sync.id,
        now: stamp,
        batches: summary.count,
        schemaId: schema.$id,
        customVersion: context.custom?.version ?? null,
        currentVersion: current?.version ?? 0,
      },
    ),
    markCommittedStatement(c.var.db, sync.id, stamp, {
      expectedRecords: request.expected ?? null,
      warnings: notes,
    }),
    pruneVersionsStatement(c.var.db, ref, limitsOf(c.env).versionsRetained),
  ]);
  const after = await requireSync(c, ref, sync.id);
  const version = await versionBySource(c.var.db, ref, sync.id);
  if (after.status === "committed" && !version) return replayCommit(c, ref, after, request.expected);
  if (!version || after.status !== "committed")
    throw await whyNothingPublished(c, ref, sync, { schema, current });
  // The version holds its rows now: the staged copy goes.
  await deleteRecordSet(c.var.db, sync.setId);
  c.set("ingestion", {
    kind: "commit",
    ok: true,
    recordCount: version.recordCount,
    syncId: sync.id,
    version: version.version,
    report: {
      valid: true,
      recordCount: version.recordCount,
      errorCount: 0,
      warningCount: warnings.length,
      errors: [],
      warnings,
      truncated: false,
    },
  });
  const response: SyncCommitted = {
    ...committedView(after, version, warnings),
    ...(since ? { schemaChange: since } : {}),
  };
  return c.json(response);
}

/**
 * Begins a commit in steps: the sync becomes committing with the next version reserved, in the
 * transaction that applies a re-check's rewrites, guarded like a commit; the first step is queued
 * and the answer is 202 (the current version is served until the last step).
 */
async function commitInSteps(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  w: {
    store: Store;
    current: Version | undefined;
    rows: number;
    records: number;
    batches: number;
    replan: boolean;
    recheck: D1PreparedStatement[];
    schema: ContextSchema;
    customVersion: string | null;
    expected: number | undefined;
    notes: string;
  },
): Promise<Response> {
  const stamp = c.get("now").toISOString();
  const range = w.current ? await planRange(c.var.db, sync.setId) : { from: 0, to: 0 };
  const plan = {
    store: w.store.id,
    current: w.current?.version ?? 0,
    mode: w.current ? ("planned" as const) : ("first" as const),
    recordCount: w.records,
    batches: w.batches,
    keyName: c.get("key").name,
    schemaId: w.schema.$id,
    planFrom: range.from,
    planTo: range.to,
  };
  const version = (await latestVersionNumber(c.var.db, ref)) + 1;
  const begun = await c.var.db.batch([
    ...w.recheck,
    beginStepsStatement(c.var.db, ref, sync.id, stamp, {
      version,
      ...firstStep(plan, w.replan),
      total: w.rows,
      plan,
      customVersion: w.customVersion,
      expectedRecords: w.expected ?? null,
      warnings: w.notes,
    }),
  ]);
  if ((begun.at(-1)?.meta.changes ?? 0) === 0) {
    await refuseWhileCommitting(c, ref, sync.id);
    throw await whyNothingPublished(c, ref, sync, { schema: w.schema, current: w.current });
  }
  const message: CommitMessage = { ...ref, syncId: sync.id };
  await c.env.COMMITS.send(message);
  const state = await commitState(c.var.db, ref, sync.id);
  // Done already (a step ran first): the committed answer.
  if (!state) return replayCommit(c, ref, await requireSync(c, ref, sync.id), w.expected);
  return committingResponse(c, ref, state);
}
