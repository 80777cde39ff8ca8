// Every surface at its real width, in a real Chromium against the real Worker: the popup at
// 800 × 600, the side panel page at 360 px (and 400 px for the README) and the console at
// 1280 px. At every step: no horizontal page scroll, axe finds nothing serious or critical, and
// after every step change focus is on the step's heading. A saved mapping, when it is applied,
// says so and offers "Review mapping".
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe.ts";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";
import { ownIntegration } from "./own-integration.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const SHOTS = join(ROOT, "test-results", "e2e");
const DOCS = join(ROOT, "docs", "screenshots");
const TMP = join(tmpdir(), `intake-e2e-surfaces-${Date.now()}`);

const CLEAN = [
  "Email,First Name,Last Name,Status,Created On",
  "ann@example.com,Ann,Lee,ACTIVE,01012024",
  "bob@example.com,Bob,Ray,ACTIVE,02012024",
  "cy@example.com,Cy,Oz,DISABLED,03012024",
].join("\n");

// Long headers and values that must wrap at 360 px, and a few problems to review.
const LONG = [
  "Primary work email address of the account holder,Given name as recorded in the directory,Family name,Account status in the source system,Date the account was created (DDMMYYYY)",
  "ann.marie.lee-featherstonehaugh@subsidiary.example.com,Ann-Marie,Lee-Featherstonehaugh,ACTIVE,01012024",
  "bob@example.com,Bob,Ray,active,2024-01-02",
  "<cy@example.com>,Cy,Oz,DISABLED,03012024",
].join("\n");

let browser: ExtensionBrowser;
let own: { integrationId: string; ingestKey: string };

async function shot(page: Page, name: string, docsName?: string) {
  const path = join(SHOTS, `surfaces-${name}.png`);
  await page.screenshot({ path, fullPage: !docsName });
  // docs/ images are refreshed only on request, so a test run never dirties the repository.
  if (docsName && process.env.INTAKE_UPDATE_DOCS === "1") copyFileSync(path, join(DOCS, docsName));
}

/** The page never scrolls sideways (wide content scrolls inside its own box). */
async function noHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => {
    const root = document.scrollingElement as Element;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(scrollWidth, "page scrolls sideways").toBeLessThanOrEqual(clientWidth);
}

/** Focus is on the heading of the current step, named `title`. */
async function focusOnStep(page: Page, title: RegExp) {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el?.classList.contains("step-title")
          ? (el.textContent ?? "")
          : `not a step title: ${el?.tagName}`;
      }),
    )
    .toMatch(title);
}

/** One state of a surface: fits its width, focus where it belongs, axe clean. */
async function check(page: Page, title: RegExp, name: string) {
  await focusOnStep(page, title);
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, name);
}

function csvFile(name: string, text: string) {
  const path = join(TMP, name);
  writeFileSync(path, text);
  return path;
}

async function connect(page: Page) {
  await page.getByLabel("Intake server URL").fill(inject("workerUrl"));
  await page.getByLabel("API key").fill(own.ingestKey);
  await page.getByRole("button", { name: "Test connection" }).click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(DOCS, { recursive: true });
  mkdirSync(TMP, { recursive: true });
  own = await ownIntegration("surfaces-e2e", "Acme HR");
  browser = await launchWithExtension(inject("extensionDir"));
});
afterAll(async () => {
  await browser?.close();
});

it("walks the popup at 800 × 600: every step fits, is axe clean and gets focus", async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await check(page, /^Connect to Intake$/, "popup-connect");
  await connect(page);
  await page.getByLabel("Integration").waitFor();
  await check(page, /^What are you uploading\?$/, "popup-choose");
  await page.getByLabel("Data").selectOption("saas_users");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await check(page, /^Your file$/, "popup-source");
  await page.getByLabel(/CSV or JSON file/).setInputFiles(csvFile("clean.csv", CLEAN));
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await check(page, /^Map columns to/, "popup-map");
  await shot(page, "popup-map-viewport", "popup.png");
  await page.getByRole("button", { name: "Validate 3 rows" }).click();
  await focusOnStep(page, /.+/);
  await page.getByRole("button", { name: /Submit 3 records/ }).waitFor({ timeout: 30_000 });
  await check(page, /.+/, "popup-review");
  await page.getByRole("button", { name: /Submit 3 records/ }).click();
  await page.getByRole("heading", { name: "Upload complete" }).waitFor({ timeout: 60_000 });
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "popup-submitted");
  // The dark theme keeps its contrast (no transitions under reduced motion: colours switch at once).
  await page.emulateMedia({ colorScheme: "dark", reducedMotion: "reduce" });
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "popup-submitted-dark");
  await page.close();
});

it("walks the side panel at 360 px with long headers and values, and says when a saved mapping is applied", async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 360, height: 720 });
  await page.goto(`chrome-extension://${browser.extensionId}/sidepanel.html`);
  // The connection is shared with the popup (same extension storage).
  await page.getByLabel("Integration").waitFor();
  await check(page, /^What are you uploading\?$/, "side-choose");
  // The stepper collapses at this width.
  expect(await page.getByText("Step 2 of 6 ·").isVisible()).toBe(true);
  await page.getByLabel("Data").selectOption("saas_users");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await check(page, /^Your file$/, "side-source");
  const long = csvFile("long.csv", LONG);
  await page.getByLabel(/CSV or JSON file/).setInputFiles(long);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await check(page, /^Map columns to/, "side-map");
  const field = (column: string) => page.getByLabel(`Field for column ${column}`);
  await field("Primary work email address of the account holder").selectOption("emailId");
  await field("Account status in the source system").selectOption("userStatus");
  await field("Date the account was created (DDMMYYYY)").selectOption("createdOn");
  await noHorizontalScroll(page);
  await page.getByRole("button", { name: "Validate 3 rows" }).click();
  await page.getByRole("button", { name: /→ Submit/ }).waitFor({ timeout: 30_000 });
  await check(page, /.+/, "side-review");

  // The same columns again: the saved mapping is applied, and the flow says so.
  await page.getByRole("button", { name: "Change", exact: true }).click();
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await page.getByLabel(/CSV or JSON file/).setInputFiles(long);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await page.getByText("Saved mapping for these columns applied").waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: /→ Submit/ }).waitFor({ timeout: 30_000 });
  await noHorizontalScroll(page);
  await page.getByRole("button", { name: "Review mapping" }).click();
  await check(page, /^Map columns to/, "side-review-mapping");
  expect(
    await page.getByLabel("Field for column Primary work email address of the account holder").inputValue(),
  ).toBe("emailId");

  // The README's side panel, at 400 px.
  await page.setViewportSize({ width: 400, height: 720 });
  await noHorizontalScroll(page);
  await shot(page, "side-400", "sidepanel-400.png");
  await page.close();
});

it("shows the console at 1280 px: left navigation, tables, axe clean, no sideways scroll", async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByLabel("Intake server URL").fill(inject("workerUrl"));
  await page.getByLabel("API key").fill(inject("adminKey"));
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Test connection" }).click();
  const nav = page.getByRole("navigation", { name: "Console sections" });
  await nav.waitFor();
  expect(await nav.getByRole("button").allTextContents()).toEqual(
    expect.arrayContaining(["Integrations", "Status", "API keys"]),
  );
  await page.getByRole("table", { name: "Integrations" }).waitFor();
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "console-integrations");

  await page.getByRole("button", { name: "Acme HR" }).click();
  await page.getByRole("heading", { name: "Endpoints" }).waitFor();
  await page.getByText("Dataset versions of saas_users").first().click();
  await page.getByRole("table", { name: "Dataset versions of saas_users" }).waitFor();
  // Times in one local format, the ISO value on hover.
  const committed = page
    .getByRole("table", { name: "Dataset versions of saas_users" })
    .locator("time")
    .first();
  expect(await committed.textContent()).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
  expect(await committed.getAttribute("title")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "console-detail");
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "console-detail-top", "console.png");

  await nav.getByRole("button", { name: "API keys" }).click();
  await page.getByRole("table", { name: "API keys" }).waitFor();
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "console-keys");
  await nav.getByRole("button", { name: "Status" }).click();
  await page.getByRole("table", { name: "Status of every integration and context" }).waitFor();
  await noHorizontalScroll(page);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "console-status");
  await page.emulateMedia({ colorScheme: "dark", reducedMotion: "reduce" });
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "console-status-dark");
  await page.close();
});
