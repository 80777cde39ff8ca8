// Status board (every integration and context with its status and reasons), ingestion history
// with error details, and dataset versions with restore. The Worker's answers are recorded, in its
// words (its status rules and history are tested in test/worker/data-status.test.ts and
// data-history.test.ts).
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type {
  DatasetDiff,
  DatasetVersion,
  Ingestion,
  Integration,
  IntegrationStatus,
} from "../../../schemas/api-types.ts";
import type { Answer, Sent } from "../fake-api.ts";
import { ACME, detailOf, NO_VERSIONS } from "../recorded-answers.ts";
import { renderConsole } from "./console-helpers.tsx";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

const OKTA: Integration = {
  id: "int_okta",
  name: "Okta",
  displayName: null,
  description: null,
  logo: "#aa3300",
  contexts: ["discovered_applications"],
  createdAt: "2024-01-01T00:00:00Z",
  updatedAt: "2024-01-01T00:00:00Z",
};

const FAILED =
  "An upload failed at 2024-05-03T00:00:00Z (2 invalid records); nothing was committed or restored since";

const ACME_STATUS: IntegrationStatus = {
  integrationId: "int_acme",
  computedAt: "2024-06-01T12:00:00.000Z",
  status: "Failed",
  reasons: [`list_employees: ${FAILED}`],
  contexts: [
    {
      context: "saas_users",
      status: "Active",
      reasons: ["Data committed at 2024-05-02T00:00:00Z"],
      lastCommitAt: "2024-05-02T00:00:00Z",
    },
    { context: "list_employees", status: "Failed", reasons: [FAILED], lastCommitAt: null },
  ],
};

const OKTA_STATUS: IntegrationStatus = {
  integrationId: "int_okta",
  computedAt: "2024-06-01T12:00:00.000Z",
  status: "Warning",
  reasons: [
    "discovered_applications: No data yet; a usable key is ready",
    'discovered_applications: The key "laptop" expires on 2024-07-01T00:00:00Z',
  ],
  contexts: [
    {
      context: "discovered_applications",
      status: "Warning",
      reasons: ["No data yet; a usable key is ready", 'The key "laptop" expires on 2024-07-01T00:00:00Z'],
      lastCommitAt: null,
    },
  ],
};

const ingestion = (entry: Partial<Ingestion>): Ingestion => ({
  id: "ing_1",
  context: "saas_users",
  kind: "commit",
  outcome: "success",
  recordCount: 0,
  errorCount: 0,
  warningCount: 0,
  detail: null,
  firstErrors: [],
  syncId: null,
  version: null,
  sourceName: null,
  keyName: "laptop",
  createdAt: "2024-06-01T12:00:00Z",
  ...entry,
});

const COMMIT = ingestion({ id: "ing_2", recordCount: 12, version: 2, createdAt: "2024-05-02T00:00:00Z" });
const BATCH_FAILURE = ingestion({
  id: "ing_1",
  context: "list_employees",
  kind: "batch",
  outcome: "failure",
  recordCount: 2,
  errorCount: 2,
  detail: "2 invalid records",
  firstErrors: [
    { row: 1, pointer: "/id", field: "id", keyword: "required", message: "id is required" },
    {
      row: 2,
      pointer: "/email",
      field: "email",
      keyword: "format",
      message: "email must be an email address",
      value: "x",
    },
  ],
  createdAt: "2024-05-01T00:00:00Z",
});

const version = (n: number, recordCount: number, extra: Partial<DatasetVersion> = {}): DatasetVersion => ({
  version: n,
  recordCount,
  source: "sync",
  keyName: "laptop",
  committedAt: `2024-05-0${n}T00:00:00Z`,
  schemaId: "urn:intake:saas_users:1-1-0",
  storage: "hot",
  ...extra,
});

/** GET …/versions: newest first, the newest current. */
const versionList = (...list: DatasetVersion[]) => ({
  ...NO_VERSIONS,
  data: list.map((v, i) => ({ ...v, current: i === 0 })),
});

const SAAS_USERS = "/v1/integrations/int_acme/contexts/saas_users";

/** What the Worker answers for Acme (and Okta) with data: statuses, history, saas_users' versions. */
function seeded(list = versionList(version(2, 12), version(1, 10))): Record<string, Answer> {
  return {
    "GET /v1/integrations": { data: [ACME, OKTA] },
    "GET /v1/integrations/int_acme/status": ACME_STATUS,
    "GET /v1/integrations/int_okta/status": OKTA_STATUS,
    "GET /v1/integrations/int_okta": detailOf(OKTA, { discovered_applications: "Discovered applications" }),
    // The history of one context when asked for it, else of all.
    "GET /v1/integrations/int_acme/ingestions": (sent: Sent) => ({
      data: sent.search.includes("context=saas_users") ? [COMMIT] : [COMMIT, BATCH_FAILURE],
      nextBefore: null,
    }),
    [`GET ${SAAS_USERS}/versions`]: list,
  };
}

/** What restoring version 1 (of `from` records) over version 2 (of `current`) does. */
const restoreDiff = (from: number, current: number): DatasetDiff => ({
  current: { version: 2, recordCount: current },
  incoming: from,
  added: 0,
  removed: current - from,
  changed: 0,
  unchanged: from,
  removedShare: (current - from) / current,
  lostValues: [],
  examples: { added: [], removed: [], changed: [] },
});

describe("status board", () => {
  it("lists every integration and context with its status and reasons", async () => {
    await renderConsole({ scope: "admin", answers: seeded() });
    fireEvent.click(await screen.findByRole("button", { name: "Status" }));
    const board = await screen.findByRole("table", { name: "Status of every integration and context" });
    await waitFor(() =>
      expect(board.querySelector('[data-context="int_okta/discovered_applications"]')).toBeTruthy(),
    );
    const row = (key: string) => board.querySelector(`[data-context="${key}"]`)?.textContent ?? "";
    // The Worker's reason, with its time in the one local format.
    expect(row("int_acme/saas_users")).toMatch(/saas_usersActiveData committed at 2 May 2024, \d{2}:\d{2}/);
    expect(row("int_acme/list_employees")).toMatch(
      /list_employeesFailedAn upload failed at 3 May 2024, \d{2}:\d{2} \(2 invalid records\)/,
    );
    expect(row("int_okta/discovered_applications")).toMatch(/Warning.*The key "laptop" expires/);
    // the integration rows carry the worst status
    const heads = within(board)
      .getAllByRole("rowheader")
      .map((h) => h.closest("tr")?.textContent);
    expect(heads).toEqual([expect.stringMatching(/^AAcmeFailed/), expect.stringMatching(/^OOktaWarning/)]);
    fireEvent.click(within(board).getByRole("button", { name: "Okta" }));
    await screen.findByRole("heading", { name: "Okta" });
  });
});

describe("history and versions", () => {
  it("shows the ingestion history with the first errors of a failed attempt, filterable by context", async () => {
    const { api } = await renderConsole({ scope: "admin", answers: seeded() });
    fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
    const history = await screen.findByRole("table", { name: "Ingestion history" });
    const rows = within(history).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.querySelectorAll("td")[3]?.textContent)).toEqual(["commit", "batch"]);
    const failed = rows[1] as HTMLElement;
    expect(failed.textContent).toMatch(/list_employees.*batch.*failure/);
    expect(within(failed).getByText("2 errors")).toBeTruthy();
    expect(within(failed).getByText("Row 1, id: id is required")).toBeTruthy();
    expect(within(failed).getByText("Row 2, email: email must be an email address")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("History of context"), { target: { value: "saas_users" } });
    await waitFor(() =>
      expect(
        within(screen.getByRole("table", { name: "Ingestion history" }))
          .getAllByRole("row")
          .slice(1),
      ).toHaveLength(1),
    );
    expect(api.requests.at(-1)).toMatchObject({
      path: "/v1/integrations/int_acme/ingestions",
      search: expect.stringContaining("context=saas_users"),
    });
  });

  it("restores an earlier dataset version after confirming", async () => {
    // After the restore the Worker lists version 3 and records the restore in the history.
    let restored = false;
    const answers = seeded();
    const { api } = await renderConsole({
      scope: "ingest",
      answers: {
        ...answers,
        [`GET ${SAAS_USERS}/versions/1/diff`]: restoreDiff(10, 12),
        [`POST ${SAAS_USERS}/versions/1/restore`]: () => {
          restored = true;
          return { ...version(3, 10, { source: "restore" }), restoredFrom: 1 };
        },
        [`GET ${SAAS_USERS}/versions`]: () =>
          restored
            ? versionList(version(3, 10, { source: "restore" }), version(2, 12), version(1, 10))
            : versionList(version(2, 12), version(1, 10)),
        "GET /v1/integrations/int_acme/ingestions": () => ({
          data: [
            ...(restored ? [ingestion({ id: "ing_3", kind: "restore", recordCount: 10, version: 3 })] : []),
            COMMIT,
            BATCH_FAILURE,
          ],
          nextBefore: null,
        }),
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
    const versions = await screen.findByRole("table", { name: "Dataset versions of saas_users" });
    const rows = within(versions).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.querySelector("td")?.textContent)).toEqual(["2current", "1"]);
    expect(within(rows[0] as HTMLElement).queryByRole("button")).toBeNull();
    fireEvent.click(within(versions).getByRole("button", { name: "Restore version 1 of saas_users" }));
    const dialog = await screen.findByRole("dialog", { name: "Restore version 1?" });
    expect(dialog.textContent).toMatch(/10 records/);
    // What the restore does, from the Worker's diff; 2 of 12 records (17 %) go: no reason to look twice.
    await within(dialog).findByText(
      "Replaces version 2 (12 records) with 10 records: 2 removed, 10 unchanged.",
    );
    expect(within(dialog).queryByText("Check before restoring")).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Restore version 1" }).className).toBe(
      "btn btn--primary",
    );
    fireEvent.click(within(dialog).getByRole("button", { name: "Restore version 1" }));
    await screen.findByText("Version 1 restored as version 3.");
    expect(
      api.requests.some((r) => r.method === "POST" && r.path.endsWith("/saas_users/versions/1/restore")),
    ).toBe(true);
    await waitFor(() =>
      expect(
        within(screen.getByRole("table", { name: "Dataset versions of saas_users" }))
          .getAllByRole("row")
          .slice(1)
          .map((r) => r.querySelector("td")?.textContent),
      ).toEqual(["3current", "2", "1"]),
    );
    // the restore shows in the history too
    await waitFor(() =>
      expect(
        within(screen.getByRole("table", { name: "Ingestion history" })).getByText("restore"),
      ).toBeTruthy(),
    );
    expect(screen.getByText(/No data committed to list_employees yet/)).toBeTruthy();
  });

  it("says where each version is kept: the database, or the archive", async () => {
    await renderConsole({
      scope: "ingest",
      answers: seeded(versionList(version(2, 12), version(1, 10, { storage: "archive" }))),
    });
    fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
    const versions = await screen.findByRole("table", { name: "Dataset versions of saas_users" });
    const kept = within(versions).getByRole("columnheader", { name: "Kept in" });
    const column = [...(kept.parentElement?.children ?? [])].indexOf(kept);
    const cells = within(versions)
      .getAllByRole("row")
      .slice(1)
      .map((r) => r.children[column]?.textContent);
    expect(cells).toEqual(["Database", "Archive"]);
    expect(
      screen.getByText(
        /the newest 3 in the database, older ones in the archive, where they are read and restored from/,
      ),
    ).toBeTruthy();
  });

  it("asks as an upload does before a restore that removes most records", async () => {
    const { api } = await renderConsole({
      scope: "ingest",
      answers: {
        [`GET ${SAAS_USERS}/versions`]: versionList(version(2, 197), version(1, 1)),
        [`GET ${SAAS_USERS}/versions/1/diff`]: restoreDiff(1, 197),
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
    const versions = await screen.findByRole("table", { name: "Dataset versions of saas_users" });
    fireEvent.click(within(versions).getByRole("button", { name: "Restore version 1 of saas_users" }));
    const dialog = await screen.findByRole("dialog", { name: "Restore version 1?" });
    await within(dialog).findByText(
      "Replaces version 2 (197 records) with 1 record: 196 removed, 1 unchanged.",
    );
    expect(within(dialog).getByText("Check before restoring")).toBeTruthy();
    expect(
      within(dialog).getByText("This upload removes 196 of the 197 records in version 2 (99 %)."),
    ).toBeTruthy();
    const restore = within(dialog).getByRole("button", { name: "Restore version 1" });
    expect(restore.className).toBe("btn btn--danger");
    // Cancel changes nothing.
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.requests.some((r) => r.path.endsWith("/restore"))).toBe(false);
    expect(api.requests.some((r) => r.path.endsWith("/versions/1/diff"))).toBe(true);
  });
});
