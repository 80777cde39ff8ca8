// The options page: the console. Connect (its own stored connection, normally an admin key), then
// integrations (list, wizard, detail), status board and API keys. An ingest key sees only what it
// may do: its integration(s), their status, versions and history.
import "./console.css";

import {
  Activity,
  ArrowLeft,
  Inbox,
  KeyRound,
  type LucideIcon,
  Plug,
  Plus,
  Server,
  Shapes,
} from "lucide-preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { IntegrationDetail as Detail, Integration, Me } from "../api-client.ts";
import { type Connection, connectionItem, consoleConnectionItem } from "../storage.ts";
import { Banner, type Tone } from "../ui/Banner.tsx";
import { ConnectStep } from "../ui/ConnectStep.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { hostOf } from "../ui/format.ts";
import { LiveRegion } from "../ui/LiveRegion.tsx";
import { ContextEditor } from "./context-editor/ContextEditor.tsx";
import { type ConsoleDeps, createClient } from "./deps.ts";
import { IntegrationDetail } from "./IntegrationDetail.tsx";
import { IntegrationWizard, type WizardStep } from "./IntegrationWizard.tsx";
import { KeysPanel } from "./KeysPanel.tsx";
import { StatusBoard } from "./StatusBoard.tsx";
import { Avatar, errorView, integrationLabel } from "./ui.tsx";

/**
 * The left navigation. Sections are added here (a Contexts section, for instance, with its view
 * in the switch below); `adminOnly` hides one from ingest keys.
 */
const SECTIONS: {
  kind: "integrations" | "status" | "contexts" | "keys";
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
}[] = [
  { kind: "integrations", label: "Integrations", icon: Plug },
  { kind: "status", label: "Status", icon: Activity },
  { kind: "contexts", label: "Contexts", icon: Shapes, adminOnly: true },
  { kind: "keys", label: "API keys", icon: KeyRound, adminOnly: true },
];

type View =
  | { kind: "integrations" }
  | { kind: "integration"; id: string }
  | { kind: "wizard"; initial?: Detail; startAt?: WizardStep }
  | { kind: "status" }
  | { kind: "contexts" }
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
  const [notice, setNotice] = useState<{ text: string; tone: Tone }>();
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
    setNotice(undefined);
    setView(next);
  };
  const say = (text: string, tone: Tone = "success") => setNotice({ text, tone });

  if (phase === "loading")
    return (
      <p class="working console-loading" role="status">
        <span class="spinner" aria-hidden="true" />
        Loading…
      </p>
    );
  if (phase === "connect" || !client || !me) {
    return (
      <div class="console console--connect">
        <header class="console-header">
          <h1 class="mark">
            <Inbox aria-hidden="true" />
            Intake console
          </h1>
        </header>
        <div class="console-connect card">
          {connectNote && <Banner tone="danger">{connectNote}</Banner>}
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
            <button type="button" class="btn btn--ghost" onClick={() => setPhase("ready")}>
              <ArrowLeft aria-hidden="true" />
              Back to the console
            </button>
          )}
        </div>
      </div>
    );
  }

  const current = view.kind === "integration" || view.kind === "wizard" ? "integrations" : view.kind;

  return (
    <div class="console">
      <LiveRegion />
      <header class="console-header">
        <h1 class="mark">
          <Inbox aria-hidden="true" />
          Intake console
        </h1>
        <span class="chip" title={connection?.workerUrl}>
          <Server aria-hidden="true" />
          <span>{connection ? hostOf(connection.workerUrl) : ""}</span>
        </span>
        <span class="chip">
          <KeyRound aria-hidden="true" />
          <span>
            {me.tenant.name} · {me.key.scope} key “{me.key.name}”
          </span>
        </span>
        <button type="button" class="btn btn--ghost btn--small" onClick={() => setPhase("connect")}>
          Change connection
        </button>
      </header>
      <div class="console-layout">
        <nav aria-label="Console sections" class="console-nav">
          <ul>
            {SECTIONS.filter((s) => admin || !s.adminOnly).map((s) => (
              <li key={s.kind}>
                <button
                  type="button"
                  aria-current={current === s.kind ? "page" : undefined}
                  onClick={() => go({ kind: s.kind })}
                >
                  <s.icon aria-hidden="true" />
                  {s.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div class="console-main">
          {!admin && (
            <p class="banner banner--info" role="note">
              This is an ingest key: you can see{" "}
              {me.key.integrationId ? "its integration" : "the integrations"}, their status, versions and
              history, and submit data. Managing integrations and API keys needs an admin key.
            </p>
          )}
          {notice && (
            <Banner tone={notice.tone} onDismiss={() => setNotice(undefined)}>
              {notice.text}
            </Banner>
          )}
          {listError && (
            <Banner tone="danger" title="Could not load the integrations" details={listError}>
              Check the connection and reload the page.
            </Banner>
          )}

          {view.kind === "integrations" && (
            <IntegrationList
              integrations={integrations}
              admin={admin}
              loading={!integrations && !listError}
              onNew={() => go({ kind: "wizard" })}
              onOpen={(id) => go({ kind: "integration", id })}
            />
          )}

          {view.kind === "wizard" && admin && (
            <IntegrationWizard
              client={client}
              initial={view.initial}
              startAt={view.startAt}
              onCancel={() =>
                go(view.initial ? { kind: "integration", id: view.initial.id } : { kind: "integrations" })
              }
              onDone={(saved, removed) => {
                setReload((n) => n + 1);
                setView({ kind: "integration", id: saved.id });
                say(
                  view.initial
                    ? `Saved ${integrationLabel(saved)}.${
                        removed.length > 0
                          ? ` The data of ${removed.join(", ")} is kept; add ${removed.length === 1 ? "it" : "them"} again to see ${removed.length === 1 ? "it" : "them"}.`
                          : ""
                      }`
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
              onDeleted={(label) => {
                setReload((n) => n + 1);
                go({ kind: "integrations" });
                say(`${label} was deleted, with its data and history; its keys were revoked.`);
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

          {view.kind === "contexts" && admin && (
            <ContextEditor client={client} integrations={integrations ?? []} copy={deps.copy} />
          )}

          {view.kind === "keys" && admin && (
            <KeysPanel
              client={client}
              integrations={integrations ?? []}
              ownKeyId={me.key.id}
              copy={deps.copy}
              now={deps.now}
              onNotice={say}
            />
          )}
        </div>
      </div>
    </div>
  );
}

/** The integrations as a table (logo, name, contexts), with an empty state. */
function IntegrationList({
  integrations,
  admin,
  loading,
  onNew,
  onOpen,
}: {
  integrations?: Integration[];
  admin: boolean;
  loading: boolean;
  onNew: () => void;
  onOpen: (id: string) => void;
}) {
  const create = admin && (
    <button type="button" class="btn btn--primary" onClick={onNew}>
      <Plus aria-hidden="true" />
      New integration
    </button>
  );
  return (
    <section class="console-section" aria-labelledby="list-title">
      <div class="section-head">
        <h2 id="list-title">Integrations</h2>
        {integrations && integrations.length > 0 && create}
      </div>
      {loading && (
        <p class="working" role="status">
          <span class="spinner" aria-hidden="true" />
          Loading integrations…
        </p>
      )}
      {integrations?.length === 0 && (
        <EmptyState icon={Plug} action={create || undefined}>
          {admin ? "No integrations yet. Create one to receive data." : "This key has no integration."}
        </EmptyState>
      )}
      {integrations && integrations.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">Integrations</caption>
            <thead>
              <tr>
                <th scope="col">Integration</th>
                <th scope="col">Contexts</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {integrations.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <span class="identity">
                      <Avatar integration={i} size={32} />
                      <span>
                        <button type="button" class="btn--link identity-name" onClick={() => onOpen(i.id)}>
                          {integrationLabel(i)}
                        </button>
                        {i.displayName && <span class="muted block">{i.name}</span>}
                      </span>
                    </span>
                  </th>
                  <td>
                    <span class="tag-list">
                      {i.contexts.map((c) => (
                        <code key={c} class="tag">
                          {c}
                        </code>
                      ))}
                    </span>
                  </td>
                  <td class="muted">{i.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
