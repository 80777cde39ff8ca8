// A PDF or an image as a source: its tables read (PDF.js and the OCR engine loaded only then, with
// progress per page and a signal to stop), and the one the admin picks held like a CSV's rows
// under its header, with the OCR's confidence kept by cell; and what an inspection shows of them.
import { ColumnStore } from "./column-store.ts";
import type { MediaInspection } from "./inspection.ts";
import type { MediaKind } from "./media/kind.ts";
import { type ExtractedTable, MediaError } from "./media/types.ts";
import { csvSource, LOW_CONFIDENCE, type SourceRows, withConfidence } from "./source.ts";

/** The tables found in a PDF or an image (none: an empty list), or the words saying why it could not be read. */
export async function readMediaTables(
  file: Blob,
  kind: MediaKind,
  signal: AbortSignal,
  onPages: (page: number, pages: number) => void,
): Promise<ExtractedTable[] | { error: string }> {
  try {
    onPages(0, 1);
    // Loaded here: PDF.js and the OCR engine are megabytes the page never needs.
    const { extractTables } = await import("./media/index.ts");
    return await extractTables(new Uint8Array(await file.arrayBuffer()), kind, {
      signal,
      onProgress: ({ page, pages }) => onPages(page, pages),
    });
  } catch (error) {
    if (error instanceof MediaError) return { error: error.message };
    if (signal.aborted) return { error: "Reading the file was cancelled" };
    throw error;
  }
}

/** Why a PDF or an image with no table gives no rows. */
export const noTableMessage = (kind: MediaKind): string =>
  `No table was found in the ${kind === "pdf" ? "PDF" : "image"}: Intake looks for rows of text in columns (a header and at least one row)`;

/**
 * A table's rows in a column store, read as a CSV's: the header is the table's first row unless
 * `headerRow` says otherwise; OCR'd cells keep their confidence.
 */
export function tableSource(
  table: ExtractedTable,
  headerRow: number | undefined,
): { store: ColumnStore; source: SourceRows } {
  const store = new ColumnStore(table.rows.length + 1);
  store.add(table.header, 1);
  table.rows.forEach((row, i) => {
    store.add(row, i + 2);
  });
  const source = csvSource(store, ",", [], headerRow ?? 0);
  // Data row r is the store's row headerRow + 1 + r, the table's data row headerRow + r.
  return {
    store,
    source: table.confidence ? withConfidence(source, table.confidence, source.headerRow ?? 0) : source,
  };
}

const MAX_LOW_CONFIDENCE_SHOWN = 1000;

/** What an inspection shows of a PDF's or an image's tables, `source` being the one read. */
export function mediaInspection(
  media: { kind: MediaKind; tables: readonly ExtractedTable[]; table: number },
  source: SourceRows | undefined,
): MediaInspection {
  const lowConfidence: MediaInspection["lowConfidence"] = [];
  let lowConfidenceCount = 0;
  if (source?.confidence)
    for (let row = 0; row < source.count; row++)
      for (let column = 0; column < source.columns.length; column++) {
        const confidence = source.confidence(row, column);
        if (confidence === undefined || confidence >= LOW_CONFIDENCE) continue;
        lowConfidenceCount++;
        if (lowConfidence.length < MAX_LOW_CONFIDENCE_SHOWN) lowConfidence.push({ row, column, confidence });
      }
  return {
    kind: media.kind,
    tables: media.tables.map((t) => ({
      ...(t.page !== undefined ? { page: t.page } : {}),
      header: t.header,
      rowCount: t.rows.length,
    })),
    table: media.table,
    lowConfidence,
    lowConfidenceCount,
  };
}
