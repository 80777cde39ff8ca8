// Shapes of Worker API responses that both the Worker and the extension's client use, declared
// once so the two cannot drift.
import type { ContextSummary } from "./catalog.ts";
import type { Capability, ContextSchema, Issue, JsonValue, ValidationReport } from "./types.ts";

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
  /** What the data came from (a file name, a captured page), when the client said. */
  sourceName: string | null;
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

/** A tenant as the operator sees it (POST /v1/tenants, GET /v1/tenants/{id}): where its data lives. */
export interface TenantInfo {
  id: string;
  name: string;
  createdAt: string;
  /** The data database it is placed on (a D1 binding: DATA_0, …; DB for tenants placed before placement). */
  database: string;
  /** The tenant's last move, if it has been moved or is being moved. */
  move?: TenantMove;
}

/** A tenant's move to another data database (POST /v1/tenants/{id}/move), as the operator sees it. */
export interface TenantMove {
  source: string;
  target: string;
  /**
   * copy → verify → cleanup → done; a copy that does not verify is cleared and copied again
   * (clear-retry), and after three tries rolled back (rollback → rolled-back). The tenant's writes
   * are refused (503) in copy, verify and clear-retry; reads are served from the source until the
   * switch, which happens at the end of verify.
   */
  phase: "copy" | "verify" | "clear-retry" | "rollback" | "cleanup" | "done" | "rolled-back";
  attempts: number;
  /** Rows copied and verified (every table), once verified. */
  records: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** GET /v1/databases (operator): each database holding tenant data, with its load. */
export interface DatabaseInfo {
  name: string;
  tenants: number;
  /** The database's size in bytes, as D1 reports it. */
  storedBytes: number;
  /** Records in the current versions of its datasets. */
  records: number;
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
  /** The schema `$id` the records were checked against (null for versions from before this was kept). */
  schemaId?: string | null;
  /** In the versions list: whether this is the current version. */
  current?: boolean;
  /** Where its records are kept: D1 (the newest VERSIONS_HOT) or the R2 archive (read and restored from there). */
  storage: "hot" | "archive";
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
  /** The `schemaId` the sync was started with, when given. */
  schemaId?: string;
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
  /** Present when the sync's `schemaId` is an older REVISION of the context's current schema. */
  schemaChange?: SchemaChangeNotice;
  /**
   * True when the sync's records equal the current version's: nothing new was committed and
   * `version` is the current one, which stays current ("Nothing changed — version N stays current").
   */
  unchanged?: true;
}

/**
 * POST …/syncs/{id}/commit (202) when the commit is too large for one request: the sync is
 * `committing` while the Worker writes the version in steps in the background; the current version
 * is served until it is done. Ask again (the same POST) after `retryAfter` seconds: 202 while it
 * runs, then the SyncCommitted answer.
 */
export interface SyncCommitting {
  syncId: string;
  status: "committing";
  /** The version being written (not readable until the commit is done). */
  version: number;
  /** Rows written so far and in all (closed and opened). */
  progress: { done: number; total: number };
  retryAfter: number;
}

/** The states of a sync (GET …/syncs/{id}). */
export type SyncState = "open" | "committing" | "committed" | "aborted" | "expired";

/** GET …/syncs/{id}: where a sync stands. */
export interface SyncInfo {
  syncId: string;
  status: SyncState;
  createdAt: string;
  expiresAt: string;
  /** Batches received and the records they hold. */
  batches: number;
  records: number;
  /** The version it was committed as (committed), or is being written as (committing). */
  version: number | null;
  /** While committing: rows written so far and in all. */
  progress?: { done: number; total: number };
}

/**
 * POST …/syncs/{id}/commit body. `confirmReplacement: true` is required when replacing the current
 * dataset needs an explicit yes (`replacementConcerns`); without it such a commit is a 409
 * `replacement-unconfirmed` whose `concerns` say why, in the words the extension shows.
 */
export interface SyncCommitBody {
  expectedRecords?: number;
  confirmReplacement?: boolean;
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
  /**
   * Values the upload would erase: per field, how many records present in both the current
   * version and the upload have a value now and none in the upload (an emptied cell, or a column
   * the upload lacks: `missing`). Only fields that lose any, most first.
   */
  lostValues: LostValues[];
  examples: {
    added: Record<string, JsonValue>[];
    removed: Record<string, JsonValue>[];
    changed: Record<string, JsonValue>[];
  };
}

/** A field whose values an upload would erase (see DatasetDiff.lostValues). */
export interface LostValues {
  field: string;
  /** Records that have a value now and would have none. */
  records: number;
  /** True when no record of the upload has the field at all (a column left out of the file). */
  missing: boolean;
}

/** POST …/validate (200): the report, and what the records would do to the current dataset. */
export type ValidateResponse = ValidationReport & { diff: DatasetDiff };

// ---------------------------------------------------------------------------------------------
// Contexts: the catalog, schemas and their revisions, and a tenant's own (custom) contexts.
// ---------------------------------------------------------------------------------------------

/** Links of a context (absolute URLs). */
export interface ContextLinks {
  self: string;
  schema: string;
  templateCsv: string;
  templateJson: string;
}

/**
 * One entry of GET /v1/contexts: a built-in context, or — when the request carries the tenant's
 * API key — one of that tenant's custom contexts (`custom: true`). Every entry carries its
 * schema's `$id` (`schemaId`) and SchemaVer `version`.
 */
export interface CatalogEntry extends ContextSummary {
  /** True for a tenant's own context (POST /v1/contexts); absent for a built-in. */
  custom?: true;
  links: ContextLinks;
}

/** GET /v1/contexts */
export interface CatalogList {
  data: CatalogEntry[];
  categories: string[];
}

/** GET /v1/contexts/{ctx}: the entry, its current schema, its retained revisions, capabilities. */
export interface ContextDetail extends CatalogEntry {
  schema: ContextSchema;
  /** SchemaVer revisions served by GET …/schema?version=M-R-A, oldest first (the current one last). */
  revisions: string[];
  capabilities: Capability[];
}

/**
 * The definition an admin writes for a custom context (the `schema` of POST/PUT /v1/contexts):
 * a safe subset of JSON Schema 2020-12 (see `checkCustomContext` in schemas/custom-context.ts).
 * `$id`, `title`, `description` and `x-intake-category` are set by the Worker from the request,
 * so they may be left out (a `$id` given must name this context).
 */
export type CustomSchemaDefinition = Partial<
  Pick<ContextSchema, "$schema" | "$id" | "title" | "description">
> &
  Pick<ContextSchema, "type" | "properties" | "x-intake-key"> &
  Partial<
    Pick<ContextSchema, "required" | "additionalProperties" | "examples" | "x-intake-key-case-insensitive">
  >;

/** POST /v1/contexts (admin key). */
export interface CustomContextInput {
  /** Lower-case letters, digits and underscores, 2–64 characters, starting with a letter; not a built-in name. */
  name: string;
  title: string;
  category: string;
  description?: string;
  schema: CustomSchemaDefinition;
}

/** PUT /v1/contexts/{name} (admin key); `?confirm=breaking` is required for a MODEL change. */
export type CustomContextUpdate = Omit<CustomContextInput, "name"> & { name?: string };

/** How a schema changed between two revisions, by SchemaVer. "none": nothing changed. */
export type SchemaChangeKind = "model" | "revision" | "addition" | "none";

/** What a schema change is and why (one plain sentence per difference found). */
export interface SchemaChange {
  kind: SchemaChangeKind;
  /** SchemaVer before (null on creation) and after. */
  from: string | null;
  to: string;
  reasons: string[];
}

/** A custom context as POST/PUT/GET /v1/contexts… answer it (GET /v1/contexts/{name} adds `capabilities`). */
export interface CustomContext extends ContextDetail {
  custom: true;
  createdAt: string;
  updatedAt: string;
}

/** POST /v1/contexts (201) and PUT /v1/contexts/{name} (200): the context and what changed. */
export interface CustomContextSaved extends CustomContext {
  change: SchemaChange;
}

/**
 * The problem of a PUT that would change the MODEL without `?confirm=breaking` (409, type
 * `schema-model-change`): `change` says what breaks.
 */
export interface ModelChangeProblem extends ProblemDocument {
  change: SchemaChange;
}

/** The problem of a DELETE while integrations use the context (409, type `context-in-use`). */
export interface ContextInUseProblem extends ProblemDocument {
  integrations: { id: string; name: string }[];
}

/** POST …/syncs body (all optional). */
export interface SyncStartInput {
  /**
   * The schema `$id` the client validated against (e.g. `urn:intake:saas_users:1-0-0`). At commit
   * the Worker refuses with 409 (type `schema-model-changed`) when the context's MODEL changed
   * since, and commits with a `schemaChange` notice when only its REVISION did.
   */
  schemaId?: string;
  /**
   * What the data came from: a file name, or a captured page's title and address (no query
   * string). Recorded with the sync's ingestions, clipped by `clipSourceName`.
   */
  sourceName?: string;
}

/** The notice in a commit answer when the schema's REVISION changed since the sync started. */
export interface SchemaChangeNotice {
  kind: "revision";
  validatedAgainst: string;
  current: string;
  message: string;
}
