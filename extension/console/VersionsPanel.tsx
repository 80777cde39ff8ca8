// Dataset versions of one context, newest first, with restore (as a new version) after a confirm.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, DatasetVersion } from "../api-client.ts";
import { ConfirmDialog, errorView, formatDate } from "./ui.tsx";

interface Props {
  client: ApiClient;
  integrationId: string;
  context: string;
  /** Bumped by the parent when data may have changed. */
  refreshKey?: number;
  onRestored?: () => void;
}

export function VersionsPanel({ client, integrationId, context, refreshKey, onRestored }: Props) {
  const [versions, setVersions] = useState<{ retained: number; data: DatasetVersion[] }>();
  const [error, setError] = useState<string>();
  const [restoring, setRestoring] = useState<DatasetVersion>();
  const [notice, setNotice] = useState("");
  const [reload, setReload] = useState(0);

  useEffect(() => {
    client
      .listVersions(integrationId, context)
      .then((v) => {
        setVersions(v);
        setError(undefined);
      })
      .catch((e) => setError(errorView(e).message));
  }, [client, integrationId, context, refreshKey, reload]);

  if (error)
    return (
      <p role="alert">
        Could not load the versions of {context}: {error}
      </p>
    );
  if (!versions) return <p role="status">Loading versions…</p>;
  return (
    <div class="versions">
      <p role="status" class="hint">
        {notice ||
          (versions.data.length === 0
            ? `No data committed to ${context} yet.`
            : `The last ${versions.retained} versions are kept.`)}
      </p>
      {versions.data.length > 0 && (
        <table class="grid">
          <caption>Dataset versions of {context}</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Records</th>
              <th scope="col">Source</th>
              <th scope="col">Key</th>
              <th scope="col">Committed</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.data.map((v) => (
              <tr key={v.version}>
                <td>
                  {v.version}
                  {v.current && <span class="badge status-active">current</span>}
                </td>
                <td>{v.recordCount.toLocaleString()}</td>
                <td>{v.source}</td>
                <td>{v.keyName}</td>
                <td>{formatDate(v.committedAt)}</td>
                <td>
                  {!v.current && (
                    <button type="button" onClick={() => setRestoring(v)}>
                      Restore version {v.version} of {context}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring && (
        <ConfirmDialog
          title={`Restore version ${restoring.version}?`}
          message={`Version ${restoring.version} of ${context} (${restoring.recordCount.toLocaleString()} records) becomes the current dataset again, as a new version. The current data stays in the history.`}
          confirmLabel={`Restore version ${restoring.version}`}
          onCancel={() => setRestoring(undefined)}
          onConfirm={async () => {
            const made = await client.restoreVersion(integrationId, context, restoring.version);
            setRestoring(undefined);
            setNotice(`Version ${made.restoredFrom} restored as version ${made.version}.`);
            setReload((n) => n + 1);
            onRestored?.();
          }}
        />
      )}
    </div>
  );
}
