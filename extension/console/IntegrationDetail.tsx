// One integration: its details, status, per-context endpoint/headers/curl (copyable), a dry-run
// validation of a JSON file, dataset versions with restore, and the ingestion history.
import { ArrowLeft, ListChecks, Pencil, RefreshCw, Trash2 } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, IntegrationDetail as Detail, IntegrationStatus } from "../api-client.ts";
import { Banner } from "../ui/Banner.tsx";
import { localTimes } from "../ui/format.ts";
import { Time } from "../ui/Time.tsx";
import { HistoryPanel } from "./HistoryPanel.tsx";
import type { WizardStep } from "./IntegrationWizard.tsx";
import { Avatar, ConfirmDialog, CopyButton, errorView, StatusBadge } from "./ui.tsx";
import { ValidateFile } from "./ValidateFile.tsx";
import { VersionsPanel } from "./VersionsPanel.tsx";

interface Props {
  client: ApiClient;
  integrationId: string;
  admin: boolean;
  copy: (text: string) => Promise<void>;
  onEdit: (integration: Detail, step: WizardStep) => void;
  /** After the delete, with the integration's name. */
  onDeleted: (label: string) => void;
  onBack: () => void;
}

export function IntegrationDetail({ client, integrationId, admin, copy, onEdit, onDeleted, onBack }: Props) {
  const [detail, setDetail] = useState<Detail>();
  const [status, setStatus] = useState<IntegrationStatus>();
  const [error, setError] = useState<string>();
  const [refresh, setRefresh] = useState(0);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    client
      .getIntegration(integrationId)
      .then(setDetail)
      .catch((e) => setError(errorView(e).message));
  }, [client, integrationId]);
  useEffect(() => {
    client
      .integrationStatus(integrationId)
      .then(setStatus)
      .catch(() => setStatus(undefined));
  }, [client, integrationId, refresh]);

  if (error) {
    return (
      <section class="console-section">
        <Banner tone="danger" title="Could not load the integration" details={error}>
          It may have been deleted, or the connection may have dropped.
        </Banner>
        <button type="button" class="btn btn--secondary" onClick={onBack}>
          <ArrowLeft aria-hidden="true" />
          Back to integrations
        </button>
      </section>
    );
  }
  if (!detail)
    return (
      <p class="working" role="status">
        <span class="spinner" aria-hidden="true" />
        Loading the integration…
      </p>
    );
  const label = detail.displayName || detail.name;

  return (
    <section class="console-section detail" aria-labelledby="detail-title">
      <button type="button" class="btn btn--ghost btn--small back-link" onClick={onBack}>
        <ArrowLeft aria-hidden="true" />
        All integrations
      </button>
      <div class="detail-head">
        <Avatar integration={detail} size={48} />
        <div class="detail-title">
          <h2 id="detail-title">{label}</h2>
          <p class="muted">
            {detail.displayName ? `${detail.name} · ` : ""}id <code>{detail.id}</code> · created{" "}
            <Time iso={detail.createdAt} />
          </p>
          {detail.description && <p>{detail.description}</p>}
        </div>
        {status && <StatusBadge status={status.status} />}
      </div>
      <div class="btn-row detail-actions">
        {admin && (
          <>
            <button type="button" class="btn btn--secondary" onClick={() => onEdit(detail, "details")}>
              <Pencil aria-hidden="true" />
              Edit details
            </button>
            <button type="button" class="btn btn--secondary" onClick={() => onEdit(detail, "contexts")}>
              <ListChecks aria-hidden="true" />
              Edit contexts
            </button>
          </>
        )}
        <button type="button" class="btn btn--secondary" onClick={() => setRefresh((n) => n + 1)}>
          <RefreshCw aria-hidden="true" />
          Refresh status
        </button>
        {admin && (
          <button type="button" class="btn btn--danger push-right" onClick={() => setDeleting(true)}>
            <Trash2 aria-hidden="true" />
            Delete integration
          </button>
        )}
      </div>
      {status && (
        <ul class="reasons" aria-label="Status reasons">
          {status.contexts.map((c) => (
            <li key={c.context}>
              <StatusBadge status={c.status} /> <code>{c.context}</code>: {localTimes(c.reasons.join("; "))}
            </li>
          ))}
        </ul>
      )}

      <h3>Endpoints</h3>
      {detail.endpoints.map((e) => (
        <article key={e.context} class="card endpoint" aria-labelledby={`ep-${e.context}`}>
          <h4 id={`ep-${e.context}`}>
            {e.title} <code>{e.context}</code>
          </h4>
          <dl>
            <dt>Submit (POST)</dt>
            <dd class="endpoint-url">
              <code class="url">{e.records}</code>
              <CopyButton
                text={e.records}
                label="Copy URL"
                name={`Copy URL of the ${e.context} endpoint`}
                copy={copy}
              />
            </dd>
            <dt>Required headers</dt>
            <dd>
              {Object.entries(e.headers).map(([name, value]) => (
                <div key={name}>
                  <code>
                    {name}: {value}
                  </code>
                </div>
              ))}
            </dd>
            <dt>Schema</dt>
            <dd>
              <a href={e.schema} target="_blank" rel="noreferrer" class="url">
                {e.schema}
              </a>
            </dd>
          </dl>
          <div class="code-block curl">
            <pre>
              <code>{e.curl}</code>
            </pre>
            <CopyButton text={e.curl} label="Copy curl" name={`Copy curl for ${e.context}`} copy={copy} />
          </div>
          <ValidateFile client={client} integrationId={detail.id} context={e.context} />
          <details class="versions-box">
            <summary>Dataset versions of {e.context}</summary>
            <VersionsPanel
              client={client}
              integrationId={detail.id}
              context={e.context}
              refreshKey={refresh}
              onRestored={() => setRefresh((n) => n + 1)}
            />
          </details>
        </article>
      ))}

      <h3>Ingestion history</h3>
      <HistoryPanel
        client={client}
        integrationId={detail.id}
        contexts={detail.contexts}
        refreshKey={refresh}
      />

      {deleting && (
        <ConfirmDialog
          title={`Delete ${label}?`}
          message="Its datasets and history are deleted and the keys bound to it are revoked. This cannot be undone."
          confirmLabel="Delete integration"
          onCancel={() => setDeleting(false)}
          onConfirm={async () => {
            await client.deleteIntegration(detail.id);
            onDeleted(label);
          }}
        />
      )}
    </section>
  );
}
