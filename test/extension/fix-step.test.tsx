// The fixing step's table and tools: virtualized at 100k errors, filters by column and error,
// find/replace in a column, and the error report download.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorTable } from "../../extension/components/ErrorTable.tsx";
import { FixStep } from "../../extension/components/FixStep.tsx";
import { DatasetEditor } from "../../extension/dataset-editor.ts";
import type { RowState } from "../../extension/row-validation.ts";
import { validateRows } from "../../extension/row-validation.ts";
import type { Issue } from "../../schemas/index.ts";

afterEach(cleanup);

function editorOf(records: Record<string, string>[], context = "saas_users") {
  const rows: RowState[] = records.map((raw, i) => ({
    row: i + 1,
    line: i + 2,
    raw: { ...raw },
    excluded: false,
    recordIssues: [],
    datasetErrors: [],
    datasetWarnings: [],
    sourceIssues: [],
  }));
  validateRows(context, rows);
  const editor = new DatasetEditor(context);
  editor.append(rows);
  return editor;
}

const bodyRows = () =>
  within(screen.getByRole("table", { name: "Errors" }))
    .getAllByRole("row")
    .slice(1);

describe("ErrorTable", () => {
  it("renders only the rows in view for 100k errors, and follows scrolling", async () => {
    const issues: Issue[] = Array.from({ length: 100_000 }, (_, i) => ({
      row: i + 1,
      line: i + 2,
      pointer: "/emailId",
      field: "emailId",
      keyword: "format",
      message: `emailId must be an email address; got "bad${i + 1}"`,
      value: `bad${i + 1}`,
    }));
    const started = performance.now();
    render(<ErrorTable editor={new DatasetEditor("saas_users")} issues={issues} onChange={() => {}} />);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("100001");
    expect(bodyRows().length).toBeLessThan(40);
    expect(bodyRows()[0]?.textContent).toContain('got "bad1"');

    const scroller = document.querySelector(".error-scroll") as HTMLElement;
    scroller.scrollTop = 44 * 50_000;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(bodyRows().some((r) => r.textContent?.includes('"bad50001"'))).toBe(true));
    expect(bodyRows().length).toBeLessThan(40);
  });
});

describe("FixStep", () => {
  const records: Record<string, string>[] = [
    { emailId: "a@x.co", userStatus: "active", role: "admin" },
    { emailId: "b.x.co", userStatus: "ACTIVE", role: "=cmd|' /C calc'!A0" },
    { emailId: "c@x.co", userStatus: "Active" },
  ];

  function mount() {
    const downloads: { name: string; content: string }[] = [];
    const editor = editorOf(records);
    render(
      <main>
        <FixStep
          editor={editor}
          fileName="users.csv"
          onDownload={(name, content) => downloads.push({ name, content })}
          onBack={() => {}}
          onSubmit={() => {}}
        />
      </main>,
    );
    return { editor, downloads };
  }

  it("filters by column and by kind of error", () => {
    mount();
    expect(bodyRows()).toHaveLength(5);
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "userStatus" } });
    expect(bodyRows()).toHaveLength(2);
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("Error"), { target: { value: "format" } });
    expect(bodyRows().map((r) => r.textContent)).toEqual([
      expect.stringContaining("emailId must be an email"),
    ]);
  });

  it("replaces within one column and revalidates the changed rows", async () => {
    const { editor } = mount();
    fireEvent.change(screen.getByLabelText("In column"), { target: { value: "userStatus" } });
    fireEvent.input(screen.getByLabelText("Find"), { target: { value: "active" } });
    fireEvent.input(screen.getByLabelText("Replace with"), { target: { value: "ACTIVE" } });
    fireEvent.click(screen.getByLabelText("Whole cell"));
    fireEvent.click(screen.getByRole("button", { name: "Replace all" }));
    await screen.findByText(/replaced in 2 rows/);
    expect(editor.errors().map((e) => e.field)).toEqual(["role", "emailId", "role"]);
    expect(bodyRows()).toHaveLength(3);
  });

  it("accepts every suggestion in view with one click", async () => {
    const { editor } = mount();
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "userStatus" } });
    fireEvent.click(screen.getByRole("button", { name: "Accept 2 suggested fixes" }));
    await screen.findByText(/2 rows fixed/);
    expect(editor.errors().some((e) => e.field === "userStatus")).toBe(false);
  });

  it("downloads an error report with formulas escaped", () => {
    const { downloads } = mount();
    fireEvent.click(screen.getByRole("button", { name: "Download error report" }));
    expect(downloads[0]?.name).toBe("users-errors.csv");
    expect(downloads[0]?.content).toContain(`"'=cmd|' /C calc'!A0"`);
  });
});
