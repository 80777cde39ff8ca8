// End to end in a real Chromium: the built extension against the real Worker (wrangler dev,
// local D1). Connect, pick a CSV with errors, see them, fix one inline, accept a suggested fix,
// resolve a duplicate, submit — then the API must hold exactly the fixed records.
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
const CSV = [
  "Email,First Name,Last Name,Status,Created On,MFA Enabled",
  "ann@example.com,Ann,Lee,ACTIVE,01012024,TRUE",
  "bob@example.com,Bob,Ray,active,2024-01-02,false",
  "carl.example.com,Carl,Oz,ACTIVE,03012024,True",
  "dina@example.com,Dina,Kay,DISABLED,29022024,FALSE",
  "ann@example.com,Ann,Lee,ACTIVE,01012024,TRUE",
].join("\n");

let browser: ExtensionBrowser;
let page: Page;
let step = 0;
const shot = async (name: string) => {
  step++;
  await page.screenshot({
    path: join(SHOTS, `upload-${String(step).padStart(2, "0")}-${name}.png`),
    fullPage: true,
  });
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchWithExtension(inject("extensionDir"));
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 900, height: 1000 });
});
afterAll(async () => {
  await browser?.close();
});

it("validates, fixes and submits a file; the Worker holds exactly the fixed records", async () => {
  const workerUrl = inject("workerUrl");
  const ingestKey = inject("ingestKey");
  const integrationId = inject("integrationId");

  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await page.getByLabel("Intake server URL").fill(workerUrl);
  await page.getByLabel("API key").fill(ingestKey);
  await shot("connect");
  await page.getByRole("button", { name: "Test connection" }).click();
  await page.getByLabel("Integration").waitFor();
  await page.getByLabel("Data").selectOption("saas_users");
  await shot("choose");
  await page.getByRole("button", { name: "Continue", exact: true }).click();

  const file = join(tmpdir(), `intake-e2e-users-${Date.now()}.csv`);
  writeFileSync(file, CSV);
  await page.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  await expect.poll(() => page.getByLabel("Field for column Email").inputValue()).toBe("emailId");
  expect(await page.getByLabel("Field for column Status").inputValue()).toBe("userStatus");
  expect(await page.getByLabel("Value for “active” in userStatus").inputValue()).toBe("ACTIVE");
  await shot("mapping");
  await page.getByRole("button", { name: "Validate" }).click();

  const errors = page.getByRole("table", { name: "Errors" });
  await errors.waitFor();
  // "active" went through the value map the mapping step proposed; the ISO date did not.
  await expect.poll(async () => (await page.getByText(/5 rows · 3 errors/).count()) > 0).toBe(true);
  expect(await errors.getByText(/createdOn must be a real date in DDMMYYYY form/).count()).toBe(1);
  await shot("errors");

  const cell = page.getByLabel("emailId in row 3");
  expect(await cell.inputValue()).toBe("carl.example.com");
  await cell.fill("carl@example.com");
  await cell.press("Enter");
  await expect.poll(async () => (await page.getByText(/5 rows · 2 errors/).count()) > 0).toBe(true);
  await shot("fixed-inline");

  await page.getByRole("button", { name: "Use suggested value 02012024 for createdOn in row 2" }).click();
  await expect.poll(async () => (await page.getByText(/5 rows · 1 error/).count()) > 0).toBe(true);
  await shot("accepted-suggestion");

  await page.getByRole("button", { name: "Keep the first of the rows duplicating row 5" }).click();
  await expect.poll(async () => (await page.getByText(/4 rows · 0 errors/).count()) > 0).toBe(true);
  await shot("deduplicated");

  await page.getByRole("button", { name: "Submit 4 records" }).click();
  await page.getByText(/Dataset version 1 is live: 4 records of saas_users/).waitFor({ timeout: 60_000 });
  // The Worker's diff, asked for before the commit: a first version is committed without asking.
  expect(await page.getByText("Created the first version, with 4 records: 4 added.").count()).toBe(1);
  await shot("submitted");

  const response = await fetch(
    `${workerUrl}/v1/integrations/${integrationId}/contexts/saas_users/records?limit=100`,
    {
      headers: { "x-api-key": inject("adminKey") },
    },
  );
  const body = (await response.json()) as { version: number; data: unknown[] };
  expect(body.version).toBe(1);
  expect(body.data).toEqual([
    {
      emailId: "ann@example.com",
      firstName: "Ann",
      lastName: "Lee",
      userStatus: "ACTIVE",
      createdOn: "01012024",
      mfaEnrolmentStatus: true,
    },
    {
      emailId: "bob@example.com",
      firstName: "Bob",
      lastName: "Ray",
      userStatus: "ACTIVE",
      createdOn: "02012024",
      mfaEnrolmentStatus: false,
    },
    {
      emailId: "carl@example.com",
      firstName: "Carl",
      lastName: "Oz",
      userStatus: "ACTIVE",
      createdOn: "03012024",
      mfaEnrolmentStatus: true,
    },
    {
      emailId: "dina@example.com",
      firstName: "Dina",
      lastName: "Kay",
      userStatus: "DISABLED",
      createdOn: "29022024",
      mfaEnrolmentStatus: false,
    },
  ]);
});

it("maps an export by its values and says why, and refuses a generic header whose values disagree", async () => {
  await page.getByRole("button", { name: "Upload another file" }).click();
  const file = join(tmpdir(), `intake-e2e-entra-${Date.now()}.csv`);
  writeFileSync(
    file,
    [
      "User Principal Name,Display Name,status,userType,Join date",
      "ann.lee@contoso.com,Ann Lee,Primary Owner,Member,2023-04-01",
      "bob.ray@contoso.com,Bob Ray,Admin,Member,2023-05-12",
      "cy.oz@contoso.com,Cy Oz,Member,Guest,2024-01-20",
      "dee.kay@contoso.com,Dee Kay,Deactivated,Member,2024-02-02",
    ].join("\n"),
  );
  await page.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  // The only column of unique emails is the email key, whatever its header.
  await expect
    .poll(() => page.getByLabel("Field for column User Principal Name").inputValue())
    .toBe("emailId");
  expect(
    await page.getByText(/header matches synonym .User Principal Name.; values are unique emails/).count(),
  ).toBe(1);
  // Generic headers whose values fit no value of the field are left for the admin, with the reason.
  expect(await page.getByLabel("Field for column status").inputValue()).toBe("");
  expect(await page.getByText(/values \(Primary Owner, Admin, Member\) don't fit/).count()).toBe(1);
  expect(await page.getByLabel("Field for column userType").inputValue()).toBe("");
  expect(await page.getByLabel("Field for column Join date").inputValue()).toBe("createdOn");
  await shot("mapping-by-values");
});
