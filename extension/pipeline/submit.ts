// An upload of the dataset under review, from the pipeline worker: the included rows' normalized
// records go up as a sync (upload.ts), the events the page follows come back, and a failed upload
// is answered with the report's first errors placed in the file (row and line).
import type { IntakeRecord } from "../../schemas/index.ts";
import { type ApiClientOptions, createApiClient } from "../api-client.ts";
import type { Dataset } from "./dataset.ts";
import type { SubmitEvent, SubmitFailure, SubmitOutcome, SubmitRequest } from "./protocol.ts";
import { UploadError, uploadSync } from "./upload.ts";

/** The platform the upload runs on (injected in tests; the worker's own fetch otherwise). */
export type PipelinePlatform = Pick<ApiClientOptions, "fetch" | "sleep">;

const FAILED_ERRORS_SHOWN = 20;

/**
 * Uploads the included rows' normalized records of `dataset` as a sync; `signal` stops it. Before
 * the commit it sends the review of what the commit would change, and when the review says the
 * admin must confirm, commits only once `confirmed` resolves true.
 */
export async function submitDataset(
  dataset: Dataset,
  request: SubmitRequest,
  upload: {
    platform: PipelinePlatform;
    sourceName: string | undefined;
    signal: AbortSignal;
    confirmed: () => Promise<boolean>;
  },
  onEvent: (event: SubmitEvent) => void,
): Promise<SubmitOutcome> {
  const client = createApiClient({
    baseUrl: request.workerUrl,
    apiKey: request.apiKey,
    fetch: upload.platform.fetch,
    sleep: upload.platform.sleep,
  });
  try {
    const records: Iterable<IntakeRecord> = dataset.records();
    return await uploadSync({
      client,
      integrationId: request.integrationId,
      context: request.context,
      records,
      totalRecords: dataset.includedCount,
      // The schema the rows were validated with: the Worker refuses the commit when its MODEL changed since.
      schemaId: dataset.schema.$id,
      sourceName: upload.sourceName,
      signal: upload.signal,
      onProgress: (progress) => onEvent({ type: "progress", progress }),
      onSyncStarted: (syncId) => onEvent({ type: "sync-started", syncId }),
      onSyncSettled: (syncId) => onEvent({ type: "sync-settled", syncId }),
      beforeCommit: (review) => {
        onEvent({ type: "review", review });
        if (!review.mustConfirm) return true;
        // A cancel aborts the signal, which uploadSync waits on alongside this.
        return upload.confirmed();
      },
    });
  } catch (error) {
    return failureOf(error, dataset);
  }
}

/** A failed upload as the page shows it, the report's first errors placed in the file. */
function failureOf(error: unknown, dataset: Dataset): SubmitFailure {
  const report = error instanceof UploadError ? error.problem?.report : undefined;
  const shown = (report?.errors ?? []).slice(0, FAILED_ERRORS_SHOWN);
  const places = dataset.placesOf(shown.map((i) => i.row));
  return {
    status: "failed",
    message: error instanceof Error ? error.message : String(error),
    syncAborted: error instanceof UploadError && error.syncAborted,
    errors: shown.map((i) => {
      const place = places.get(i.row);
      const out: SubmitFailure["errors"][number] = {
        key: `${i.row}|${i.pointer}|${i.keyword}`,
        row: place?.row ?? i.row,
        message: i.message,
      };
      if (place?.line !== undefined) out.line = place.line;
      return out;
    }),
  };
}
