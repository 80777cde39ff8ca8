// PDFs and screenshots in the source step, over a real (in-process) pipeline whose reader is
// replaced by canned tables (the reader itself is tested on the corpus in test/media): the source
// line, the table picker, progress per page and Cancel, a pasted screenshot, the source name.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import {
  FILE_ACCEPT,
  type ReadyInspection,
  SourceStep,
  sourceLine,
} from "../../../extension/flow/SourceStep.tsx";
import { createPipelineClient, inlineTransport } from "../../../extension/pipeline/client.ts";
import type { MediaInspection } from "../../../extension/pipeline/inspection.ts";
import type { ExtractedTable, ExtractOptions } from "../../../extension/pipeline/media/types.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";

/** What the replaced reader was asked, and what it answers. */
const reader = vi.hoisted(() => ({
  calls: [] as { kind: string; signal?: AbortSignal }[],
  answer: (_options: ExtractOptions): Promise<ExtractedTable[]> => Promise.resolve([]),
}));

vi.mock("../../../extension/pipeline/media/index.ts", () => ({
  extractTables: (_bytes: Uint8Array, kind: string, options: ExtractOptions = {}) => {
    reader.calls.push({ kind, signal: options.signal });
    return reader.answer(options);
  },
}));

/** Two tables of a report: users on page 1, groups on page 2. */
const REPORT: ExtractedTable[] = [
  {
    page: 1,
    header: ["Email", "Role", "Status"],
    rows: [
      ["ann@x.co", "ADMIN", "ACTIVE"],
      ["bob@x.co", "USER", "ACTIVE"],
    ],
  },
  { page: 2, header: ["Group", "Owner"], rows: [["Finance", "ann@x.co"]] },
];

const SCREENSHOT: ExtractedTable[] = [
  {
    page: 1,
    header: ["Email", "Role"],
    rows: [
      ["ann@x.co", "ADMIN"],
      ["bob@x.co", "USFR"],
    ],
    confidence: [
      [0.97, 0.95],
      [0.96, 0.62],
    ],
  },
];

beforeEach(() => {
  fakeBrowser.reset();
  reader.calls.length = 0;
});
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

/** A paste event whose clipboard holds only an image (as a screenshot tool leaves it). */
function pasteImage(target: Element) {
  const image = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], "image.png", {
    type: "image/png",
  });
  const event = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(event, "clipboardData", {
    value: {
      getData: () => "",
      items: [{ kind: "file", type: "image/png", getAsFile: () => image }],
    },
  });
  fireEvent(target, event);
}

const pdf = () => new File(["%PDF-1.7\n"], "report.pdf", { type: "application/pdf" });

async function violations() {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`);
}

describe("sourceLine for a PDF or an image", () => {
  const ready = (media: ReadyInspection["media"]) =>
    ({
      rowCount: 120,
      columns: ["A", "B", "C", "D"],
      kind: "csv",
      delimiter: ",",
      encoding: "utf-8",
      media,
    }) as ReadyInspection;
  const tables = [
    { page: 1, header: ["A"], rowCount: 3 },
    { page: 2, header: ["A", "B", "C", "D"], rowCount: 120 },
  ];

  it("names a PDF's page and an image's OCR, never a separator or an encoding", () => {
    const media: MediaInspection = {
      kind: "pdf",
      tables,
      table: 1,
      lowConfidence: [],
      lowConfidenceCount: 0,
    };
    expect(sourceLine(ready(media), "file", "report.pdf")).toBe(
      "report.pdf: PDF, page 2, 120 rows, 4 columns",
    );
    expect(sourceLine(ready({ ...media, kind: "image", table: 0 }), "paste", "screenshot.png")).toBe(
      "screenshot.png: read by OCR, 120 rows, 4 columns",
    );
    expect(
      sourceLine(ready({ ...media, tables: [{ header: ["A"], rowCount: 120 }], table: 0 }), "file", "a.pdf"),
    ).toBe("a.pdf: PDF, 120 rows, 4 columns");
  });

  it("lets the file input take PDFs and images beside text files and workbooks", () => {
    mount();
    const accept = (screen.getByLabelText(/CSV or JSON file/) as HTMLInputElement).accept.split(",");
    for (const type of [
      ".pdf",
      ".png",
      ".jpg",
      ".jpeg",
      ".webp",
      "application/pdf",
      "image/png",
      ".csv",
      ".xlsx",
    ])
      expect(accept).toContain(type);
    expect(accept.join(",")).toBe(FILE_ACCEPT);
  });
});

describe("SourceStep with a PDF or a screenshot", () => {
  it("offers a picker when the PDF has several tables, and reads the one picked without reading the file again", async () => {
    reader.answer = () => Promise.resolve(REPORT);
    const ready = mount();
    pick(pdf());
    await screen.findByText("report.pdf: PDF, page 1, 2 rows, 3 columns");
    expect(screen.queryByRole("combobox", { name: "Separator" })).toBeNull();
    const picker = screen.getByRole("combobox", { name: "Table" }) as HTMLSelectElement;
    expect([...picker.options].map((o) => o.text)).toEqual([
      "Page 1: Email, Role, Status (2 rows)",
      "Page 2: Group, Owner (1 row)",
    ]);
    expect(await violations()).toEqual([]);
    fireEvent.change(picker, { target: { value: "1" } });
    await screen.findByText("report.pdf: PDF, page 2, 1 row, 2 columns");
    expect((screen.getByRole("combobox", { name: "Table" }) as HTMLSelectElement).value).toBe("1");
    expect(reader.calls.map((c) => c.kind)).toEqual(["pdf"]);
    fireEvent.click(screen.getByRole("button", { name: "Continue to mapping" }));
    expect(ready).toEqual(["report.pdf"]);
  });

  it("shows no picker for a PDF with one table", async () => {
    reader.answer = () => Promise.resolve(REPORT.slice(0, 1));
    mount();
    pick(pdf());
    await screen.findByText("report.pdf: PDF, page 1, 2 rows, 3 columns");
    expect(screen.queryByRole("combobox", { name: "Table" })).toBeNull();
  });

  it("says which page is being read, and Cancel stops the read and keeps nothing of it", async () => {
    reader.answer = (options) => {
      options.onProgress?.({ page: 0, pages: 3 });
      options.onProgress?.({ page: 1, pages: 3 });
      return new Promise((_, reject) => {
        options.signal?.addEventListener("abort", () => reject(options.signal?.reason));
      });
    };
    mount();
    pick(pdf());
    await screen.findByRole("progressbar", { name: /^Reading page \d of 3$/ });
    expect(await violations()).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await screen.findByText("Reading stopped. Pick a file, or paste a range or a screenshot.");
    await waitFor(() => expect(reader.calls[0]?.signal?.aborted).toBe(true));
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByRole("button", { name: "Continue to mapping" })).toBeNull();
    expect(document.activeElement?.id).toBe("source-title");
  });

  it("reads a screenshot pasted into the paste box, or anywhere in the step, by OCR", async () => {
    reader.answer = () => Promise.resolve(SCREENSHOT);
    const ready = mount();
    pasteImage(screen.getByLabelText(/Paste a range or a screenshot/));
    await screen.findByText("screenshot.png: read by OCR, 2 rows, 2 columns");
    expect(screen.getByText(/^1 cell was read with low confidence; the review marks them/)).toBeTruthy();
    expect(reader.calls.map((c) => c.kind)).toEqual(["image"]);
    fireEvent.click(screen.getByRole("button", { name: "Continue to mapping" }));
    expect(ready).toEqual(["screenshot.png"]);
    pasteImage(screen.getByRole("heading", { name: "Your file" }));
    await waitFor(() => expect(reader.calls.map((c) => c.kind)).toEqual(["image", "image"]));
    await screen.findByText("screenshot.png: read by OCR, 2 rows, 2 columns");
    expect(await violations()).toEqual([]);
  });
});

describe("the source name a PDF's sync records", () => {
  it("is the file and the page of the table read, also after another table is picked", async () => {
    reader.answer = () => Promise.resolve(REPORT);
    const pipeline = new Pipeline();
    // The name the upload sends (a private field: the sync itself is tested end to end).
    const sourceName = () => (pipeline as unknown as { sourceName?: string }).sourceName;
    const file = pdf();
    await pipeline.inspect(file, { fileName: file.name });
    expect(sourceName()).toBe("report.pdf, page 1");
    await pipeline.inspect(file, { fileName: file.name, table: 1 });
    expect(sourceName()).toBe("report.pdf, page 2");
    // Read again for the header row (as the mapping step does): the table and its name stay.
    const again = await pipeline.inspect(file, { fileName: file.name, headerRow: 0 });
    expect(again.status === "ready" && again.media?.table).toBe(1);
    expect(sourceName()).toBe("report.pdf, page 2");
    expect(reader.calls).toHaveLength(1);
  });
});
