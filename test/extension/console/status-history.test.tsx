// Status board (every integration and context with its status and reasons), ingestion history
// with error details, and dataset versions with restore.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { FakeIntakeApi } from "../fake-api.ts";
import { renderConsole } from "./console-helpers.tsx";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

function seed(api: FakeIntakeApi) {
  api.integrations.push({
    id: "int_okta",
    name: "Okta",
    displayName: null,
    description: null,
    logo: "#aa3300",
    contexts: ["discovered_applications"],
    createdAt: "2024-01-01T00:00:00Z",
    updatedAt: "2024-01-01T00:00:00Z",
  });
  const users = (n: number) => Array.from({ length: n }, (_, i) => ({ emailId: `user${i + 1}@x.co` }));
  api.addVersion("int_acme/saas_users", users(10), "sync", "2024-05-01T00:00:00Z");
  api.addVersion("int_acme/saas_users", users(12), "sync", "2024-05-02T00:00:00Z");
  api.statuses.set("int_acme/list_employees", {
    status: "Failed",
    reasons: ["The latest upload (2024-05-03T00:00:00Z) failed: 2 invalid records, with no success since"],
  });
  api.statuses.set("int_okta/discovered_applications", {
    status: "Warning",
    reasons: ['The key "laptop" expires on 2024-07-01T00:00:00Z'],
  });
  api.log("int_acme", "list_employees", "batch", "failure", 2, {
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
  });
  api.log("int_acme", "saas_users", "commit", "success", 12, { version: 2 });
}

describe("status board", () => {
  it("lists every integration and context with its status and reasons", async () => {
    await renderConsole({ scope: "admin", prepare: seed });
    fireEvent.click(await screen.findByRole("button", { name: "Status" }));
    const board = await screen.findByRole("table", { name: "Status of every integration and context" });
    await waitFor(() =>
      expect(board.querySelector('[data-context="int_okta/discovered_applications"]')).toBeTruthy(),
    );
    const row = (key: string) => board.querySelector(`[data-context="${key}"]`)?.textContent ?? "";
    // The Worker's reason, with its time in the one local format.
    expect(row("int_acme/saas_users")).toMatch(/saas_usersActiveData committed at 2 May 2024, \d{2}:\d{2}/);
    expect(row("int_acme/list_employees")).toMatch(
      /list_employeesFailedThe latest upload .* failed: 2 invalid records/,
    );
    expect(row("int_okta/discovered_applications")).toMatch(/WarningThe key "laptop" expires/);
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
    const { api } = await renderConsole({ scope: "admin", prepare: seed });
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
    expect(api.requests.at(-1)?.path).toBe("/v1/integrations/int_acme/ingestions");
  });

  it("restores an earlier dataset version after confirming", async () => {
    const { api } = await renderConsole({ scope: "ingest", prepare: seed });
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
      prepare: (fake) => {
        seed(fake);
        const older = fake.versions.get("int_acme/saas_users")?.[0];
        if (older) older.storage = "archive";
      },
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
    const users = (n: number) => Array.from({ length: n }, (_, i) => ({ emailId: `user${i + 1}@x.co` }));
    const { api } = await renderConsole({
      scope: "ingest",
      prepare: (fake) => {
        fake.addVersion("int_acme/saas_users", users(1), "sync", "2024-05-01T00:00:00Z");
        fake.addVersion("int_acme/saas_users", users(197), "sync", "2024-05-02T00:00:00Z");
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
    expect(api.datasets.get("int_acme/saas_users")?.version).toBe(2);
  });
});
