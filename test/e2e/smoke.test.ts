// The built extension loads in a real Chromium and its pages render against the real Worker.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
let browser: ExtensionBrowser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchWithExtension(inject("extensionDir"));
});
afterAll(async () => {
  await browser?.close();
});

it("loads the extension's service worker and popup", async () => {
  expect(browser.extensionId).toMatch(/^[a-p]{32}$/);
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await expect.poll(() => page.locator("#app").innerHTML()).not.toBe("");
  await page.screenshot({ path: join(SHOTS, "00-popup-loaded.png") });
});

it("reaches the real Worker from the test", async () => {
  const response = await fetch(`${inject("workerUrl")}/health`);
  expect(await response.json()).toEqual({ status: "ok" });
});
