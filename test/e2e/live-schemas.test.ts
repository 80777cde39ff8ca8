// End to end in a real Chromium, the built extension against the real Worker: schemas are live data.
// (a) A custom context is created in the console from a sample file, then a file is mapped and
//     submitted to it from the popup, and the API holds the rows.
// (b) After the extension was built (and after it saved the schema), the Worker's schema of that
//     context gains an optional field; the popup fetches the new revision (If-None-Match, 200),
//     maps the new column to it and submits it, without a rebuild.
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe.ts";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
const TMP = join(tmpdir(), `intake-e2e-live-schemas-${Date.now()}`);
const NAME = "badge_holders";
const TITLE = "Badge holders";

const SAMPLE = [
  "Badge Number,Holder Email,Floor,Active",
  "B-001,ann@example.com,3,yes",
  "B-002,bob@example.com,4,no",
  "B-003,carl@example.com,2,yes",
].join("\n");

let browser: ExtensionBrowser;
let step = 0;
const shot = async (page: Page, name: string) => {
  step++;
  await page.screenshot({
    path: join(SHOTS, `live-schemas-${String(step).padStart(2, "0")}-${name}.png`),
    fullPage: true,
  });
};

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${inject("workerUrl")}${path}`, {
    method,
    headers: { "x-api-key": inject("adminKey"), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const records = async () =>
  api<{ version: number; data: Record<string, unknown>[] }>(
    "GET",
    `/v1/integrations/${inject("integrationId")}/contexts/${NAME}/records?limit=100`,
  );

/** The popup, connected with the ingest key, through choose -> file -> mapping (not validated yet). */
async function mapInPopup(page: Page, csv: string, fileName: string) {
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  const url = page.getByLabel("Intake server URL");
  const integration = page.getByLabel("Integration");
  await url.or(integration).first().waitFor();
  if (await url.isVisible()) {
    await url.fill(inject("workerUrl"));
    await page.getByLabel("API key").fill(inject("ingestKey"));
    await page.getByRole("button", { name: "Test connection" }).click();
  }
  await integration.waitFor();
  await page.getByLabel("Data").selectOption(NAME);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  const file = join(TMP, fileName);
  writeFileSync(file, csv);
  await page.locator('input[type="file"]').first().setInputFiles(file);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await page.getByLabel("Field for column Badge Number").waitFor();
}

async function validateAndSubmit(page: Page, count: number, version: number) {
  await page.getByRole("button", { name: new RegExp(`^Validate ${count} rows`) }).click();
  const submit = page.getByRole("button", { name: new RegExp(`Submit ${count} records`) });
  await submit.waitFor();
  await shot(page, `review-${version}`);
  await submit.click();
  await page
    .getByText(new RegExp(`Dataset version ${version} is live: ${count} records of ${NAME}`))
    .waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(TMP, { recursive: true });
  browser = await launchWithExtension(inject("extensionDir"));
});
afterAll(async () => {
  await browser?.close();
});

it("creates a custom context in the console, then maps and submits a file to it", async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.getByLabel("Intake server URL").fill(inject("workerUrl"));
  await page.getByLabel("API key").fill(inject("adminKey"));
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByRole("button", { name: "Contexts" }).click();
  await page.getByRole("heading", { name: "Contexts" }).waitFor();
  await page.getByRole("button", { name: "New context" }).first().click();

  const sample = join(TMP, `${NAME}.csv`);
  writeFileSync(sample, SAMPLE);
  await page.getByLabel(/Start from a sample file/).setInputFiles(sample);
  await page.getByText(/4 fields inferred from badge_holders\.csv/).waitFor();
  expect(await page.getByLabel("Title").inputValue()).toBe(TITLE);
  expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(NAME);
  expect(await page.getByLabel("Type of floor").inputValue()).toBe("integer");
  expect(await page.getByLabel("Type of active").inputValue()).toBe("boolean");
  expect(await page.getByLabel("Format of holderEmail").inputValue()).toBe("email");
  expect(await page.getByLabel("badgeNumber is part of the record key").isChecked()).toBe(true);
  // Every sample row has a floor, so it was inferred required; this tenant's files may leave it out.
  expect(await page.getByLabel("floor is required").isChecked()).toBe(true);
  await page.getByLabel("floor is required").uncheck();
  // "Add a field" can be pressed wherever the page is: with the fields table ending just above
  // the sticky footer (where a button under the table sits behind it), it is whole and on top.
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.evaluate(() => {
    const table = document.querySelector(".context-fields")?.getBoundingClientRect();
    const footer = document.querySelector(".step-footer")?.getBoundingClientRect();
    if (table && footer) scrollBy(0, table.bottom - (innerHeight - footer.height) + 4);
  });
  const uncovered = (el: Element) => {
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.bottom > innerHeight) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && el.contains(hit);
  };
  const add = page.getByRole("button", { name: "Add a field" });
  expect(await add.evaluate(uncovered)).toBe(true);
  await add.click();
  // The new field's name has the focus, in view above the footer; removed again, 4 fields stay.
  const added = page.getByLabel("Name of field 5");
  expect(await added.evaluate((el) => el === document.activeElement)).toBe(true);
  expect(await added.evaluate(uncovered)).toBe(true);
  await page.getByRole("button", { name: "Remove field 5" }).click();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByLabel("Category").fill("Facilities");
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "fields");

  await page.getByRole("button", { name: "Review the schema of 4 fields" }).click();
  await page.getByRole("heading", { name: `Review ${TITLE}` }).waitFor();
  const shown = JSON.parse((await page.locator(".code-block code").textContent()) ?? "{}");
  expect(shown["x-intake-key"]).toEqual(["badgeNumber"]);
  expect(Object.keys(shown.properties)).toEqual(["badgeNumber", "holderEmail", "floor", "active"]);
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, "review");
  await page.getByRole("button", { name: `Create ${TITLE}` }).click();
  await page.getByText(new RegExp(`Created ${TITLE} \\(version 1-0-0\\)`)).waitFor();
  await page.getByRole("button", { name: `Edit ${TITLE}` }).waitFor();
  await shot(page, "created");

  const schema = await api<{ $id: string; properties: Record<string, unknown> }>(
    "GET",
    `/v1/contexts/${NAME}/schema`,
  );
  expect(Object.keys(schema.properties)).toEqual(["badgeNumber", "holderEmail", "floor", "active"]);
  // The dev integration receives it (the console's integration editor is tested elsewhere).
  const integration = await api<{ contexts: string[] }>("GET", `/v1/integrations/${inject("integrationId")}`);
  await api("PATCH", `/v1/integrations/${inject("integrationId")}`, {
    contexts: [...integration.contexts, NAME],
  });

  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 900, height: 1000 });
  await mapInPopup(
    popup,
    [
      "Badge Number,Holder Email,Floor,Active",
      "B-101,ann@example.com,3,yes",
      "B-102,bob@example.com,,no",
      "B-103,carl@example.com,5,TRUE",
    ].join("\n"),
    "badges-1.csv",
  );
  // The version, never the $id: a custom context's holds the tenant's internal id.
  expect(await popup.getByText(`Schema version ${schema.$id.split(":").at(-1)}`).count()).toBe(1);
  expect(await popup.getByText(/urn:intake/).count()).toBe(0);
  expect(await popup.getByLabel("Field for column Holder Email").inputValue()).toBe("holderEmail");
  expect(await popup.getByLabel("Field for column Floor").inputValue()).toBe("floor");
  await shot(popup, "mapped-custom");
  await validateAndSubmit(popup, 3, 1);
  await shot(popup, "submitted-custom");

  const stored = await records();
  expect(stored.version).toBe(1);
  expect(stored.data).toEqual([
    { badgeNumber: "B-101", holderEmail: "ann@example.com", floor: 3, active: true },
    { badgeNumber: "B-102", holderEmail: "bob@example.com", active: false },
    { badgeNumber: "B-103", holderEmail: "carl@example.com", floor: 5, active: true },
  ]);
  await popup.close();
  await page.close();
});

it("maps and submits a field the Worker's schema gained after the extension was built", async () => {
  const before = await api<{ $id: string; required: string[]; "x-intake-key": string[]; properties: object }>(
    "GET",
    `/v1/contexts/${NAME}/schema`,
  );
  // An ADDITION: one optional field, known by the alias "Site" (no ?confirm=breaking needed).
  const saved = await api<{ version: string; schemaId: string }>("PUT", `/v1/contexts/${NAME}`, {
    title: TITLE,
    category: "Facilities",
    schema: {
      type: "object",
      required: before.required,
      additionalProperties: false,
      "x-intake-key": before["x-intake-key"],
      properties: { ...before.properties, site: { type: "string", "x-intake-aliases": ["Site"] } },
    },
  });
  expect(saved.schemaId).not.toBe(before.$id);

  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 900, height: 1000 });
  await mapInPopup(
    popup,
    [
      "Badge Number,Holder Email,Floor,Active,Site",
      "B-101,ann@example.com,3,yes,North",
      "B-102,bob@example.com,4,no,South",
      "B-103,carl@example.com,5,yes,North",
    ].join("\n"),
    "badges-2.csv",
  );
  // The saved copy was asked for with its ETag, and the Worker's new revision replaced it.
  expect(await popup.getByText(`Schema version ${saved.schemaId.split(":").at(-1)}`).count()).toBe(1);
  expect(await popup.getByLabel("Field for column Site").inputValue()).toBe("site");
  await shot(popup, "mapped-new-field");
  await validateAndSubmit(popup, 3, 2);

  const stored = await records();
  expect(stored.version).toBe(2);
  expect(stored.data).toEqual([
    { badgeNumber: "B-101", holderEmail: "ann@example.com", floor: 3, active: true, site: "North" },
    { badgeNumber: "B-102", holderEmail: "bob@example.com", floor: 4, active: false, site: "South" },
    { badgeNumber: "B-103", holderEmail: "carl@example.com", floor: 5, active: true, site: "North" },
  ]);
  await popup.close();
});
