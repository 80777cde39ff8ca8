// One batch of a sync: a retry answered with the stored answer, or a new batch validated with the
// shared core and stored in one transaction that stores nothing once the sync is no longer open.
import type { Context } from "hono";
import type { BatchAccepted } from "../../schemas/api-types.ts";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { addToRecordCountStatement, insertRecordsStatements, type StoredRow } from "../db/datasets.ts";
import { ensureStore } from "../db/stores.ts";
import { defaultFirstRow, getBatch, insertBatchStatement, type Sync } from "../db/syncs.ts";
import { limitsOf } from "../http/limits.ts";
import { conflict, invalidRecords, notFound } from "../http/problem.ts";
import { replayJson } from "../http/replay.ts";
import { contextFor } from "./contexts.ts";
import { closedProblem, expiredProblem, requireSync } from "./sync-state.ts";
import { type RecordsBody, validateBatch } from "./validate-batch.ts";

/** A batch as received. */
export interface BatchReceived {
  seq: number;
  /** Over the parsed records: a charset, whitespace or CSV vs JSON of the same records is the same batch. */
  payloadHash: string;
  body: RecordsBody;
  /** The file row of its first record, when the client said (`Intake-First-Row`). */
  firstRow: number | undefined;
}

/**
 * The answer to a batch received before (a retry), again and marked as a replay; a 409 when that
 * seq came with other records; undefined for a new batch.
 */
export async function replayBatch(
  c: Context<AppEnv>,
  sync: Sync,
  batch: BatchReceived,
): Promise<Response | undefined> {
  const { seq } = batch;
  const existing = await getBatch(c.var.db, sync.id, seq);
  if (!existing) return undefined;
  if (existing.payloadHash !== batch.payloadHash) {
    throw conflict(
      "batch-conflict",
      "Batch already received",
      `Batch ${seq} of sync ${sync.id} was already received with a different payload`,
    );
  }
  const answer: BatchAccepted = existing.response
    ? (JSON.parse(existing.response) as BatchAccepted)
    : { seq, recordCount: existing.recordCount, firstRow: existing.firstRow, warnings: [], warningCount: 0 };
  return replayJson(c, answer);
}

/** Validates and stores a new batch of an open sync; its ingestion is recorded, stored or not. */
export async function storeBatch(
  c: Context<AppEnv>,
  ref: DatasetRef,
  sync: Sync,
  batch: BatchReceived,
): Promise<Response> {
  const { seq } = batch;
  const firstRow = batch.firstRow ?? (await defaultFirstRow(c.var.db, sync.id, seq));
  const context = await contextFor(c, ref.context);
  if (!context) throw notFound(`Context "${ref.context}"`);
  const { schema } = context;
  const store = await ensureStore(c.var.db, ref, Object.keys(schema.properties));
  const { report, rows } = validateBatch(ref.context, batch.body, limitsOf(c.env), {
    datasetWarnings: false,
    firstRow,
    schema,
    fields: store,
  });
  const recorded = { kind: "batch", report, syncId: sync.id, detail: `batch ${seq}` } as const;
  if (!report.valid) {
    c.set("ingestion", { ...recorded, ok: false });
    throw invalidRecords(report, `batch ${seq} was not stored`);
  }
  const answer: BatchAccepted = {
    seq,
    recordCount: rows.length,
    firstRow,
    warnings: report.warnings,
    warningCount: report.warningCount,
  };
  let stored: boolean;
  try {
    stored = await insertBatch(c, sync, batch, rows, { answer, schemaId: schema.$id });
  } catch (error) {
    // A concurrent request stored the same seq first: answer as for a retry.
    const concurrent = await replayBatch(c, sync, batch);
    if (concurrent) return concurrent;
    throw error;
  }
  if (!stored) {
    // Committed, aborted or expired while this batch was on its way: it was not stored.
    const closed = await requireSync(c, ref, sync.id);
    throw closedProblem(closed, c.get("now")) ?? expiredProblem(closed);
  }
  c.set("ingestion", { ...recorded, ok: true });
  return c.json(answer);
}

/** One transaction; every statement inserts nothing unless the sync is still open (false then). */
async function insertBatch(
  c: Context<AppEnv>,
  sync: Sync,
  batch: BatchReceived,
  rows: StoredRow[],
  stored: { answer: BatchAccepted; schemaId: string },
): Promise<boolean> {
  const guard = { syncId: sync.id, now: c.get("now").toISOString() };
  const results = await c.var.db.batch([
    insertBatchStatement(
      c.var.db,
      sync.id,
      {
        seq: batch.seq,
        payloadHash: batch.payloadHash,
        recordCount: rows.length,
        firstRow: stored.answer.firstRow,
        response: JSON.stringify(stored.answer),
        schemaId: stored.schemaId,
      },
      guard.now,
    ),
    ...insertRecordsStatements(c.var.db, sync.setId, batch.seq, rows, guard),
    addToRecordCountStatement(c.var.db, sync.setId, rows.length, guard),
  ]);
  return (results[0]?.meta.changes ?? 0) > 0;
}
