// Shapes of Worker API responses that both the Worker and the extension's client use, declared
// once so the two cannot drift.
import type { Issue, JsonValue, ValidationReport } from "./types.ts";

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

/** A problem document (RFC 9457) as the Worker answers every error. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  report?: ValidationReport;
  errors?: { pointer: string; message: string }[];
  [extension: string]: unknown;
}

export type KeyScope = "admin" | "ingest";

/** An API key as clients see it (never its secret or hash). */
export interface ApiKeyInfo {
  id: string;
  name: string;
  scope: KeyScope;
  integrationId: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** GET /v1/me: who the presented key is, and the limits to respect. */
export interface Me {
  tenant: { id: string; name: string };
  key: ApiKeyInfo;
  limits: AnnouncedLimits;
}

/** An integration as clients see it. */
export interface Integration {
  id: string;
  name: string;
  displayName: string | null;
  description: string | null;
  logo: string | null;
  contexts: string[];
  createdAt: string;
  updatedAt: string;
}

/** Per context of an integration: endpoints, headers and a curl example. */
export interface Endpoint {
  context: string;
  title: string;
  records: string;
  validate: string;
  syncs: string;
  schema: string;
  headers: Record<string, string>;
  curl: string;
}

export interface IntegrationDetail extends Integration {
  endpoints: Endpoint[];
}

/** GET /v1/integrations/{id}/status */
export interface IntegrationStatus {
  integrationId: string;
  computedAt: string;
  status: StatusName;
  reasons: string[];
  contexts: ContextStatus[];
}

/** A committed version of a dataset. */
export interface DatasetVersion {
  version: number;
  recordCount: number;
  source: "submit" | "sync" | "restore";
  keyName: string;
  committedAt: string;
  /** In the versions list: whether this is the current version. */
  current?: boolean;
}

/** Every answer that repeats an earlier one says so: this field and the Idempotent-Replayed header. */
export interface Replayable {
  replayed?: true;
}

/** Warnings of an accepted upload (the report's warnings; errors would have refused it). */
export interface AcceptedWarnings {
  warnings: Issue[];
  warningCount: number;
}

/** POST …/records (201). */
export type Submitted = DatasetVersion & AcceptedWarnings & Replayable;

/** POST …/versions/{n}/restore (201). */
export type Restored = DatasetVersion & { restoredFrom: number };

/** POST …/syncs (201). */
export interface SyncStarted {
  syncId: string;
  expiresAt: string;
  limits: AnnouncedLimits;
}

/** PUT …/syncs/{id}/batches/{seq} (200). */
export interface BatchAccepted extends AcceptedWarnings, Replayable {
  seq: number;
  recordCount: number;
  /** File row of the batch's first record (from the Intake-First-Row header, else after the lower batches). */
  firstRow: number;
}

/** POST …/syncs/{id}/commit (200). */
export interface SyncCommitted extends AcceptedWarnings, Replayable {
  syncId: string;
  version: number;
  recordCount: number;
  committedAt: string;
}

/**
 * What an upload would do to the current dataset, by record key (GET …/syncs/{id}/diff, and the
 * `diff` of POST …/validate): the version it replaces and how many records are added, removed,
 * changed or unchanged, with a few example keys of each (the key fields' values).
 */
export interface DatasetDiff {
  /** The current version the upload would replace; null when the dataset has none yet. */
  current: { version: number; recordCount: number } | null;
  /** Records in the upload. */
  incoming: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** removed ÷ the current record count (0 when there is no current version). */
  removedShare: number;
  examples: {
    added: Record<string, JsonValue>[];
    removed: Record<string, JsonValue>[];
    changed: Record<string, JsonValue>[];
  };
}

/** POST …/validate (200): the report, and what the records would do to the current dataset. */
export type ValidateResponse = ValidationReport & { diff: DatasetDiff };
