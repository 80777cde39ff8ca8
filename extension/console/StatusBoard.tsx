// Every integration and each of its contexts: Ready / Active / Warning / Failed with the reasons
// the Worker computed on read.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, Integration, IntegrationStatus } from "../api-client.ts";
import { Avatar, errorView, formatDate, integrationLabel, StatusBadge } from "./ui.tsx";

interface Props {
  client: ApiClient;
  integrations: Integration[];
  onOpen: (integrationId: string) => void;
}

type Loaded = { status: IntegrationStatus } | { error: string };

export function StatusBoard({ client, integrations, onOpen }: Props) {
  const [statuses, setStatuses] = useState<Record<string, Loaded>>({});
  const [loading, setLoading] = useState(true);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    Promise.all(
      integrations.map(async (i): Promise<[string, Loaded]> => {
        try {
          return [i.id, { status: await client.integrationStatus(i.id) }];
        } catch (e) {
          return [i.id, { error: errorView(e).message }];
        }
      }),
    ).then((entries) => {
      if (!live) return;
      setStatuses(Object.fromEntries(entries));
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [client, integrations, reload]);

  return (
    <section class="step" aria-labelledby="status-title">
      <div class="row bar">
        <h2 id="status-title" class="grow">
          Status
        </h2>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Refresh status
        </button>
      </div>
      <p role="status" class="hint">
        {loading ? "Loading status…" : `Computed ${new Date().toLocaleTimeString()}`}
      </p>
      {integrations.length === 0 && <p>No integrations yet.</p>}
      {integrations.length > 0 && (
        <table class="grid status-board">
          <caption class="sr-only">Status of every integration and context</caption>
          <thead>
            <tr>
              <th scope="col">Integration</th>
              <th scope="col">Context</th>
              <th scope="col">Status</th>
              <th scope="col">Reasons</th>
              <th scope="col">Last data</th>
            </tr>
          </thead>
          <tbody>
            {integrations.flatMap((i) => {
              const loaded = statuses[i.id];
              const head = (
                <tr key={i.id} class="integration-row">
                  <th scope="row" colSpan={2}>
                    <span class="row inline-row">
                      <Avatar integration={i} size={24} />
                      <button type="button" class="link" onClick={() => onOpen(i.id)}>
                        {integrationLabel(i)}
                      </button>
                    </span>
                  </th>
                  <td>{loaded && "status" in loaded && <StatusBadge status={loaded.status.status} />}</td>
                  <td>
                    {loaded && "error" in loaded && <span role="alert">{loaded.error}</span>}
                    {loaded && "status" in loaded && loaded.status.reasons.join("; ")}
                  </td>
                  <td />
                </tr>
              );
              if (!loaded || !("status" in loaded)) return [head];
              return [
                head,
                ...loaded.status.contexts.map((c) => (
                  <tr key={`${i.id}/${c.context}`} data-context={`${i.id}/${c.context}`}>
                    <td>
                      <span class="sr-only">{integrationLabel(i)}</span>
                    </td>
                    <td>
                      <code>{c.context}</code>
                    </td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                    <td>{c.reasons.join("; ")}</td>
                    <td>{formatDate(c.lastCommitAt)}</td>
                  </tr>
                )),
              ];
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
