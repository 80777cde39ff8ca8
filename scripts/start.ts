// `npm start`: builds the extension, starts the Worker on 127.0.0.1:8787 with a local D1
// (migrations applied), makes or reuses the dev tenant, and prints what to paste where.
import { join } from "node:path";
import {
  assertPortFree,
  ensureDevTenant,
  ensureOperatorToken,
  migrateLocal,
  ROOT,
  run,
  startWorker,
} from "./local-worker.ts";

const stateFile = join(ROOT, ".intake", "dev.json");

/** Any failure to start is one line on stderr and a non-zero exit, never a hang. */
function fail(error: unknown): never {
  console.error(`Intake did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const portText = process.env.PORT ?? "8787";
const port = Number(portText);
if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65_535)
  fail(new Error(`PORT must be a port number from 1 to 65535; got "${portText}"`));
// Before the build: a busy port is said at once.
await assertPortFree(port).catch(fail);

console.log("Building the extension (Chrome MV3)…");
run("wxt", ["build"], { quiet: true });
const operatorToken = ensureOperatorToken();
console.log("Applying D1 migrations to the local database…");
migrateLocal();
console.log(`Starting the Worker on http://127.0.0.1:${port} …`);
const worker = await startWorker({
  port,
  log: (line) => process.stdout.write(`  [wrangler] ${line}\n`),
}).catch(fail);

let state: Awaited<ReturnType<typeof ensureDevTenant>>;
try {
  state = await ensureDevTenant(worker.url, operatorToken, stateFile);
} catch (error) {
  await worker.stop();
  throw error;
}
const { state: dev, created } = state;
const extensionDir = join(ROOT, ".output", "chrome-mv3");

console.log(`
Intake is running.

  Worker          ${dev.url}   (health: ${dev.url}/health, API: ${dev.url}/openapi.json)
  Dev tenant      ${dev.tenantId}${created ? " (created now)" : " (reused)"}
  Integration     ${dev.integrationId}  "Demo SaaS" — saas_users, list_employees, access_relations
  Admin key       ${dev.adminKey}
  Ingest key      ${dev.ingestKey}
  Saved in        ${stateFile}   (operator token in .dev.vars)

Load the extension in Chrome:
  1. Open chrome://extensions and switch on "Developer mode".
  2. "Load unpacked" → ${extensionDir}
  3. Open the Intake popup, enter ${dev.url} and the ingest key (or the admin key for the console).

Try it:
  curl -H 'x-api-key: ${dev.adminKey}' ${dev.url}/v1/integrations

Press Ctrl+C to stop.`);

// Ctrl+C reaches wrangler too (same process group), so its exit during a stop is the stop itself.
let stopping = false;
const stopped = () => {
  console.log("Stopped.");
  process.exit(0);
};
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  stopped();
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
worker.child.once("exit", (code, signal) => {
  if (stopping || signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143) {
    stopped();
    return;
  }
  console.error(`wrangler dev exited (code ${code}); the Worker is not running`);
  process.exit(code ?? 1);
});
