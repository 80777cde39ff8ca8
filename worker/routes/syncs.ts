// Syncs: a snapshot uploaded in many batches. Nothing is visible before commit. A sync ends in
// exactly one terminal state (committed, aborted, expired) that no route leaves: every write into
// a sync is guarded inside its own transaction by "the sync is still open", so a batch racing a
// commit or an abort stores nothing, and a repeated commit replays the first answer (or says the
// version was pruned) instead of committing again.
import { type Context, Hono } from "hono";
import type {
  BatchAccepted,
  SchemaChangeNotice,
  SyncCommitted,
  SyncStarted,
} from "../../schemas/api-types.ts";
import {
  type ContextSchema,
  compareSchemaVer,
  connectionTargetIssue,
  duplicateKeyIssue,
  formatSchemaVer,
  type Issue,
  parseSchemaId,
  replacementConcerns,
} from "../../schemas/index.ts";
import { clipSourceName } from "../../schemas/limits.ts";
import { builtinRevision } from "../../schemas/releases/index.ts";
import type { AppEnv } from "../app-env.ts";
import { getRevision } from "../db/custom-contexts.ts";
import {
  addToRecordCountStatement,
  commitVersionStatements,
  currentVersion,
  type DatasetRef,
  duplicateKeys,
  getVersion,
  insertRecordSetStatement,
  insertRecordsStatements,
  unknownConnectionTargets,
  type Version,
  versionBySource,
} from "../db/datasets.ts";
import { pruneVersionsStatement } from "../db/retention.ts";
import {
  batchSchemaIds,
  batchSummary,
  defaultFirstRow,
  getBatch,
  insertBatchStatement,
  insertSyncStatement,
  markAborted,
  markCommittedStatement,
  markCommittedUnchangedStatement,
  missingSeqs,
  type Sync,
  setSyncSourceNameStatement,
} from "../db/syncs.ts";
import { contextFor, forgetContext, type ResolvedContext } from "../domain/contexts.ts";
import { newId, sha256Hex } from "../domain/crypto.ts";
import { ingestionStatement } from "../domain/ingestion.ts";
import { recheckSync, schemaMoved } from "../domain/recheck.ts";
import { syncDiffOf } from "../domain/sync-diff.ts";
import { closedProblem, expiredProblem, requireSync } from "../domain/sync-state.ts";
import { validateBatch } from "../domain/validate-batch.ts";
import { committedView } from "../domain/views.ts";
import { isJsonType, mediaType, parseJsonSafely, unsupportedMediaType } from "../http/body.ts";
import { announcedLimits, limitsOf } from "../http/limits.ts";
import { strictInt } from "../http/params.ts";
import { badRequest, conflict, invalidRecords, notFound, type Problem } from "../http/problem.ts";
import { decodeUtf8, readRecordsBody } from "../http/records-body.ts";
import { replayJson } from "../http/replay.ts";
import { refOf } from "../middleware/dataset.ts";

const MAX_SEQ = 100_000;
const MAX_ROW = 1_000_000_000;
const COMMIT_ISSUES = 1000;
/** The header a client uses to say which file row a batch's first record is. */
const FIRST_ROW_HEADER = "intake-first-row";

async function optionalJson(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  // Strict UTF-8 (like data bodies) and 415 for a wrong content type (like every other route),
  // rather than a lenient decode and a generic 400.
  const text = decodeUtf8(await c.req.arrayBuffer());
  if (text.trim() === "") return {};
  const type = mediaType(c);
  if (!isJsonType(type)) throw unsupportedMediaType(type, "application/json (or no body)");
  const value = parseJsonSafely(text);
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw badRequest("The body must be a JSON object");
  return value as Record<string, unknown>;
}

/**
 * The `schemaId` a client says it validated against, checked: a SchemaVer `$id` of this context
 * that names one of its released revisions (not a version that never existed). Undefined when
 * none was given.
 */
async function checkedSchemaId(
  c: Context<AppEnv>,
  value: unknown,
  context: ResolvedContext,
): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const { schema } = context;
  const current = parseSchemaId(schema.$id);
  const scoped = current?.name ?? context.name;
  const example = `urn:intake:${scoped}:M-R-A`;
  if (typeof value !== "string")
    throw badRequest(`schemaId must be the schema $id the file was validated against (${example})`);
  const given = parseSchemaId(value);
  const shown = JSON.stringify(value.slice(0, 200));
  if (!given) throw badRequest(`schemaId ${shown} is not a SchemaVer $id such as ${example}`);
  if (given.name !== scoped)
    throw badRequest(`schemaId ${shown} is not a schema of ${context.name} (${example})`);
  if (current && compareSchemaVer(given.version, current.version) > 0)
    throw badRequest(`schemaId ${shown} is newer than the current schema of ${context.name} (${schema.$id})`);
  const version = formatSchemaVer(given.version);
  const released = context.custom
    ? (await getRevision(c.env.DB, context.custom.tenantId, context.name, version)) !== undefined
    : builtinRevision(context.name, version) !== undefined;
  if (!released)
    throw badRequest(
      `schemaId ${shown} names no released revision of ${context.name}; see GET /v1/contexts/${context.name} (revisions)`,
    );
  return value;
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
async function replayCommit(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  expected: number | undefined,
): Promise<Response> {
  // The commit stored its warnings, and its schema notice with them when it had one.
  const stored = JSON.parse(sync.commitWarnings ?? "[]") as Issue[] | CommitNotes;
  const notes: CommitNotes = Array.isArray(stored) ? { warnings: stored } : stored;
  const version = notes.unchanged
    ? await getVersion(c.env.DB, ref, sync.committedVersion ?? 0)
    : await versionBySource(c.env.DB, ref, sync.id);
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
  const marked = await markCommittedUnchangedStatement(c.env.DB, ref, sync.id, now, {
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
  await ingestionStatement(c, ref, "commit", {
    ok: true,
    recordCount: current.recordCount,
    syncId: sync.id,
    version: current.version,
    detail: `nothing changed: version ${current.version} stays current`,
  }).run();
  const response: SyncCommitted = {
    ...committedView(after, current, []),
    ...(options.since ? { schemaChange: options.since } : {}),
    unchanged: true,
  };
  return c.json(response);
}

export const syncs = new Hono<AppEnv>()
  .post("/", async (c) => {
    const ref = refOf(c);
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const body = await optionalJson(c);
    const extra = Object.keys(body).filter((k) => k !== "schemaId" && k !== "sourceName");
    if (extra.length > 0)
      throw badRequest(`Unknown field(s) ${extra.join(", ")}; a sync takes only schemaId and sourceName`);
    if (body.sourceName !== undefined && typeof body.sourceName !== "string")
      throw badRequest("sourceName must be a string (a file name, or a page's title and address)");
    const sourceName = typeof body.sourceName === "string" ? clipSourceName(body.sourceName) : null;
    const context = await contextFor(c, ref.context);
    if (!context) throw notFound(`Context "${ref.context}"`);
    const schemaId = await checkedSchemaId(c, body.schemaId, context);
    const sync: Sync = {
      id: newId("syn"),
      tenantId: ref.tenantId,
      integrationId: ref.integrationId,
      context: ref.context,
      setId: newId("set"),
      status: "open",
      keyName: c.get("key").name,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + limits.syncTtlHours * 3_600_000).toISOString(),
      committedVersion: null,
      expectedRecords: null,
      commitWarnings: null,
      schemaId: schemaId ?? null,
      openedSchemaId: context.schema.$id,
    };
    await c.env.DB.batch([
      insertRecordSetStatement(c.env.DB, ref, sync.setId, sync.createdAt),
      insertSyncStatement(c.env.DB, sync),
      ...(sourceName === null
        ? []
        : [setSyncSourceNameStatement(c.env.DB, ref.tenantId, sync.id, sourceName)]),
    ]);
    const response: SyncStarted = {
      syncId: sync.id,
      expiresAt: sync.expiresAt,
      limits: announcedLimits(limits),
      ...(schemaId ? { schemaId } : {}),
    };
    return c.json(response, 201);
  })
  .put("/:syncId/batches/:seq", async (c) => {
    const ref = refOf(c);
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const seq = strictInt(c.req.param("seq"), "The batch seq", 1, MAX_SEQ);
    const firstRowHeader = c.req.header(FIRST_ROW_HEADER);
    const declaredFirstRow =
      firstRowHeader === undefined ? undefined : strictInt(firstRowHeader, "Intake-First-Row", 1, MAX_ROW);
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    const closed = closedProblem(sync, now);
    if (closed) throw closed;
    const body = await readRecordsBody(c, ref.context, limits);
    // Over the parsed records: a charset parameter, whitespace or CSV vs JSON of the same records
    // is the same batch.
    const payloadHash = await sha256Hex(JSON.stringify(body.records));
    const answerExisting = async () => {
      const existing = await getBatch(c.env.DB, sync.id, seq);
      if (!existing) return undefined;
      if (existing.payloadHash !== payloadHash) {
        throw conflict(
          "batch-conflict",
          "Batch already received",
          `Batch ${seq} of sync ${sync.id} was already received with a different payload`,
        );
      }
      const answer: BatchAccepted = existing.response
        ? (JSON.parse(existing.response) as BatchAccepted)
        : {
            seq,
            recordCount: existing.recordCount,
            firstRow: existing.firstRow,
            warnings: [],
            warningCount: 0,
          };
      return replayJson(c, answer);
    };
    const replay = await answerExisting();
    if (replay) return replay;
    const firstRow = declaredFirstRow ?? (await defaultFirstRow(c.env.DB, sync.id, seq));
    const context = await contextFor(c, ref.context);
    if (!context) throw notFound(`Context "${ref.context}"`);
    const { schema } = context;
    const { report, rows } = validateBatch(ref.context, body, limits, {
      datasetWarnings: false,
      firstRow,
      schema,
    });
    if (!report.valid) {
      await ingestionStatement(c, ref, "batch", {
        report,
        ok: false,
        syncId: sync.id,
        detail: `batch ${seq}`,
      }).run();
      throw invalidRecords(report, `batch ${seq} was not stored`);
    }
    const answer: BatchAccepted = {
      seq,
      recordCount: rows.length,
      firstRow,
      warnings: report.warnings,
      warningCount: report.warningCount,
    };
    const guard = { syncId: sync.id, now: now.toISOString() };
    let stored: boolean;
    try {
      // One transaction; every statement inserts nothing unless the sync is still open.
      const results = await c.env.DB.batch([
        insertBatchStatement(
          c.env.DB,
          sync.id,
          {
            seq,
            payloadHash,
            recordCount: rows.length,
            firstRow,
            response: JSON.stringify(answer),
            schemaId: schema.$id,
          },
          guard.now,
        ),
        ...insertRecordsStatements(c.env.DB, sync.setId, seq, rows, guard),
        addToRecordCountStatement(c.env.DB, sync.setId, rows.length, guard),
      ]);
      stored = (results[0]?.meta.changes ?? 0) > 0;
    } catch (error) {
      // A concurrent request stored the same seq first: answer as for a retry.
      const concurrent = await answerExisting();
      if (concurrent) return concurrent;
      throw error;
    }
    if (!stored) {
      // Committed, aborted or expired while this batch was on its way: it was not stored.
      const now2 = await requireSync(c, ref, sync.id);
      throw closedProblem(now2, now) ?? expiredProblem(now2);
    }
    await ingestionStatement(c, ref, "batch", {
      report,
      ok: true,
      syncId: sync.id,
      detail: `batch ${seq}`,
    }).run();
    return c.json(answer);
  })
  .post("/:syncId/commit", async (c) => {
    const ref = refOf(c);
    const key = c.get("key");
    const now = c.get("now");
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    const body = await optionalJson(c);
    const unknown = Object.keys(body).filter((k) => k !== "expectedRecords" && k !== "confirmReplacement");
    if (unknown.length > 0)
      throw badRequest(
        `Unknown field(s) ${unknown.join(", ")}; commit takes only expectedRecords and confirmReplacement`,
      );
    const confirmed = body.confirmReplacement;
    if (confirmed !== undefined && typeof confirmed !== "boolean")
      throw badRequest("confirmReplacement must be true or false");
    const expected = body.expectedRecords;
    if (
      expected !== undefined &&
      (typeof expected !== "number" || !Number.isSafeInteger(expected) || expected < 0)
    ) {
      throw badRequest("expectedRecords must be a whole number of 0 or more");
    }
    if (sync.status === "committed") return replayCommit(c, ref, sync, expected);
    const closed = closedProblem(sync, now);
    if (closed) throw closed;
    const fail = async (problem: Problem) => {
      await ingestionStatement(c, ref, "commit", {
        ok: false,
        syncId: sync.id,
        detail: problem.body.detail,
      }).run();
      return problem;
    };
    const context = await contextFor(c, ref.context);
    if (!context) throw notFound(`Context "${ref.context}"`);
    const { schema } = context;
    const moved = schemaMoved(sync, schema, await batchSchemaIds(c.env.DB, sync.id));
    if (moved) throw await fail(moved);
    const since = schemaSince(sync, schema);
    const summary = await batchSummary(c.env.DB, sync.id);
    if (summary.count === 0)
      throw await fail(
        conflict("sync-empty", "No batches", `Sync ${sync.id} has no batches; send batch 1 first`),
      );
    if (summary.count !== summary.maxSeq) {
      const missing = await missingSeqs(c.env.DB, sync.id, summary.maxSeq);
      throw await fail(
        conflict(
          "batches-missing",
          "Batches missing",
          `Batches ${missing.join(", ")} of sync ${sync.id} were never received`,
          { missing },
        ),
      );
    }
    if (expected !== undefined && expected !== summary.records) {
      throw await fail(
        conflict(
          "count-mismatch",
          "Record count mismatch",
          `Expected ${expected} records but the batches hold ${summary.records}`,
          { expectedRecords: expected, receivedRecords: summary.records },
        ),
      );
    }
    // Batches validated against another schema are checked again with this one.
    const stamp = now.toISOString();
    const recheck = await recheckSync(c.env.DB, sync, schema, limitsOf(c.env), {
      maxIssues: COMMIT_ISSUES,
      now: stamp,
    });
    if (recheck instanceof Error) throw await fail(recheck);
    if (!recheck.report.valid) {
      const report = { ...recheck.report, recordCount: summary.records };
      await ingestionStatement(c, ref, "commit", { report, ok: false, syncId: sync.id }).run();
      throw invalidRecords(
        report,
        `the ${ref.context} schema changed to ${schema.$id} since they were checked, and nothing was committed`,
      );
    }
    // The SQL finds the rows; the core words the issue, exactly as it does for one request.
    const duplicates = await duplicateKeys(c.env.DB, sync.setId, sync.id, COMMIT_ISSUES);
    if (duplicates.total > 0) {
      const errors: Issue[] = duplicates.samples.map((d) =>
        duplicateKeyIssue(schema, JSON.parse(d.data), { row: d.first }, { row: d.second }),
      );
      const report = {
        valid: false,
        recordCount: summary.records,
        errorCount: duplicates.total,
        warningCount: 0,
        errors,
        warnings: [],
        truncated: errors.length < duplicates.total,
      };
      await ingestionStatement(c, ref, "commit", { report, ok: false, syncId: sync.id }).run();
      throw invalidRecords(report, "nothing was committed");
    }
    // What the commit would replace: nothing new for the same records, a yes for a risky change.
    const { diff, current } = await syncDiffOf(c, ref, sync, schema);
    const concerns = replacementConcerns(diff);
    if (concerns.length > 0 && confirmed !== true)
      throw await fail(
        conflict(
          "replacement-unconfirmed",
          "Replacement not confirmed",
          `${concerns.join(" ")} Nothing was committed; check that the file is complete, then commit with "confirmReplacement": true`,
          { concerns, diff },
        ),
      );
    if (
      current &&
      diff.added === 0 &&
      diff.removed === 0 &&
      diff.changed === 0 &&
      diff.unchanged === current.recordCount &&
      summary.records === current.recordCount &&
      recheck.statements.length === 0
    )
      return commitUnchanged(c, ref, sync, current, { expected, batches: summary.count, since });
    const warnings: Issue[] = [];
    if ((schema["x-intake-rules"] ?? []).some((r) => r.rule === "connection-target-known")) {
      for (const t of await unknownConnectionTargets(c.env.DB, sync.setId, sync.id, COMMIT_ISSUES))
        warnings.push(connectionTargetIssue({ id: t.target, name: t.name ?? undefined }, { row: t.row }));
    }
    await c.env.DB.batch([
      ...recheck.statements,
      ...commitVersionStatements(
        c.env.DB,
        ref,
        {
          setId: sync.setId,
          recordCount: summary.records,
          source: "sync",
          sourceId: sync.id,
          keyName: key.name,
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
      markCommittedStatement(c.env.DB, sync.id, stamp, {
        expectedRecords: expected ?? null,
        warnings: JSON.stringify(
          since ? ({ warnings, schemaChange: since } satisfies CommitNotes) : warnings,
        ),
      }),
      pruneVersionsStatement(c.env.DB, ref, limitsOf(c.env).versionsRetained),
    ]);
    const after = await requireSync(c, ref, sync.id);
    const version = await versionBySource(c.env.DB, ref, sync.id);
    if (!version || after.status !== "committed") {
      if (after.status === "committed") return replayCommit(c, ref, after, expected);
      const problem = closedProblem(after, now);
      if (problem) throw problem;
      const nowCurrent = await currentVersion(c.env.DB, ref);
      if ((nowCurrent?.version ?? 0) !== (current?.version ?? 0))
        throw conflict(
          "dataset-changed",
          "Dataset changed during the commit",
          `Version ${nowCurrent?.version ?? "?"} of ${ref.context} became current while this commit was checking what it replaces; nothing was committed. Commit again`,
        );
      forgetContext(c, ref.context);
      if ((await contextFor(c, ref.context))?.schema.$id !== schema.$id)
        throw conflict(
          "schema-changed",
          "Schema changed during the commit",
          `The ${ref.context} schema changed while this commit was checking the records; nothing was committed. Commit again: the records are checked with the new schema`,
        );
      throw conflict(
        "batches-changed",
        "Batches changed during the commit",
        `A batch of sync ${sync.id} arrived while the commit was checking the batches; nothing was committed. Commit again`,
      );
    }
    await ingestionStatement(c, ref, "commit", {
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
    }).run();
    const response: SyncCommitted = {
      ...committedView(after, version, warnings),
      ...(since ? { schemaChange: since } : {}),
    };
    return c.json(response);
  })
  .delete("/:syncId", async (c) => {
    const ref = refOf(c);
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    if (sync.status === "committed")
      throw conflict(
        "sync-committed",
        "Sync committed",
        `Sync ${sync.id} is already committed; restore an earlier version instead`,
      );
    if (sync.status === "open" && (await markAborted(c.env.DB, ref, sync.id))) {
      await ingestionStatement(c, ref, "abort", { ok: true, syncId: sync.id }).run();
    }
    return c.body(null, 204);
  });
