// Firefox for real: the Firefox build passes Mozilla's add-on linter, loads into Firefox ESR as a
// temporary add-on over WebDriver BiDi, and uploads a file to the real Worker (wrangler dev).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it, onTestFailed } from "vitest";
import {
  choose,
  click,
  E2E_OPEN_PAGE,
  FIREFOX,
  type FirefoxWithExtension,
  fill,
  formatLint,
  launchFirefoxWithExtension,
  lintFirefoxBuild,
  pickFile,
  waitForText,
} from "./firefox.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
const CONTEXT = "list_employees";
const CSV = [
  "Employee ID,Full Name,Work Email,Department",
  "E-1,Ann Lee,ann@example.com,Engineering",
  "E-2,Bob Ray,bob@example.com,Sales",
  "E-3,Cy Oz,cy@example.com,Finance",
].join("\n");

let firefox: FirefoxWithExtension;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  firefox = await launchFirefoxWithExtension(inject("firefoxE2eExtensionDir"));
  // Which Firefox this ran on, in the test log (the test depends on no particular version).
  console.info(`Firefox end-to-end on ${firefox.version} (${FIREFOX})`);
});
afterAll(async () => {
  await firefox?.close();
});

it("passes web-ext lint with no errors", async () => {
  const report = await lintFirefoxBuild(inject("firefoxExtensionDir"));
  expect(report.errors, formatLint(report.errors)).toEqual([]);
});

it("production build carries no end-to-end hook", () => {
  const background = readFileSync(join(inject("firefoxExtensionDir"), "background.js"), "utf8");
  expect(background).not.toContain(E2E_OPEN_PAGE);
  const e2eBackground = readFileSync(join(inject("firefoxE2eExtensionDir"), "background.js"), "utf8");
  expect(e2eBackground).toContain(E2E_OPEN_PAGE);
});

it("loads as a temporary add-on and submits a file to the Worker", async () => {
  const { page } = firefox;
  expect(firefox.version).toMatch(/^firefox\/\d+/i);
  onTestFailed(async () => {
    await page.screenshot({ path: join(SHOTS, "firefox-failed.png"), fullPage: true }).catch(() => {});
  });
  const workerUrl = inject("workerUrl");
  const integrationId = inject("integrationId");

  await firefox.open("popup.html");
  await fill(page, "Intake server URL", workerUrl);
  await fill(page, "API key", inject("ingestKey"));
  await click(page, "Test connection");
  await choose(page, "Data", CONTEXT);
  await click(page, "Continue");

  const file = join(tmpdir(), `intake-e2e-firefox-${Date.now()}.csv`);
  writeFileSync(file, CSV);
  await pickFile(page, /CSV or JSON file/, file);
  await click(page, "Continue to mapping");
  await click(page, /^Validate 3 rows$/);
  await click(page, /Submit 3 records/);
  // The outcome, success or failure, ends the wait: a failure is reported with the page's words.
  const outcome = await waitForText(
    page,
    /Dataset version \d+ is live: 3 records of list_employees|The upload failed: .*/,
    60_000,
  );
  await page.screenshot({ path: join(SHOTS, "firefox-submitted.png"), fullPage: true });

  const response = await fetch(
    `${workerUrl}/v1/integrations/${integrationId}/contexts/${CONTEXT}/records?limit=100`,
    { headers: { "x-api-key": inject("adminKey") } },
  );
  const body = (await response.json()) as { version: number; data: unknown[] };
  expect(outcome).toBe(`Dataset version ${body.version} is live: 3 records of list_employees`);
  expect(body.data).toEqual([
    { id: "E-1", employee_name: "Ann Lee", email: "ann@example.com", department: "Engineering" },
    { id: "E-2", employee_name: "Bob Ray", email: "bob@example.com", department: "Sales" },
    { id: "E-3", employee_name: "Cy Oz", email: "cy@example.com", department: "Finance" },
  ]);
});
