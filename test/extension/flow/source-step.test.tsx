// The source step's line about what was read: a text file says its separator and encoding (and
// offers to change the separator); a workbook its sheet and a captured table its page — never a
// separator or an encoding that means nothing for them. What was read shows above the ways in.
import * as XLSX from "@e965/xlsx";
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { type ReadyInspection, SourceStep, sourceLine } from "../../../extension/flow/SourceStep.tsx";
import { createPipelineClient, inlineTransport } from "../../../extension/pipeline/client.ts";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

function mount() {
  const ready: string[] = [];
  render(
    <main>
      <SourceStep
        pipeline={createPipelineClient(inlineTransport())}
        onReady={(file) => ready.push(file.name)}
      />
    </main>,
  );
  return ready;
}

function pick(file: File) {
  const input = screen.getByLabelText(/CSV or JSON file/);
  Object.defineProperty(input, "files", { value: [file], configurable: true });
  fireEvent.change(input);
}

function paste(data: Record<string, string>) {
  const area = screen.getByLabelText(/Paste a range/);
  const event = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(event, "clipboardData", { value: { getData: (type: string) => data[type] ?? "" } });
  fireEvent(area, event);
}

const separator = () => screen.queryByRole("combobox", { name: "Separator" });

async function violations() {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`);
}

function workbook(): File {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    book,
    XLSX.utils.aoa_to_sheet([
      ["Email", "Status"],
      ["ann@x.co", "ACTIVE"],
      ["bob@x.co", "DISABLED"],
    ]),
    "Users",
  );
  const bytes = XLSX.write(book, { type: "array", bookType: "xlsx" }) as ArrayBuffer;
  return new File([bytes], "users.xlsx");
}

describe("SourceStep", () => {
  it("says a text file's separator and encoding, and offers to change the separator", async () => {
    mount();
    pick(new File(["Email;Status\nann@x.co;ACTIVE\n"], "users.csv"));
    await screen.findByText("users.csv: 1 row, 2 columns, semicolon-separated, utf-8");
    expect((separator() as HTMLSelectElement).value).toBe(";");
    expect(screen.getByRole("combobox", { name: "Header row" })).toBeTruthy();
  });

  it("says a workbook's sheet, without a separator or an encoding", async () => {
    mount();
    pick(workbook());
    await screen.findByText("users.xlsx: 2 rows, 2 columns, sheet “Users”");
    expect(separator()).toBeNull();
    expect(screen.getByRole("combobox", { name: "Header row" })).toBeTruthy();
  });

  it("shows what was read above the ways in, so it is in view first", async () => {
    const ready = mount();
    paste({
      "text/html":
        "<table><tr><th>Email</th><th>Status</th></tr><tr><td>ann@x.co</td><td>ACTIVE</td></tr></table>",
    });
    const summary = await screen.findByText(/^Pasted range: 1 row, 2 columns/);
    const dropzone = screen.getByLabelText(/CSV or JSON file/);
    expect(summary.compareDocumentPosition(dropzone) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(await violations()).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Continue to mapping" }));
    expect(ready).toEqual(["pasted-range.csv"]);
  });

  it("names a captured table's page", () => {
    const ready = { rowCount: 3, columns: ["A", "B"], kind: "csv", delimiter: ",", encoding: "utf-8" };
    expect(sourceLine(ready as ReadyInspection, "capture", "Users – Acme (https://acme.test/users)")).toBe(
      "Table captured from Users – Acme (https://acme.test/users): 3 rows, 2 columns",
    );
  });

  it("says a pasted range's size with no separator or encoding", () => {
    const ready = { rowCount: 1, columns: ["A", "B", "C"], kind: "csv", delimiter: ",", encoding: "utf-8" };
    expect(sourceLine(ready as ReadyInspection, "paste", "Pasted range")).toBe(
      "Pasted range: 1 row, 3 columns",
    );
  });
});
