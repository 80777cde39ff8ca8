// API keys: list (created, expires, last used), create (the secret is shown once, in the dialog,
// with show/hide and copy; closing the dialog forgets it), revoke after a confirmation.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, ApiKeyInfo, Integration, KeyScope } from "../api-client.ts";
import { ConfirmDialog, CopyButton, Dialog, errorView, formatDate, integrationLabel } from "./ui.tsx";

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 365;

interface Props {
  client: ApiClient;
  integrations: Integration[];
  /** The id of the key the console itself uses. */
  ownKeyId: string;
  copy: (text: string) => Promise<void>;
  now?: () => Date;
}

const dateInput = (d: Date) => d.toISOString().slice(0, 10);

function keyState(key: ApiKeyInfo, now: Date): string {
  if (key.revokedAt) return `Revoked ${formatDate(key.revokedAt)}`;
  if (Date.parse(key.expiresAt) <= now.getTime()) return "Expired";
  return "Active";
}

export function KeysPanel({ client, integrations, ownKeyId, copy, now = () => new Date() }: Props) {
  const [keys, setKeys] = useState<ApiKeyInfo[]>();
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyInfo>();
  const [notice, setNotice] = useState("");
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
    <section class="step" aria-labelledby="keys-title">
      <div class="row bar">
        <h2 id="keys-title" class="grow">
          API keys
        </h2>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create API key
        </button>
      </div>
      <p role="status" class="hint">
        {notice}
      </p>
      {error && <p role="alert">Could not load the keys: {error}</p>}
      {!keys && !error && <p role="status">Loading keys…</p>}
      {keys && (
        <table class="grid">
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
                  {k.id === ownKeyId && <span class="hint"> (this console)</span>}
                </td>
                <td>{k.scope}</td>
                <td>{integrationName(k.integrationId)}</td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{formatDate(k.expiresAt)}</td>
                <td>{formatDate(k.lastUsedAt)}</td>
                <td>{keyState(k, now())}</td>
                <td>
                  {!k.revokedAt && (
                    <button
                      type="button"
                      class="danger"
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
      )}
      {creating && (
        <CreateKeyDialog
          client={client}
          integrations={integrations}
          copy={copy}
          now={now}
          onCreated={() => setReload((n) => n + 1)}
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
            setNotice(`The key “${revoking.name}” was revoked.`);
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
  onCreated: () => void;
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
      onCreated();
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
        <p class="warning">
          Copy the secret now: it is shown only this once. After you close this dialog it cannot be seen again
          (only a hash is stored).
        </p>
        <label for="new-secret">Secret of “{created.key.name}”</label>
        <div class="row">
          <input
            id="new-secret"
            class="secret"
            type={show ? "text" : "password"}
            readOnly
            value={created.secret}
            autocomplete="off"
            spellcheck={false}
          />
          <button type="button" aria-pressed={show} onClick={() => setShow(!show)}>
            {show ? "Hide secret" : "Show secret"}
          </button>
          <CopyButton text={created.secret} label="Copy secret" copy={copy} />
        </div>
        <p class="hint">
          {created.key.scope} key ·{" "}
          {created.key.integrationId ? "bound to one integration" : "any integration"} · expires{" "}
          {formatDate(created.key.expiresAt)}
        </p>
        <div class="row">
          <button type="button" class="primary" onClick={onClose}>
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
      <form class="step" noValidate onSubmit={create}>
        <label>
          Key name
          <input
            value={name}
            required
            maxLength={100}
            placeholder="e.g. Okta export job"
            aria-invalid={fields.name ? true : undefined}
            aria-describedby={fields.name ? "key-err-name" : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        {err("name")}
        {/* Labels by id: a wrapping label would fold the selected option into the name. */}
        <div class="field">
          <label for="key-scope">Scope</label>
          <select id="key-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as KeyScope)}>
            <option value="ingest">ingest — submit data, read status and history</option>
            <option value="admin">admin — also manage integrations and keys</option>
          </select>
        </div>
        {err("scope")}
        <div class="field">
          <label for="key-integration">Integration</label>
          <select
            id="key-integration"
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
        </div>
        {err("integrationId")}
        <label>
          Expires on
          <input
            type="date"
            required
            value={expires}
            min={dateInput(new Date(now().getTime() + DAY_MS))}
            aria-invalid={fields.expiresAt ? true : undefined}
            aria-describedby={fields.expiresAt ? "key-err-expiresAt" : undefined}
            onInput={(e) => setExpires(e.currentTarget.value)}
          />
        </label>
        {err("expiresAt")}
        {error && <p role="alert">{error}</p>}
        <div class="row">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create key
          </button>
        </div>
      </form>
    </Dialog>
  );
}
