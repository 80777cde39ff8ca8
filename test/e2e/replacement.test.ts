// End to end in a real Chromium against the real Worker: a replacement says everything it would
// lose before it happens, in the one rule's words (schemas/replacement.ts), at the popup's and the
// side panel's sizes, with nothing finished (no full progress bar) left above the question; an
// upload equal to the current version says nothing changed; and the console's restore shows what
// it changes and asks above the same thresholds.
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe.ts";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";
import { ownIntegration } from "./own-integration.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
const TMP = join(tmpdir(), `intake-e2e-replacement-${Date.now()}`);
const PEOPLE = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy"];
/** The same nine people as the current version holds, without its Department column. */
const WITHOUT_DEPARTMENT = ["Email", ...PEOPLE.map((p) => `${p}@example.com`)].join("\n");
const CONCERN = "department would be emptied in 8 of 9 records (the upload has no such column).";

let browser: ExtensionBrowser;
let own: { integrationId: string; ingestKey: string };

async function submitRecords(context: string, records: Record<string, unknown>[]) {
  const response = await fetch(
    `${inject("workerUrl")}/v1/integrations/${own.integrationId}/contexts/${context}/records`,
    {
      method: "POST",
      headers: { "x-api-key": inject("adminKey"), "content-type": "application/json" },
      body: JSON.stringify({ data: records }),
    },
  );
  expect(response.status, await response.clone().text()).toBeLessThan(300);
}

/** Whole and in view above the step's sticky footer. */
async function inView(page: Page, selector: string, what: string) {
  const { top, bottom, footer } = await page.evaluate((s) => {
    const box = document.querySelector(s)?.getBoundingClientRect();
    const foot = document.querySelector(".flow-body > .step > .step-footer")?.getBoundingClientRect();
    return {
      top: box?.top ?? -1,
      bottom: box?.bottom ?? Number.POSITIVE_INFINITY,
      // An empty footer is not shown.
      footer: foot && foot.height > 0 ? foot.top : innerHeight,
    };
  }, selector);
  expect(top, `${what} is above the view`).toBeGreaterThanOrEqual(0);
  expect(bottom, `${what} is behind the footer`).toBeLessThanOrEqual(footer);
}

/** Opens a surface at a size, connected with the integration's key, on the source step of saas_users. */
async function open(surface: "popup" | "sidepanel", width: number, height: number) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  await page.goto(`chrome-extension://${browser.extensionId}/${surface}.html`);
  const url = page.getByLabel("Intake server URL");
  await Promise.race([url.waitFor(), page.getByLabel("Integration").waitFor()]);
  if (await url.isVisible()) {
    await url.fill(inject("workerUrl"));
    await page.getByLabel("API key").fill(own.ingestKey);
    await page.getByRole("button", { name: "Test connection" }).click();
  }
  await page.getByLabel("Data").selectOption("saas_users");
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  return page;
}

/** Picks `csv`, validates it (its saved mapping may already have) and presses Submit. */
async function submitFile(page: Page, name: string, csv: string) {
  const file = join(TMP, name);
  writeFileSync(file, csv);
  await page.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  const validate = page.getByRole("button", { name: /^Validate \d+ rows$/ });
  const submit = page.getByRole("button", { name: /Submit \d+ records$/ });
  await Promise.race([validate.waitFor(), submit.waitFor({ timeout: 30_000 })]);
  if (await validate.isVisible()) await validate.click();
  await submit.click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(TMP, { recursive: true });
  own = await ownIntegration("replacement-e2e", "Acme People");
  await submitRecords(
    "saas_users",
    PEOPLE.map((p, i) => ({ emailId: `${p}@example.com`, ...(i < 8 ? { department: "Sales" } : {}) })),
  );
  browser = await launchWithExtension(inject("extensionDir"));
});
afterAll(async () => {
  await browser?.close();
});

it("names the values a left-out column would erase and asks, in the popup at 800 × 600", async () => {
  const page = await open("popup", 800, 600);
  await submitFile(page, "no-department.csv", WITHOUT_DEPARTMENT);
  const heading = page.getByRole("heading", { name: "Confirm the replacement" });
  await heading.waitFor({ timeout: 60_000 });
  expect(await page.getByText(CONCERN, { exact: true }).count()).toBe(1);
  expect(await page.getByText("Values it erases: department in 8 records (no such column)").count()).toBe(1);
  // The rows are all sent and the difference known: no finished progress bar stays above it.
  expect(await page.getByRole("progressbar").count()).toBe(0);
  await inView(page, ".confirm-replace", "The confirmation");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "replacement-popup-confirm.png") });
  await page.getByRole("button", { name: "Cancel upload" }).click();
  await page.getByText(/Upload cancelled. Nothing was stored/).waitFor();
  await page.close();
});

it("asks the same in the side panel at 360 × 800; replaced, an identical upload then changes nothing", async () => {
  const page = await open("sidepanel", 360, 800);
  await submitFile(page, "no-department-again.csv", WITHOUT_DEPARTMENT);
  await page.getByRole("heading", { name: "Confirm the replacement" }).waitFor({ timeout: 60_000 });
  expect(await page.getByText(CONCERN, { exact: true }).count()).toBe(1);
  expect(await page.getByRole("progressbar").count()).toBe(0);
  await inView(page, ".confirm-replace", "The confirmation");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "replacement-sidepanel-confirm.png") });
  await page.getByRole("button", { name: "Replace version 1" }).click();
  await page.getByText(/Dataset version 2 is live: 9 records of saas_users/).waitFor({ timeout: 60_000 });

  await page.getByRole("button", { name: "Upload another file" }).click();
  await submitFile(page, "no-department-same.csv", WITHOUT_DEPARTMENT);
  await page.getByRole("heading", { name: "Nothing changed" }).waitFor({ timeout: 60_000 });
  expect(await page.getByText(/^Nothing changed — version 2 stays current/).count()).toBe(1);
  expect(await page.getByText(/is live/).count()).toBe(0);
  await page.screenshot({ path: join(SHOTS, "replacement-sidepanel-unchanged.png") });
  await page.close();
});

it("shows what a console restore changes and asks above the same thresholds", async () => {
  const one = [{ id: "E1", employee_name: "Ann Lee" }];
  await submitRecords("list_employees", one);
  await submitRecords(
    "list_employees",
    Array.from({ length: 12 }, (_, i) => ({ id: `E${i + 1}`, employee_name: i === 0 ? "Ann Lee" : `P${i}` })),
  );
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByLabel("Intake server URL").fill(inject("workerUrl"));
  await page.getByLabel("API key").fill(inject("adminKey"));
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByRole("button", { name: "Acme People" }).click();
  await page.getByText("Dataset versions of list_employees").first().click();
  const versions = page.getByRole("table", { name: "Dataset versions of list_employees" });
  await versions.getByRole("button", { name: "Restore version 1 of list_employees" }).click();
  const dialog = page.getByRole("dialog", { name: "Restore version 1?" });
  await dialog.getByText("Replaces version 2 (12 records) with 1 record: 11 removed, 1 unchanged.").waitFor();
  expect(await dialog.getByText("Check before restoring").count()).toBe(1);
  expect(
    await dialog.getByText("This upload removes 11 of the 12 records in version 2 (92 %).").count(),
  ).toBe(1);
  expect(await dialog.getByRole("button", { name: "Restore version 1" }).getAttribute("class")).toContain(
    "btn--danger",
  );
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "replacement-console-restore.png") });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.close();
});
