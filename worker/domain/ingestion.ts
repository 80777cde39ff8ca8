// The one way an ingestion is recorded in the history: what it came to, as a handler sets it on the
// request (`c.set("ingestion", …)`), and the statement that records it with the request's key and
// clock (run by the `recordIngestion` middleware once the handler has answered).
import type { Context } from "hono";
import type { Ingestion } from "../../schemas/api-types.ts";
import type { AppEnv, IngestionOutcome } from "../app-env.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import { FIRST_ERRORS, insertIngestionStatement } from "../db/ingestions.ts";
import { newId } from "./crypto.ts";

/** The statement recording one ingestion of the request's dataset by the request's key. */
export function ingestionStatement(
  c: Context<AppEnv>,
  ref: DatasetRef,
  outcome: IngestionOutcome,
): D1PreparedStatement {
  return insertIngestionStatement(
    c.var.db,
    ref,
    ingestionEntry(ref, { outcome, keyName: c.get("key").name, now: c.get("now").toISOString() }),
  );
}

/** One ingestion's history entry: what it came to, by which key, when. */
export function ingestionEntry(
  ref: DatasetRef,
  by: { outcome: IngestionOutcome; keyName: string; now: string },
): Ingestion {
  const { outcome } = by;
  const report = outcome.report;
  return {
    id: newId("ing"),
    context: ref.context,
    kind: outcome.kind,
    outcome: outcome.ok ? "success" : "failure",
    recordCount: outcome.recordCount ?? report?.recordCount ?? 0,
    errorCount: report?.errorCount ?? 0,
    warningCount: report?.warningCount ?? 0,
    detail: outcome.detail ?? null,
    firstErrors: (report?.errors ?? []).slice(0, FIRST_ERRORS),
    syncId: outcome.syncId ?? null,
    version: outcome.version ?? null,
    sourceName: outcome.sourceName ?? null,
    keyName: by.keyName,
    createdAt: by.now,
  };
}
