// Ingestion history of one integration: every validate, submit, batch, commit, abort and restore,
// newest first, filterable by context, with the first errors of failed attempts.

import { History } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, Ingestion } from "../api-client.ts";
import { Badge } from "../ui/Badge.tsx";
import { Banner } from "../ui/Banner.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { Time } from "../ui/Time.tsx";
import { errorView, plural } from "./ui.tsx";

const PAGE = 25;

interface Props {
  client: ApiClient;
  integrationId: string;
  contexts: string[];
  refreshKey?: number;
}

export function HistoryPanel({ client, integrationId, contexts, refreshKey }: Props) {
  const [context, setContext] = useState("");
  const [rows, setRows] = useState<Ingestion[]>();
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    setRows(undefined);
    client
      .listIngestions(integrationId, { context: context || undefined, limit: PAGE })
      .then((page) => {
        setRows(page.data);
        setNextBefore(page.nextBefore);
        setError(undefined);
      })
      .catch((e) => setError(errorView(e).message));
  }, [client, integrationId, context, refreshKey]);

  async function more() {
    if (!nextBefore) return;
    try {
      const page = await client.listIngestions(integrationId, {
        context: context || undefined,
        before: nextBefore,
        limit: PAGE,
      });
      setRows((r) => [...(r ?? []), ...page.data]);
      setNextBefore(page.nextBefore);
    } catch (e) {
      setError(errorView(e).message);
    }
  }

  return (
    <div class="history">
      <div class="field history-filter">
        <label for="history-context">History of context</label>
        <select
          id="history-context"
          class="select"
          value={context}
          onChange={(e) => setContext(e.currentTarget.value)}
        >
          <option value="">All contexts</option>
          {contexts.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <Banner tone="danger" title="Could not load the history" details={error}>
          Try again in a moment.
        </Banner>
      )}
      {!rows && !error && (
        <p class="working" role="status">
          <span class="spinner" aria-hidden="true" />
          Loading history…
        </p>
      )}
      {rows?.length === 0 && <EmptyState icon={History}>No uploads or validations yet.</EmptyState>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">Ingestion history</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Context</th>
                <th scope="col">Source</th>
                <th scope="col">Kind</th>
                <th scope="col">Outcome</th>
                <th scope="col">Records</th>
                <th scope="col">Errors</th>
                <th scope="col">Key</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i.id} class={i.outcome === "failure" ? "failed" : undefined}>
                  <td>
                    <Time iso={i.createdAt} />
                  </td>
                  <td>{i.context}</td>
                  <td class="history-source" title={i.sourceName ?? undefined}>
                    {i.sourceName ?? <span class="muted">–</span>}
                  </td>
                  <td>{i.kind}</td>
                  <td>
                    <Badge tone={i.outcome === "success" ? "success" : "danger"}>{i.outcome}</Badge>
                  </td>
                  <td class="num">{i.recordCount.toLocaleString()}</td>
                  <td>
                    {i.errorCount.toLocaleString()}
                    {i.warningCount > 0 && <span class="muted"> · {plural(i.warningCount, "warning")}</span>}
                  </td>
                  <td>{i.keyName}</td>
                  <td>
                    {i.version !== null && <span>version {i.version} </span>}
                    {i.detail && <span>{i.detail}</span>}
                    {i.firstErrors.length > 0 && (
                      <details>
                        <summary>
                          {i.errorCount > i.firstErrors.length
                            ? `First ${i.firstErrors.length} of ${plural(i.errorCount, "error")}`
                            : plural(i.firstErrors.length, "error")}
                        </summary>
                        <ul>
                          {i.firstErrors.map((e) => (
                            <li key={`${e.row}|${e.pointer}|${e.keyword}`}>
                              Row {e.row}
                              {e.field ? `, ${e.field}` : ""}: {e.message}
                            </li>
                          ))}
                        </ul>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore && (
        <button type="button" class="btn btn--secondary load-more" onClick={more}>
          Show older entries
        </button>
      )}
    </div>
  );
}
