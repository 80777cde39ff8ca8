// The options page: the console. Connect (its own stored connection, normally an admin key), then
// integrations (list, wizard, detail), status board and API keys. An ingest key sees only what it
// may do: its integration(s), their status, versions and history.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { IntegrationDetail as Detail, Integration, Me } from "../api-client.ts";
import { ConnectStep } from "../flow/ConnectStep.tsx";
import { type Connection, connectionItem, consoleConnectionItem } from "../storage.ts";
import { type ConsoleDeps, createClient } from "./deps.ts";
import { IntegrationDetail } from "./IntegrationDetail.tsx";
import { IntegrationWizard, type WizardStep } from "./IntegrationWizard.tsx";
import { KeysPanel } from "./KeysPanel.tsx";
import { StatusBoard } from "./StatusBoard.tsx";
import { Avatar, errorView, integrationLabel } from "./ui.tsx";

type View =
  | { kind: "integrations" }
  | { kind: "integration"; id: string }
  | { kind: "wizard"; initial?: Detail; startAt?: WizardStep }
  | { kind: "status" }
  | { kind: "keys" };

export function Console({ deps }: { deps: ConsoleDeps }) {
  const [phase, setPhase] = useState<"loading" | "connect" | "ready">("loading");
  const [connection, setConnection] = useState<Connection | null>(null);
  const [connectNote, setConnectNote] = useState<string>();
  const [me, setMe] = useState<Me>();
  const [view, setView] = useState<View>({ kind: "integrations" });
  const [integrations, setIntegrations] = useState<Integration[]>();
  const [listError, setListError] = useState<string>();
  const [reload, setReload] = useState(0);
  const [notice, setNotice] = useState("");
  const client = useMemo(
    () => (connection ? createClient(deps, connection.workerUrl, connection.apiKey) : undefined),
    [deps, connection],
  );
  const admin = me?.key.scope === "admin";

  useEffect(() => {
    void (async () => {
      const saved = await consoleConnectionItem.getValue();
      if (!saved) {
        // Offer the upload flow's connection as a starting point.
        setConnection(await connectionItem.getValue());
        setPhase("connect");
        return;
      }
      setConnection(saved);
      try {
        setMe(await createClient(deps, saved.workerUrl, saved.apiKey).me());
        setPhase("ready");
      } catch (e) {
        setConnectNote(`The saved connection no longer works: ${errorView(e).message}`);
        setPhase("connect");
      }
    })();
  }, []);

  useEffect(() => {
    if (phase !== "ready" || !client) return;
    client
      .listIntegrations()
      .then((list) => {
        setIntegrations(list);
        setListError(undefined);
      })
      .catch((e) => setListError(errorView(e).message));
  }, [phase, client, reload]);

  const go = (next: View) => {
    setNotice("");
    setView(next);
  };

  if (phase === "loading") return <p role="status">Loading…</p>;
  if (phase === "connect" || !client || !me) {
    return (
      <div class="console">
        <header class="row">
          <h1>Intake console</h1>
        </header>
        {connectNote && <p role="alert">{connectNote}</p>}
        <ConnectStep
          deps={deps}
          initial={connection}
          title="Connect the console"
          hint="Use an admin key to manage integrations and API keys; an ingest key shows its integration, status and history."
          onConnected={async (next, who) => {
            await consoleConnectionItem.setValue(next);
            setConnection(next);
            setMe(who);
            setConnectNote(undefined);
            setView({ kind: "integrations" });
            setPhase("ready");
          }}
        />
        {me && client && !connectNote && (
          <button type="button" onClick={() => setPhase("ready")}>
            Back to the console
          </button>
        )}
      </div>
    );
  }

  const tabs: { kind: "integrations" | "status" | "keys"; label: string }[] = [
    { kind: "integrations", label: "Integrations" },
    { kind: "status", label: "Status" },
    ...(admin ? [{ kind: "keys" as const, label: "API keys" }] : []),
  ];
  const current = view.kind === "integration" || view.kind === "wizard" ? "integrations" : view.kind;

  return (
    <div class="console">
      <header class="row console-head">
        <h1>Intake console</h1>
        <span class="who">
          {me.tenant.name} · {me.key.scope} key “{me.key.name}”
        </span>
        <button type="button" onClick={() => setPhase("connect")}>
          Change connection
        </button>
      </header>
      <nav aria-label="Console sections" class="tabs">
        {tabs.map((t) => (
          <button
            key={t.kind}
            type="button"
            aria-current={current === t.kind ? "page" : undefined}
            onClick={() => go({ kind: t.kind })}
          >
            {t.label}
          </button>
        ))}
      </nav>
      {!admin && (
        <p class="notice" role="note">
          This is an ingest key: you can see {me.key.integrationId ? "its integration" : "the integrations"},
          their status, versions and history, and submit data. Managing integrations and API keys needs an
          admin key.
        </p>
      )}
      <p role="status" class="hint">
        {notice}
      </p>
      {listError && <p role="alert">Could not load integrations: {listError}</p>}

      {view.kind === "integrations" && integrations && (
        <section class="step" aria-labelledby="list-title">
          <div class="row bar">
            <h2 id="list-title" class="grow">
              Integrations
            </h2>
            {admin && (
              <button type="button" class="primary" onClick={() => go({ kind: "wizard" })}>
                New integration
              </button>
            )}
          </div>
          {integrations.length === 0 && (
            <p>
              {admin ? "No integrations yet. Create one to receive data." : "This key has no integration."}
            </p>
          )}
          <ul class="cards">
            {integrations.map((i) => (
              <li key={i.id} class="card">
                <Avatar integration={i} size={40} />
                <div class="grow">
                  <strong>{integrationLabel(i)}</strong>
                  {i.displayName && <span class="hint"> · {i.name}</span>}
                  {i.description && <p class="hint clamp">{i.description}</p>}
                  <p class="hint">{i.contexts.join(", ")}</p>
                </div>
                <button type="button" onClick={() => go({ kind: "integration", id: i.id })}>
                  Open {integrationLabel(i)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {view.kind === "integrations" && !integrations && !listError && (
        <p role="status">Loading integrations…</p>
      )}

      {view.kind === "wizard" && admin && (
        <IntegrationWizard
          client={client}
          initial={view.initial}
          startAt={view.startAt}
          onCancel={() =>
            go(view.initial ? { kind: "integration", id: view.initial.id } : { kind: "integrations" })
          }
          onDone={(saved) => {
            setReload((n) => n + 1);
            setView({ kind: "integration", id: saved.id });
            setNotice(
              view.initial
                ? `Saved ${integrationLabel(saved)}.`
                : `Created ${integrationLabel(saved)}. Create an ingest key for it under API keys.`,
            );
          }}
        />
      )}

      {view.kind === "integration" && (
        <IntegrationDetail
          key={`${view.id}/${reload}`}
          client={client}
          integrationId={view.id}
          admin={admin}
          copy={deps.copy}
          onBack={() => go({ kind: "integrations" })}
          onEdit={(initial, startAt) => go({ kind: "wizard", initial, startAt })}
          onDeleted={() => {
            setReload((n) => n + 1);
            go({ kind: "integrations" });
            setNotice("The integration was deleted.");
          }}
        />
      )}

      {view.kind === "status" && integrations && (
        <StatusBoard
          client={client}
          integrations={integrations}
          onOpen={(id) => go({ kind: "integration", id })}
        />
      )}

      {view.kind === "keys" && admin && (
        <KeysPanel
          client={client}
          integrations={integrations ?? []}
          ownKeyId={me.key.id}
          copy={deps.copy}
          now={deps.now}
        />
      )}
    </div>
  );
}
