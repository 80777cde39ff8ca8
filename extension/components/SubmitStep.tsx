// Step 6: the upload as a sync, with progress (rows/s, ETA) and cancel; the result names the new
// dataset version. The pipeline worker sends the batches from the records it holds; this page
// shows its progress, remembers the open sync, and aborts it if the page goes away. The commit
// alone makes data visible.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiClient } from "../api-client.ts";
import type { PipelineClient } from "../pipeline/client.ts";
import type { SubmitFailure } from "../pipeline/pipeline.ts";
import { type Connection, pendingSyncItem } from "../storage.ts";
import type { UploadOutcome, UploadProgress } from "../upload.ts";
import { ProgressBar } from "./ProgressBar.tsx";

interface Props {
  /** The page's client: it aborts the sync if the page goes away mid-upload. */
  client: ApiClient;
  pipeline: PipelineClient;
  connection: Connection;
  integrationId: string;
  integrationName: string;
  context: string;
  onBack: () => void;
  onRestart: () => void;
}

const eta = (seconds: number | undefined) =>
  seconds === undefined || !Number.isFinite(seconds)
    ? "estimating…"
    : seconds < 60
      ? `${Math.ceil(seconds)} s left`
      : `${Math.ceil(seconds / 60)} min left`;

export function SubmitStep({
  client,
  pipeline,
  connection,
  integrationId,
  integrationName,
  context,
  onBack,
  onRestart,
}: Props) {
  const [progress, setProgress] = useState<UploadProgress>();
  const [outcome, setOutcome] = useState<UploadOutcome>();
  const [error, setError] = useState<Omit<SubmitFailure, "status">>();
  const cancel = useRef<() => void>(() => {});

  useEffect(() => {
    let syncId: string | undefined;
    // If the page goes away mid-upload, abort the sync with a request that outlives the page.
    const onPageHide = () => {
      if (syncId) void client.abortSync(integrationId, context, syncId, { keepalive: true }).catch(() => {});
    };
    addEventListener("pagehide", onPageHide);
    const upload = pipeline.submit(
      { workerUrl: connection.workerUrl, apiKey: connection.apiKey, integrationId, context },
      (event) => {
        if (event.type === "progress") setProgress(event.progress);
        else if (event.type === "sync-started") {
          syncId = event.syncId;
          void pendingSyncItem.setValue({
            workerUrl: client.baseUrl,
            integrationId,
            context,
            syncId: event.syncId,
            startedAt: new Date().toISOString(),
          });
        } else {
          syncId = undefined;
          void pendingSyncItem.setValue(null);
        }
      },
    );
    cancel.current = upload.cancel;
    upload.outcome
      .then((result) => (result.status === "failed" ? setError(result) : setOutcome(result)))
      .catch((e: Error) => setError({ message: e.message, syncAborted: false, errors: [] }));
    return () => {
      removeEventListener("pagehide", onPageHide);
      upload.cancel();
    };
  }, []);

  return (
    <section class="step" aria-labelledby="submit-title">
      <h2 id="submit-title">Submit to {integrationName}</h2>
      {progress && !outcome && !error && (
        <>
          <ProgressBar
            label={progress.phase === "committing" ? "Committing" : "Uploading"}
            value={progress.sentRecords}
            max={progress.totalRecords}
            detail={`${progress.sentRecords.toLocaleString()} of ${progress.totalRecords.toLocaleString()} rows · ${Math.round(progress.rowsPerSecond).toLocaleString()} rows/s · ${eta(progress.etaSeconds)}`}
          />
          <button
            type="button"
            disabled={progress.phase === "committing" || progress.phase === "aborting"}
            onClick={() => cancel.current()}
          >
            Cancel upload
          </button>
        </>
      )}
      {outcome?.status === "committed" && (
        <div role="status">
          <p>
            Dataset version {outcome.version} is live: {outcome.recordCount.toLocaleString()} records of{" "}
            {context}, committed {new Date(outcome.committedAt).toLocaleString()}.
          </p>
          <button type="button" onClick={onRestart}>
            Upload another file
          </button>
        </div>
      )}
      {outcome?.status === "cancelled" && (
        <div role="status">
          <p>Upload cancelled. Nothing was stored; the previous dataset is unchanged.</p>
          <button type="button" onClick={onBack}>
            Back to the file
          </button>
        </div>
      )}
      {error && (
        <div role="alert">
          <p>The upload failed: {error.message}</p>
          <p>
            {error.syncAborted
              ? "Nothing was stored; the previous dataset is unchanged."
              : "The commit's outcome is unknown; check the integration status before retrying."}
          </p>
          {error.errors.length > 0 && (
            <ul>
              {error.errors.map((i) => (
                <li key={i.key}>
                  Row {i.row}
                  {i.line !== undefined ? ` (line ${i.line})` : ""}: {i.message}
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={onBack}>
            Back to the file
          </button>
        </div>
      )}
    </section>
  );
}
