// API keys: list (created, expires, last used), create (the secret is shown once, in the dialog,
// with show/hide and copy; closing the dialog forgets it), revoke after a confirmation.
import { Eye, EyeOff, KeyRound, Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, ApiKeyInfo, Integration, KeyScope } from "../api-client.ts";
import { Badge } from "../ui/Badge.tsx";
import { Banner } from "../ui/Banner.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { Time } from "../ui/Time.tsx";
import { ConfirmDialog, CopyButton, Dialog, errorView, integrationLabel } from "./ui.tsx";

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 365;

interface Props {
  client: ApiClient;
  integrations: Integration[];
  /** The id of the key the console itself uses. */
  ownKeyId: string;
  copy: (text: string) => Promise<void>;
  now?: () => Date;
  /** Confirms a create or a revoke in the console's banner. */
  onNotice: (text: string) => void;
}

const dateInput = (d: Date) => d.toISOString().slice(0, 10);

function KeyState({ info, now }: { info: ApiKeyInfo; now: Date }) {
  if (info.revokedAt)
    return (
      <span class="key-state">
        <Badge tone="danger">Revoked</Badge> <Time iso={info.revokedAt} />
      </span>
    );
  if (Date.parse(info.expiresAt) <= now.getTime()) return <Badge tone="warning">Expired</Badge>;
  return <Badge tone="success">Active</Badge>;
}

export function KeysPanel({ client, integrations, ownKeyId, copy, now = () => new Date(), onNotice }: Props) {
  const [keys, setKeys] = useState<ApiKeyInfo[]>();
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyInfo>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    client
      .listKeys()
      .then((k) => {
        setKeys(k);
        setError(undefined);
      })
      .catch((e) => setError(errorView(e).message));
  }, [client, reload]);

  const integrationName = (id: string | null) => {
    if (!id) return "Any";
    const i = integrations.find((x) => x.id === id);
    return i ? integrationLabel(i) : id;
  };

  return (
    <section class="console-section" aria-labelledby="keys-title">
      <div class="section-head">
        <h2 id="keys-title">API keys</h2>
        <button type="button" class="btn btn--primary" onClick={() => setCreating(true)}>
          <Plus aria-hidden="true" />
          Create API key
        </button>
      </div>
      {error && (
        <Banner tone="danger" title="Could not load the keys" details={error}>
          Check the connection and try again.
        </Banner>
      )}
      {!keys && !error && (
        <p class="working" role="status">
          <span class="spinner" aria-hidden="true" />
          Loading keys…
        </p>
      )}
      {keys && keys.length === 0 && <EmptyState icon={KeyRound}>No API keys yet.</EmptyState>}
      {keys && keys.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Integration</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} class={k.revokedAt ? "revoked" : undefined}>
                  <td>
                    {k.name}
                    {k.id === ownKeyId && <span class="muted"> (this console)</span>}
                  </td>
                  <td>{k.scope}</td>
                  <td>{integrationName(k.integrationId)}</td>
                  <td>
                    <Time iso={k.createdAt} />
                  </td>
                  <td>
                    <Time iso={k.expiresAt} />
                  </td>
                  <td>
                    <Time iso={k.lastUsedAt} />
                  </td>
                  <td>
                    <KeyState info={k} now={now()} />
                  </td>
                  <td>
                    {!k.revokedAt && (
                      <button
                        type="button"
                        class="btn btn--secondary btn--small"
                        aria-label={`Revoke key ${k.name}`}
                        onClick={() => setRevoking(k)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateKeyDialog
          client={client}
          integrations={integrations}
          copy={copy}
          now={now}
          onCreated={(key) => {
            setReload((n) => n + 1);
            onNotice(`API key “${key.name}” created. Its secret is shown only in the dialog.`);
          }}
          onClose={() => setCreating(false)}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke the key “${revoking.name}”?`}
          message={
            revoking.id === ownKeyId
              ? "This is the key this console uses: after revoking it you must connect with another admin key. Requests with it are refused from now on."
              : "Every request with this key is refused from now on. This cannot be undone."
          }
          confirmLabel="Revoke key"
          onCancel={() => setRevoking(undefined)}
          onConfirm={async () => {
            await client.revokeKey(revoking.id);
            onNotice(`The key “${revoking.name}” was revoked.`);
            setRevoking(undefined);
            setReload((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}

function CreateKeyDialog({
  client,
  integrations,
  copy,
  now,
  onCreated,
  onClose,
}: {
  client: ApiClient;
  integrations: Integration[];
  copy: (text: string) => Promise<void>;
  now: () => Date;
  onCreated: (key: ApiKeyInfo) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<KeyScope>("ingest");
  const [integrationId, setIntegrationId] = useState("");
  const [expires, setExpires] = useState(dateInput(new Date(now().getTime() + DEFAULT_DAYS * DAY_MS)));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Held only while this dialog is open: closing it unmounts the secret for good.
  const [created, setCreated] = useState<{ key: ApiKeyInfo; secret: string }>();
  const [show, setShow] = useState(false);

  async function create(event: Event) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = "Name is required";
    if (!expires) problems.expiresAt = "Choose an expiry date";
    setFields(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await client.createKey({
        name: name.trim(),
        scope,
        integrationId: scope === "ingest" && integrationId ? integrationId : null,
        expiresAt: `${expires}T23:59:59Z`,
      });
      setCreated(result);
      onCreated(result.key);
    } catch (e) {
      const view = errorView(e);
      setError(view.message);
      setFields(view.fields);
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Dialog title={`API key “${created.key.name}” created`} onClose={onClose}>
        <Banner tone="warning" live="none">
          Copy the secret now: it is shown only this once. After you close this dialog it cannot be seen again
          (only a hash is stored).
        </Banner>
        <div class="field">
          <label for="new-secret">Secret of “{created.key.name}”</label>
          <div class="secret-row">
            <input
              id="new-secret"
              class="input input--mono secret"
              type={show ? "text" : "password"}
              readOnly
              value={created.secret}
              autocomplete="off"
              spellcheck={false}
            />
            <button
              type="button"
              class="btn btn--secondary btn--small"
              aria-pressed={show}
              onClick={() => setShow(!show)}
            >
              {show ? <EyeOff aria-hidden="true" /> : <Eye aria-hidden="true" />}
              {show ? "Hide secret" : "Show secret"}
            </button>
            <CopyButton text={created.secret} label="Copy secret" copy={copy} />
          </div>
        </div>
        <p class="muted">
          {created.key.scope} key ·{" "}
          {created.key.integrationId ? "bound to one integration" : "any integration"} · expires{" "}
          <Time iso={created.key.expiresAt} />
        </p>
        <div class="dialog-actions">
          <button type="button" class="btn btn--primary" onClick={onClose}>
            Done, I have copied it
          </button>
        </div>
      </Dialog>
    );
  }

  const err = (field: string) =>
    fields[field] ? (
      <span id={`key-err-${field}`} class="field-error" role="alert">
        {fields[field]}
      </span>
    ) : null;

  return (
    <Dialog title="Create API key" onClose={onClose}>
      <form noValidate onSubmit={create}>
        <div class="field">
          <label for="key-name">Key name</label>
          <input
            id="key-name"
            class="input"
            value={name}
            required
            maxLength={100}
            placeholder="e.g. Okta export job"
            aria-invalid={fields.name ? true : undefined}
            aria-describedby={fields.name ? "key-err-name" : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {err("name")}
        </div>
        {/* Labels by id: a wrapping label would fold the selected option into the name. */}
        <div class="field">
          <label for="key-scope">Scope</label>
          <select
            id="key-scope"
            class="select"
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value as KeyScope)}
          >
            <option value="ingest">ingest — submit data, read status and history</option>
            <option value="admin">admin — also manage integrations and keys</option>
          </select>
          {err("scope")}
        </div>
        <div class="field">
          <label for="key-integration">Integration</label>
          <select
            id="key-integration"
            class="select"
            value={scope === "ingest" ? integrationId : ""}
            disabled={scope !== "ingest"}
            onChange={(e) => setIntegrationId(e.currentTarget.value)}
          >
            <option value="">Any integration</option>
            {integrations.map((i) => (
              <option key={i.id} value={i.id}>
                {integrationLabel(i)}
              </option>
            ))}
          </select>
          {err("integrationId")}
        </div>
        <div class="field">
          <label for="key-expires">Expires on</label>
          <input
            id="key-expires"
            class="input"
            type="date"
            required
            value={expires}
            min={dateInput(new Date(now().getTime() + DAY_MS))}
            aria-invalid={fields.expiresAt ? true : undefined}
            aria-describedby={fields.expiresAt ? "key-err-expiresAt" : undefined}
            onInput={(e) => setExpires(e.currentTarget.value)}
          />
          {err("expiresAt")}
        </div>
        {error && <Banner tone="danger">{error}</Banner>}
        <div class="dialog-actions">
          <button type="button" class="btn btn--secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            class="btn btn--primary"
            disabled={busy}
            aria-busy={busy ? "true" : undefined}
          >
            Create key
          </button>
        </div>
      </form>
    </Dialog>
  );
}
