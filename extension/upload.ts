// Submitting a dataset as a sync: batches sized by the rows and bytes the Worker announces when
// the sync starts, each telling the Worker its first record's position (Intake-First-Row), so the
// Worker's reports number records as the upload does; progress with rows/s and ETA; cancel aborts
// the sync; commit states the expected record count. Nothing is visible on the Worker until the
// commit, so a closed popup or a failure never leaves a partial dataset.
import type { IntakeRecord } from "../schemas/index.ts";
import { type AnnouncedLimits, type ApiClient, ApiError, type SyncCommitted } from "./api-client.ts";

export interface BatchLimits {
  maxRows: number;
  maxBytes: number;
}

/** The batch limits of a Worker's announced limits, within an optional tighter cap. */
export function batchLimitsOf(announced: AnnouncedLimits, cap?: BatchLimits): BatchLimits {
  return {
    maxRows: Math.min(announced.maxRecordsPerBatch, cap?.maxRows ?? Number.POSITIVE_INFINITY),
    maxBytes: Math.min(announced.maxBodyBytes, cap?.maxBytes ?? Number.POSITIVE_INFINITY),
  };
}

export interface Batch {
  records: IntakeRecord[];
  /** Size of the request body {"data":[...]} in UTF-8 bytes. */
  bytes: number;
}

const ENVELOPE_BYTES = '{"data":[]}'.length;

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Cuts records into batches of at most maxRows records and maxBytes bytes (a bigger record goes alone). */
export function* planBatches(records: Iterable<IntakeRecord>, limits: BatchLimits) {
  let current: IntakeRecord[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const record of records) {
    const size = utf8Length(JSON.stringify(record));
    if (current.length > 0 && (current.length >= limits.maxRows || bytes + 1 + size > limits.maxBytes)) {
      yield { records: current, bytes } satisfies Batch;
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += current.length > 0 ? size + 1 : size;
    current.push(record);
  }
  if (current.length > 0) yield { records: current, bytes } satisfies Batch;
}

export interface UploadProgress {
  phase: "starting" | "uploading" | "committing" | "aborting";
  sentRecords: number;
  totalRecords: number;
  batchesSent: number;
  rowsPerSecond: number;
  /** Seconds left at the current rate; undefined until there is a rate. */
  etaSeconds: number | undefined;
}

export type UploadOutcome =
  | ({ status: "committed"; syncId: string } & SyncCommitted)
  | { status: "cancelled" };

export interface UploadOptions {
  client: ApiClient;
  integrationId: string;
  context: string;
  records: Iterable<IntakeRecord>;
  totalRecords: number;
  /** A cap below the Worker's announced batch limits (the announced ones apply anyway). */
  limits?: BatchLimits;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** Called once the sync exists (to remember it) and when it is over (to forget it). */
  onSyncStarted?: (syncId: string) => void | Promise<void>;
  onSyncSettled?: (syncId: string) => void | Promise<void>;
  now?: () => number;
}

/** Why an upload stopped, and whether the sync was aborted cleanly. */
export class UploadError extends Error {
  readonly syncAborted: boolean;
  constructor(cause: unknown, syncAborted: boolean) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "UploadError";
    this.syncAborted = syncAborted;
  }
  get problem() {
    return this.cause instanceof ApiError ? this.cause.problem : undefined;
  }
}

export async function uploadSync(options: UploadOptions): Promise<UploadOutcome> {
  const { client, integrationId, context, signal } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const progress: UploadProgress = {
    phase: "starting",
    sentRecords: 0,
    totalRecords: options.totalRecords,
    batchesSent: 0,
    rowsPerSecond: 0,
    etaSeconds: undefined,
  };
  const report = () => options.onProgress?.({ ...progress });
  report();
  if (signal?.aborted) return { status: "cancelled" };
  let syncId: string;
  let limits: BatchLimits;
  try {
    const opened = await client.startSync(integrationId, context, { signal });
    syncId = opened.syncId;
    limits = batchLimitsOf(opened.limits, options.limits);
  } catch (error) {
    if (signal?.aborted) throw error;
    // No batch was sent and no commit asked for: nothing can have been stored (e.g. a revoked key).
    throw new UploadError(error, true);
  }
  await options.onSyncStarted?.(syncId);
  const abort = async (): Promise<boolean> => {
    progress.phase = "aborting";
    report();
    try {
      await client.abortSync(integrationId, context, syncId);
      return true;
    } catch {
      return false; // it expires on its own; nothing was committed
    } finally {
      await options.onSyncSettled?.(syncId);
    }
  };
  try {
    progress.phase = "uploading";
    report();
    let seq = 0;
    for (const batch of planBatches(options.records, limits)) {
      signal?.throwIfAborted();
      await client.putBatch(integrationId, context, syncId, ++seq, batch.records, {
        signal,
        firstRow: progress.sentRecords + 1,
      });
      progress.sentRecords += batch.records.length;
      progress.batchesSent = seq;
      const seconds = Math.max((now() - started) / 1000, 1e-3);
      progress.rowsPerSecond = progress.sentRecords / seconds;
      progress.etaSeconds = (progress.totalRecords - progress.sentRecords) / progress.rowsPerSecond;
      report();
    }
    signal?.throwIfAborted();
    // From here on cancel is refused: an interrupted commit could have landed on the Worker.
    progress.phase = "committing";
    report();
    const committed = await client.commitSync(integrationId, context, syncId, progress.sentRecords);
    await options.onSyncSettled?.(syncId);
    return { ...committed, status: "committed", syncId };
  } catch (error) {
    if (signal?.aborted && progress.phase !== "committing") {
      await abort();
      return { status: "cancelled" };
    }
    if (progress.phase === "committing" && !(error instanceof ApiError)) {
      await options.onSyncSettled?.(syncId);
      throw new UploadError(error, false);
    }
    throw new UploadError(error, await abort());
  }
}
