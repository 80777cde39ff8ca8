// Step 2: which integration and context the file is for; templates to start from.
import { Download, Inbox } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, ContextInfo, Integration } from "../api-client.ts";
import { loadCatalog } from "../schema-source.ts";
import { Banner } from "../ui/Banner.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";

interface Props {
  client: ApiClient;
  initial?: { integrationId: string; context: string } | null;
  onDownload: (fileName: string, content: string, mimeType: string) => void;
  onChosen: (integration: Integration, context: ContextInfo) => void;
}

export function ChooseStep({ client, initial, onDownload, onChosen }: Props) {
  const [integrations, setIntegrations] = useState<Integration[]>();
  const [contexts, setContexts] = useState<ContextInfo[]>([]);
  const [integrationId, setIntegrationId] = useState(initial?.integrationId ?? "");
  const [context, setContext] = useState(initial?.context ?? "");
  const [error, setError] = useState<string>();

  useEffect(() => {
    // The Worker's catalog (the tenant's custom contexts included), else the saved or bundled one.
    Promise.all([client.listIntegrations(), loadCatalog(client).then((catalog) => catalog.contexts)])
      .then(([list, all]) => {
        setIntegrations(list);
        setContexts(all);
        const chosen = list.find((i) => i.id === integrationId) ?? list[0];
        if (chosen) {
          setIntegrationId(chosen.id);
          if (!chosen.contexts.includes(context)) setContext(chosen.contexts[0] ?? "");
        }
      })
      .catch((e: Error) => setError(e.message));
  }, [client]);

  const integration = integrations?.find((i) => i.id === integrationId);
  const available = contexts.filter((c) => integration?.contexts.includes(c.name));
  const info = available.find((c) => c.name === context);

  async function template(format: "csv" | "json") {
    setError(undefined);
    try {
      const text = await client.template(context, format);
      onDownload(`${context}-template.${format}`, text, format === "csv" ? "text/csv" : "application/json");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const section = (content: ComponentChildren, footer?: ComponentChildren) => (
    <section class="step" aria-labelledby="choose-title">
      <h2 class="step-title" id="choose-title" tabIndex={-1}>
        What are you uploading?
      </h2>
      <div class="step-body">{content}</div>
      {footer && <footer class="step-footer">{footer}</footer>}
    </section>
  );

  if (error && !integrations)
    return section(
      <Banner tone="danger" title="Could not load your integrations" details={error}>
        Check the connection (Change connection, above) and try again.
      </Banner>,
    );
  if (!integrations)
    return section(
      <p class="working" role="status">
        <span class="spinner" aria-hidden="true" />
        Loading integrations…
      </p>,
    );
  if (integrations.length === 0)
    return section(
      <EmptyState icon={Inbox}>
        This API key has no integration to send data to. Ask your administrator for a key bound to one.
      </EmptyState>,
    );

  return section(
    <>
      <div class="choose-fields">
        <div class="field">
          <label for="choose-integration">Integration</label>
          <select
            id="choose-integration"
            class="select"
            value={integrationId}
            onChange={(e) => {
              const id = e.currentTarget.value;
              setIntegrationId(id);
              setContext(integrations.find((i) => i.id === id)?.contexts[0] ?? "");
            }}
          >
            {integrations.map((i) => (
              <option key={i.id} value={i.id}>
                {i.displayName || i.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="choose-data">Data</label>
          <select
            id="choose-data"
            class="select"
            value={context}
            onChange={(e) => setContext(e.currentTarget.value)}
          >
            {available.map((c) => (
              <option key={c.name} value={c.name}>
                {c.title} ({c.category})
              </option>
            ))}
          </select>
        </div>
      </div>
      {info && (
        <div class="card context-card">
          <p>{info.description}</p>
          <p class="muted">
            {info.required.length === 0
              ? "No field is required."
              : `Required ${info.required.length === 1 ? "field" : "fields"}: ${info.required.join(", ")}.`}
          </p>
          <p class="muted schema-id">Schema {info.schemaId}</p>
          <div class="btn-row">
            <span class="muted">Start from a template:</span>
            <button type="button" class="btn btn--secondary btn--small" onClick={() => template("csv")}>
              <Download aria-hidden="true" />
              Download CSV template
            </button>
            <button type="button" class="btn btn--secondary btn--small" onClick={() => template("json")}>
              <Download aria-hidden="true" />
              Download JSON template
            </button>
          </div>
        </div>
      )}
      {error && (
        <Banner tone="danger" title="The template could not be downloaded" details={error}>
          Try again in a moment.
        </Banner>
      )}
    </>,
    <button
      type="button"
      class="btn btn--primary"
      disabled={!integration || !info}
      onClick={() => integration && info && onChosen(integration, info)}
    >
      Continue
    </button>,
  );
}
