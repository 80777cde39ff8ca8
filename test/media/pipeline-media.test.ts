// The pipeline reads a PDF or a screenshot like any other source (issue 23): the first table held
// like a CSV's rows, the tables listed for a picker, the OCR's low-confidence cells listed for the
// review, the page in the source name, progress by page, and a cancel by the inspect request's id.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Pipeline } from "../../extension/pipeline/pipeline.ts";
import type { Progress } from "../../extension/pipeline/protocol.ts";
import { LOW_CONFIDENCE } from "../../extension/pipeline/source.ts";
import { pdfCorpus } from "../fixtures/media/pdf-corpus.ts";

const shots = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "media", "screenshots");

describe("a PDF as a source", () => {
  it("is read into the column store under its table's header, with the tables listed and the page named", async () => {
    const c = (await pdfCorpus()).find((x) => x.style === "multi-page-repeated-header");
    if (!c) throw new Error("corpus case missing");
    const pipeline = new Pipeline();
    const progress: Progress[] = [];
    const file = new Blob([c.bytes as Uint8Array<ArrayBuffer>], { type: "application/pdf" });
    const inspection = await pipeline.inspect(file, { fileName: "access-review.pdf" }, (p) =>
      progress.push(p),
    );
    if (inspection.status !== "ready") throw new Error(JSON.stringify(inspection));
    expect(inspection.headers).toEqual(c.truth.header);
    expect(inspection.rowCount).toBe(c.truth.rows.length);
    expect(inspection.media).toEqual({
      kind: "pdf",
      tables: [{ page: 1, header: c.truth.header, rowCount: c.truth.rows.length }],
      table: 0,
      lowConfidence: [],
      lowConfidenceCount: 0,
    });
    expect(inspection.looksHeaderless).toBe(false);
    expect(pipeline.columnValues(0, 3)).toEqual(c.truth.rows.slice(0, 3).map((r) => r[0]));
    expect(progress.filter((p) => p.phase === "pages").at(-1)).toEqual({
      phase: "pages",
      done: c.pages,
      total: c.pages,
    });
    // The source name the sync records says where the table came from.
    expect((pipeline as unknown as { sourceName: string }).sourceName).toBe("access-review.pdf, page 1");
  });

  it("that is damaged is an error the Source step shows, not a thrown exception", async () => {
    const pipeline = new Pipeline();
    const file = new Blob(["%PDF-1.7\nnothing here"]);
    const inspection = await pipeline.inspect(file, { fileName: "broken.pdf" });
    expect(inspection).toEqual({ status: "error", message: expect.stringMatching(/PDF is damaged/) });
  });

  it("stops when its inspect request is cancelled", async () => {
    const c = (await pdfCorpus()).find((x) => x.style === "scanned");
    if (!c) throw new Error("corpus case missing");
    const pipeline = new Pipeline();
    const file = new Blob([c.bytes as Uint8Array<ArrayBuffer>]);
    const reading = pipeline.inspect(file, { fileName: "scan.pdf" }, () => {}, 7);
    await new Promise((resolve) => setTimeout(resolve, 50));
    pipeline.cancel(7);
    expect(await reading).toEqual({ status: "error", message: "Reading the file was cancelled" });
  });
});

describe("a screenshot as a source", () => {
  it("keeps each cell's OCR confidence and lists the cells to check", async () => {
    const pipeline = new Pipeline();
    const file = new Blob([readFileSync(join(shots, "dense-9px.png"))], { type: "image/png" });
    const inspection = await pipeline.inspect(file, { fileName: "users.png" });
    if (inspection.status !== "ready" || !inspection.media) throw new Error(JSON.stringify(inspection));
    expect(inspection.media.kind).toBe("image");
    expect(inspection.media.lowConfidenceCount).toBeGreaterThan(0);
    expect(inspection.media.lowConfidence).toHaveLength(inspection.media.lowConfidenceCount);
    for (const cell of inspection.media.lowConfidence) {
      expect(cell.confidence).toBeLessThan(LOW_CONFIDENCE);
      expect(cell.row).toBeLessThan(inspection.rowCount);
      expect(cell.column).toBeLessThan(inspection.columns.length);
    }
    // A header row chosen lower shifts the confidence with the rows.
    const source = (
      pipeline as unknown as { source: { confidence(r: number, c: number): number | undefined } }
    ).source;
    const first = inspection.media.lowConfidence[0];
    if (!first) throw new Error("no low-confidence cell");
    expect(source.confidence(first.row, first.column)).toBe(first.confidence);
    const again = await pipeline.inspect(file, { fileName: "users.png", headerRow: 1 });
    if (again.status !== "ready") throw new Error(JSON.stringify(again));
    const shifted = (
      pipeline as unknown as { source: { confidence(r: number, c: number): number | undefined } }
    ).source;
    if (first.row > 0) expect(shifted.confidence(first.row - 1, first.column)).toBe(first.confidence);
    expect(again.rowCount).toBe(inspection.rowCount - 1);
  });
});
