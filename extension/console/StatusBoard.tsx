// Every integration and each of its contexts: Ready / Active / Warning / Failed with the reasons
// the Worker computed on read.

import { Plug, RefreshCw } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, Integration, IntegrationStatus } from "../api-client.ts";
import { EmptyState } from "../ui/EmptyState.tsx";
import { formatTime, localTimes } from "../ui/format.ts";
import { Time } from "../ui/Time.tsx";
import { Avatar, errorView, integrationLabel, StatusBadge } from "./ui.tsx";

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
  const [computedAt, setComputedAt] = useState<string>();

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
      setComputedAt(new Date().toISOString());
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [client, integrations, reload]);

  return (
    <section class="console-section" aria-labelledby="status-title">
      <div class="section-head">
        <h2 id="status-title">Status</h2>
        <button type="button" class="btn btn--secondary" onClick={() => setReload((n) => n + 1)}>
          <RefreshCw aria-hidden="true" />
          Refresh status
        </button>
      </div>
      <p role="status" class="muted">
        {loading ? "Loading status…" : <>Computed {formatTime(computedAt)}</>}
      </p>
      {integrations.length === 0 && <EmptyState icon={Plug}>No integrations yet.</EmptyState>}
      {integrations.length > 0 && (
        <div class="table-wrap">
          <table class="table status-board">
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
                      <span class="identity">
                        <Avatar integration={i} size={24} />
                        <button type="button" class="btn--link" onClick={() => onOpen(i.id)}>
                          {integrationLabel(i)}
                        </button>
                      </span>
                    </th>
                    <td>{loaded && "status" in loaded && <StatusBadge status={loaded.status.status} />}</td>
                    <td>
                      {loaded && "error" in loaded && <span role="alert">{loaded.error}</span>}
                      {loaded && "status" in loaded && localTimes(loaded.status.reasons.join("; "))}
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
                      <td>{localTimes(c.reasons.join("; "))}</td>
                      <td>
                        <Time iso={c.lastCommitAt} />
                      </td>
                    </tr>
                  )),
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
