// Step 1: Intake server URL + API key, "Test connection" (host permission asked for that origin
// first). The test ends within CONNECT_TIMEOUT_MS whatever the server does, and says what to do.
import { Eye, EyeOff, Plug } from "lucide-preact";
import { useState } from "preact/hooks";
import { ApiError, type Me } from "../api-client.ts";
import { type ConnectDeps, createClient, originPattern } from "../connect.ts";
import type { Connection } from "../storage.ts";
import { Banner } from "./Banner.tsx";

/** How long "Test connection" may take before it says the server could not be reached. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * What a failed connection test tells the admin: a refused key in the server's own words (it says
 * the same for every cause, to anyone), what to do; `timeoutMs` when the test had a deadline.
 */
export function connectionProblem(error: unknown, url: string, timeoutMs?: number): string {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      const words = (error.problem.detail ?? error.problem.title).replace(/\.$/, "");
      return `The Intake server refused this API key: “${words}”. Paste the whole key again, or ask your administrator for a new one.`;
    }
    if (error.status === 404)
      return `${url} answered, but it is not an Intake server (it has no /v1/me). Check the address.`;
    return `The Intake server answered ${error.status}: ${error.message}`;
  }
  const within =
    timeoutMs === undefined
      ? ""
      : ` within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`}`;
  return `Intake could not reach ${url}${within}. Check the address and that the server is running (npm start prints it), then try again.`;
}

interface Props {
  deps: ConnectDeps;
  /** The heading; the console asks for an admin key. */
  title?: string;
  hint?: string;
  initial: Connection | null;
  /** Why the saved connection no longer works (the flow came back here on its own). */
  problem?: string;
  onConnected: (connection: Connection, me: Me) => void;
  /** The deadline of "Test connection" (CONNECT_TIMEOUT_MS; shorter in tests). */
  timeoutMs?: number;
}

export function ConnectStep({
  deps,
  initial,
  problem,
  onConnected,
  title = "Connect to Intake",
  hint,
  timeoutMs = CONNECT_TIMEOUT_MS,
}: Props) {
  const [workerUrl, setWorkerUrl] = useState(initial?.workerUrl ?? "http://127.0.0.1:8787");
  const [apiKey, setApiKey] = useState(initial?.apiKey ?? "");
  const [showKey, setShowKey] = useState(false);
  const [status, setStatus] = useState<{ kind: "idle" | "busy" | "error"; message?: string }>(
    problem ? { kind: "error", message: problem } : { kind: "idle" },
  );

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
      // One retry at most, and a deadline: a server that never answers is reported, not waited for.
      const client = createClient(deps, connection.workerUrl, connection.apiKey, {
        attempts: 2,
        baseDelayMs: 500,
        maxRetryAfterMs: 2_000,
      });
      const me = await client.me({ signal: AbortSignal.timeout(timeoutMs) });
      setStatus({ kind: "idle" });
      onConnected(connection, me);
    } catch (error) {
      setStatus({ kind: "error", message: connectionProblem(error, workerUrl.trim(), timeoutMs) });
    }
  }

  const busy = status.kind === "busy";
  return (
    <form class="step connect-form" onSubmit={test} aria-labelledby="connect-title" noValidate={false}>
      <h2 class="step-title" id="connect-title" tabIndex={-1}>
        {title}
      </h2>
      <p class="step-lede">
        {hint ?? "Paste the address of your Intake server and an API key; your administrator gives you both."}
      </p>
      <div class="step-body">
        <div class="field">
          <label for="connect-url">Intake server URL</label>
          <input
            id="connect-url"
            class="input"
            type="url"
            required
            value={workerUrl}
            onInput={(e) => setWorkerUrl(e.currentTarget.value)}
            placeholder="https://intake.example.com"
            aria-describedby="connect-url-hint"
          />
          <span id="connect-url-hint" class="field-hint">
            For a server on this computer: http://127.0.0.1:8787 (npm start prints it).
          </span>
        </div>
        <div class="field">
          <label for="connect-key">API key</label>
          <div class="key-row">
            <input
              id="connect-key"
              class="input input--mono"
              type={showKey ? "text" : "password"}
              required
              autocomplete="off"
              spellcheck={false}
              value={apiKey}
              onInput={(e) => setApiKey(e.currentTarget.value)}
            />
            <button
              type="button"
              class="btn btn--secondary"
              aria-pressed={showKey}
              onClick={() => setShowKey(!showKey)}
            >
              {showKey ? <EyeOff aria-hidden="true" /> : <Eye aria-hidden="true" />}
              {showKey ? "Hide key" : "Show key"}
            </button>
          </div>
        </div>
        {status.kind === "error" ? (
          <Banner tone="danger">{status.message}</Banner>
        ) : (
          <p role="status" class={busy ? "working" : "sr-only"}>
            {busy && <span class="spinner" aria-hidden="true" />}
            {status.message}
          </p>
        )}
      </div>
      <footer class="step-footer">
        <button type="submit" class="btn btn--primary" disabled={busy} aria-busy={busy ? "true" : undefined}>
          <Plug aria-hidden="true" />
          Test connection
        </button>
      </footer>
    </form>
  );
}
