// Cells read by OCR with low confidence are warnings in the review: one kind per column in the
// problems panel and the "only rows with problems" view, never blocking the upload, cleared by an
// edit of the cell (and back with its undo). The source is built with confidence directly.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ReviewStep } from "../../../extension/flow/review/ReviewStep.tsx";
import type { Mapping } from "../../../extension/mapping.ts";
import { createPipelineClient, inlineTransport } from "../../../extension/pipeline/client.ts";
import { ColumnStore } from "../../../extension/pipeline/column-store.ts";
import { Dataset } from "../../../extension/pipeline/dataset.ts";
import type { ExtractedTable } from "../../../extension/pipeline/media/types.ts";
import { OCR_CONFIDENCE_KEYWORD, ocrConfidenceMessage } from "../../../extension/pipeline/ocr-warnings.ts";
import { csvSource, LOW_CONFIDENCE, withConfidence } from "../../../extension/pipeline/source.ts";
import { LiveRegion } from "../../../extension/ui/LiveRegion.tsx";

/** A screenshot as OCR read it: Bob's role and Cy's email are uncertain; Ann's status just under the line. */
const TABLE: ExtractedTable = {
  header: ["Email", "Role", "Status"],
  rows: [
    ["ann@x.co", "ADMIN", "ACTIVE"],
    ["bob@x.co", "USER", "ACTIVE"],
    ["cy@x.co", "USER", "ACTIVE"],
  ],
  confidence: [
    [0.98, 0.97, 0.899],
    [0.96, 0.62, 0.95],
    [0.455, 0.93, 0.99],
  ],
};
const MAPPING: Mapping = { columns: ["emailId", "role", "userStatus"], constants: {}, valueMaps: {} };

vi.mock("../../../extension/pipeline/media/index.ts", () => ({
  extractTables: () => Promise.resolve([{ ...TABLE, page: 1 }]),
}));

afterEach(cleanup);

function datasetOf(table: ExtractedTable, mapping = MAPPING): Dataset {
  const store = new ColumnStore();
  store.add(table.header, 1);
  table.rows.forEach((row, i) => {
    store.add(row, i + 2);
  });
  const source = withConfidence(csvSource(store, ",", [], 0), table.confidence ?? [], 0);
  const dataset = new Dataset(source, "saas_users", mapping);
  dataset.validateAll();
  return dataset;
}

const ALL = { problems: true, column: "", keyword: "" };

describe("OCR confidence warnings in the dataset", () => {
  it("warns on each mapped cell read below LOW_CONFIDENCE, with the percent, as one kind per column", () => {
    const dataset = datasetOf(TABLE);
    expect(LOW_CONFIDENCE).toBe(0.9);
    expect(dataset.warnings()).toEqual([
      {
        row: 1,
        line: 2,
        pointer: "/userStatus",
        field: "userStatus",
        keyword: OCR_CONFIDENCE_KEYWORD,
        message: "Read from the image with 90 % confidence — check it",
        value: "ACTIVE",
      },
      {
        row: 2,
        line: 3,
        pointer: "/role",
        field: "role",
        keyword: "ocr-confidence",
        message: "Read from the image with 62 % confidence — check it",
        value: "USER",
      },
      {
        row: 3,
        line: 4,
        pointer: "/emailId",
        field: "emailId",
        keyword: "ocr-confidence",
        message: "Read from the image with 46 % confidence — check it",
        value: "cy@x.co",
      },
    ]);
    const summary = dataset.views.summary();
    expect([summary.errorCount, summary.warningCount, summary.problemRowCount]).toEqual([0, 3, 3]);
    expect(summary.groups.map((g) => [g.column, g.keyword, g.level, g.count, g.fixable])).toEqual([
      ["userStatus", "ocr-confidence", "warning", 1, 0],
      ["role", "ocr-confidence", "warning", 1, 0],
      ["emailId", "ocr-confidence", "warning", 1, 0],
    ]);
    const row2 = dataset.views.grid(ALL, 0, 9).rows.find((r) => r.row === 2);
    expect(row2?.cells.map((c) => c.level ?? "")).toEqual(["", "warning", ""]);
    expect(row2?.cells[1]?.warnings?.[0]?.message).toBe(ocrConfidenceMessage(0.62));
    const kind = { column: "role", keyword: "ocr-confidence", level: "warning" } as const;
    expect(
      dataset.views
        .grid({ problems: true, column: "role", keyword: "ocr-confidence" }, 0, 9)
        .rows.map((r) => r.row),
    ).toEqual([2]);
    expect(dataset.views.locate(ALL, kind, 0, 1)).toMatchObject({ row: 2, field: "role", count: 1 });
  });

  it("leaves unmapped columns alone, and a source without confidence has no such warning", () => {
    const unmapped = datasetOf(TABLE, { ...MAPPING, columns: ["emailId", null, "userStatus"] });
    expect(unmapped.warnings().map((w) => w.field)).toEqual(["userStatus", "emailId"]);
    const { confidence: _c, ...plain } = TABLE;
    expect(datasetOf(plain).warnings()).toEqual([]);
  });

  it("clears a cell's warning when it is edited, brings it back on undo, and leaves the others", () => {
    const dataset = datasetOf(TABLE);
    dataset.edit({ type: "set", row: 2, field: "role", value: "ADMIN" });
    expect(dataset.warnings().map((w) => `${w.row}/${w.field}`)).toEqual(["1/userStatus", "3/emailId"]);
    // Another cell of the same row edited: the role still holds the admin's value.
    dataset.edit({ type: "set", row: 2, field: "userStatus", value: "DISABLED" });
    expect(dataset.warnings().map((w) => `${w.row}/${w.field}`)).toEqual(["1/userStatus", "3/emailId"]);
    dataset.undo();
    dataset.undo();
    expect(dataset.warnings().map((w) => `${w.row}/${w.field}`)).toEqual([
      "1/userStatus",
      "2/role",
      "3/emailId",
    ]);
    // A row left out has no warnings; put back, it has them again.
    dataset.edit({ type: "exclude", row: 3, excluded: true });
    expect(dataset.views.summary().warningCount).toBe(2);
    dataset.edit({ type: "exclude", row: 3, excluded: false });
    expect(dataset.views.summary().warningCount).toBe(3);
  });
});

describe("OCR confidence warnings in the review", () => {
  async function mount() {
    const submitted: number[] = [];
    const pipeline = createPipelineClient(inlineTransport());
    const inspection = await pipeline.inspect(new Blob(["png"]), { fileName: "screenshot.png" });
    if (inspection.status !== "ready") throw new Error(inspection.status);
    await pipeline.validate("saas_users", MAPPING);
    render(
      <main>
        <LiveRegion />
        <ReviewStep
          pipeline={pipeline}
          fileName="screenshot.png"
          onDownload={() => {}}
          onBack={() => {}}
          onSubmit={() => submitted.push(1)}
        />
      </main>,
    );
    const grid = await screen.findByRole("grid", { name: "Your file" });
    await waitFor(() => expect(within(grid).getAllByRole("row").length).toBeGreaterThan(1));
    return { grid, submitted };
  }
  const lede = () => document.querySelector(".step-lede")?.textContent ?? "";
  const message = () => document.getElementById("review-message")?.textContent ?? "";

  it("lists them as warnings to check, jumps to the cell, lets the rows go, and clears one on edit", async () => {
    const { grid, submitted } = await mount();
    expect(lede()).toBe("3 rows · 0 errors · 3 warnings");
    const panel = screen.getByRole("navigation", { name: "Problems" });
    fireEvent.click(
      within(panel).getByRole("button", { name: /^role · read with low confidence \(warning\)/ }),
    );
    await waitFor(() => expect(message()).toContain("Read from the image with 62 % confidence — check it"));
    expect(within(panel).queryByRole("button", { name: /^Fix all/ })).toBeNull();
    fireEvent.click(screen.getByRole("switch", { name: "Only rows with problems" }));
    await waitFor(() => expect(grid.getAttribute("aria-rowcount")).toBe("4"));
    expect(
      (await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } })).violations,
    ).toEqual([]);
    // The focused cell is Bob's role: the admin checks it and types what the image says.
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: "Enter" });
    const input = screen.getByRole("textbox", { name: "role, row 2" }) as HTMLInputElement;
    fireEvent.input(input, { target: { value: "ADMIN" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(lede()).toBe("3 rows · 0 errors · 2 warnings"));
    expect(within(panel).queryByRole("button", { name: /^role · read with low confidence/ })).toBeNull();
    // Warnings never block the upload.
    fireEvent.click(screen.getByRole("button", { name: "Review changes → Submit 3 records" }));
    expect(submitted).toEqual([1]);
  });
});
