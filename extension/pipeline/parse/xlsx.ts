// Excel workbooks (.xlsx, .xlsm, .xls) in the pipeline worker. An .xlsx/.xlsm is read as a stream
// (xlsx-stream.ts); anything else (a legacy .xls, an HTML or XML "xls" export) goes through SheetJS
// (xls-sheetjs.ts), loaded only then. Either way one sheet becomes rows in the column store
// (sheet.ts), then goes through the same header-row detection as a CSV: formulas read as their
// cached values, merged cells filled across their range (so a merged header names each column
// under it), dates from Excel serial numbers written as ISO text (excel-numbers.ts) and converted
// to the mapped field's form when the rows are validated (here). Elapsed times ([h]:mm:ss) read as
// Excel shows them ("27:10:10"), not as dates, and a line break in a cell reads as "\n", as a CSV's.
import type { JsonValue } from "../../../schemas/index.ts";
import type { SourceRows } from "../source.ts";
import { type SheetRead, WORKBOOK_EMPTY, WORKBOOK_OUTSIDE_GRID, WORKBOOK_UNREADABLE } from "./sheet.ts";
import { readWithSheetJs } from "./xls-sheetjs.ts";
import { readXlsx } from "./xlsx-stream.ts";

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const SPREADSHEET_NAME = /\.(xlsx|xlsm|xls)$/i;
const TEXT_NAME = /\.(csv|tsv|txt|json|ndjson|jsonl)$/i;

const starts = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

/** Whether a file is an Excel workbook: by its name, or by its first bytes when the name says nothing. */
export function isWorkbook(fileName: string, head: Uint8Array): boolean {
  if (SPREADSHEET_NAME.test(fileName)) return true;
  if (TEXT_NAME.test(fileName)) return false;
  return starts(head, ZIP) || starts(head, OLE);
}

/**
 * Reads `sheet` (the first with data when not given or not found) of the workbook into a column
 * store; `onProgress` hears the share of the sheet read so far.
 */
export async function readWorkbook(
  file: Blob | Uint8Array,
  sheet?: string,
  onProgress: (share: number) => void = () => {},
): Promise<SheetRead> {
  const blob = file instanceof Uint8Array ? new Blob([file as Uint8Array<ArrayBuffer>]) : file;
  if (!starts(new Uint8Array(await blob.slice(0, 4).arrayBuffer()), ZIP))
    return readWithSheetJs(new Uint8Array(await blob.arrayBuffer()), sheet);
  try {
    return await readXlsx(blob, sheet, onProgress);
  } catch (error) {
    if (
      error instanceof Error &&
      (error.message === WORKBOOK_EMPTY || error.message === WORKBOOK_OUTSIDE_GRID)
    )
      throw error;
    throw new Error(WORKBOOK_UNREADABLE, { cause: error });
  }
}

/** An ISO date or date-time (as readWorkbook writes Excel dates) in a date field's form. */
export function dateInFieldForm(value: string, format: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}:\d{2}Z)?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d, time] = m;
  switch (format) {
    case "date":
      return `${y}-${mo}-${d}`;
    case "ddmmyyyy":
      return `${d}${mo}${y}`;
    case "date-time":
    case "intake-timestamp":
      return time ? value : `${y}-${mo}-${d}T00:00:00Z`;
    default:
      return value;
  }
}

/**
 * The source with its Excel date columns in the form of the field each is mapped to (`formats`:
 * per source column, the mapped field's `format`, undefined when not a date column or not mapped).
 */
export function withFieldDates(source: SourceRows, formats: readonly (string | undefined)[]): SourceRows {
  if (!formats.some((f) => f !== undefined)) return source;
  const scratch: { line?: number; cells: (JsonValue | undefined)[] } = { cells: [] };
  return {
    ...source,
    count: source.count,
    line: (row) => source.line(row),
    row: (row) => {
      const read = source.row(row);
      scratch.line = read.line;
      scratch.cells = read.cells.map((cell, c) =>
        typeof cell === "string" && formats[c] !== undefined ? dateInFieldForm(cell, formats[c]) : cell,
      );
      return scratch as ReturnType<SourceRows["row"]>;
    },
    cell: (row, c) => {
      const cell = source.cell(row, c);
      return typeof cell === "string" && formats[c] !== undefined ? dateInFieldForm(cell, formats[c]) : cell;
    },
  };
}
