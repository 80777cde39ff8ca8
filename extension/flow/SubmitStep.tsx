// Step 6: the upload as a sync, with progress (rows/s, ETA) and cancel; the result names the new
// dataset version. The pipeline worker sends the batches from the records it holds; this page
// shows its progress, remembers the open sync, and aborts it if the page goes away. The commit
// alone makes data visible. Before it, the page shows what the commit would change (the Worker's
// diff) and asks for an explicit yes when `replacementConcerns` name a reason (records removed,
// the dataset or a field emptied) or the difference could not be known.
import { CircleCheck, ExternalLink, RotateCcw } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import type { ApiClient } from "../api-client.ts";
import type { PipelineClient } from "../pipeline/client.ts";
import type {
  ReplacementReview,
  SubmitFailure,
  UploadOutcome,
  UploadProgress,
} from "../pipeline/protocol.ts";
import { type Connection, pendingSyncItem } from "../storage.ts";
import { Banner } from "../ui/Banner.tsx";
import { DiffSummary, records } from "../ui/DiffSummary.tsx";
import { count, plural } from "../ui/format.ts";
import { announce } from "../ui/LiveRegion.tsx";
import { ProgressBar } from "../ui/ProgressBar.tsx";
import { Time } from "../ui/Time.tsx";

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
  /** Opens the console (the options page), where the dataset's versions are; injectable for tests. */
  openConsole?: () => Promise<void>;
}

/** The confirmation a risky replacement waits for: what it would destroy, and the two answers. */
function ConfirmReplacement({
  review,
  onConfirm,
  onCancel,
}: {
  review: ReplacementReview;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const diff = review.status === "known" ? review.diff : undefined;
  return (
    <section class="confirm-replace" aria-labelledby="confirm-replace-title">
      <h3 id="confirm-replace-title" tabIndex={-1} ref={heading}>
        {diff ? "Confirm the replacement" : "Replace without knowing what changes?"}
      </h3>
      {review.status === "known" && (
        <>
          <ul class="concern-list">
            {review.concerns.map((concern) => (
              <li key={concern}>{concern}</li>
            ))}
          </ul>
          <p>Check that the file is complete before replacing; nothing changes if you cancel.</p>
        </>
      )}
      {review.status === "unknown" && (
        <p>
          {review.message} Replacing removes every current record that is not in this file; nothing changes if
          you cancel.
        </p>
      )}
      <div class="btn-row">
        <button type="button" class="btn btn--danger" onClick={onConfirm}>
          {diff?.current ? `Replace version ${diff.current.version}` : "Replace the current data"}
        </button>
        <button type="button" class="btn btn--secondary" onClick={onCancel}>
          Cancel upload
        </button>
      </div>
    </section>
  );
}

export function SubmitStep({
  client,
  pipeline,
  connection,
  integrationId,
  integrationName,
  context,
  onBack,
  onRestart,
  openConsole = () => browser.runtime.openOptionsPage(),
}: Props) {
  const [progress, setProgress] = useState<UploadProgress>();
  const [review, setReview] = useState<ReplacementReview>();
  /** The review is waiting for the admin's answer. */
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<UploadOutcome>();
  const [error, setError] = useState<Omit<SubmitFailure, "status">>();
  const [consoleError, setConsoleError] = useState<string>();
  const cancel = useRef<() => void>(() => {});
  const confirm = useRef<() => void>(() => {});
  const doneHeading = useRef<HTMLHeadingElement>(null);

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
        else if (event.type === "review") {
          setReview(event.review);
          setAsking(event.review.mustConfirm);
        } else if (event.type === "sync-started") {
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
    confirm.current = upload.confirm;
    upload.outcome
      .then((result) => (result.status === "failed" ? setError(result) : setOutcome(result)))
      .catch((e: Error) => setError({ message: e.message, syncAborted: false, errors: [] }));
    return () => {
      removeEventListener("pagehide", onPageHide);
      upload.cancel();
    };
  }, []);

  useEffect(() => {
    if (outcome?.status === "committed") {
      doneHeading.current?.focus();
      announce(
        outcome.unchanged
          ? `Nothing changed: version ${outcome.version} stays current.`
          : `Upload complete: version ${outcome.version}, ${records(outcome.recordCount)}.`,
      );
    }
  }, [outcome]);

  const answer = (yes: boolean) => {
    setAsking(false);
    (yes ? confirm : cancel).current();
  };

  const working = progress && !outcome && !error;
  // The bar counts the rows sent; once they are all in, a line says what is being done instead.
  const sending = progress?.phase === "starting" || progress?.phase === "uploading";
  const afterBatches =
    progress?.phase === "committing"
      ? "Committing…"
      : progress?.phase === "aborting"
        ? "Cancelling the upload…"
        : progress?.phase === "reviewing" && !asking
          ? "Checking what the upload changes…"
          : undefined;

  return (
    <section class="step" aria-labelledby="submit-title">
      <h2 class="step-title" id="submit-title" tabIndex={-1}>
        Submit to {integrationName}
      </h2>
      <div class="step-body">
        {!progress && !outcome && !error && (
          <p class="working" role="status">
            <span class="spinner" aria-hidden="true" />
            Starting the upload…
          </p>
        )}
        {working && (
          <>
            {sending && (
              <ProgressBar
                label="Uploading"
                value={progress.sentRecords}
                max={progress.totalRecords}
                unit="rows"
                rate={progress.rowsPerSecond}
                etaSeconds={progress.etaSeconds}
              />
            )}
            {afterBatches && (
              <p class="working" role="status">
                <span class="spinner" aria-hidden="true" />
                {afterBatches}
              </p>
            )}
            {review?.status === "known" && <DiffSummary diff={review.diff} />}
            {review && asking && (
              <ConfirmReplacement
                review={review}
                onConfirm={() => answer(true)}
                onCancel={() => answer(false)}
              />
            )}
          </>
        )}
        {outcome?.status === "committed" && (
          <div role="status" class="card result-card">
            <h3 tabIndex={-1} ref={doneHeading}>
              <CircleCheck aria-hidden="true" />
              {outcome.unchanged ? "Nothing changed" : "Upload complete"}
            </h3>
            {outcome.unchanged ? (
              <p>
                {`Nothing changed — version ${outcome.version} stays current: its ${records(outcome.recordCount)} of ${context} are the same as this upload's, so no new version was made.`}
              </p>
            ) : (
              <p>
                Dataset version {outcome.version} is live: {records(outcome.recordCount)} of {context},
                committed <Time iso={outcome.committedAt} />.
              </p>
            )}
            <dl class="result-facts">
              <div>
                <dt>Version</dt>
                <dd>{outcome.version}</dd>
              </div>
              <div>
                <dt>Records</dt>
                <dd>{count(outcome.recordCount)}</dd>
              </div>
            </dl>
            {review?.status === "known" && !outcome.unchanged && <DiffSummary diff={review.diff} done />}
            {outcome.schemaChange && (
              <Banner tone="warning" title="The schema changed during this upload" live="none">
                {outcome.schemaChange.message}
              </Banner>
            )}
            <p class="muted">
              Every version of this data is kept in the console, under {integrationName} → Dataset versions of{" "}
              {context}; an earlier one can be restored there.
            </p>
            {consoleError && (
              <Banner tone="danger" title="The console could not be opened" details={consoleError}>
                Open it from the extension's menu (Options) instead.
              </Banner>
            )}
          </div>
        )}
        {outcome?.status === "cancelled" && (
          <Banner tone="info">
            Upload cancelled. Nothing was stored; the previous dataset is unchanged.
          </Banner>
        )}
        {error && (
          <div role="alert" class="banner banner--danger">
            <div class="banner-body">
              <p class="banner-title">The upload failed: {error.message}</p>
              <p>
                {error.syncAborted
                  ? "Nothing was stored; the previous dataset is unchanged."
                  : "The commit's outcome is unknown; check the integration status before retrying."}
              </p>
              {error.errors.length > 0 && (
                <details class="details" open={error.errors.length <= 5}>
                  <summary>{plural(error.errors.length, "problem")} the server reported</summary>
                  <ul>
                    {error.errors.map((i) => (
                      <li key={i.key}>
                        Row {i.row}
                        {i.line !== undefined ? ` (line ${i.line})` : ""}: {i.message}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </div>
          </div>
        )}
      </div>
      <footer class="step-footer">
        {working && !asking && (
          <button
            type="button"
            class="btn btn--secondary"
            disabled={progress.phase === "committing" || progress.phase === "aborting"}
            onClick={() => cancel.current()}
          >
            Cancel upload
          </button>
        )}
        {(outcome?.status === "cancelled" || error) && (
          <button type="button" class="btn btn--primary" onClick={onBack}>
            Back to the file
          </button>
        )}
        {outcome?.status === "committed" && (
          <>
            <button
              type="button"
              class="btn btn--secondary"
              onClick={() => {
                setConsoleError(undefined);
                openConsole().catch((e: Error) => setConsoleError(e.message));
              }}
            >
              <ExternalLink aria-hidden="true" />
              Open dataset versions
            </button>
            <button type="button" class="btn btn--primary" onClick={onRestart}>
              <RotateCcw aria-hidden="true" />
              Upload another file
            </button>
          </>
        )}
      </footer>
    </section>
  );
}
