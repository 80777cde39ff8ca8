// Shapes of Worker API responses that both the Worker and the extension's client use, declared
// once so the two cannot drift.
import type { Issue } from "./types.ts";

export type IngestionKind = "validate" | "submit" | "batch" | "commit" | "abort" | "restore";

/** One entry of GET /v1/integrations/{id}/ingestions. */
export interface Ingestion {
  id: string;
  context: string;
  kind: IngestionKind;
  outcome: "success" | "failure";
  recordCount: number;
  errorCount: number;
  warningCount: number;
  detail: string | null;
  firstErrors: Issue[];
  syncId: string | null;
  version: number | null;
  keyName: string;
  createdAt: string;
}

export type StatusName = "Ready" | "Active" | "Warning" | "Failed";

/** One context of GET /v1/integrations/{id}/status. */
export interface ContextStatus {
  context: string;
  status: StatusName;
  reasons: string[];
  lastCommitAt: string | null;
}

/**
 * The limits a Worker announces (POST …/syncs and GET /v1/me) and the extension validates and
 * batches with, so that a file the extension accepts never fails at the edge on one of them.
 */
export interface AnnouncedLimits {
  maxRecordsPerBatch: number;
  maxBodyBytes: number;
  maxFieldLength: number;
  maxNestingDepth: number;
}
