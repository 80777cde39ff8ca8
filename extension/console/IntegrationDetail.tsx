// One integration: its details, status, per-context endpoint/headers/curl (copyable), a dry-run
// validation of a JSON file, dataset versions with restore, and the ingestion history.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, IntegrationDetail as Detail, IntegrationStatus } from "../api-client.ts";
import { HistoryPanel } from "./HistoryPanel.tsx";
import type { WizardStep } from "./IntegrationWizard.tsx";
import { Avatar, ConfirmDialog, CopyButton, errorView, formatDate, StatusBadge } from "./ui.tsx";
import { ValidateFile } from "./ValidateFile.tsx";
import { VersionsPanel } from "./VersionsPanel.tsx";

interface Props {
  client: ApiClient;
  integrationId: string;
  admin: boolean;
  copy: (text: string) => Promise<void>;
  onEdit: (integration: Detail, step: WizardStep) => void;
  onDeleted: () => void;
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
      <section class="step">
        <p role="alert">Could not load the integration: {error}</p>
        <button type="button" onClick={onBack}>
          Back to integrations
        </button>
      </section>
    );
  }
  if (!detail) return <p role="status">Loading the integration…</p>;

  return (
    <section class="step detail" aria-labelledby="detail-title">
      <button type="button" class="link" onClick={onBack}>
        ← All integrations
      </button>
      <div class="row detail-head">
        <Avatar integration={detail} size={48} />
        <div class="grow">
          <h2 id="detail-title">{detail.displayName || detail.name}</h2>
          <p class="hint">
            {detail.displayName ? `${detail.name} · ` : ""}id <code>{detail.id}</code> · created{" "}
            {formatDate(detail.createdAt)}
          </p>
          {detail.description && <p>{detail.description}</p>}
        </div>
        {status && <StatusBadge status={status.status} />}
        <button
          type="button"
          onClick={() => {
            setRefresh((n) => n + 1);
          }}
        >
          Refresh status
        </button>
      </div>
      {status && (
        <ul class="reasons" aria-label="Status reasons">
          {status.contexts.map((c) => (
            <li key={c.context}>
              <StatusBadge status={c.status} /> <code>{c.context}</code>: {c.reasons.join("; ")}
            </li>
          ))}
        </ul>
      )}
      {admin && (
        <div class="row">
          <button type="button" onClick={() => onEdit(detail, "details")}>
            Edit details
          </button>
          <button type="button" onClick={() => onEdit(detail, "contexts")}>
            Edit contexts
          </button>
          <button type="button" class="danger" onClick={() => setDeleting(true)}>
            Delete integration
          </button>
        </div>
      )}

      <h3>Endpoints</h3>
      {detail.endpoints.map((e) => (
        <article key={e.context} class="endpoint" aria-labelledby={`ep-${e.context}`}>
          <h4 id={`ep-${e.context}`}>
            {e.title} <code>{e.context}</code>
          </h4>
          <dl>
            <dt>Submit (POST)</dt>
            <dd class="row">
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
              <a href={e.schema} target="_blank" rel="noreferrer">
                {e.schema}
              </a>
            </dd>
          </dl>
          <div class="curl">
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
          title={`Delete ${detail.displayName || detail.name}?`}
          message="Its datasets and history are deleted and the keys bound to it are revoked. This cannot be undone."
          confirmLabel="Delete integration"
          onCancel={() => setDeleting(false)}
          onConfirm={async () => {
            await client.deleteIntegration(detail.id);
            onDeleted();
          }}
        />
      )}
    </section>
  );
}
