// Step 1: Worker URL + API key, "Test connection" (host permission asked for that origin first).
import { useState } from "preact/hooks";
import { ApiError, type Me } from "../api-client.ts";
import { originPattern } from "../connect.ts";
import type { Connection } from "../storage.ts";
import { type ConnectDeps, createClient } from "./deps.ts";

interface Props {
  deps: ConnectDeps;
  /** The heading; the console asks for an admin key. */
  title?: string;
  hint?: string;
  initial: Connection | null;
  onConnected: (connection: Connection, me: Me) => void;
}

export function ConnectStep({ deps, initial, onConnected, title = "Connect to Intake", hint }: Props) {
  const [workerUrl, setWorkerUrl] = useState(initial?.workerUrl ?? "http://127.0.0.1:8787");
  const [apiKey, setApiKey] = useState(initial?.apiKey ?? "");
  const [showKey, setShowKey] = useState(false);
  const [status, setStatus] = useState<{ kind: "idle" | "busy" | "error"; message?: string }>({
    kind: "idle",
  });

  async function test(event: Event) {
    event.preventDefault();
    let pattern: string;
    try {
      pattern = originPattern(workerUrl.trim());
    } catch (error) {
      setStatus({ kind: "error", message: (error as Error).message });
      return;
    }
    // Asked before any await so the browser still sees the click.
    const granted = deps.requestHostPermission(pattern);
    setStatus({ kind: "busy", message: "Testing the connection…" });
    try {
      if (!(await granted)) {
        setStatus({
          kind: "error",
          message: `Intake needs permission to reach ${pattern} to send your data.`,
        });
        return;
      }
      const connection = { workerUrl: workerUrl.trim().replace(/\/+$/, ""), apiKey: apiKey.trim() };
      const me = await createClient(deps, connection.workerUrl, connection.apiKey).me();
      setStatus({ kind: "idle" });
      onConnected(connection, me);
    } catch (error) {
      const message =
        error instanceof ApiError && error.status === 401
          ? "The Worker refused this API key (it may be wrong, expired or revoked)."
          : (error as Error).message;
      setStatus({ kind: "error", message });
    }
  }

  return (
    <form class="step" onSubmit={test} aria-labelledby="connect-title">
      <h2 id="connect-title">{title}</h2>
      {hint && <p class="hint">{hint}</p>}
      <label>
        Worker URL
        <input
          type="url"
          required
          value={workerUrl}
          onInput={(e) => setWorkerUrl(e.currentTarget.value)}
          placeholder="https://intake.example.com"
        />
      </label>
      <label for="connect-key">API key</label>
      <span class="row">
        <input
          id="connect-key"
          type={showKey ? "text" : "password"}
          required
          autocomplete="off"
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
        <button type="button" aria-pressed={showKey} onClick={() => setShowKey(!showKey)}>
          {showKey ? "Hide key" : "Show key"}
        </button>
      </span>
      <button type="submit" disabled={status.kind === "busy"}>
        Test connection
      </button>
      <p role={status.kind === "error" ? "alert" : "status"} class={status.kind}>
        {status.message}
      </p>
    </form>
  );
}
