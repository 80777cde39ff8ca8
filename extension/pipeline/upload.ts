// Submitting a dataset as a sync: batches sized by the rows and bytes the Worker announces when
// the sync starts, each telling the Worker its first record's position (Intake-First-Row), so the
// Worker's reports number records as the upload does; progress with rows/s and ETA; cancel aborts
// the sync; commit states the expected record count. Nothing is visible on the Worker until the
// commit, so a closed popup or a failure never leaves a partial dataset.
// Each record is serialized once and each batch body built once from those texts, then gzip
// compressed (CompressionStream) and sent as bytes; up to 3 batches are on their way at once
// (seqs 1..n in file order), the first failure stops the others and the commit waits for all.
// Optionally, between the last batch and the commit, the Worker says what the commit would do to
// the current dataset (added, removed, changed, values lost) and the caller decides whether to go
// on; a yes to a replacement that needs one (`replacementConcerns`) is sent with the commit.
import type { IntakeRecord } from "../../schemas/index.ts";
import { replacementConcerns } from "../../schemas/replacement.ts";
import {
  type AnnouncedLimits,
  type ApiClient,
  ApiError,
  type DatasetDiff,
  gzipText,
  type SyncCommitted,
} from "../api-client.ts";

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
  /** The request body itself, built once from each record's JSON. */
  body: string;
}

/** A batch of records given as their JSON texts: the count, the body and its UTF-8 size. */
export interface SerializedBatch {
  count: number;
  bytes: number;
  body: string;
}

/**
 * A batch of records as the UTF-8 bytes of its request body {"data":[...]}, in pieces: each
 * record's JSON text is encoded as soon as it is made, so no text outlives its record and a batch
 * waiting to be sent holds bytes, not strings on the JS heap.
 */
export interface EncodedBatch {
  count: number;
  /** The body's size: the pieces' lengths added up. */
  bytes: number;
  /** Emptied when the pieces are given back to their pool. */
  pieces: Uint8Array<ArrayBuffer>[];
}

const ENVELOPE_BYTES = '{"data":[]}'.length;
const NON_ASCII = /[\u0080-\uffff]/;
/** Bytes per piece of an encoded batch (a record longer than that gets a piece of its own size). */
const PIECE_BYTES = 64 * 1024;

export function utf8Length(text: string): number {
  // Most records are pure ASCII: one native scan instead of a loop over every character.
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (
      c >= 0xd800 &&
      c <= 0xdbff &&
      i + 1 < text.length &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4;
      i++;
    } else bytes += 3; // the rest of the BMP, and a lone surrogate (written as U+FFFD)
  }
  return bytes;
}

/**
 * Buffers of PIECE_BYTES for the pieces of encoded batches, given back once a batch's bytes are
 * copied elsewhere (a Blob), so an upload writes into a few buffers over and over instead of
 * leaving a trail of dead ones for the garbage collector.
 */
export class PiecePool {
  private readonly free: ArrayBuffer[] = [];

  take(): Uint8Array<ArrayBuffer> {
    const buffer = this.free.pop();
    return buffer ? new Uint8Array(buffer) : new Uint8Array(PIECE_BYTES);
  }

  /** Gives back the buffers of a batch's pieces (the caller no longer reads them). */
  release(batch: EncodedBatch): void {
    for (const piece of batch.pieces)
      if (piece.buffer.byteLength === PIECE_BYTES && this.free.length < 64) this.free.push(piece.buffer);
    batch.pieces = [];
  }
}

/** Writes texts as UTF-8 into pieces of PIECE_BYTES (or more, for a long text). */
class PieceWriter {
  private readonly encoder = new TextEncoder();
  private readonly pool: PiecePool;
  private pieces: Uint8Array<ArrayBuffer>[] = [];
  private piece: Uint8Array<ArrayBuffer> | undefined;
  private used = 0;

  constructor(pool: PiecePool) {
    this.pool = pool;
  }

  /** Writes `text`, whose UTF-8 size is `size`. */
  write(text: string, size: number): void {
    if (this.piece === undefined || this.used + size > this.piece.length) {
      this.seal();
      this.piece = size > PIECE_BYTES ? new Uint8Array(size) : this.pool.take();
    }
    const { read, written } = this.encoder.encodeInto(text, this.piece.subarray(this.used));
    this.used += written;
    // Only if `size` was short: the rest goes into a piece of its own.
    if (read < text.length) this.write(text.slice(read), 3 * (text.length - read));
  }

  /** The pieces written since the last `take`; the next write starts a piece of its own. */
  take(): Uint8Array<ArrayBuffer>[] {
    this.seal();
    const pieces = this.pieces;
    this.pieces = [];
    return pieces;
  }

  private seal(): void {
    if (this.piece !== undefined && this.used > 0) this.pieces.push(this.piece.subarray(0, this.used));
    this.piece = undefined;
    this.used = 0;
  }
}

/**
 * Cuts records given as JSON texts into request bodies of at most maxRows records and maxBytes
 * UTF-8 bytes (a bigger record goes alone), as UTF-8 bytes: each text is measured once and
 * encoded once.
 */
export function* planEncodedBatches(
  jsonRecords: Iterable<string>,
  limits: BatchLimits,
  pool = new PiecePool(),
): Generator<EncodedBatch> {
  const out = new PieceWriter(pool);
  let count = 0;
  let bytes = ENVELOPE_BYTES;
  const cut = (): EncodedBatch => {
    out.write("]}", 2);
    return { count, bytes, pieces: out.take() };
  };
  for (const json of jsonRecords) {
    const size = utf8Length(json);
    if (count > 0 && (count >= limits.maxRows || bytes + 1 + size > limits.maxBytes)) {
      yield cut();
      count = 0;
      bytes = ENVELOPE_BYTES;
    }
    if (count === 0) out.write('{"data":[', 9);
    else out.write(",", 1);
    bytes += count > 0 ? size + 1 : size;
    out.write(json, size);
    count++;
  }
  if (count > 0) yield cut();
}

/** As `planEncodedBatches`, each body as text. */
export function* planSerializedBatches(
  jsonRecords: Iterable<string>,
  limits: BatchLimits,
): Generator<SerializedBatch> {
  const decoder = new TextDecoder();
  const pool = new PiecePool();
  for (const batch of planEncodedBatches(jsonRecords, limits, pool)) {
    const body = decoder.decode(joinPieces(batch));
    pool.release(batch);
    yield { count: batch.count, bytes: batch.bytes, body };
  }
}

/** An encoded batch's body as one run of bytes of its own (a copy: the pieces may be given back). */
export function joinPieces(batch: EncodedBatch): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(batch.pieces.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of batch.pieces) {
    body.set(piece, at);
    at += piece.length;
  }
  return body;
}

/** Cuts records into batches of at most maxRows records and maxBytes bytes (a bigger record goes alone). */
export function* planBatches(records: Iterable<IntakeRecord>, limits: BatchLimits): Generator<Batch> {
  let current: IntakeRecord[] = [];
  function* texts() {
    for (const record of records) {
      current.push(record);
      yield JSON.stringify(record);
    }
  }
  // The serialized planner pulls one record ahead of the batch it cuts: that record belongs to
  // the next batch.
  for (const batch of planSerializedBatches(texts(), limits)) {
    const records = current.slice(0, batch.count);
    current = current.slice(batch.count);
    yield { records, bytes: batch.bytes, body: batch.body };
  }
}

export interface UploadProgress {
  /** "reviewing": every batch is in; the difference to the current dataset is being looked at. */
  phase: "starting" | "uploading" | "reviewing" | "committing" | "aborting";
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

/**
 * What committing would do to the current dataset, as the Worker computed it once every batch was
 * in, with the reasons it needs an explicit yes (`replacementConcerns`); or why that is not known
 * (then the commit must be confirmed, never made blindly).
 */
export type ReplacementReview =
  | { status: "known"; diff: DatasetDiff; concerns: string[]; mustConfirm: boolean }
  | { status: "unknown"; message: string; mustConfirm: true };

/**
 * The diff's review: to be confirmed when `replacementConcerns` name a reason, or always when the
 * Worker refused the commit for want of a yes (`workerConcerns`, its reasons).
 */
function reviewOf(diff: DatasetDiff, workerConcerns?: string[]): ReplacementReview {
  const concerns = workerConcerns?.length ? workerConcerns : replacementConcerns(diff);
  return {
    status: "known",
    diff,
    concerns,
    mustConfirm: workerConcerns !== undefined || concerns.length > 0,
  };
}

/** Asks the Worker what committing the sync would change; a failure is an unknown difference. */
async function reviewSync(
  client: ApiClient,
  integrationId: string,
  context: string,
  syncId: string,
  signal: AbortSignal | undefined,
  workerConcerns?: string[],
): Promise<ReplacementReview> {
  try {
    return reviewOf(await client.syncDiff(integrationId, context, syncId, { signal }), workerConcerns);
  } catch (error) {
    if (signal?.aborted) throw error;
    const message =
      error instanceof ApiError && error.status === 404
        ? "This Intake server cannot tell what the upload changes (it is older than this extension)."
        : `The Intake server could not tell what the upload changes: ${error instanceof Error ? error.message : String(error)}`;
    return { status: "unknown", message, mustConfirm: true };
  }
}

/** The Worker's refusal of a commit that replaces the dataset without the explicit yes it needs. */
function unconfirmedConcerns(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const { type, concerns } = error.problem;
  if (type !== "replacement-unconfirmed" && !String(type).endsWith("/replacement-unconfirmed"))
    return undefined;
  return Array.isArray(concerns) ? concerns.filter((c): c is string => typeof c === "string") : [];
}

/** The promise, or the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export interface UploadOptions {
  client: ApiClient;
  integrationId: string;
  context: string;
  /** The records to upload (each serialized once, as its batch's body is built). */
  records?: Iterable<IntakeRecord>;
  /** Or the records already serialized, one JSON text each (exactly one of the two is given). */
  recordsJson?: Iterable<string>;
  totalRecords: number;
  /** The `$id` of the schema the records were validated with, recorded with the sync. */
  schemaId?: string;
  /** What the data came from (a file name, a captured page), recorded with the sync. */
  sourceName?: string;
  /** Batches on their way at once (seqs stay 1..n in file order; the commit waits for all). 3 by default. */
  inFlight?: number;
  /** gzip each batch body (Content-Encoding: gzip) where CompressionStream exists; true by default. */
  compress?: boolean;
  /** A cap below the Worker's announced batch limits (the announced ones apply anyway). */
  limits?: BatchLimits;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  /** Called once the sync exists (to remember it) and when it is over (to forget it). */
  onSyncStarted?: (syncId: string) => void | Promise<void>;
  onSyncSettled?: (syncId: string) => void | Promise<void>;
  /**
   * Once every batch is stored and before the commit: what the commit would change (the Worker's
   * diff, or why it is unknown). Resolve true to commit, false to abort the sync so nothing
   * changes; aborting `signal` meanwhile cancels too. Without it the commit follows the batches.
   */
  beforeCommit?: (review: ReplacementReview) => boolean | Promise<boolean>;
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

export const DEFAULT_IN_FLIGHT = 3;

function jsonTextsOf(options: UploadOptions): Iterable<string> {
  if (options.recordsJson && !options.records) return options.recordsJson;
  if (options.records && !options.recordsJson) {
    const records = options.records;
    return (function* () {
      for (const record of records) yield JSON.stringify(record);
    })();
  }
  throw new TypeError("uploadSync takes either records or recordsJson");
}

/** Whether the Worker refused the body's Content-Encoding (one that predates gzip bodies). */
const refusedEncoding = (error: unknown) =>
  error instanceof ApiError &&
  error.status === 415 &&
  (error.problem.type === "unsupported-content-encoding" ||
    String(error.problem.type).endsWith("/unsupported-content-encoding"));

export async function uploadSync(options: UploadOptions): Promise<UploadOutcome> {
  const { client, integrationId, context, signal } = options;
  const texts = jsonTextsOf(options);
  const inFlight = Math.max(1, Math.floor(options.inFlight ?? DEFAULT_IN_FLIGHT));
  let compress = options.compress ?? true;
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
    const opened = await client.startSync(
      integrationId,
      context,
      { signal },
      options.schemaId,
      options.sourceName,
    );
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
  // Stops the batches still on their way when one fails or the user cancels.
  const batches = new AbortController();
  const stopBatches = () => batches.abort(signal?.reason);
  signal?.addEventListener("abort", stopBatches, { once: true });
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;

  const pool = new PiecePool();
  const sendBatch = async (batch: EncodedBatch, seq: number, firstRow: number) => {
    const opts = { signal: batches.signal, firstRow };
    // The bytes move into a Blob (outside the JS heap) and the pieces go back for the next batch.
    const body = new Blob(batch.pieces);
    pool.release(batch);
    const plain = async () => new Uint8Array(await body.arrayBuffer());
    const gzipped = compress ? await gzipText(body) : undefined;
    batches.signal.throwIfAborted();
    try {
      if (!gzipped)
        return await client.putBatchBody(integrationId, context, syncId, seq, { body: await plain() }, opts);
      return await client.putBatchBody(
        integrationId,
        context,
        syncId,
        seq,
        { body: gzipped, encoding: "gzip" },
        opts,
      );
    } catch (error) {
      if (!gzipped || !refusedEncoding(error)) throw error;
      // A Worker without gzip bodies: this batch and the rest go uncompressed.
      compress = false;
      return await client.putBatchBody(integrationId, context, syncId, seq, { body: await plain() }, opts);
    }
  };

  try {
    progress.phase = "uploading";
    report();
    let seq = 0;
    let planned = 0;
    for (const batch of planEncodedBatches(texts, limits, pool)) {
      signal?.throwIfAborted();
      while (pending.size >= inFlight && !failure) await Promise.race(pending);
      if (failure) break;
      signal?.throwIfAborted();
      seq++;
      const firstRow = planned + 1;
      planned += batch.count;
      const sent: Promise<void> = sendBatch(batch, seq, firstRow)
        .then(
          () => {
            progress.sentRecords += batch.count;
            progress.batchesSent++;
            const seconds = Math.max((now() - started) / 1000, 1e-3);
            progress.rowsPerSecond = progress.sentRecords / seconds;
            progress.etaSeconds = (progress.totalRecords - progress.sentRecords) / progress.rowsPerSecond;
            report();
          },
          (error: unknown) => {
            // The first failure is the one reported; the batches after it are stopped.
            failure ??= { error };
            stopBatches();
          },
        )
        .finally(() => pending.delete(sent));
      pending.add(sent);
    }
    // The commit waits for every batch.
    await Promise.all(pending);
    if (failure) throw failure.error;
    signal?.throwIfAborted();
    // Whether the admin said yes to replacing the current dataset (the Worker asks for it when
    // replacementConcerns name any reason).
    let confirmReplacement = false;
    const ask = async (workerConcerns?: string[]): Promise<boolean> => {
      progress.phase = "reviewing";
      report();
      const review = await reviewSync(client, integrationId, context, syncId, signal, workerConcerns);
      const commit = await untilAborted(Promise.resolve(options.beforeCommit?.(review) ?? true), signal);
      if (commit && review.mustConfirm) confirmReplacement = true;
      return commit;
    };
    if (options.beforeCommit && !(await ask())) {
      await abort();
      return { status: "cancelled" };
    }
    signal?.throwIfAborted();
    // From here on cancel is refused: an interrupted commit could have landed on the Worker.
    progress.phase = "committing";
    report();
    const commit = () =>
      client.commitSync(integrationId, context, syncId, {
        expectedRecords: progress.sentRecords,
        ...(confirmReplacement ? { confirmReplacement: true } : {}),
      });
    let committed: SyncCommitted;
    try {
      committed = await commit();
    } catch (error) {
      // The dataset changed between the review and the commit so that the Worker now wants a yes
      // the admin was not asked for: asked now, with the Worker's reasons (nothing was committed).
      const concerns = unconfirmedConcerns(error);
      if (!concerns || !options.beforeCommit || confirmReplacement) throw error;
      if (!(await ask(concerns))) {
        await abort();
        return { status: "cancelled" };
      }
      signal?.throwIfAborted();
      progress.phase = "committing";
      report();
      committed = await commit();
    }
    await options.onSyncSettled?.(syncId);
    return { ...committed, status: "committed", syncId };
  } catch (error) {
    // Nothing is still on its way when the sync is aborted or the error reported.
    stopBatches();
    await Promise.all(pending);
    if (signal?.aborted && progress.phase !== "committing") {
      await abort();
      return { status: "cancelled" };
    }
    if (progress.phase === "committing" && !(error instanceof ApiError)) {
      await options.onSyncSettled?.(syncId);
      throw new UploadError(error, false);
    }
    throw new UploadError(failure?.error ?? error, await abort());
  } finally {
    signal?.removeEventListener("abort", stopBatches);
  }
}
