// Dataset versions of one context, newest first, with restore (as a new version) after a confirm
// that shows what the restore does to the current dataset (the Worker's diff) and, when the one
// replacement rule (`replacementConcerns`) names a reason, says it and asks as the upload flow does.

import { Layers } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { replacementConcerns } from "../../schemas/replacement.ts";
import type { ApiClient, DatasetDiff, DatasetVersion } from "../api-client.ts";
import { Badge } from "../ui/Badge.tsx";
import { Banner } from "../ui/Banner.tsx";
import { DiffSummary } from "../ui/DiffSummary.tsx";
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
  const [versions, setVersions] = useState<{ retained: number; hot: number; data: DatasetVersion[] }>();
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
        <p class="muted">
          The last {plural(versions.retained, "version")} are kept: the newest {versions.hot} in the database,
          older ones in the archive, where they are read and restored from.
        </p>
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
                <th scope="col">Kept in</th>
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
                  <td>{v.storage === "archive" ? <Badge tone="neutral">Archive</Badge> : "Database"}</td>
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
        <RestoreDialog
          client={client}
          integrationId={integrationId}
          context={context}
          version={restoring}
          onCancel={() => setRestoring(undefined)}
          onRestored={(made, from) => {
            setRestoring(undefined);
            setNotice(`Version ${from} restored as version ${made}.`);
            setReload((n) => n + 1);
            onRestored?.();
          }}
        />
      )}
    </div>
  );
}

/** The restore's confirmation: what it changes, and the reasons to look twice when there are any. */
function RestoreDialog({
  client,
  integrationId,
  context,
  version,
  onCancel,
  onRestored,
}: {
  client: ApiClient;
  integrationId: string;
  context: string;
  version: DatasetVersion;
  onCancel: () => void;
  onRestored: (made: number, from: number) => void;
}) {
  const [diff, setDiff] = useState<{ known: DatasetDiff } | { unknown: string }>();
  useEffect(() => {
    client
      .versionDiff(integrationId, context, version.version)
      .then((known) => setDiff({ known }))
      .catch((e) => setDiff({ unknown: errorView(e).message }));
  }, [client, integrationId, context, version.version]);
  const known = diff && "known" in diff ? diff.known : undefined;
  const concerns = known ? replacementConcerns(known) : [];
  return (
    <ConfirmDialog
      title={`Restore version ${version.version}?`}
      message={`Version ${version.version} of ${context} (${plural(version.recordCount, "record")}) becomes the current dataset again, as a new version. The current data stays in the history.`}
      confirmLabel={`Restore version ${version.version}`}
      // Asked as an upload is: a restore that loses much, or whose effect is unknown, is a danger.
      danger={concerns.length > 0 || (diff !== undefined && "unknown" in diff)}
      ready={diff !== undefined}
      onCancel={onCancel}
      onConfirm={async () => {
        const made = await client.restoreVersion(integrationId, context, version.version);
        onRestored(made.version, made.restoredFrom);
      }}
    >
      {/* Announced once it is known. */}
      <div role="status">
        {!diff && (
          <p class="working">
            <span class="spinner" aria-hidden="true" />
            Checking what the restore changes…
          </p>
        )}
        {known && <DiffSummary diff={known} />}
        {concerns.length > 0 && (
          <Banner tone="danger" title="Check before restoring" live="none">
            <ul class="concern-list">
              {concerns.map((concern) => (
                <li key={concern}>{concern}</li>
              ))}
            </ul>
          </Banner>
        )}
        {diff && "unknown" in diff && (
          <Banner
            tone="warning"
            title="What the restore changes is not known"
            details={diff.unknown}
            live="none"
          >
            Restoring replaces every current record with the version's; the current data stays in the history.
          </Banner>
        )}
      </div>
    </ConfirmDialog>
  );
}
