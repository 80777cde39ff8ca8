// Dataset versions of one context, newest first, with restore (as a new version) after a confirm.

import { Layers } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, DatasetVersion } from "../api-client.ts";
import { Badge } from "../ui/Badge.tsx";
import { Banner } from "../ui/Banner.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { plural } from "../ui/format.ts";
import { Time } from "../ui/Time.tsx";
import { ConfirmDialog, errorView } from "./ui.tsx";

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
      <Banner tone="danger" title={`Could not load the versions of ${context}`} details={error}>
        Try again in a moment.
      </Banner>
    );
  if (!versions)
    return (
      <p class="working" role="status">
        <span class="spinner" aria-hidden="true" />
        Loading versions…
      </p>
    );
  return (
    <div class="versions">
      {notice && (
        <Banner tone="success" onDismiss={() => setNotice("")}>
          {notice}
        </Banner>
      )}
      {versions.data.length === 0 ? (
        <EmptyState icon={Layers}>No data committed to {context} yet.</EmptyState>
      ) : (
        <p class="muted">The last {plural(versions.retained, "version")} are kept.</p>
      )}
      {versions.data.length > 0 && (
        <div class="table-wrap">
          <table class="table">
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
                    {v.current && <Badge tone="success">current</Badge>}
                  </td>
                  <td class="num">{v.recordCount.toLocaleString()}</td>
                  <td>{v.source}</td>
                  <td>{v.keyName}</td>
                  <td>
                    <Time iso={v.committedAt} />
                  </td>
                  <td>
                    {!v.current && (
                      <button
                        type="button"
                        class="btn btn--secondary btn--small"
                        onClick={() => setRestoring(v)}
                      >
                        Restore version {v.version} of {context}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {restoring && (
        <ConfirmDialog
          title={`Restore version ${restoring.version}?`}
          message={`Version ${restoring.version} of ${context} (${plural(restoring.recordCount, "record")}) becomes the current dataset again, as a new version. The current data stays in the history.`}
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
