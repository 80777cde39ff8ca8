// The CLI's tests talk to the real Worker: `wrangler dev` on loopback with a fresh local D1 (as the
// end-to-end tests run it), its URL and operator token provided to the test files, which make a
// tenant of their own through the API (worker.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureOperatorToken, migrateLocal, startWorker } from "../../scripts/local-worker.ts";

declare module "vitest" {
  export interface ProvidedContext {
    cliWorkerUrl: string;
    cliOperatorToken: string;
  }
}

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), "intake-cli-d1-"));
  const operatorToken = ensureOperatorToken();
  migrateLocal(persistTo);
  const worker = await startWorker({ port: 8900 + Math.floor(Math.random() * 100), persistTo });
  project.provide("cliWorkerUrl", worker.url);
  project.provide("cliOperatorToken", operatorToken);
  return async () => {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
