// End to end in a real Chromium: the built extension against the real Worker (wrangler dev,
// local D1). Connect, pick a CSV with errors, see them in the review grid, fix one in place,
// accept a suggested fix, resolve a duplicate, submit — then the API must hold exactly the fixed
// records. A "Name" column split into firstName and lastName, with the preview the admin sees,
// stored split. Then, in the side panel at 360 px: a 200-row file with 30 planted errors, every
// message read in full, fixed with bulk fixes in a counted handful of actions, and submitted.
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { PLANTED, plantedCsv, plantedFixed } from "../fixtures/planted-errors.ts";
import { seriousViolations } from "./axe.ts";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";
import { ownIntegration } from "./own-integration.ts";

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
let own: { integrationId: string; ingestKey: string };
let step = 0;
/** The review step's counts line ("5 rows · 3 errors"). */
const lede = (on: Page = page) => on.locator(".review .step-lede").innerText();
const shot = async (name: string) => {
  step++;
  await page.screenshot({
    path: join(SHOTS, `upload-${String(step).padStart(2, "0")}-${name}.png`),
    fullPage: true,
  });
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  own = await ownIntegration("upload-e2e", "Acme Directory");
  browser = await launchWithExtension(inject("extensionDir"));
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 900, height: 1000 });
});
afterAll(async () => {
  await browser?.close();
});

it("validates, fixes and submits a file; the Worker holds exactly the fixed records", async () => {
  const workerUrl = inject("workerUrl");
  const { ingestKey, integrationId } = own;

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

  const grid = page.getByRole("grid", { name: "Your file" });
  await grid.waitFor();
  // "active" went through the value map the mapping step proposed; the ISO date did not.
  await expect.poll(() => lede()).toBe("5 rows · 3 errors");
  await page.getByRole("button", { name: /^createdOn · wrong format/ }).click();
  await page.getByText(/createdOn must be a real date in DDMMYYYY form/).waitFor();
  await shot("errors");

  // Fix the email in place: the problem jumps to its cell; Enter edits it.
  await page.getByRole("button", { name: /^emailId · wrong format/ }).click();
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.textContent))
    .toBe("carl.example.com, error");
  await page.keyboard.press("Enter");
  const cell = page.getByRole("textbox", { name: "emailId, row 3" });
  expect(await cell.inputValue()).toBe("carl.example.com");
  await cell.fill("carl@example.com");
  await cell.press("Enter");
  await expect.poll(() => lede()).toBe("5 rows · 2 errors");
  await shot("fixed-inline");

  await page.getByRole("button", { name: /^createdOn · wrong format/ }).click();
  await page.getByRole("button", { name: "Use 02012024" }).click();
  await expect.poll(() => lede()).toBe("5 rows · 1 error");
  await shot("accepted-suggestion");

  await page.getByRole("button", { name: "Keep first of each" }).click();
  await expect.poll(() => lede()).toBe("5 rows · 0 errors · 1 row left out");
  await page.getByText("No problems — ready to submit 4 records").waitFor();
  await shot("deduplicated");

  await page.getByRole("button", { name: "Review changes → Submit 4 records" }).click();
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

it("splits a Name column into firstName and lastName, shows the admin how, and the Worker stores the two", async () => {
  const workerUrl = inject("workerUrl");
  // From the previous test's mapping step, back to the source for another file.
  await page.getByRole("button", { name: "Back", exact: true }).click();
  const file = join(tmpdir(), `intake-e2e-names-${Date.now()}.csv`);
  writeFileSync(
    file,
    [
      "Email,Name",
      "ann.lee@contoso.com,Ann Lee",
      "mary.smith@contoso.com,Mary Ann Smith",
      'cy.oz@contoso.com,"Oz, Cy"',
      "prince@contoso.com,Prince",
    ].join("\n"),
  );
  await page.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await page.getByText(`${basename(file)}: 4 rows, 2 columns`, { exact: false }).waitFor();
  await page.getByRole("button", { name: "Continue to mapping" }).click();
  const name = page.getByLabel("Field for column Name");
  await expect.poll(() => name.locator("option:checked").innerText()).toBe("Split: firstName + lastName");
  const preview = page.locator(".split-preview");
  for (const line of [
    "Ann Lee → firstName “Ann”, lastName “Lee”",
    "Mary Ann Smith → firstName “Mary Ann”, lastName “Smith”",
    "Oz, Cy → firstName “Cy”, lastName “Oz”",
  ])
    expect(await preview.getByText(line, { exact: true }).isVisible()).toBe(true);
  expect(await preview.getByText(/^The last word becomes the last name/).isVisible()).toBe(true);
  expect(
    await page.getByText(/header means a person's full name; values look like first and last names/).count(),
  ).toBe(1);
  await shot("mapping-split");
  // Readable in the popup (800 × 600) and in the side panel (360 px): nothing clipped, no sideways
  // scroll. (The side panel reads the same file up to its mapping step, before anything is saved.)
  const fits = async (on: Page, width: number) => {
    const shown = on.locator(".split-preview");
    await shown.scrollIntoViewIfNeeded();
    const box = await shown.evaluate((el) => ({
      clipped: el.scrollWidth > el.clientWidth,
      right: el.getBoundingClientRect().right,
      page: document.scrollingElement?.scrollWidth ?? 0,
    }));
    expect(box.clipped).toBe(false);
    expect(box.right).toBeLessThanOrEqual(width);
    expect(box.page).toBeLessThanOrEqual(width);
  };
  await page.setViewportSize({ width: 800, height: 600 });
  await fits(page, 800);
  await page.screenshot({ path: join(SHOTS, "upload-mapping-split-popup.png") });
  await page.setViewportSize({ width: 900, height: 1000 });
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 360, height: 800 });
  await panel.goto(`chrome-extension://${browser.extensionId}/sidepanel.html`);
  await panel.getByLabel("Data").selectOption("saas_users");
  await panel.getByRole("button", { name: "Continue", exact: true }).click();
  await panel.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await panel.getByRole("button", { name: "Continue to mapping" }).click();
  await expect
    .poll(() => panel.getByLabel("Field for column Name").locator("option:checked").innerText())
    .toBe("Split: firstName + lastName");
  await fits(panel, 360);
  expect(await seriousViolations(panel)).toEqual([]);
  await panel.screenshot({ path: join(SHOTS, "upload-mapping-split-sidepanel.png"), fullPage: true });
  await panel.close();
  await page.bringToFront();
  // The split column counts as mapped.
  expect(await page.locator(".step-lede").innerText()).toMatch(/^2 of 2 columns mapped/);

  await page.getByRole("button", { name: "Validate 4 rows" }).click();
  const grid = page.getByRole("grid", { name: "Your file" });
  await grid.waitFor();
  await expect.poll(() => lede()).toBe("4 rows · 0 errors");
  expect(await grid.getByRole("columnheader").allInnerTexts()).toEqual(
    expect.arrayContaining(["emailId", "firstName", "lastName"]),
  );
  // A replacement of the first test's 4 records: under 10 records, no red confirmation.
  await page.getByRole("button", { name: "Review changes → Submit 4 records" }).click();
  await page.getByText(/Dataset version \d+ is live: 4 records of saas_users/).waitFor({ timeout: 60_000 });
  const response = await fetch(
    `${workerUrl}/v1/integrations/${own.integrationId}/contexts/saas_users/records?limit=100`,
    { headers: { "x-api-key": inject("adminKey") } },
  );
  const body = (await response.json()) as { data: unknown[] };
  expect(body.data).toEqual([
    { emailId: "ann.lee@contoso.com", firstName: "Ann", lastName: "Lee" },
    { emailId: "mary.smith@contoso.com", firstName: "Mary Ann", lastName: "Smith" },
    { emailId: "cy.oz@contoso.com", firstName: "Cy", lastName: "Oz" },
    // One word: a first name, no last name guessed.
    { emailId: "prince@contoso.com", firstName: "Prince" },
  ]);
});

it("fixes 30 planted errors of a 200-row file with bulk fixes in the side panel at 360 px", async () => {
  const workerUrl = inject("workerUrl");
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 360, height: 900 });
  const panelShot = async (name: string) => {
    step++;
    await panel.screenshot({
      path: join(SHOTS, `upload-${String(step).padStart(2, "0")}-sidepanel-${name}.png`),
      fullPage: true,
    });
  };
  /** Neither the page nor the step scrolls sideways at this width. */
  const noSideScroll = () =>
    panel.evaluate(() => document.scrollingElement?.scrollWidth ?? 0).then((w) => w <= 360);

  await panel.goto(`chrome-extension://${browser.extensionId}/sidepanel.html`);
  await panel.getByLabel("Data").selectOption("saas_users");
  await panel.getByRole("button", { name: "Continue", exact: true }).click();
  const file = join(tmpdir(), `intake-e2e-planted-${Date.now()}.csv`);
  writeFileSync(file, plantedCsv());
  await panel.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await panel.getByRole("button", { name: "Continue to mapping" }).click();
  // The first test's file has these columns: its saved mapping applies and the rows are validated.
  const grid = panel.getByRole("grid", { name: "Your file" });
  await grid.waitFor({ timeout: 60_000 });
  await expect.poll(() => lede(panel)).toBe("200 rows · 30 errors");
  expect(await noSideScroll()).toBe(true);
  await panelShot("review");

  /** Every action the admin takes to fix the file and submit it, counted. */
  let actions = 0;
  const act = async (what: Promise<void>) => {
    actions++;
    await what;
  };

  const strip = panel.getByRole("button", { name: "30 problems in 4 columns" });
  expect(await strip.getAttribute("aria-expanded")).toBe("false");
  await act(strip.click());
  const problems = panel.getByRole("navigation", { name: "Problems" });
  await panelShot("problems-open");

  // Every problem's full message shows under the grid for its cell: not clipped, no page scroll.
  const message = panel.locator("#review-message");
  const groups: [RegExp, number, RegExp][] = [
    [
      /^createdOn · wrong format/,
      PLANTED.dates,
      /createdOn must be a real date in DDMMYYYY form, e\.g\. 01012024; got "2024-\d\d-\d\d"/,
    ],
    [
      /^mfaEnrolmentStatus · wrong type/,
      PLANTED.mfa,
      /mfaEnrolmentStatus must be true or false, e\.g\. true; got "(yes|no|Y|N|on|off)"/,
    ],
    [
      /^emailId · wrong format/,
      PLANTED.emails,
      /emailId must be an email address.*; got "(<|mailto:|User Name <)user\d{3}@example\.com>?"/,
    ],
    [
      /^userStatus · not an allowed value/,
      PLANTED.status,
      /userStatus must be one of ACTIVE, DISABLED, DELETED; got "(Active|Disabled|disabled|Deleted|deleted)"/,
    ],
    [/^emailId · missing/, PLANTED.blank, /emailId is required but missing, e\.g\. jane\.doe@example\.com/],
  ];
  let seen = 0;
  for (const [name, count, text] of groups) {
    const title = problems.getByRole("button", { name });
    const where = message.locator(".review-message-where");
    let previous = await where.innerText();
    await title.click();
    const rows = new Set<string>();
    for (let k = 0; k < count; k++) {
      if (k > 0)
        await title
          .locator("xpath=..")
          .getByRole("button", { name: /^Next: / })
          .click();
      await expect.poll(async () => (await where.innerText()) !== previous).toBe(true);
      previous = await where.innerText();
      expect(await message.innerText()).toMatch(text);
      rows.add(previous);
      const box = await message.evaluate((el) => ({
        clipped: el.scrollWidth > el.clientWidth,
        right: el.getBoundingClientRect().right,
      }));
      expect(box.clipped).toBe(false);
      expect(box.right).toBeLessThanOrEqual(360);
      expect(await noSideScroll()).toBe(true);
      seen++;
    }
    expect(rows.size).toBe(count);
  }
  expect(seen).toBe(30);
  await panelShot("message");
  expect(await seriousViolations(panel)).toEqual([]);

  // Tab leaves the grid (one tab stop) on its way to the primary action.
  await grid.locator('[tabindex="0"]').focus();
  await panel.keyboard.press("Tab");
  expect(await panel.evaluate(() => !!document.activeElement?.closest('[role="grid"]'))).toBe(false);
  const focusedText = () => panel.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
  let tabs = 1;
  while ((await focusedText()) !== "Review changes → Submit 200 records" && tabs < 30) {
    await panel.keyboard.press("Tab");
    tabs++;
  }
  expect(await focusedText()).toBe("Review changes → Submit 200 records");

  const fixAll = (n: number, column: string) =>
    act(problems.getByRole("button", { name: `Fix all ${n} ${column} values` }).click());
  await fixAll(PLANTED.dates, "createdOn");
  await expect.poll(() => lede(panel)).toBe("200 rows · 22 errors");
  await fixAll(PLANTED.mfa, "mfaEnrolmentStatus");
  await fixAll(PLANTED.emails, "emailId");
  await fixAll(PLANTED.status, "userStatus");
  await expect.poll(() => lede(panel)).toBe("200 rows · 4 errors");
  await act(
    problems.getByRole("button", { name: `Leave out ${PLANTED.blank} rows with emailId missing` }).click(),
  );
  await panel.getByText("No problems — ready to submit 196 records").waitFor();
  expect(await lede(panel)).toBe("200 rows · 0 errors · 4 rows left out");
  expect(await noSideScroll()).toBe(true);
  await panelShot("fixed");

  // Undo brings the last fix back, redo does it again (not counted: not needed to fix).
  await panel.getByRole("button", { name: "Undo" }).click();
  await expect.poll(() => lede(panel)).toBe("200 rows · 4 errors");
  await panel.keyboard.press("Control+Shift+Z");
  await expect.poll(() => lede(panel)).toBe("200 rows · 0 errors · 4 rows left out");

  await act(panel.getByRole("button", { name: "Review changes → Submit 196 records" }).click());
  // The previous test's 4 records all go, but a dataset of under 10 records is replaced without
  // the red confirmation (replacementConcerns).
  await panel
    .getByText(/Dataset version \d+ is live: 196 records of saas_users/)
    .waitFor({ timeout: 60_000 });
  expect(await panel.getByRole("heading", { name: "Confirm the replacement" }).count()).toBe(0);
  await panelShot("submitted");
  expect(actions).toBeLessThanOrEqual(10);
  expect(actions).toBe(7);

  const response = await fetch(
    `${workerUrl}/v1/integrations/${own.integrationId}/contexts/saas_users/records?limit=500`,
    { headers: { "x-api-key": inject("adminKey") } },
  );
  const body = (await response.json()) as { data: Record<string, unknown>[] };
  const byEmail = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a.emailId).localeCompare(String(b.emailId));
  expect(body.data.sort(byEmail)).toEqual(plantedFixed().sort(byEmail));
  await panel.close();
});
