// End to end in a real Chromium: a born-digital PDF report (written here with pdf-lib) and a
// screenshot of the corpus opened in the built extension's popup, their tables read in the
// pipeline worker (PDF.js; the OCR engine in its nested worker), mapped, validated and submitted
// to the real Worker — then the API must hold exactly their rows, and the ingestion history the
// file (and page) they came from.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { seriousViolations } from "./axe.ts";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";
import { ownIntegration } from "./own-integration.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
const HEADER = ["Email", "First Name", "Last Name", "Status", "Created On", "MFA Enabled"];
const ROWS = [
  ["ann@example.com", "Ann", "Lee", "ACTIVE", "01012024", "true"],
  ["bob@example.com", "Bob", "Ray", "ACTIVE", "02012024", "false"],
  ["carl@example.com", "Carl", "Oz", "DISABLED", "03012024", "true"],
  ["dina@example.com", "Dina", "Kay", "ACTIVE", "29022024", "false"],
];

/** A one-page report as a desktop system prints it: a title, a ruled table, a page footer. */
async function reportPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([842, 595]);
  page.drawText("Acme ERP - User access report", { x: 40, y: 545, size: 16, font: bold });
  const size = 10;
  const rowHeight = 18;
  const widths = HEADER.map(
    (h, c) =>
      Math.max(
        bold.widthOfTextAtSize(h, size),
        ...ROWS.map((r) => regular.widthOfTextAtSize(r[c] ?? "", size)),
      ) + 16,
  );
  const total = widths.reduce((a, b) => a + b, 0);
  const top = 510;
  [HEADER, ...ROWS].forEach((row, r) => {
    const y = top - (r + 1) * rowHeight;
    let x = 40;
    row.forEach((cell, c) => {
      page.drawText(cell, {
        x: x + 8,
        y: y + 5,
        size,
        font: r === 0 ? bold : regular,
        color: rgb(0.1, 0.1, 0.1),
      });
      x += widths[c] as number;
    });
    page.drawLine({ start: { x: 40, y }, end: { x: 40 + total, y }, thickness: 0.5 });
  });
  page.drawLine({ start: { x: 40, y: top }, end: { x: 40 + total, y: top }, thickness: 0.5 });
  let x = 40;
  for (const w of [0, ...widths]) {
    x += w;
    page.drawLine({
      start: { x, y: top },
      end: { x, y: top - (ROWS.length + 1) * rowHeight },
      thickness: 0.5,
    });
  }
  page.drawText("Page 1 of 1", { x: 390, y: 30, size: 8, font: regular });
  return doc.save();
}

let browser: ExtensionBrowser;
let page: Page;
let own: { integrationId: string; ingestKey: string };
const lede = () => page.locator(".review .step-lede").innerText();

async function api<T>(path: string, integrationId = own.integrationId): Promise<T> {
  const response = await fetch(`${inject("workerUrl")}/v1/integrations/${integrationId}${path}`, {
    headers: { "x-api-key": inject("adminKey") },
  });
  return (await response.json()) as T;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  own = await ownIntegration("media-e2e", "Acme ERP");
  browser = await launchWithExtension(inject("extensionDir"));
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 800, height: 600 });
});
afterAll(async () => {
  await browser?.close();
});

it("reads a PDF report's table in the popup and submits its rows; the sync records the file and page", async () => {
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await page.getByLabel("Intake server URL").fill(inject("workerUrl"));
  await page.getByLabel("API key").fill(own.ingestKey);
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByLabel("Integration").waitFor();
  await page.getByLabel("Data").selectOption("saas_users");
  await page.getByRole("button", { name: "Continue", exact: true }).click();

  const file = join(tmpdir(), `intake-e2e-media-${Date.now()}`, "users-report.pdf");
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, await reportPdf());
  await page.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await page.getByText("users-report.pdf: PDF, page 1, 4 rows, 6 columns").waitFor({ timeout: 60_000 });
  expect(await page.getByRole("combobox", { name: "Separator" }).count()).toBe(0);
  expect(await page.getByRole("alert").count()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "media-01-pdf-read.png"), fullPage: true });

  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await expect.poll(() => page.getByLabel("Field for column Email").inputValue()).toBe("emailId");
  expect(await page.getByLabel("Field for column Status").inputValue()).toBe("userStatus");
  expect(await page.getByLabel("Field for column Created On").inputValue()).toBe("createdOn");
  await page.getByRole("button", { name: "Validate" }).click();
  await page.getByRole("grid", { name: "Your file" }).waitFor();
  await expect.poll(() => lede()).toBe("4 rows · 0 errors");
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "media-02-pdf-review.png"), fullPage: true });

  await page.getByRole("button", { name: "Review changes → Submit 4 records" }).click();
  await page.getByText(/Dataset version 1 is live: 4 records of saas_users/).waitFor({ timeout: 60_000 });

  const records = await api<{ version: number; data: unknown[] }>("/contexts/saas_users/records?limit=100");
  expect(records.version).toBe(1);
  expect(records.data).toEqual(
    ROWS.map(([emailId, firstName, lastName, userStatus, createdOn, mfa]) => ({
      emailId,
      firstName,
      lastName,
      userStatus,
      createdOn,
      mfaEnrolmentStatus: mfa === "true",
    })),
  );
  const history = await api<{ data: { kind: string; sourceName: string | null }[] }>("/ingestions");
  expect(history.data.find((e) => e.kind === "commit")?.sourceName).toBe("users-report.pdf, page 1");
});

it("reads a screenshot by OCR in the side panel at 360 × 800 and submits its emails; the sync records the image", async () => {
  const second = await ownIntegration("media-png-e2e", "Acme Desktop");
  const truth = JSON.parse(
    readFileSync(
      join(import.meta.dirname, "..", "fixtures", "media", "screenshots", "retina-2x.json"),
      "utf8",
    ),
  ) as { header: string[]; rows: string[][] };
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`chrome-extension://${browser.extensionId}/sidepanel.html`);
  await page.getByRole("button", { name: "Change connection" }).click();
  await page.getByLabel("API key").fill(second.ingestKey);
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByLabel("Integration").waitFor();
  await page.getByLabel("Data").selectOption("saas_users");
  await page.getByRole("button", { name: "Continue", exact: true }).click();

  await page
    .getByLabel(/CSV or JSON file/)
    .setInputFiles(join(import.meta.dirname, "..", "fixtures", "media", "screenshots", "retina-2x.png"));
  await page.getByText("retina-2x.png: read by OCR, 8 rows, 4 columns").waitFor({ timeout: 90_000 });
  expect(await page.getByRole("alert").count()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "media-03-png-read.png"), fullPage: true });

  // Only the emails: the system's own roles and statuses (AUDITOR, LOCKED) are not saas_users values.
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await expect.poll(() => page.getByLabel("Field for column Email").inputValue()).toBe("emailId");
  for (const column of ["User ID", "Role", "Status"])
    await page.getByLabel(`Field for column ${column}`).selectOption("");
  await page.getByRole("button", { name: "Validate" }).click();
  await page.getByRole("grid", { name: "Your file" }).waitFor();
  // The cells OCR was least sure of are warnings to check (this engine and image: three emails, read right).
  await expect.poll(() => lede()).toBe("8 rows · 0 errors · 3 warnings");
  // The side panel folds the problems into a strip until it is opened.
  const strip = page.getByRole("button", { name: /problems? in \d+ columns?/ });
  if (await strip.isVisible()) await strip.click();
  await page.getByRole("button", { name: /^emailId · read with low confidence \(warning\) 3$/ }).click();
  await page
    .locator("#review-message")
    .getByText(/Read from the image with \d+ % confidence — check it/)
    .waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, "media-04-png-review.png"), fullPage: true });
  await page.getByRole("button", { name: "Review changes → Submit 8 records" }).click();
  await page.getByText(/Dataset version 1 is live: 8 records of saas_users/).waitFor({ timeout: 60_000 });

  const records = await api<{ data: unknown[] }>(
    "/contexts/saas_users/records?limit=100",
    second.integrationId,
  );
  expect(records.data).toEqual(truth.rows.map((row) => ({ emailId: row[1] })));
  const history = await api<{ data: { kind: string; sourceName: string | null }[] }>(
    "/ingestions",
    second.integrationId,
  );
  expect(history.data.find((e) => e.kind === "commit")?.sourceName).toBe("retina-2x.png");
});
