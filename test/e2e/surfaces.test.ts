// Every surface at its real width, in a real Chromium against the real Worker: the popup at
// 800 × 600, the side panel page at 360 px (and 400 px for the README) and the console at
// 1280 px. At every step: no horizontal page scroll, axe finds nothing serious or critical, and
// after every step change focus is on the step's heading. A saved mapping, when it is applied,
// says so and offers "Review mapping", and the review keeps the file's column order. Every message
// a step produces is in view, above the sticky footer, at both sizes.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
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

/**
 * Whole and in view above the step's sticky footer: nothing to scroll to read it. Asked again for
 * up to 5 s, as the review grid gives up height in the frame after a message grows (fit-grid.ts),
 * which a loaded machine may show a little later.
 */
async function inView(page: Page, locator: Locator, what: string) {
  const place = async () => {
    const box = await locator.boundingBox();
    const footerTop = await page.evaluate(
      () =>
        document.querySelector(".flow-body > .step > .step-footer")?.getBoundingClientRect().top ??
        innerHeight,
    );
    return { box, footerTop };
  };
  await expect
    .poll(
      async () => {
        const { box, footerTop } = await place();
        return box !== null && box.y >= 0 && box.y + box.height <= footerTop;
      },
      { timeout: 5_000 },
    )
    .toBe(true)
    .catch(() => undefined);
  const { box, footerTop } = await place();
  expect(box, `${what} is not shown`).not.toBeNull();
  const { y, height } = box as { y: number; height: number };
  expect(y, `${what} is above the view`).toBeGreaterThanOrEqual(0);
  expect(y + height, `${what} is behind the footer`).toBeLessThanOrEqual(footerTop);
}

/** The review grid's column headers, after the row number. */
const gridColumns = async (page: Page) =>
  (await page.getByRole("grid", { name: "Your file" }).getByRole("columnheader").allTextContents()).slice(1);

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
  // The mapped fields in the file's column order: the review's columns, every time.
  const mapped: string[] = [];
  for (const header of LONG.split("\n")[0]?.split(",") ?? []) {
    const chosen = await field(header).inputValue();
    if (chosen) mapped.push(chosen);
  }
  expect(mapped.slice(0, 1)).toEqual(["emailId"]);
  await page.getByRole("button", { name: "Validate 3 rows" }).click();
  await page.getByRole("button", { name: /→ Submit/ }).waitFor({ timeout: 30_000 });
  await check(page, /.+/, "side-review");
  expect(await gridColumns(page)).toEqual(mapped);

  // The same columns again: the saved mapping is applied, and the flow says so.
  await page.getByRole("button", { name: "Change", exact: true }).click();
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await page.getByLabel(/CSV or JSON file/).setInputFiles(long);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await page.getByText("Saved mapping for these columns applied").waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: /→ Submit/ }).waitFor({ timeout: 30_000 });
  await noHorizontalScroll(page);
  // Validated with the schema saved in extension storage (the Worker answered 304), which
  // chrome.storage gives back with its keys sorted: still the file's order.
  expect(await gridColumns(page)).toEqual(mapped);
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

// A repeated header (a file-level warning), a value no map places and a date in the wrong form.
const MESSAGES = [
  "Email,First Name,First Name,Status,Created On",
  "ann@example.com,Ann,A,ACTIVE,01012024",
  "bob@example.com,Bob,B,Enabled,2024-01-02",
  ...Array.from({ length: 20 }, (_, i) => `u${i}@example.com,U${i},V,ACTIVE,0${(i % 9) + 1}012024`),
].join("\n");

for (const [surface, width, height] of [
  ["popup", 800, 600],
  ["sidepanel", 360, 800],
] as const) {
  it(`shows every message a step produces without scrolling behind the footer: ${surface} at ${width} × ${height}`, async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`chrome-extension://${browser.extensionId}/${surface}.html`);
    const url = page.getByLabel("Intake server URL");
    await Promise.race([url.waitFor(), page.getByLabel("Integration").waitFor()]);
    if (await url.isVisible()) await connect(page);
    await page.getByLabel("Integration").waitFor();
    await page.getByLabel("Data").selectOption("saas_users");
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    await page.getByLabel(/CSV or JSON file/).setInputFiles(csvFile(`messages-${surface}.csv`, MESSAGES));
    await page.getByRole("button", { name: "Continue to mapping" }).waitFor();
    expect(await page.evaluate(() => scrollY)).toBe(0);
    await inView(page, page.locator(".file-facts"), "The file's line");
    await inView(page, page.getByLabel("Header row"), "Header row");
    await inView(page, page.getByLabel("Separator"), "Separator");
    await inView(page, page.getByText(/repeats the header "First Name"/), "The file-level warning");
    await shot(page, `${surface}-messages-source`);

    await page.getByRole("button", { name: "Continue to mapping" }).click();
    // The other surface may have saved a mapping for these columns: then it goes straight on.
    const validate = page.getByRole("button", { name: /^Validate \d+ rows$/ });
    const grid = page.getByRole("grid", { name: "Your file" });
    await Promise.race([validate.waitFor(), grid.waitFor({ timeout: 30_000 })]);
    if (await validate.isVisible()) await validate.click();
    await grid.waitFor({ timeout: 30_000 });
    const message = page.locator("#review-message");
    await message.getByText(/row 1/).waitFor();
    expect(await page.evaluate(() => scrollY)).toBe(0);
    await inView(page, message, "The focused cell's message");
    // A problem's cell: its full message and the choices for a value no map placed.
    const strip = page.getByRole("button", { name: /problems? in \d+ columns?/ });
    if (await strip.isVisible()) await strip.click();
    await page.getByRole("button", { name: /^userStatus · not an allowed value/ }).click();
    await message.getByText(/got "Enabled"/).waitFor();
    await page.getByRole("group", { name: "Every “Enabled” in userStatus becomes" }).waitFor();
    await inView(page, message, "The message of the cell with a problem");
    await noHorizontalScroll(page);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, `${surface}-messages-review`);
    await page.close();
  });
}

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

it("reopens the side panel on Connect when its key was revoked, in the server's own words", async () => {
  const admin = { "x-api-key": inject("adminKey"), "content-type": "application/json" };
  const created = await fetch(`${inject("workerUrl")}/v1/keys`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({
      name: "surfaces-e2e revoked key",
      scope: "ingest",
      integrationId: own.integrationId,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    }),
  });
  const { key, secret } = (await created.json()) as { key: { id: string }; secret: string };
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`chrome-extension://${browser.extensionId}/sidepanel.html`);
  await page.getByRole("button", { name: "Change connection" }).click();
  await page.getByLabel("API key").fill(secret);
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByLabel("Integration").waitFor();
  const revoked = await fetch(`${inject("workerUrl")}/v1/keys/${key.id}`, {
    method: "DELETE",
    headers: admin,
  });
  expect(revoked.status).toBe(200);

  await page.reload();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  expect(await alert.textContent()).toBe(
    "The Intake server refused this API key: “The API key is not valid”. Paste the whole key again, or ask your administrator for a new one.",
  );
  await check(page, /^Connect to Intake$/, "side-connect-revoked");
  await inView(page, alert, "Why the side panel is on Connect");
  // Connected again with a key that works, the flow goes on.
  await page.getByLabel("API key").fill(own.ingestKey);
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByLabel("Integration").waitFor();
  expect(await page.getByRole("alert").count()).toBe(0);
  await page.close();
});
