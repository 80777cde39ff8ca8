// Building ingestion-history entries from outcomes.
import type { Context } from "hono";
import type { Ingestion, IngestionKind } from "../../schemas/api-types.ts";
import type { ValidationReport } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import type { DatasetRef } from "../db/datasets.ts";
import { FIRST_ERRORS, insertIngestionStatement } from "../db/ingestions.ts";
import { newId } from "./crypto.ts";

export function ingestionOf(
  kind: IngestionKind,
  keyName: string,
  now: Date,
  outcome: {
    report?: ValidationReport;
    ok: boolean;
    recordCount?: number;
    detail?: string;
    syncId?: string;
    version?: number;
  },
): Ingestion {
  const report = outcome.report;
  return {
    id: newId("ing"),
    context: "",
    kind,
    outcome: outcome.ok ? "success" : "failure",
    recordCount: outcome.recordCount ?? report?.recordCount ?? 0,
    errorCount: report?.errorCount ?? 0,
    warningCount: report?.warningCount ?? 0,
    detail: outcome.detail ?? null,
    firstErrors: (report?.errors ?? []).slice(0, FIRST_ERRORS),
    syncId: outcome.syncId ?? null,
    version: outcome.version ?? null,
    keyName,
    createdAt: now.toISOString(),
  };
}

/** The statement that records an ingestion of the request's dataset. */
export function ingestionStatement(
  c: Context<AppEnv>,
  ref: DatasetRef,
  entry: Ingestion,
): D1PreparedStatement {
  return insertIngestionStatement(c.env.DB, ref, { ...entry, context: ref.context });
}
