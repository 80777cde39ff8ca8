// The shared API client (extension/api-client.ts) with what a resumable push adds, so that the
// shared upload driver (uploadSync) runs unchanged: a sync already open is reused instead of
// started, batches the Worker already acknowledged are not sent again, every acknowledgement and
// the commit body are written to the push state as they happen, and an upload stopped by Ctrl+C or
// by a failure that may pass (network, 429, 5xx after retries) leaves its sync open to resume
// instead of aborting it. Everything else is the shared client's (retries, gzip, first rows).
import { type ApiClient, ApiError, type BatchAccepted, NetworkError } from "../extension/api-client.ts";
import type { SyncCommitBody, SyncStarted } from "../schemas/api-types.ts";
import type { PushSource, PushState, PushStateStore, PushTarget } from "./push-state.ts";

/** Whether an upload failure may pass by itself, so that running the push again is worth it. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError && (error.status === 429 || error.status >= 500);
}

const isAbort = (error: unknown) => error instanceof Error && error.name === "AbortError";

export interface PushSessionOptions {
  store: PushStateStore;
  target: PushTarget;
  source: PushSource;
  totalRecords: number;
  /** The state of an interrupted push whose sync is still open. */
  resume?: PushState;
  /** Ctrl+C. */
  signal?: AbortSignal;
  /** Told after each batch the Worker acknowledged in this run, with their count. */
  afterBatch?: (n: number) => void;
}

/** One push's sync as the state file knows it. */
export class PushSession {
  state: PushState | undefined;
  readonly resumed: boolean;
  /** Batches sent and acknowledged in this run, and batches skipped as acknowledged before. */
  sent = 0;
  skipped = 0;
  /** The failure that stopped the upload (not the batches stopped after it). */
  failure: unknown;
  /** Whether the sync was aborted (nothing to resume). */
  aborted = false;
  private readonly options: PushSessionOptions;

  constructor(options: PushSessionOptions) {
    this.options = options;
    this.state = options.resume;
    this.resumed = options.resume !== undefined;
  }

  begin(started: SyncStarted): void {
    const now = new Date().toISOString();
    this.state = {
      format: 1,
      ...this.options.target,
      ...this.options.source,
      syncId: started.syncId,
      expiresAt: started.expiresAt,
      limits: started.limits,
      totalRecords: this.options.totalRecords,
      batches: {},
      startedAt: now,
      updatedAt: now,
    };
    this.options.store.save(this.state);
  }

  /** The records of batch `seq` when the Worker acknowledged it before. */
  acknowledged(seq: number): number | undefined {
    return this.state?.batches[String(seq)];
  }

  acknowledge(seq: number, records: number): void {
    if (!this.state) return;
    this.state.batches[String(seq)] = records;
    this.options.store.save(this.state);
    this.sent++;
    this.options.afterBatch?.(this.sent);
  }

  committing(body: SyncCommitBody): void {
    if (!this.state) return;
    this.state.commit = body;
    this.options.store.save(this.state);
  }

  fail(error: unknown): void {
    if (!isAbort(error)) this.failure = error;
  }

  /** Whether a stopped upload leaves its sync open for the next run (else it is aborted). */
  keepOpen(): boolean {
    return this.options.signal?.aborted === true || isTransient(this.failure);
  }

  get batchesAcknowledged(): number {
    return Object.keys(this.state?.batches ?? {}).length;
  }
}

/** The client uploadSync is given for a push: `client`, with `session` deciding what is sent. */
export function resumableClient(client: ApiClient, session: PushSession): ApiClient {
  return {
    ...client,
    async startSync(integrationId, context, opts, schemaId, sourceName) {
      const open = session.state;
      if (open)
        return {
          syncId: open.syncId,
          expiresAt: open.expiresAt,
          limits: open.limits,
          schemaId: open.schemaId,
        };
      const started = await client.startSync(integrationId, context, opts, schemaId, sourceName);
      session.begin(started);
      return started;
    },
    async putBatchBody(integrationId, context, syncId, seq, batch, opts) {
      const known = session.acknowledged(seq);
      if (known !== undefined) {
        session.skipped++;
        const replay: BatchAccepted = {
          seq,
          recordCount: known,
          firstRow: opts?.firstRow ?? 0,
          warnings: [],
          warningCount: 0,
          replayed: true,
        };
        return replay;
      }
      try {
        const accepted = await client.putBatchBody(integrationId, context, syncId, seq, batch, opts);
        session.acknowledge(seq, accepted.recordCount);
        return accepted;
      } catch (error) {
        session.fail(error);
        throw error;
      }
    },
    async commitSync(integrationId, context, syncId, body, opts) {
      session.committing(body);
      try {
        return await client.commitSync(integrationId, context, syncId, body, opts);
      } catch (error) {
        session.fail(error);
        throw error;
      }
    },
    async abortSync(integrationId, context, syncId, opts) {
      if (session.keepOpen()) return;
      session.aborted = true;
      await client.abortSync(integrationId, context, syncId, opts);
    },
  };
}
