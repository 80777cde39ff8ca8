// Step 2: which integration and context the file is for; templates to start from.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, ContextInfo, Integration } from "../api-client.ts";

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
    Promise.all([client.listIntegrations(), client.listContexts()])
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
    try {
      const text = await client.template(context, format);
      onDownload(`${context}-template.${format}`, text, format === "csv" ? "text/csv" : "application/json");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  if (error) return <p role="alert">Could not load integrations: {error}</p>;
  if (!integrations) return <p role="status">Loading integrations…</p>;
  if (integrations.length === 0) return <p role="alert">This API key has no integration to send data to.</p>;

  return (
    <section class="step" aria-labelledby="choose-title">
      <h2 id="choose-title">What are you uploading?</h2>
      <label>
        Integration
        <select
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
      </label>
      <label>
        Data
        <select value={context} onChange={(e) => setContext(e.currentTarget.value)}>
          {available.map((c) => (
            <option key={c.name} value={c.name}>
              {c.title} ({c.category})
            </option>
          ))}
        </select>
      </label>
      {info && (
        <p class="hint">
          {info.description} Required: {info.required.join(", ") || "none"}.
        </p>
      )}
      <div class="row">
        <button type="button" disabled={!info} onClick={() => template("csv")}>
          Download CSV template
        </button>
        <button type="button" disabled={!info} onClick={() => template("json")}>
          Download JSON template
        </button>
      </div>
      <button
        type="button"
        class="primary"
        disabled={!integration || !info}
        onClick={() => integration && info && onChosen(integration, info)}
      >
        Continue
      </button>
    </section>
  );
}
