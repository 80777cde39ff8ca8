// Debian's Chromium for the end-to-end tests: found, or installed with apt when missing (as root,
// as on CI machines), and launched with the built extension loaded.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { ensureDebianPackage } from "./debian.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const ensureChromium = (): string => ensureDebianPackage(CHROMIUM, "chromium", "Chromium");

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  close(): Promise<void>;
}

/** A fresh Chromium profile with the extension in `extensionDir` loaded; resolves its id. */
export async function launchWithExtension(
  extensionDir: string,
  options: { extraArgs?: string[]; userDataDir?: string } = {},
): Promise<ExtensionBrowser> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), "intake-e2e-profile-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: ensureChromium(),
    headless: true,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      ...(options.extraArgs ?? []),
    ],
  });
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent("serviceworker", { timeout: 30_000 });
  const extensionId = new URL(worker.url()).host;
  return { context, extensionId, close: () => context.close() };
}
