// Ingestion history of one integration: every validate, submit, batch, commit, abort and restore,
// newest first, filterable by context, with the first errors of failed attempts.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, Ingestion } from "../api-client.ts";
import { errorView, formatDate, plural } from "./ui.tsx";

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
      <label>
        History of context
        <select value={context} onChange={(e) => setContext(e.currentTarget.value)}>
          <option value="">All contexts</option>
          {contexts.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {error && <p role="alert">Could not load the history: {error}</p>}
      {!rows && !error && <p role="status">Loading history…</p>}
      {rows?.length === 0 && <p class="hint">No uploads or validations yet.</p>}
      {rows && rows.length > 0 && (
        <table class="grid">
          <caption class="sr-only">Ingestion history</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Context</th>
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
                <td>{formatDate(i.createdAt)}</td>
                <td>{i.context}</td>
                <td>{i.kind}</td>
                <td>
                  <span class={`badge outcome-${i.outcome}`}>{i.outcome}</span>
                </td>
                <td>{i.recordCount.toLocaleString()}</td>
                <td>
                  {i.errorCount.toLocaleString()}
                  {i.warningCount > 0 && <span class="hint"> · {plural(i.warningCount, "warning")}</span>}
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
      )}
      {nextBefore && (
        <button type="button" onClick={more}>
          Show older entries
        </button>
      )}
    </div>
  );
}
