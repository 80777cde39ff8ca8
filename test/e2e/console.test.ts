// End to end in a real Chromium: the console (options page) against the real Worker. Create an
// integration with an image logo (6 KB refused with its reason, 4 KB accepted), create an ingest
// key and see its secret once, submit a file with it from the popup, watch the status turn
// Active, revoke the key, and see the next submit refused with the Worker's reason. axe-core runs
// on every page state: no serious or critical violations.
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe.ts";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";
import { badgePng } from "./png.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const SHOTS = join(ROOT, "test-results", "e2e");
const TMP = join(tmpdir(), `intake-e2e-console-${Date.now()}`);
const KEY_NAME = "Console e2e ingest";
const CSV = [
  "Email,First Name,Last Name,Status,Role,Created On",
  "ann@example.com,Ann,Lee,ACTIVE,ADMIN,01012024",
  "bob@example.com,Bob,Ray,active,user,2024-01-02",
  "<cy@example.com>,Cy,Oz,DISABLED,SUPERADMIN,03012024",
].join("\n");

let browser: ExtensionBrowser;
let consolePage: Page;
let popup: Page;
let step = 0;

async function shot(page: Page, name: string) {
  step++;
  const path = join(SHOTS, `console-${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
}

/** Applies every "Fix all" of the review step until no error is left. */
async function fixAll(page: Page) {
  await expect.poll(async () => (await page.getByText(/3 rows · 2 errors/).count()) > 0).toBe(true);
  for (let left = 1; left >= 0; left--) {
    await page
      .getByRole("button", { name: /^Fix all/ })
      .first()
      .click();
    await expect
      .poll(async () => (await page.getByText(new RegExp(`3 rows · ${left} errors?`)).count()) > 0)
      .toBe(true);
  }
}

async function accessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(TMP, { recursive: true });
  browser = await launchWithExtension(inject("extensionDir"));
  consolePage = await browser.context.newPage();
  await consolePage.setViewportSize({ width: 1200, height: 900 });
});
afterAll(async () => {
  await browser?.close();
});

it("manages an integration and a key, and the key's data and revocation show up", async () => {
  const workerUrl = inject("workerUrl");
  const adminKey = inject("adminKey");
  // The Worker's database is fresh for each run (global setup), so plain names are unique.
  const name = "Northwind HR Suite";
  const display = "Northwind HR";

  // Connect the console with the admin key.
  await consolePage.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await consolePage.getByLabel("Intake server URL").fill(workerUrl);
  await consolePage.getByLabel("API key").fill(adminKey);
  await accessible(consolePage);
  await shot(consolePage, "connect");
  await consolePage.getByRole("button", { name: "Test connection" }).click();
  await consolePage.getByRole("heading", { name: "Integrations" }).waitFor();
  await consolePage.getByRole("button", { name: "Demo SaaS (local)", exact: true }).waitFor();
  await accessible(consolePage);
  await shot(consolePage, "integrations");

  // Wizard: details, with a 6 KB image refused before upload and a 4 KB one accepted.
  await consolePage.getByRole("button", { name: "New integration" }).click();
  await consolePage.getByLabel("Name (required)").fill(name);
  await consolePage.getByLabel("Display name").fill(display);
  await consolePage.getByLabel("Description").fill("Employees and SaaS accounts from the Northwind HR suite");
  await consolePage.getByLabel("Image", { exact: true }).check();
  const big = join(TMP, "logo-6kb.png");
  const small = join(TMP, "logo-4kb.png");
  writeFileSync(big, badgePng(48, 6144));
  writeFileSync(small, badgePng(48, 4096, [30, 123, 52]));
  const requestsBefore: string[] = [];
  consolePage.on("request", (r) => {
    if (r.method() !== "GET") requestsBefore.push(`${r.method()} ${r.url()}`);
  });
  await consolePage.getByLabel(/Logo image/).setInputFiles(big);
  const refusal = consolePage.getByText(
    "logo-6kb.png cannot be used as the logo: the image is 6144 bytes; the limit is 5120 bytes (5 KB).",
  );
  await refusal.waitFor();
  expect(requestsBefore).toEqual([]); // refused locally, nothing uploaded
  const listed = (await (
    await fetch(`${workerUrl}/v1/integrations`, { headers: { "x-api-key": adminKey } })
  ).json()) as { data: { name: string }[] };
  expect(listed.data.map((i) => i.name)).not.toContain(name);
  await accessible(consolePage);
  await shot(consolePage, "logo-refused");
  await consolePage.getByLabel(/Logo image/).setInputFiles(small);
  await consolePage.getByAltText("Logo preview").waitFor();
  expect(await refusal.count()).toBe(0);
  await shot(consolePage, "logo-accepted");
  await consolePage.getByRole("button", { name: "Next: contexts" }).click();

  // Contexts: search, pick from categories.
  await consolePage.getByLabel("Search contexts").fill("employee");
  await consolePage.getByRole("checkbox", { name: /list_employees/ }).check();
  await consolePage.getByLabel("Search contexts").fill("");
  await consolePage.getByRole("checkbox", { name: /saas_users/ }).check();
  await consolePage.getByText("2 selected").waitFor();
  await accessible(consolePage);
  await shot(consolePage, "contexts");
  await consolePage.getByRole("button", { name: "Next: review" }).click();
  await consolePage.getByRole("heading", { name: "Schemas (2)" }).waitFor();
  await accessible(consolePage);
  await shot(consolePage, "review");
  await consolePage.getByRole("button", { name: "Create integration" }).click();

  // Detail: endpoints with curl, under a banner confirming the create.
  await consolePage.getByRole("heading", { name: display, exact: true }).waitFor();
  expect(
    await consolePage
      .getByRole("status")
      .filter({ hasText: `Created ${display}.` })
      .isVisible(),
  ).toBe(true);
  // the request listener does see the page's requests: the create is the first write
  expect(requestsBefore[0]).toBe(`POST ${workerUrl}/v1/integrations`);
  const id = (await consolePage.locator("#detail-title + p code").first().textContent()) ?? "";
  expect(id).toMatch(/^int_/);
  const detail = (await (
    await fetch(`${workerUrl}/v1/integrations/${id}`, { headers: { "x-api-key": adminKey } })
  ).json()) as { name: string; logo: string; contexts: string[] };
  expect(detail.name).toBe(name);
  expect(detail.logo).toMatch(/^data:image\/png;base64,/);
  expect(detail.contexts).toEqual(["list_employees", "saas_users"]);
  const usersEndpoint = consolePage.getByRole("article", { name: /saas_users/ });
  expect(await usersEndpoint.locator("pre").textContent()).toContain(
    `${workerUrl}/v1/integrations/${id}/contexts/saas_users/records`,
  );
  await accessible(consolePage);
  await shot(consolePage, "detail");

  // Validate a JSON file against saas_users: the Worker's report is shown.
  const json = join(TMP, "users.json");
  writeFileSync(json, JSON.stringify({ data: [{ emailId: "ok@example.com" }, { emailId: "not-an-email" }] }));
  await usersEndpoint.getByLabel(/Validate a JSON file against saas_users/).setInputFiles(json);
  await consolePage.getByText(/users.json: not valid — 2 records · 1 error ·/).waitFor();
  expect(
    await consolePage.getByRole("table", { name: "Validation report for users.json" }).textContent(),
  ).toContain("not-an-email");
  await shot(consolePage, "validated-json");

  // An ingest key for this integration, its secret shown once.
  await consolePage.getByRole("button", { name: "API keys" }).click();
  await consolePage.getByRole("table", { name: "API keys" }).waitFor();
  await consolePage.getByRole("button", { name: "Create API key" }).click();
  const create = consolePage.getByRole("dialog", { name: "Create API key" });
  await create.getByLabel("Key name").fill(KEY_NAME);
  await create.getByLabel("Integration").selectOption({ label: display });
  await accessible(consolePage);
  await shot(consolePage, "create-key");
  await create.getByRole("button", { name: "Create key" }).click();
  const created = consolePage.getByRole("dialog", { name: `API key “${KEY_NAME}” created` });
  const secretInput = created.getByLabel(`Secret of “${KEY_NAME}”`);
  expect(await secretInput.getAttribute("type")).toBe("password");
  await created.getByRole("button", { name: "Show secret" }).click();
  expect(await secretInput.getAttribute("type")).toBe("text");
  const secret = await secretInput.inputValue();
  expect(secret.length).toBeGreaterThan(20);
  await accessible(consolePage);
  await shot(consolePage, "secret-once");
  await created.getByRole("button", { name: "Done, I have copied it" }).click();
  await created.waitFor({ state: "detached" });
  expect(await consolePage.content()).not.toContain(secret);
  expect(
    await consolePage
      .getByRole("status")
      .filter({ hasText: `API key “${KEY_NAME}” created.` })
      .isVisible(),
  ).toBe(true);
  const keyRow = consolePage.getByRole("row", { name: new RegExp(KEY_NAME) });
  expect(await keyRow.textContent()).toMatch(/ingest.*Active/);
  await shot(consolePage, "keys");

  // The popup submits a file with the new key.
  popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 784, height: 760 });
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByLabel("Intake server URL").fill(workerUrl);
  await popup.getByLabel("API key").fill(secret);
  await popup.getByRole("button", { name: "Test connection" }).click();
  await popup.getByLabel("Integration").waitFor();
  // an ingest key bound to the integration sees only it
  expect(await popup.getByLabel("Integration").locator("option").allTextContents()).toEqual([display]);
  await popup.getByLabel("Data").selectOption("saas_users");
  await popup.getByRole("button", { name: "Continue", exact: true }).click();
  const csv = join(TMP, "northwind-users.csv");
  writeFileSync(csv, CSV);
  await popup.getByLabel(/CSV or JSON file/).setInputFiles(csv);
  await popup.getByRole("button", { name: "Continue to mapping" }).click();
  await expect.poll(() => popup.getByLabel("Field for column Email").inputValue()).toBe("emailId");
  await popup.getByRole("button", { name: "Validate 3 rows" }).click();
  await popup.getByRole("heading", { name: "Review" }).waitFor();
  // Status and Role values went through the value maps the mapping step proposed; the ISO date
  // and the email in <…> are left, each with a suggested fix.
  await expect.poll(async () => (await popup.getByText(/3 rows · 2 errors/).count()) > 0).toBe(true);
  await shot(popup, "popup-fix");
  await fixAll(popup);
  await popup.getByRole("button", { name: /Submit 3 records/ }).click();
  await popup.getByText(/Dataset version 1 is live: 3 records of saas_users/).waitFor({ timeout: 60_000 });
  await shot(popup, "popup-submitted");

  // The status board: saas_users of the new integration is Active.
  await consolePage.bringToFront();
  await consolePage.getByRole("button", { name: "Status" }).click();
  const usersStatus = consolePage.locator(`[data-context="${id}/saas_users"]`);
  await usersStatus.waitFor();
  expect(await usersStatus.textContent()).toMatch(/saas_usersActiveData committed at/);
  expect(await consolePage.locator(`[data-context="${id}/list_employees"]`).textContent()).toMatch(
    /ReadyNo data yet/,
  );
  await accessible(consolePage);
  await shot(consolePage, "status-active");

  // History and versions of the integration show the commit.
  await consolePage.getByRole("button", { name: display }).click();
  const history = consolePage.getByRole("table", { name: "Ingestion history" });
  await history.waitFor();
  await expect.poll(async () => await history.textContent()).toMatch(/saas_users.*commit.*success.*3/);
  expect(await history.textContent()).toContain(KEY_NAME);
  await consolePage.getByText("Dataset versions of saas_users").first().click();
  const versions = consolePage.getByRole("table", { name: "Dataset versions of saas_users" });
  await versions.waitFor();
  expect(await versions.textContent()).toMatch(/1current3sync/);
  await accessible(consolePage);
  await shot(consolePage, "history");

  // Revoke the key with the keyboard: Enter opens the confirmation, focus starts on Cancel.
  await consolePage.getByRole("button", { name: "API keys" }).click();
  const revoke = consolePage.getByRole("button", { name: `Revoke key ${KEY_NAME}` });
  await revoke.focus();
  await consolePage.keyboard.press("Enter");
  const confirm = consolePage.getByRole("dialog", { name: `Revoke the key “${KEY_NAME}”?` });
  await confirm.waitFor();
  await expect.poll(() => consolePage.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
  await accessible(consolePage);
  await shot(consolePage, "revoke-confirm");
  await consolePage.keyboard.press("Tab");
  expect(await consolePage.evaluate(() => document.activeElement?.textContent)).toBe("Revoke key");
  await consolePage.keyboard.press("Enter");
  await consolePage
    .getByRole("status")
    .filter({ hasText: `The key “${KEY_NAME}” was revoked.` })
    .waitFor();
  await expect
    .poll(() => consolePage.getByRole("row", { name: new RegExp(KEY_NAME) }).textContent())
    .toMatch(/Revoked/);
  await shot(consolePage, "revoked");

  // The next submit from the popup is refused with the Worker's reason.
  await popup.bringToFront();
  await popup.getByRole("button", { name: "Upload another file" }).click();
  await popup.getByLabel(/CSV or JSON file/).setInputFiles(csv);
  await popup.getByRole("button", { name: "Continue to mapping" }).click();
  // the saved mapping is reused, and the flow says so
  await popup.getByText("Saved mapping for these columns applied").waitFor();
  await popup.getByRole("heading", { name: "Review" }).waitFor();
  await fixAll(popup);
  await popup.getByRole("button", { name: /Submit 3 records/ }).click();
  const refused = popup.getByText(/The upload failed: Unauthorized: The API key is not valid/);
  await refused.waitFor({ timeout: 30_000 });
  await popup.getByText("Nothing was stored; the previous dataset is unchanged.").waitFor();
  await shot(popup, "popup-refused");

  // Nothing changed: still version 1.
  const current = (await (
    await fetch(`${workerUrl}/v1/integrations/${id}/contexts/saas_users/versions`, {
      headers: { "x-api-key": adminKey },
    })
  ).json()) as { data: { version: number }[] };
  expect(current.data.map((v) => v.version)).toEqual([1]);
});
