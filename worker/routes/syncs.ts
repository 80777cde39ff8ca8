// Syncs: a snapshot uploaded in many batches. Nothing is visible before commit; a batch seq is
// idempotent (same payload -> same answer, different payload -> 409); commit checks the batches
// and the dataset-wide rules, then swaps the dataset pointer in one transaction.
import { type Context, Hono } from "hono";
import { getSchema, type Issue } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import {
  addToRecordCountStatement,
  commitVersionStatements,
  type DatasetRef,
  duplicateKeys,
  insertRecordSetStatement,
  insertRecordsStatements,
  unknownConnectionTargets,
  versionBySource,
} from "../db/datasets.ts";
import { pruneVersionsStatement } from "../db/retention.ts";
import {
  batchSummary,
  getBatch,
  getSync,
  insertBatchStatement,
  insertSyncStatement,
  markAborted,
  markCommittedStatement,
  missingSeqs,
  type Sync,
} from "../db/syncs.ts";
import { isJsonType, mediaType, parseJsonSafely, unsupportedMediaType } from "../lib/body.ts";
import { newId, sha256Hex } from "../lib/crypto.ts";
import { ingestionOf, ingestionStatement as record } from "../lib/ingestion.ts";
import { limitsOf } from "../lib/limits.ts";
import { badRequest, conflict, invalidRecords, notFound, Problem } from "../lib/problem.ts";
import { decodeUtf8, readRecordsBody } from "../lib/records-body.ts";
import { validateBatch } from "../lib/validate-batch.ts";
import { refOf } from "../middleware/dataset.ts";

const MAX_SEQ = 100_000;
const COMMIT_ISSUES = 1000;

/** The sync if it can still take batches or a commit. */
async function usableSync(c: Context<AppEnv>, ref: DatasetRef, id: string): Promise<Sync> {
  const sync = await getSync(c.env.DB, ref, id);
  if (!sync) throw notFound(`Sync "${id}"`);
  if (sync.status === "aborted")
    throw conflict("sync-aborted", "Sync aborted", `Sync ${id} was aborted; start a new sync`);
  if (
    sync.status === "expired" ||
    (sync.status === "open" && Date.parse(sync.expiresAt) <= c.get("now").getTime())
  ) {
    throw new Problem(
      410,
      "sync-expired",
      "Sync expired",
      `Sync ${id} expired at ${sync.expiresAt} before it was committed; start a new sync`,
    );
  }
  return sync;
}

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

function committedView(sync: Sync, version: { version: number; recordCount: number; createdAt: string }) {
  return {
    syncId: sync.id,
    version: version.version,
    recordCount: version.recordCount,
    committedAt: version.createdAt,
  };
}

export const syncs = new Hono<AppEnv>()
  .post("/", async (c) => {
    const ref = refOf(c);
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const body = await optionalJson(c);
    const extra = Object.keys(body);
    if (extra.length > 0) throw badRequest(`Unknown field(s) ${extra.join(", ")}; a sync takes no options`);
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
    };
    await c.env.DB.batch([
      insertRecordSetStatement(c.env.DB, ref, sync.setId, sync.createdAt),
      insertSyncStatement(c.env.DB, sync),
    ]);
    return c.json(
      {
        syncId: sync.id,
        expiresAt: sync.expiresAt,
        maxRecordsPerBatch: limits.maxRecordsPerBatch,
        maxBodyBytes: limits.maxBodyBytes,
      },
      201,
    );
  })
  .put("/:syncId/batches/:seq", async (c) => {
    const ref = refOf(c);
    const key = c.get("key");
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const seqText = c.req.param("seq");
    const seq = Number(seqText);
    if (!/^\d+$/.test(seqText) || seq < 1 || seq > MAX_SEQ)
      throw badRequest(`The batch seq must be a whole number from 1 to ${MAX_SEQ}`);
    const sync = await usableSync(c, ref, c.req.param("syncId"));
    if (sync.status === "committed")
      throw conflict("sync-committed", "Sync committed", `Sync ${sync.id} is already committed`);
    const body = await readRecordsBody(c, ref.context, limits);
    const payloadHash = await sha256Hex(`${c.req.header("content-type") ?? ""}\n${body.text}`);
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
      return c.json({ seq, recordCount: existing.recordCount, replayed: true });
    };
    const replay = await answerExisting();
    if (replay) return replay;
    const { report, rows } = validateBatch(ref.context, body, limits, { datasetWarnings: false });
    if (!report.valid) {
      await record(
        c,
        ref,
        ingestionOf("batch", key.name, now, { report, ok: false, syncId: sync.id, detail: `batch ${seq}` }),
      ).run();
      throw invalidRecords(report, `batch ${seq} was not stored`);
    }
    try {
      await c.env.DB.batch([
        insertBatchStatement(
          c.env.DB,
          sync.id,
          { seq, payloadHash, recordCount: rows.length },
          now.toISOString(),
        ),
        ...insertRecordsStatements(c.env.DB, sync.setId, seq, rows),
        addToRecordCountStatement(c.env.DB, sync.setId, rows.length),
        record(
          c,
          ref,
          ingestionOf("batch", key.name, now, { report, ok: true, syncId: sync.id, detail: `batch ${seq}` }),
        ),
      ]);
    } catch (error) {
      // A concurrent request stored the same seq first: answer as for a retry.
      const concurrent = await answerExisting();
      if (concurrent) return concurrent;
      throw error;
    }
    return c.json({
      seq,
      recordCount: rows.length,
      warnings: report.warnings,
      warningCount: report.warningCount,
    });
  })
  .post("/:syncId/commit", async (c) => {
    const ref = refOf(c);
    const key = c.get("key");
    const now = c.get("now");
    const sync = await usableSync(c, ref, c.req.param("syncId"));
    const body = await optionalJson(c);
    const unknown = Object.keys(body).filter((k) => k !== "expectedRecords");
    if (unknown.length > 0)
      throw badRequest(`Unknown field(s) ${unknown.join(", ")}; commit takes only expectedRecords`);
    const expected = body.expectedRecords;
    if (
      expected !== undefined &&
      (typeof expected !== "number" || !Number.isInteger(expected) || expected < 0)
    ) {
      throw badRequest("expectedRecords must be a whole number of 0 or more");
    }
    if (sync.status === "committed") {
      const version = await versionBySource(c.env.DB, ref, sync.id);
      if (version) return c.json({ ...committedView(sync, version), replayed: true });
    }
    const fail = async (problem: Problem) => {
      await record(
        c,
        ref,
        ingestionOf("commit", key.name, now, { ok: false, syncId: sync.id, detail: problem.body.detail }),
      ).run();
      return problem;
    };
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
          {
            expectedRecords: expected,
            receivedRecords: summary.records,
          },
        ),
      );
    }
    const schema = getSchema(ref.context);
    const keyFields = schema?.["x-intake-key"] ?? [];
    const duplicates = await duplicateKeys(c.env.DB, sync.setId, COMMIT_ISSUES);
    if (duplicates.total > 0) {
      const errors: Issue[] = duplicates.samples.map((d) => ({
        row: d.second,
        pointer: `/${keyFields[0] ?? ""}`,
        field: keyFields[0] ?? "",
        keyword: "duplicate-key",
        message: `Duplicate record: rows ${d.first} and ${d.second} have the same ${keyFields.join(", ")} (${d.key.split("\u0000").join(", ")}); each record must be unique`,
        relatedRow: d.first,
      }));
      const report = {
        valid: false,
        recordCount: summary.records,
        errorCount: duplicates.total,
        warningCount: 0,
        errors,
        warnings: [],
        truncated: errors.length < duplicates.total,
      };
      await record(
        c,
        ref,
        ingestionOf("commit", key.name, now, { report, ok: false, syncId: sync.id }),
      ).run();
      throw invalidRecords(report, "nothing was committed");
    }
    const warnings: Issue[] = [];
    if ((schema?.["x-intake-rules"] ?? []).some((r) => r.rule === "connection-target-known")) {
      for (const t of await unknownConnectionTargets(c.env.DB, sync.setId, COMMIT_ISSUES)) {
        warnings.push({
          row: t.row,
          pointer: "/accessSourceId",
          field: "accessSourceId",
          keyword: "connection-target-known",
          message: `Connection "${t.name ?? t.target}" (${t.target}) is an access target but never appears as an entity, so what it grants is unknown`,
          value: t.target,
        });
      }
    }
    try {
      await c.env.DB.batch([
        ...commitVersionStatements(c.env.DB, ref, {
          setId: sync.setId,
          recordCount: summary.records,
          source: "sync",
          sourceId: sync.id,
          keyName: key.name,
          now: now.toISOString(),
        }),
        markCommittedStatement(c.env.DB, sync.id),
        pruneVersionsStatement(c.env.DB, ref, limitsOf(c.env).versionsRetained),
      ]);
    } catch (error) {
      // A concurrent commit of this sync won: answer with its version.
      const version = await versionBySource(c.env.DB, ref, sync.id);
      if (version) return c.json({ ...committedView(sync, version), replayed: true });
      throw error;
    }
    const version = await versionBySource(c.env.DB, ref, sync.id);
    if (!version) throw new Error(`commit of ${sync.id} left no version`);
    await record(
      c,
      ref,
      ingestionOf("commit", key.name, now, {
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
      }),
    ).run();
    return c.json({ ...committedView(sync, version), warnings, warningCount: warnings.length });
  })
  .delete("/:syncId", async (c) => {
    const ref = refOf(c);
    const sync = await getSync(c.env.DB, ref, c.req.param("syncId"));
    if (!sync) throw notFound(`Sync "${c.req.param("syncId")}"`);
    if (sync.status === "committed")
      throw conflict(
        "sync-committed",
        "Sync committed",
        `Sync ${sync.id} is already committed; restore an earlier version instead`,
      );
    if (sync.status === "open" && (await markAborted(c.env.DB, ref, sync.id))) {
      await record(
        c,
        ref,
        ingestionOf("abort", c.get("key").name, c.get("now"), { ok: true, syncId: sync.id }),
      ).run();
    }
    return c.body(null, 204);
  });
