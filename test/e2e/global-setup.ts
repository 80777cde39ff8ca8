// End-to-end setup: Chromium present, the extension built for Chrome and Firefox, the real Worker
// running under `wrangler dev` on loopback with a fresh local D1 and a tenant, integration and keys.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
  ensureDevTenant,
  ensureOperatorToken,
  migrateLocal,
  ROOT,
  run,
  startWorker,
} from "../../scripts/local-worker.ts";
import { ensureChromium } from "./chromium.ts";
import { E2E_OPEN_PAGE } from "./firefox.ts";

declare module "vitest" {
  export interface ProvidedContext {
    workerUrl: string;
    adminKey: string;
    ingestKey: string;
    integrationId: string;
    operatorToken: string;
    extensionDir: string;
    firefoxExtensionDir: string;
    firefoxE2eExtensionDir: string;
  }
}

export default async function setup(project: TestProject) {
  ensureChromium();
  run("wxt", ["build"], { quiet: true });
  run("wxt", ["build", "-b", "firefox"], { quiet: true });
  // The same add-on, opening its popup in a tab when installed (see firefox.ts for why).
  const outDir = process.env.INTAKE_OUT_DIR || ".output";
  run("wxt", ["build", "-b", "firefox"], {
    quiet: true,
    extraEnv: { INTAKE_OUT_DIR: join(outDir, "e2e"), WXT_E2E_OPEN_PAGE: E2E_OPEN_PAGE },
  });
  const persistTo = mkdtempSync(join(tmpdir(), "intake-e2e-d1-"));
  const operatorToken = ensureOperatorToken();
  migrateLocal(persistTo);
  const port = 8790 + Math.floor(Math.random() * 100);
  const worker = await startWorker({ port, persistTo });
  const { state } = await ensureDevTenant(worker.url, operatorToken, join(persistTo, "dev.json"));
  project.provide("workerUrl", worker.url);
  project.provide("adminKey", state.adminKey);
  project.provide("ingestKey", state.ingestKey);
  project.provide("integrationId", state.integrationId);
  project.provide("operatorToken", operatorToken);
  project.provide("extensionDir", join(ROOT, outDir, "chrome-mv3"));
  project.provide("firefoxExtensionDir", join(ROOT, outDir, "firefox-mv2"));
  project.provide("firefoxE2eExtensionDir", join(ROOT, outDir, "e2e", "firefox-mv2"));
  return async () => {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
