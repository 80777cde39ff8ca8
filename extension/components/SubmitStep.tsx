// Step 6: the upload as a sync, with progress (rows/s, ETA) and cancel; the result names the new
// dataset version. A closed page aborts its sync; the commit alone makes data visible.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiClient } from "../api-client.ts";
import type { DatasetEditor } from "../dataset-editor.ts";
import { pendingSyncItem } from "../storage.ts";
import { UploadError, type UploadOutcome, type UploadProgress, uploadSync } from "../upload.ts";
import { ProgressBar } from "./ProgressBar.tsx";

interface Props {
  client: ApiClient;
  integrationId: string;
  integrationName: string;
  context: string;
  editor: DatasetEditor;
  now?: () => number;
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
  integrationId,
  integrationName,
  context,
  editor,
  now,
  onBack,
  onRestart,
}: Props) {
  const [progress, setProgress] = useState<UploadProgress>();
  const [outcome, setOutcome] = useState<UploadOutcome>();
  const [error, setError] = useState<UploadError | Error>();
  const controller = useRef(new AbortController());

  useEffect(() => {
    const abort = controller.current;
    let syncId: string | undefined;
    // If the page goes away mid-upload, abort the sync with a request that outlives the page.
    const onPageHide = () => {
      if (syncId) void client.abortSync(integrationId, context, syncId, { keepalive: true }).catch(() => {});
    };
    addEventListener("pagehide", onPageHide);
    uploadSync({
      client,
      integrationId,
      context,
      records: editor.records(),
      totalRecords: editor.includedCount,
      signal: abort.signal,
      onProgress: setProgress,
      onSyncStarted: async (id) => {
        syncId = id;
        await pendingSyncItem.setValue({
          workerUrl: client.baseUrl,
          integrationId,
          context,
          syncId: id,
          startedAt: new Date().toISOString(),
        });
      },
      onSyncSettled: async () => {
        syncId = undefined;
        await pendingSyncItem.setValue(null);
      },
      now,
    })
      .then(setOutcome)
      .catch((e: Error) => setError(e));
    return () => {
      removeEventListener("pagehide", onPageHide);
      abort.abort();
    };
  }, []);

  const report = error instanceof UploadError ? error.problem?.report : undefined;
  // The Worker numbers the records of the upload 1..n (each batch says where it starts); rows the
  // admin excluded are not sent, so record n is the n-th included row of the file.
  const fileRowOf = (position: number) => {
    let seen = 0;
    for (const state of editor.rows) {
      if (state.excluded) continue;
      if (++seen === position) return state;
    }
    return undefined;
  };
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
            onClick={() => controller.current.abort()}
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
            {error instanceof UploadError && error.syncAborted
              ? "Nothing was stored; the previous dataset is unchanged."
              : "The commit's outcome is unknown; check the integration status before retrying."}
          </p>
          {report && (
            <ul>
              {report.errors.slice(0, 20).map((i) => {
                const state = fileRowOf(i.row);
                return (
                  <li key={`${i.row}|${i.pointer}|${i.keyword}`}>
                    Row {state?.row ?? i.row}
                    {state?.line !== undefined ? ` (line ${state.line})` : ""}: {i.message}
                  </li>
                );
              })}
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
