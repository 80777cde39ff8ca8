// A range pasted from Excel, Google Sheets or Numbers: the clipboard's HTML table when there is
// one (merged cells and hidden columns handled as for a captured table), its tab-separated text
// otherwise. Either becomes a file the pipeline reads like any other. A pasted screenshot becomes
// an image file the pipeline reads by OCR.
import { extractTable, findCandidates } from "../../capture/extract.ts";
import type { CapturedTable } from "../../capture/protocol.ts";
import { tableFile } from "../../capture/table-file.ts";
import type { SourceOptions } from "./types.ts";

export const PASTED_SOURCE_NAME = "Pasted range";
export const EMPTY_PASTE_MESSAGE =
  "Nothing to read was pasted. Copy a range of cells in Excel, Google Sheets or Numbers, or take a screenshot of a table, then paste it here.";

/** The first table of an HTML clipboard, or undefined when it holds none. */
export function pastedHtmlTable(html: string): CapturedTable | undefined {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const table = findCandidates(doc).find((c) => c.kind === "table") ?? {
    element: doc.querySelector("table") as Element,
    kind: "table" as const,
    path: "",
  };
  if (!table.element) return undefined;
  const read = extractTable(table);
  return read.rows.length > 0 || read.headers ? read : undefined;
}

/** The pasted range as a file and how to read it; a clear error when it holds nothing. */
export function pastedSource(data: {
  html?: string;
  text?: string;
}): { ok: true; file: File; options: SourceOptions } | { ok: false; message: string } {
  const table = data.html ? pastedHtmlTable(data.html) : undefined;
  if (table) {
    const file = tableFile(table, "pasted-range.csv");
    return {
      ok: true,
      file,
      options: {
        fileName: file.name,
        sourceName: PASTED_SOURCE_NAME,
        delimiter: ",",
        ...(table.headers ? { headerRow: 0 } : {}),
      },
    };
  }
  const text = (data.text ?? "").replace(/^\s*\n/, "");
  if (text.trim() === "") return { ok: false, message: EMPTY_PASTE_MESSAGE };
  // Spreadsheets copy a range as tab-separated text (a cell with a line break or tab in quotes).
  const tab = text.includes("\t");
  const file = new File([text], tab ? "pasted-range.tsv" : "pasted-range.txt", { type: "text/plain" });
  return {
    ok: true,
    file,
    options: { fileName: file.name, sourceName: PASTED_SOURCE_NAME, ...(tab ? { delimiter: "\t" } : {}) },
  };
}

/** What a pasted screenshot is called (the clipboard gives an image no name). */
export const PASTED_SCREENSHOT_NAME = "screenshot.png";

/** The clipboard's image (a screenshot) as a file to read by OCR, or undefined when it holds none. */
export function pastedImage(data: Pick<DataTransfer, "items"> | null | undefined): File | undefined {
  for (const item of Array.from(data?.items ?? [])) {
    if (item.kind !== "file" || !item.type.startsWith("image/")) continue;
    const image = item.getAsFile();
    if (image) return new File([image], PASTED_SCREENSHOT_NAME, { type: image.type || "image/png" });
  }
  return undefined;
}
