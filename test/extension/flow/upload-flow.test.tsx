// The popup/side panel flow end to end: connect -> choose -> pick file -> map -> see errors -> fix
// inline -> accept a suggestion -> resolve a duplicate -> submit, and what it shows of the Worker's
// diff and commit. The Worker's answers are recorded (recorded-answers.ts) and each test checks what
// the flow sent; the same upload against the real Worker is tested in test/worker/client/.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { FlowDeps } from "../../../extension/flow/deps.ts";
import { UploadFlow } from "../../../extension/flow/UploadFlow.tsx";
import { createPipelineClient, inlineTransport } from "../../../extension/pipeline/client.ts";
import type { PipelineReply, PipelineRequest } from "../../../extension/pipeline/protocol.ts";
import { connectionItem, mappingsItem, pendingSyncItem } from "../../../extension/storage.ts";
import type { DatasetDiff, SchemaChangeNotice } from "../../../schemas/api-types.ts";
import { type ContextSchema, csvTemplate, getSchema, type IntakeRecord } from "../../../schemas/index.ts";
import { type Answer, bodyJson, type Faults, problem, recorded, type Sent, withFaults } from "../fake-api.ts";
import {
  ACME,
  batchAccepted,
  catalog,
  committed,
  firstDiff,
  me,
  SYNC_STARTED,
  served,
} from "../recorded-answers.ts";

const CSV = [
  "Email,First Name,Last Name,Status,Created On,Manager Email",
  "ann@x.co,Ann,Lee,ACTIVE,01012024,boss@x.co",
  "bob@x.co,Bob,Ray,active,02012024,boss@x.co",
  "carl.x.co,Carl,Oz,ACTIVE,03012024,boss@x.co",
  "ann@x.co,Ann,Lee,ACTIVE,01012024,boss@x.co",
].join("\n");

const KEY = "ik_laptop";
const SYNC = "/v1/integrations/int_acme/contexts/saas_users/syncs/sync_1";

/** The Worker as the flow meets it: Acme, the catalog, the saas_users schema, a sync; `answers` add to it. */
function worker(answers: Record<string, Answer | Answer[]> = {}): Faults {
  return withFaults(
    recorded({
      "GET /v1/me": me(),
      "GET /v1/integrations": { data: [ACME] },
      "GET /v1/contexts": catalog(),
      "GET /v1/contexts/saas_users/schema": served(getSchema("saas_users") as ContextSchema),
      "GET /v1/contexts/saas_users/template.csv": new Response(csvTemplate("saas_users"), {
        headers: { "content-type": "text/csv" },
      }),
      "POST /v1/integrations/int_acme/contexts/saas_users/syncs": SYNC_STARTED,
      [`PUT ${SYNC}/batches/*`]: batchAccepted,
      [`DELETE ${SYNC}`]: new Response(null, { status: 204 }),
      ...answers,
    }),
  );
}

/** A first upload of these records' emails: the diff (all added) and the commit of version 1. */
const firstUpload = (emails: string[]) => ({
  [`GET ${SYNC}/diff`]: firstDiff(
    emails.length,
    emails.slice(0, 5).map((emailId) => ({ emailId })),
  ),
  [`POST ${SYNC}/commit`]: committed(1, emails.length),
});

/** What the Worker answers about replacing version 1 (`recordCount` records) with `diff`. */
const replacing = (recordCount: number, diff: Partial<DatasetDiff>): DatasetDiff => ({
  current: { version: 1, recordCount },
  incoming: 0,
  added: 0,
  removed: 0,
  changed: 0,
  unchanged: 0,
  removedShare: 0,
  lostValues: [],
  examples: { added: [], removed: [], changed: [] },
  ...diff,
});

const seqOf = (r: Sent) => Number(r.path.split("/").pop());
/** The records the flow sent, batch after batch. */
async function submitted(api: Faults): Promise<IntakeRecord[]> {
  const puts = api.requests.filter((r) => r.method === "PUT").sort((a, b) => seqOf(a) - seqOf(b));
  const bodies = await Promise.all(puts.map((r) => bodyJson<{ data: IntakeRecord[] }>(r)));
  return bodies.flatMap((b) => b.data);
}
/** The bodies of the commits the flow asked for. */
const commits = (api: Faults) =>
  Promise.all(api.requests.filter((r) => r.path.endsWith("/commit")).map((r) => bodyJson(r)));

function setup(answers: Record<string, Answer | Answer[]> = {}) {
  const api = worker(answers);
  const downloads: { name: string; content: string }[] = [];
  const deps: FlowDeps = {
    fetch: api.fetch,
    sleep: async () => {},
    // The pipeline uploads from its own thread, with the same (fake) network.
    createPipeline: () => createPipelineClient(inlineTransport({ fetch: api.fetch, sleep: async () => {} })),
    requestHostPermission: vi.fn(async () => true),
    download: (name, content) =>
      void (typeof content === "string" ? Promise.resolve(content) : content.text()).then((text) =>
        downloads.push({ name, content: text }),
      ),
  };
  // The surfaces mount the flow inside <main>, as here.
  render(<UploadFlow deps={deps} />, {
    container: document.body.appendChild(document.createElement("main")),
  });
  return { api, deps, downloads };
}

async function connect() {
  fireEvent.input(await screen.findByLabelText("Intake server URL"), {
    target: { value: "http://127.0.0.1:8787/" },
  });
  fireEvent.input(screen.getByLabelText("API key"), { target: { value: KEY } });
  fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
}

async function chooseUsers() {
  const data = await screen.findByLabelText("Data");
  fireEvent.change(data, { target: { value: "saas_users" } });
  fireEvent.click(screen.getByRole("button", { name: "Continue" }));
}

async function pickFile(text: string, name = "users.csv") {
  const input = await screen.findByLabelText(/CSV or JSON file/);
  Object.defineProperty(input, "files", {
    value: [new File([text], name, { type: "text/csv" })],
    configurable: true,
  });
  fireEvent.change(input);
  fireEvent.click(await screen.findByRole("button", { name: "Continue to mapping" }));
}

/** Connects, picks `csv` (emails only), validates and presses Submit. */
async function submitFile(csv: string) {
  await connect();
  await chooseUsers();
  await pickFile(csv);
  fireEvent.click(await screen.findByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
  fireEvent.click(await screen.findByRole("button", { name: /^Review changes → Submit [\d,]+ records?$/ }));
}

/** axe's findings on the page (colour contrast is not computed by happy-dom). */
async function violations() {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`);
}

/** The review grid's cells marked as errors, as "row:field". */
const errorCells = () => {
  const grid = screen.getByRole("grid", { name: "Your file" });
  const fields = within(grid)
    .getAllByRole("columnheader")
    .map((h) => h.textContent);
  return [...grid.querySelectorAll(".review-cell--error")].map(
    (cell) =>
      `${cell.closest('[role="row"]')?.querySelector('[role="rowheader"]')?.textContent}:${fields[Number(cell.getAttribute("data-col"))]}`,
  );
};
const reviewCounts = () => document.querySelector(".step-lede")?.textContent ?? "";

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(cleanup);

/** The Worker's diff of uploading only a@x.co over version 1's ten people, a@ to j@. */
const SHRINKING = replacing(10, {
  incoming: 1,
  removed: 9,
  unchanged: 1,
  removedShare: 0.9,
  examples: {
    added: [],
    removed: ["b", "c", "d", "e", "f"].map((c) => ({ emailId: `${c}@x.co` })),
    changed: [],
  },
});

describe("upload flow", () => {
  it("connects, maps, shows errors, fixes them and submits exactly the fixed records", async () => {
    const { api, deps, downloads } = setup(firstUpload(["ann@x.co", "bob@x.co", "carl@x.co"]));
    await connect();
    await screen.findByLabelText("Integration");
    expect(deps.requestHostPermission).toHaveBeenCalledWith("http://127.0.0.1/*");
    expect(await connectionItem.getValue()).toEqual({ workerUrl: "http://127.0.0.1:8787", apiKey: KEY });
    expect(api.requests[0]).toMatchObject({ path: "/v1/me", headers: { "x-api-key": KEY } });

    // template download from the Worker
    fireEvent.change(screen.getByLabelText("Data"), { target: { value: "saas_users" } });
    fireEvent.click(screen.getByRole("button", { name: "Download CSV template" }));
    await waitFor(() => expect(downloads[0]?.name).toBe("saas_users-template.csv"));
    expect(downloads[0]?.content).toMatch(/^Email,First Name/);

    await chooseUsers();
    await pickFile(CSV);

    // mapping: auto-mapped with confidence; Manager Email left for the admin
    expect(((await screen.findByLabelText("Field for column Email")) as HTMLSelectElement).value).toBe(
      "emailId",
    );
    expect((screen.getByLabelText("Field for column Manager Email") as HTMLSelectElement).value).toBe("");
    expect((screen.getByLabelText("Field for column Created On") as HTMLSelectElement).value).toBe(
      "createdOn",
    );
    // the Status values fit through a proposed value map: "active" -> ACTIVE
    expect((screen.getByLabelText("Value for “active” in userStatus") as HTMLSelectElement).value).toBe(
      "ACTIVE",
    );
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));

    // errors: bad email (row 3), duplicate (row 4); row 2's "active" went through the value map
    await screen.findByRole("grid", { name: "Your file" });
    await waitFor(() => expect(errorCells()).toEqual(["3:emailId", "4:emailId"]));
    expect(reviewCounts()).toBe("4 rows · 2 errors");
    const submit = screen.getByRole("button", { name: "Review changes → Submit 4 records" });
    expect(submit.getAttribute("aria-disabled")).toBe("true");

    // fix the email in place: the problems panel jumps to its cell, which the message explains
    fireEvent.click(screen.getByRole("button", { name: /^emailId · wrong format/ }));
    await waitFor(() => expect(document.activeElement?.textContent).toBe("carl.x.co, error"));
    expect(screen.getByText(/emailId must be an email address/)).toBeTruthy();
    fireEvent.keyDown(document.activeElement as Element, { key: "Enter" });
    const cell = screen.getByRole("textbox", { name: "emailId, row 3" }) as HTMLInputElement;
    expect(cell.value).toBe("carl.x.co");
    fireEvent.input(cell, { target: { value: "carl@x.co" } });
    fireEvent.keyDown(cell, { key: "Enter" });
    await waitFor(() => expect(errorCells()).toEqual(["4:emailId"]));

    // resolve the duplicate keeping the first row
    fireEvent.click(screen.getByRole("button", { name: "Keep first of each" }));
    await waitFor(() => expect(reviewCounts()).toBe("4 rows · 0 errors · 1 row left out"));

    // the error report and corrected file can be downloaded
    fireEvent.click(screen.getByRole("button", { name: "Download corrected CSV" }));
    await waitFor(() => expect(downloads.at(-1)?.name).toBe("users-corrected.csv"));
    expect(downloads.at(-1)?.content.split("\r\n")).toHaveLength(5);

    fireEvent.click(screen.getByRole("button", { name: "Review changes → Submit 3 records" }));
    await screen.findByText(/Dataset version 1 is live: 3 records of saas_users/);
    // The first upload: the difference was looked at before the commit, and not asked about.
    expect(screen.getByText("Created the first version, with 3 records: 3 added.")).toBeTruthy();
    const paths = api.requests.map((r) => r.path);
    expect(paths.findIndex((p) => p.endsWith("/diff"))).toBe(
      paths.findIndex((p) => p.endsWith("/commit")) - 1,
    );
    expect(await commits(api)).toEqual([{ expectedRecords: 3 }]);
    expect(await submitted(api)).toEqual([
      { emailId: "ann@x.co", firstName: "Ann", lastName: "Lee", userStatus: "ACTIVE", createdOn: "01012024" },
      { emailId: "bob@x.co", firstName: "Bob", lastName: "Ray", userStatus: "ACTIVE", createdOn: "02012024" },
      {
        emailId: "carl@x.co",
        firstName: "Carl",
        lastName: "Oz",
        userStatus: "ACTIVE",
        createdOn: "03012024",
      },
    ]);
    expect(await pendingSyncItem.getValue()).toBeNull();
  });

  it("validates the file ahead under the suggested mapping while the admin checks it", async () => {
    const api = worker();
    const requests: PipelineRequest[] = [];
    const replies: PipelineReply[] = [];
    const deps: FlowDeps = {
      fetch: api.fetch,
      sleep: async () => {},
      createPipeline: () => {
        const inner = inlineTransport({ fetch: api.fetch, sleep: async () => {} });
        return createPipelineClient({
          post: (request) => {
            requests.push(request);
            inner.post(request);
          },
          listen: (onReply) =>
            inner.listen((reply) => {
              replies.push(reply);
              onReply(reply);
            }),
          close: () => inner.close(),
        });
      },
      requestHostPermission: vi.fn(async () => true),
      download: () => {},
    };
    render(<UploadFlow deps={deps} />, {
      container: document.body.appendChild(document.createElement("main")),
    });
    await connect();
    await chooseUsers();
    await pickFile(CSV);
    await screen.findByLabelText("Field for column Email");
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    await screen.findByRole("grid", { name: "Your file" });
    // The file was read for saas_users with the tenant's (empty) history …
    const inspect = requests.find((r) => r.method === "inspect");
    expect(inspect?.params).toMatchObject({ options: { prepare: { context: "saas_users", history: [] } } });
    // … and the validation the admin asked for found every row already validated under that mapping.
    const validate = requests.find((r) => r.method === "validate");
    const done = replies.find((r) => r.id === validate?.id && r.type === "done");
    expect(done).toMatchObject({ result: { recordCount: 4, prepared: 4 } });
  });

  it("reuses the saved mapping for the same file layout without asking", async () => {
    const { api } = setup(firstUpload(["b@x.co"]));
    await connect();
    await chooseUsers();
    await pickFile("Email,Manager Email\na@x.co,m@x.co\n");
    fireEvent.change(await screen.findByLabelText("Field for column Manager Email"), {
      target: { value: "department" },
    });
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    await screen.findByRole("grid", { name: "Your file" });
    expect(Object.values(await mappingsItem.getValue())[0]?.mapping.columns).toEqual([
      "emailId",
      "department",
    ]);

    fireEvent.click(screen.getByRole("button", { name: "Change" }));
    await chooseUsers();
    await pickFile("email,manager email\nb@x.co,n@x.co\n", "again.csv");
    // Straight on to validation, saying so, with a way back to the mapping.
    await screen.findByText("Saved mapping for these columns applied");
    expect(screen.queryByLabelText("Field for column email")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Review mapping" }));
    expect(
      ((await screen.findByLabelText("Field for column manager email")) as HTMLSelectElement).value,
    ).toBe("department");
    expect(screen.getByText("Saved mapping for these columns applied")).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toMatch(/^Map columns to/));
    fireEvent.click(screen.getByRole("button", { name: "Validate 1 row" }));
    fireEvent.click(await screen.findByRole("button", { name: "Review changes → Submit 1 record" }));
    await screen.findByText(/Dataset version 1 is live/);
    expect(await submitted(api)).toEqual([{ emailId: "b@x.co", department: "n@x.co" }]);
  });

  it("maps enum values and sets a constant before validating", async () => {
    const { api } = setup(firstUpload(["a@x.co", "b@x.co"]));
    await connect();
    await chooseUsers();
    await pickFile("Email,Status\na@x.co,active\nb@x.co,Disabled\n");
    fireEvent.click(await screen.findByRole("button", { name: "Use suggested values for userStatus" }));
    fireEvent.input(screen.getByLabelText("accountType"), { target: { value: "SERVICE" } });
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Review changes → Submit 2 records" }));
    await screen.findByText(/Dataset version 1 is live/);
    expect(await submitted(api)).toEqual([
      { emailId: "a@x.co", userStatus: "ACTIVE", accountType: "SERVICE" },
      { emailId: "b@x.co", userStatus: "DISABLED", accountType: "SERVICE" },
    ]);
  });

  it("never guesses a value: an unknown status stays as is, is an error in the review, and its choices are offered", async () => {
    const { api } = setup(firstUpload(["a@x.co", "b@x.co", "c@x.co", "d@x.co"]));
    await connect();
    await chooseUsers();
    await pickFile("Email,Status\na@x.co,active\nb@x.co,Enabled\nc@x.co,Enabled\nd@x.co,DISABLED\n");
    // The case fix is exact and applied; "Enabled" is offered, not chosen.
    expect(
      ((await screen.findByLabelText("Value for “active” in userStatus")) as HTMLSelectElement).value,
    ).toBe("ACTIVE");
    const enabled = screen.getByLabelText("Value for “Enabled” in userStatus") as HTMLSelectElement;
    expect(enabled.value).toBe("");
    expect([...enabled.options].find((o) => o.value === "ACTIVE")?.text).toBe("ACTIVE (suggested)");
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));

    await screen.findByRole("grid", { name: "Your file" });
    await waitFor(() => expect(errorCells()).toEqual(["2:userStatus", "3:userStatus"]));
    fireEvent.click(screen.getByRole("button", { name: /^userStatus · not an allowed value/ }));
    const choices = await screen.findByRole("group", { name: "Every “Enabled” in userStatus becomes" });
    expect(
      within(choices)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["ACTIVE", "DISABLED", "DELETED"]);
    expect(await violations()).toEqual([]);
    fireEvent.click(within(choices).getByRole("button", { name: "DISABLED" }));
    await waitFor(() => expect(reviewCounts()).toBe("4 rows · 0 errors"));
    fireEvent.click(screen.getByRole("button", { name: "Review changes → Submit 4 records" }));
    await screen.findByText(/Dataset version 1 is live/);
    expect((await submitted(api)).map((r) => r.userStatus)).toEqual([
      "ACTIVE",
      "DISABLED",
      "DISABLED",
      "DISABLED",
    ]);
  });

  it("offers Windows-1252 with a preview for a file that is not UTF-8", async () => {
    setup();
    await connect();
    await chooseUsers();
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("Email,Last Name\na@x.co,M"),
      0xfc,
      0x6c,
      0x0a,
    ]);
    const input = await screen.findByLabelText(/CSV or JSON file/);
    Object.defineProperty(input, "files", { value: [new File([bytes], "excel.csv")], configurable: true });
    fireEvent.change(input);
    expect((await screen.findByLabelText("Windows-1252 preview")).textContent).toContain("2: a@x.co,Mül");
    fireEvent.click(screen.getByRole("button", { name: "Read as Windows-1252" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/1 row, 2 columns.*windows-1252/);
  });

  it("refuses a bad key with a clear message and stays on connect", async () => {
    const { api } = setup({ "GET /v1/me": problem(401, "The API key is not valid") });
    fireEvent.input(await screen.findByLabelText("Intake server URL"), {
      target: { value: "http://127.0.0.1:8787" },
    });
    fireEvent.input(screen.getByLabelText("API key"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /^The Intake server refused this API key: “The API key is not valid”/,
    );
    expect(await connectionItem.getValue()).toBeNull();
    expect(api.requests.map((r) => [r.path, r.headers["x-api-key"]])).toEqual([["/v1/me", "nope"]]);
  });

  it("comes back to Connect on its own when the saved key is refused, and says why", async () => {
    // The saved key is refused; the one pasted next is not.
    const api = worker({ "GET /v1/me": [problem(401, "The API key is not valid"), me()] });
    await connectionItem.setValue({ workerUrl: "http://w", apiKey: "ik_revoked" });
    render(
      <UploadFlow
        deps={{
          fetch: api.fetch,
          sleep: async () => {},
          createPipeline: () => createPipelineClient(inlineTransport({ fetch: api.fetch })),
          requestHostPermission: async () => true,
          download: () => {},
        }}
      />,
    );
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The Intake server refused this API key: “The API key is not valid”. Paste the whole key again, or ask your administrator for a new one.",
    );
    expect(screen.getByRole("heading", { name: "Connect to Intake" })).toBeTruthy();
    expect((screen.getByLabelText("API key") as HTMLInputElement).value).toBe("ik_revoked");
    // A key that works clears it.
    fireEvent.input(screen.getByLabelText("API key"), { target: { value: KEY } });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    await screen.findByLabelText("Integration");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(api.requests.filter((r) => r.path === "/v1/me").map((r) => r.headers["x-api-key"])).toEqual([
      "ik_revoked",
      KEY,
    ]);
  });

  it("aborts a sync left open by a popup that was closed mid-upload", async () => {
    const api = worker();
    await connectionItem.setValue({ workerUrl: "http://w", apiKey: KEY });
    await pendingSyncItem.setValue({
      workerUrl: "http://w",
      integrationId: "int_acme",
      context: "saas_users",
      syncId: "sync_1",
      startedAt: "2024-01-01T00:00:00Z",
    });
    render(
      <UploadFlow
        deps={{
          fetch: api.fetch,
          createPipeline: () => createPipelineClient(inlineTransport({ fetch: api.fetch })),
          requestHostPermission: async () => true,
          download: () => {},
        }}
      />,
    );
    await screen.findByLabelText("Integration");
    await waitFor(() => expect(api.requests.some((r) => r.method === "DELETE")).toBe(true));
    expect(api.requests.filter((r) => r.method === "DELETE")).toEqual([
      expect.objectContaining({ path: SYNC, headers: expect.objectContaining({ "x-api-key": KEY }) }),
    ]);
    await waitFor(async () => expect(await pendingSyncItem.getValue()).toBeNull());
  });

  it("asks before a replacement that removes most records; cancel keeps the previous version", async () => {
    const { api } = setup({ [`GET ${SYNC}/diff`]: SHRINKING });
    await submitFile("Email\na@x.co\n");
    const heading = await screen.findByRole("heading", { name: "Confirm the replacement" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(
      screen.getByText("Replaces version 1 (10 records) with 1 record: 9 removed, 1 unchanged."),
    ).toBeTruthy();
    expect(screen.getByText("Removed: b@x.co, c@x.co, d@x.co, e@x.co, f@x.co and 4 more")).toBeTruthy();
    // The words of the one rule (replacementConcerns), which the Worker uses too.
    expect(screen.getByText("This upload removes 9 of the 10 records in version 1 (90 %).")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Replace version 1" })).toBeTruthy();
    // Waiting for the answer: nothing is committed yet, and no finished progress bar stays above it.
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(await violations()).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Cancel upload" }));
    await screen.findByText(/Upload cancelled. Nothing was stored; the previous dataset is unchanged./);
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
    expect(api.requests.at(-1)).toMatchObject({ method: "DELETE", path: SYNC });
    expect(await pendingSyncItem.getValue()).toBeNull();
  });

  it("commits a confirmed replacement and shows what it did", async () => {
    const { api } = setup({ [`GET ${SYNC}/diff`]: SHRINKING, [`POST ${SYNC}/commit`]: committed(2, 1) });
    await submitFile("Email\na@x.co\n");
    fireEvent.click(await screen.findByRole("button", { name: "Replace version 1" }));
    await screen.findByText(/Dataset version 2 is live: 1 record of saas_users/);
    expect(
      screen.getByText("Replaced version 1 (10 records) with 1 record: 9 removed, 1 unchanged."),
    ).toBeTruthy();
    expect(await commits(api)).toEqual([{ expectedRecords: 1, confirmReplacement: true }]);
    expect(await submitted(api)).toEqual([{ emailId: "a@x.co" }]);
  });

  it("names the values a column left out of the file would erase, and asks", async () => {
    // Version 1: nine people, eight of them in Sales; the same people pasted without Department.
    const people = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    const { api } = setup({
      [`GET ${SYNC}/diff`]: replacing(9, {
        incoming: 9,
        changed: 8,
        unchanged: 1,
        lostValues: [{ field: "department", records: 8, missing: true }],
        examples: {
          added: [],
          removed: [],
          changed: people.slice(0, 5).map((c) => ({ emailId: `${c}@x.co` })),
        },
      }),
    });
    await submitFile(
      `Email\n${["a", "b", "c", "d", "e", "f", "g", "h", "i"].map((c) => `${c}@x.co`).join("\n")}\n`,
    );
    await screen.findByRole("heading", { name: "Confirm the replacement" });
    expect(
      screen.getByText("department would be emptied in 8 of 9 records (the upload has no such column)."),
    ).toBeTruthy();
    expect(screen.getByText("Values it erases: department in 8 records (no such column)")).toBeTruthy();
    expect(
      screen.getByText("Replaces version 1 (9 records) with 9 records: 8 changed, 1 unchanged."),
    ).toBeTruthy();
    expect(await submitted(api)).toEqual(people.map((c) => ({ emailId: `${c}@x.co` })));
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
  });

  it("replaces a dataset of under 10 records without the red confirmation", async () => {
    const { api } = setup({
      [`GET ${SYNC}/diff`]: replacing(1, {
        incoming: 12,
        added: 12,
        removed: 1,
        removedShare: 1,
        examples: { added: [], removed: [{ emailId: "a@x.co" }], changed: [] },
      }),
      [`POST ${SYNC}/commit`]: committed(2, 12),
    });
    await submitFile(`Email\n${Array.from({ length: 12 }, (_, i) => `u${i}@x.co`).join("\n")}\n`);
    await screen.findByText(/Dataset version 2 is live: 12 records of saas_users/);
    expect(screen.queryByRole("heading", { name: "Confirm the replacement" })).toBeNull();
    expect(
      screen.getByText("Replaced version 1 (1 record) with 12 records: 1 removed, 12 added."),
    ).toBeTruthy();
    expect(await commits(api)).toEqual([{ expectedRecords: 12 }]);
  });

  it("says nothing changed when the upload equals the current version", async () => {
    const { api } = setup({
      [`GET ${SYNC}/diff`]: replacing(2, { incoming: 2, unchanged: 2 }),
      [`POST ${SYNC}/commit`]: committed(1, 2, { unchanged: true }),
    });
    await submitFile("Email\nb@x.co\na@x.co\n");
    const done = await screen.findByRole("heading", { name: "Nothing changed" });
    await waitFor(() => expect(document.activeElement).toBe(done));
    expect(screen.getByText(/^Nothing changed — version 1 stays current/)).toBeTruthy();
    expect(screen.queryByText(/is live/)).toBeNull();
    expect(await commits(api)).toEqual([{ expectedRecords: 2 }]);
  });

  it("commits a growing upload without asking, then shows the diff and opens the versions", async () => {
    const { api } = setup({
      [`GET ${SYNC}/diff`]: replacing(1, {
        incoming: 2,
        added: 1,
        unchanged: 1,
        examples: { added: [{ emailId: "b@x.co" }], removed: [], changed: [] },
      }),
      [`POST ${SYNC}/commit`]: committed(2, 2),
    });
    const openOptionsPage = vi.spyOn(fakeBrowser.runtime, "openOptionsPage").mockResolvedValue();
    await submitFile("Email\na@x.co\nb@x.co\n");
    const done = await screen.findByRole("heading", { name: "Upload complete" });
    await waitFor(() => expect(document.activeElement).toBe(done));
    expect(screen.queryByRole("button", { name: /^Replace/ })).toBeNull();
    expect(screen.getByText(/Dataset version 2 is live: 2 records of saas_users/)).toBeTruthy();
    expect(
      screen.getByText("Replaced version 1 (1 record) with 2 records: 1 added, 1 unchanged."),
    ).toBeTruthy();
    expect(screen.getByText("Added: b@x.co")).toBeTruthy();
    expect(screen.getByText(/under Acme → Dataset versions of saas_users/)).toBeTruthy();
    expect(await commits(api)).toEqual([{ expectedRecords: 2 }]);
    expect(await violations()).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Open dataset versions" }));
    expect(openOptionsPage).toHaveBeenCalledOnce();
  });

  it("says so when the schema was revised while the file was being uploaded", async () => {
    const message = "The saas_users schema was revised since this file was validated (1-0-1 → 1-1-0)";
    const notice: SchemaChangeNotice = {
      kind: "revision",
      validatedAgainst: "urn:intake:saas_users:1-0-1",
      current: "urn:intake:saas_users:1-1-0",
      message,
    };
    setup({ ...firstUpload(["a@x.co"]), [`POST ${SYNC}/commit`]: committed(1, 1, { schemaChange: notice }) });
    await submitFile("Email\na@x.co\n");
    await screen.findByRole("heading", { name: "Upload complete" });
    expect(screen.getByText("The schema changed during this upload")).toBeTruthy();
    expect(screen.getByText(message)).toBeTruthy();
  });

  it("asks when the server cannot say what changes, and commits on yes", async () => {
    // A Worker older than the diff route answers it 404.
    const { api } = setup({
      [`GET ${SYNC}/diff`]: problem(404, `No route for GET ${SYNC}/diff`),
      [`POST ${SYNC}/commit`]: committed(2, 3),
    });
    await submitFile("Email\na@x.co\nb@x.co\nc@x.co\n");
    const heading = await screen.findByRole("heading", { name: "Replace without knowing what changes?" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(
      screen.getByText(/cannot tell what the upload changes \(it is older than this extension\)/),
    ).toBeTruthy();
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Replace the current data" }));
    await screen.findByText(/Dataset version 2 is live: 3 records of saas_users/);
    expect(await commits(api)).toEqual([{ expectedRecords: 3, confirmReplacement: true }]);
  });

  it("has no accessibility violations on the fixing step", async () => {
    setup();
    await connect();
    await chooseUsers();
    await pickFile(CSV);
    fireEvent.click(await screen.findByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    await screen.findByRole("grid", { name: "Your file" });
    await waitFor(() => expect(errorCells()).toHaveLength(2));
    expect(await violations()).toEqual([]);
  });
});
