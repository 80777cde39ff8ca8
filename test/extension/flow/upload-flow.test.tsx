// The popup/side panel flow end to end against a fake Worker: connect -> choose -> pick file ->
// map -> see errors -> fix inline -> accept a suggestion -> resolve a duplicate -> submit.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { FlowDeps } from "../../../extension/flow/deps.ts";
import { UploadFlow } from "../../../extension/flow/UploadFlow.tsx";
import { createPipelineClient, inlineTransport } from "../../../extension/pipeline/client.ts";
import type { PipelineReply, PipelineRequest } from "../../../extension/pipeline/protocol.ts";
import { connectionItem, mappingsItem, pendingSyncItem } from "../../../extension/storage.ts";
import { FakeIntakeApi } from "../fake-api.ts";

const CSV = [
  "Email,First Name,Last Name,Status,Created On,Manager Email",
  "ann@x.co,Ann,Lee,ACTIVE,01012024,boss@x.co",
  "bob@x.co,Bob,Ray,active,02012024,boss@x.co",
  "carl.x.co,Carl,Oz,ACTIVE,03012024,boss@x.co",
  "ann@x.co,Ann,Lee,ACTIVE,01012024,boss@x.co",
].join("\n");

function setup() {
  const api = new FakeIntakeApi();
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

async function connect(api: FakeIntakeApi) {
  fireEvent.input(await screen.findByLabelText("Intake server URL"), {
    target: { value: "http://127.0.0.1:8787/" },
  });
  fireEvent.input(screen.getByLabelText("API key"), { target: { value: api.apiKey } });
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

/** A current dataset (version 1) of saas_users records with these emails. */
function seed(api: FakeIntakeApi, emails: string[]) {
  api.datasets.set("int_acme/saas_users", { version: 1, records: emails.map((emailId) => ({ emailId })) });
}

/** Connects, picks `csv` (emails only), validates and presses Submit. */
async function submitFile(api: FakeIntakeApi, csv: string) {
  await connect(api);
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

describe("upload flow", () => {
  it("connects, maps, shows errors, fixes them and submits exactly the fixed records", async () => {
    const { api, deps, downloads } = setup();
    await connect(api);
    await screen.findByLabelText("Integration");
    expect(deps.requestHostPermission).toHaveBeenCalledWith("http://127.0.0.1/*");
    expect(await connectionItem.getValue()).toEqual({
      workerUrl: "http://127.0.0.1:8787",
      apiKey: api.apiKey,
    });

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
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual([
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
    const api = new FakeIntakeApi();
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
    await connect(api);
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
    const { api } = setup();
    await connect(api);
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
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual([
      { emailId: "b@x.co", department: "n@x.co" },
    ]);
  });

  it("maps enum values and sets a constant before validating", async () => {
    const { api } = setup();
    await connect(api);
    await chooseUsers();
    await pickFile("Email,Status\na@x.co,active\nb@x.co,Disabled\n");
    fireEvent.click(await screen.findByRole("button", { name: "Use suggested values for userStatus" }));
    fireEvent.input(screen.getByLabelText("accountType"), { target: { value: "SERVICE" } });
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Review changes → Submit 2 records" }));
    await screen.findByText(/Dataset version 1 is live/);
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual([
      { emailId: "a@x.co", userStatus: "ACTIVE", accountType: "SERVICE" },
      { emailId: "b@x.co", userStatus: "DISABLED", accountType: "SERVICE" },
    ]);
  });

  it("never guesses a value: an unknown status stays as is, is an error in the review, and its choices are offered", async () => {
    const { api } = setup();
    await connect(api);
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
    expect(api.datasets.get("int_acme/saas_users")?.records.map((r) => r.userStatus)).toEqual([
      "ACTIVE",
      "DISABLED",
      "DISABLED",
      "DISABLED",
    ]);
  });

  it("offers Windows-1252 with a preview for a file that is not UTF-8", async () => {
    const { api } = setup();
    await connect(api);
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
    const { api } = setup();
    fireEvent.input(await screen.findByLabelText("Intake server URL"), {
      target: { value: "http://127.0.0.1:8787" },
    });
    fireEvent.input(screen.getByLabelText("API key"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /^The Intake server refused this API key: “The API key is not valid”/,
    );
    expect(await connectionItem.getValue()).toBeNull();
    expect(api.requests.map((r) => r.path)).toEqual(["/v1/me"]);
  });

  it("comes back to Connect on its own when the saved key is refused, and says why", async () => {
    const api = new FakeIntakeApi();
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
    fireEvent.input(screen.getByLabelText("API key"), { target: { value: api.apiKey } });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    await screen.findByLabelText("Integration");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("aborts a sync left open by a popup that was closed mid-upload", async () => {
    const api = new FakeIntakeApi();
    const client = await import("../../../extension/api-client.ts");
    const { syncId } = await client
      .createApiClient({ baseUrl: "http://w", apiKey: api.apiKey, fetch: api.fetch })
      .startSync("int_acme", "saas_users");
    await connectionItem.setValue({ workerUrl: "http://w", apiKey: api.apiKey });
    await pendingSyncItem.setValue({
      workerUrl: "http://w",
      integrationId: "int_acme",
      context: "saas_users",
      syncId,
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
    expect(api.syncs.get(syncId)?.state).toBe("aborted");
    expect(await pendingSyncItem.getValue()).toBeNull();
  });

  it("asks before a replacement that removes most records; cancel keeps the previous version", async () => {
    const { api } = setup();
    const emails = "abcdefghij".split("").map((c) => `${c}@x.co`);
    seed(api, emails);
    await submitFile(api, "Email\na@x.co\n");
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
    expect([...api.syncs.values()].at(-1)?.state).toBe("aborted");
    expect(api.datasets.get("int_acme/saas_users")?.version).toBe(1);
    expect(api.datasets.get("int_acme/saas_users")?.records).toHaveLength(10);
    expect(await pendingSyncItem.getValue()).toBeNull();
  });

  it("commits a confirmed replacement and shows what it did", async () => {
    const { api } = setup();
    seed(
      api,
      "abcdefghij".split("").map((c) => `${c}@x.co`),
    );
    await submitFile(api, "Email\na@x.co\n");
    fireEvent.click(await screen.findByRole("button", { name: "Replace version 1" }));
    await screen.findByText(/Dataset version 2 is live: 1 record of saas_users/);
    expect(
      screen.getByText("Replaced version 1 (10 records) with 1 record: 9 removed, 1 unchanged."),
    ).toBeTruthy();
    expect(api.requests.find((r) => r.path.endsWith("/commit"))?.body).toEqual({
      expectedRecords: 1,
      confirmReplacement: true,
    });
    expect(api.datasets.get("int_acme/saas_users")?.records).toEqual([{ emailId: "a@x.co" }]);
  });

  it("names the values a column left out of the file would erase, and asks", async () => {
    const { api } = setup();
    api.datasets.set("int_acme/saas_users", {
      version: 1,
      records: ["a", "b", "c", "d", "e", "f", "g", "h", "i"].map((c, i) => ({
        emailId: `${c}@x.co`,
        ...(i < 8 ? { department: "Sales" } : {}),
      })),
    });
    // The same people, pasted without their Department column.
    await submitFile(
      api,
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
  });

  it("replaces a dataset of under 10 records without the red confirmation", async () => {
    const { api } = setup();
    seed(api, ["a@x.co"]);
    await submitFile(api, `Email\n${Array.from({ length: 12 }, (_, i) => `u${i}@x.co`).join("\n")}\n`);
    await screen.findByText(/Dataset version 2 is live: 12 records of saas_users/);
    expect(screen.queryByRole("heading", { name: "Confirm the replacement" })).toBeNull();
    expect(
      screen.getByText("Replaced version 1 (1 record) with 12 records: 1 removed, 12 added."),
    ).toBeTruthy();
  });

  it("says nothing changed when the upload equals the current version", async () => {
    const { api } = setup();
    seed(api, ["a@x.co", "b@x.co"]);
    await submitFile(api, "Email\nb@x.co\na@x.co\n");
    const done = await screen.findByRole("heading", { name: "Nothing changed" });
    await waitFor(() => expect(document.activeElement).toBe(done));
    expect(screen.getByText(/^Nothing changed — version 1 stays current/)).toBeTruthy();
    expect(screen.queryByText(/is live/)).toBeNull();
    expect(api.datasets.get("int_acme/saas_users")?.version).toBe(1);
  });

  it("commits a growing upload without asking, then shows the diff and opens the versions", async () => {
    const { api } = setup();
    const openOptionsPage = vi.spyOn(fakeBrowser.runtime, "openOptionsPage").mockResolvedValue();
    seed(api, ["a@x.co"]);
    await submitFile(api, "Email\na@x.co\nb@x.co\n");
    const done = await screen.findByRole("heading", { name: "Upload complete" });
    await waitFor(() => expect(document.activeElement).toBe(done));
    expect(screen.queryByRole("button", { name: /^Replace/ })).toBeNull();
    expect(screen.getByText(/Dataset version 2 is live: 2 records of saas_users/)).toBeTruthy();
    expect(
      screen.getByText("Replaced version 1 (1 record) with 2 records: 1 added, 1 unchanged."),
    ).toBeTruthy();
    expect(screen.getByText("Added: b@x.co")).toBeTruthy();
    expect(screen.getByText(/under Acme → Dataset versions of saas_users/)).toBeTruthy();
    expect(await violations()).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Open dataset versions" }));
    expect(openOptionsPage).toHaveBeenCalledOnce();
  });

  it("says so when the schema was revised while the file was being uploaded", async () => {
    const { api } = setup();
    const message = "The saas_users schema was revised since this file was validated (1-0-1 → 1-1-0)";
    api.commitNotice = {
      kind: "revision",
      validatedAgainst: "urn:intake:saas_users:1-0-1",
      current: "urn:intake:saas_users:1-1-0",
      message,
    };
    await submitFile(api, "Email\na@x.co\n");
    await screen.findByRole("heading", { name: "Upload complete" });
    expect(screen.getByText("The schema changed during this upload")).toBeTruthy();
    expect(screen.getByText(message)).toBeTruthy();
  });

  it("asks when the server cannot say what changes, and commits on yes", async () => {
    const { api } = setup();
    seed(api, ["a@x.co", "b@x.co"]);
    api.failNext("GET", /\/diff$/, { status: 404 });
    await submitFile(api, "Email\na@x.co\nb@x.co\nc@x.co\n");
    const heading = await screen.findByRole("heading", { name: "Replace without knowing what changes?" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(
      screen.getByText(/cannot tell what the upload changes \(it is older than this extension\)/),
    ).toBeTruthy();
    expect(api.requests.some((r) => r.path.endsWith("/commit"))).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Replace the current data" }));
    await screen.findByText(/Dataset version 2 is live: 3 records of saas_users/);
  });

  it("has no accessibility violations on the fixing step", async () => {
    const { api } = setup();
    await connect(api);
    await chooseUsers();
    await pickFile(CSV);
    fireEvent.click(await screen.findByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    await screen.findByRole("grid", { name: "Your file" });
    await waitFor(() => expect(errorCells()).toHaveLength(2));
    expect(await violations()).toEqual([]);
  });
});
