// Running the Worker locally: the operator token in .dev.vars, migrations on the local D1,
// `wrangler dev` on loopback, and the dev tenant (reused across runs). Used by `npm start`
// and by the end-to-end tests.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** The operator token from .dev.vars, created (random) on first use. */
export function ensureOperatorToken(root = ROOT): string {
  const file = join(root, ".dev.vars");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const match = /^OPERATOR_TOKEN=(.+)$/m.exec(existing);
  if (match?.[1]) return match[1].trim();
  const token = `op_${randomBytes(24).toString("base64url")}`;
  writeFileSync(
    file,
    `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}OPERATOR_TOKEN=${token}\n`,
    { mode: 0o600 },
  );
  return token;
}

export function run(
  command: string,
  args: string[],
  options: { quiet?: boolean; extraEnv?: Record<string, string> } = {},
): void {
  const result = spawnSync(join(BIN, command), args, {
    cwd: ROOT,
    stdio: options.quiet ? "pipe" : "inherit",
    env: { ...process.env, ...options.extraEnv },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const output = options.quiet ? `\n${result.stdout ?? ""}${result.stderr ?? ""}` : "";
    throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status}${output}`);
  }
}

/** The D1 bindings of wrangler.toml: DB (tenants, keys, placement) and the data databases. */
export function d1Bindings(root = ROOT): string[] {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  return [...toml.matchAll(/\[\[d1_databases\]\]\s*\nbinding\s*=\s*"([^"]+)"/g)].map((m) => m[1] as string);
}

/** Applies migrations to every local D1 kept under `persistTo` (wrangler's default when omitted). */
export function migrateLocal(persistTo?: string): void {
  for (const binding of d1Bindings()) {
    run(
      "wrangler",
      ["d1", "migrations", "apply", binding, "--local", ...(persistTo ? ["--persist-to", persistTo] : [])],
      { quiet: true, extraEnv: { CI: "1" } },
    );
  }
}

export interface WorkerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Throws a one-line error when something already listens on 127.0.0.1:`port`: `wrangler dev`
 * would only log "Address already in use" and, worse, /health might answer from the other process.
 */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `Port ${port} is in use — stop what uses it or run PORT=${port + 1} npm start`
            : `Port ${port} cannot be used (${error.code ?? error.message})`,
        ),
      );
    });
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/**
 * Starts `wrangler dev` on 127.0.0.1 and resolves once /health answers; `testScheduled` lets
 * `GET /__scheduled` run the Cron Trigger's handler (the benches).
 */
export async function startWorker(
  options: {
    port?: number;
    persistTo?: string;
    vars?: Record<string, string>;
    testScheduled?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<WorkerProcess> {
  const port = options.port ?? 8787;
  await assertPortFree(port);
  const url = `http://127.0.0.1:${port}`;
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"];
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  if (options.testScheduled) args.push("--test-scheduled");
  const child = spawn(join(BIN, "wrangler"), args, {
    cwd: ROOT,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (options.log) for (const line of text.split("\n")) if (line.trim()) options.log(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited (code ${child.exitCode}): ${lastError(output)}`);
    if (/Address already in use|EADDRINUSE/.test(output)) {
      await stop();
      throw new Error(`Port ${port} is in use — stop what uses it or run PORT=${port + 1} npm start`);
    }
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return { url, child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /health on ${url} within 90 s: ${lastError(output)}`);
}

/** Terminal colour codes (ESC [ … m) in wrangler's output. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** The line of wrangler's output that says what went wrong (its last error line, else its last line). */
function lastError(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.replace(ANSI_COLOUR, "").trim())
    .filter(Boolean);
  return lines.findLast((line) => /error|✘|failed/i.test(line)) ?? lines.at(-1) ?? "no output";
}

export interface DevState {
  url: string;
  tenantId: string;
  adminKey: string;
  ingestKey: string;
  integrationId: string;
}

async function api<T>(
  url: string,
  path: string,
  init: { method?: string; key?: string; bearer?: string; body?: unknown },
): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.key) headers["x-api-key"] = init.key;
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const DEV_CONTEXTS = ["saas_users", "list_employees", "access_relations"];

/**
 * The dev tenant: reused when the saved admin key still works, otherwise created (tenant,
 * one integration with a few contexts, an admin key and an ingest key) and saved.
 */
export async function ensureDevTenant(
  url: string,
  operatorToken: string,
  stateFile: string,
): Promise<{ state: DevState; created: boolean }> {
  if (existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as DevState;
    try {
      await api(url, "/v1/me", { key: saved.adminKey });
      await api(url, `/v1/integrations/${saved.integrationId}`, { key: saved.adminKey });
      return { state: { ...saved, url }, created: false };
    } catch {
      // the local database was reset: create a new dev tenant below
    }
  }
  const inYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const tenant = await api<{ tenant: { id: string }; secret: string }>(url, "/v1/tenants", {
    method: "POST",
    bearer: operatorToken,
    body: { name: "Local development", adminKeyName: "Dev admin key", adminKeyExpiresAt: inYear },
  });
  const integration = await api<{ id: string }>(url, "/v1/integrations", {
    method: "POST",
    key: tenant.secret,
    body: {
      name: "Demo SaaS",
      displayName: "Demo SaaS (local)",
      description: "Created by npm start for local development",
      logo: "#1A73E8",
      contexts: DEV_CONTEXTS,
    },
  });
  const ingest = await api<{ secret: string }>(url, "/v1/keys", {
    method: "POST",
    key: tenant.secret,
    body: { name: "Dev ingest key", scope: "ingest", integrationId: integration.id, expiresAt: inYear },
  });
  const state: DevState = {
    url,
    tenantId: tenant.tenant.id,
    adminKey: tenant.secret,
    ingestKey: ingest.secret,
    integrationId: integration.id,
  };
  mkdirSync(join(stateFile, ".."), { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return { state, created: true };
}
