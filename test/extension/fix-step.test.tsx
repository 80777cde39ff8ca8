// The fixing step's table and tools over the pipeline: virtualized at 100k errors (asking the
// pipeline only for the rows in view), filters by column and error, find/replace in a column,
// accept-all, and the error report download made by the pipeline.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorTable } from "../../extension/flow/ErrorTable.tsx";
import { FixStep } from "../../extension/flow/FixStep.tsx";
import { createPipelineClient, inlineTransport } from "../../extension/pipeline/client.ts";
import type { IssueRow } from "../../extension/pipeline/dataset.ts";

afterEach(cleanup);

const bodyRows = () =>
  within(screen.getByRole("table", { name: "Errors" }))
    .getAllByRole("row")
    .slice(1);

const issueRow = (i: number): IssueRow => ({
  issue: {
    row: i + 1,
    line: i + 2,
    pointer: "/emailId",
    field: "emailId",
    keyword: "format",
    message: `emailId must be an email address; got "bad${i + 1}"`,
    value: `bad${i + 1}`,
  },
  current: `bad${i + 1}`,
});

describe("ErrorTable", () => {
  it("asks for and renders only the rows in view of 100k errors, and follows scrolling", async () => {
    const asked: [number, number][] = [];
    const load = async (start: number, end: number) => {
      asked.push([start, end]);
      return Array.from({ length: end - start }, (_, k) => issueRow(start + k));
    };
    render(
      <ErrorTable
        total={100_000}
        version="1"
        initial={{ version: "1", start: 0, rows: Array.from({ length: 60 }, (_, i) => issueRow(i)) }}
        load={load}
        onAction={() => {}}
      />,
    );
    expect(screen.getByRole("table").getAttribute("aria-rowcount")).toBe("100001");
    expect(bodyRows().length).toBeLessThan(40);
    expect(bodyRows()[0]?.textContent).toContain('got "bad1"');
    expect(asked).toEqual([]);

    const scroller = document.querySelector(".error-scroll") as HTMLElement;
    scroller.scrollTop = 44 * 50_000;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(bodyRows().some((r) => r.textContent?.includes('"bad50001"'))).toBe(true));
    expect(bodyRows().length).toBeLessThan(40);
    expect(asked).toHaveLength(1);
    expect((asked[0] as [number, number])[1] - (asked[0] as [number, number])[0]).toBeLessThan(120);
  });
});

describe("FixStep", () => {
  const CSV = [
    "Email,Status,Role",
    "a@x.co,active,admin",
    "b.x.co,ACTIVE,=cmd|' /C calc'!A0",
    "c@x.co,Active,",
  ].join("\n");

  async function mount() {
    const downloads: { name: string; content: string }[] = [];
    const pipeline = createPipelineClient(inlineTransport());
    const inspection = await pipeline.inspect(new Blob([CSV]), { fileName: "users.csv" });
    if (inspection.status !== "ready") throw new Error(inspection.status);
    // The columns mapped as the admin would, no value maps: the test fixes the file's own values.
    const mapping = { columns: ["emailId", "userStatus", "role"], constants: {}, valueMaps: {} };
    await pipeline.validate("saas_users", mapping);
    render(
      <main>
        <FixStep
          pipeline={pipeline}
          context="saas_users"
          fileName="users.csv"
          onDownload={(name, content) =>
            void content.text().then((text) => downloads.push({ name, content: text }))
          }
          onBack={() => {}}
          onSubmit={() => {}}
        />
      </main>,
    );
    await screen.findByRole("table", { name: "Errors" });
    return { pipeline, downloads };
  }

  it("filters by column and by kind of error", async () => {
    await mount();
    expect(bodyRows()).toHaveLength(5);
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "userStatus" } });
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("Error"), { target: { value: "format" } });
    await waitFor(() =>
      expect(bodyRows().map((r) => r.textContent)).toEqual([
        expect.stringContaining("emailId must be an email"),
      ]),
    );
  });

  it("replaces within one column and revalidates the changed rows", async () => {
    await mount();
    fireEvent.change(screen.getByLabelText("In column"), { target: { value: "userStatus" } });
    fireEvent.input(screen.getByLabelText("Find"), { target: { value: "active" } });
    fireEvent.input(screen.getByLabelText("Replace with"), { target: { value: "ACTIVE" } });
    fireEvent.click(screen.getByLabelText("Whole cell"));
    fireEvent.click(screen.getByRole("button", { name: "Replace all" }));
    await screen.findByText(/3 rows · 3 errors · 0 warnings · replaced in 2 rows/);
    expect(bodyRows().map((r) => r.querySelector("td:nth-child(3)")?.textContent)).toEqual([
      "role",
      "emailId",
      "role",
    ]);
  });

  it("accepts every suggestion in view with one click", async () => {
    await mount();
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "userStatus" } });
    fireEvent.click(await screen.findByRole("button", { name: "Accept 2 suggested fixes" }));
    await screen.findByText(/2 rows fixed/);
    await waitFor(() => expect(bodyRows()).toHaveLength(0));
    expect((screen.getByLabelText("Column") as HTMLSelectElement).textContent).not.toContain("userStatus");
  });

  it("edits a cell in place and downloads an error report with formulas escaped", async () => {
    const { downloads } = await mount();
    const cell = screen.getByLabelText("emailId in row 2") as HTMLInputElement;
    expect(cell.value).toBe("b.x.co");
    fireEvent.input(cell, { target: { value: "b@x.co" } });
    fireEvent.keyDown(cell, { key: "Enter" });
    await screen.findByText(/3 rows · 4 errors/);
    fireEvent.click(screen.getByRole("button", { name: "Download error report" }));
    await waitFor(() => expect(downloads[0]?.name).toBe("users-errors.csv"));
    expect(downloads[0]?.content).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(downloads[0]?.content).not.toContain("b.x.co");
  });
});
