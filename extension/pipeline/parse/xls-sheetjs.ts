// Any workbook that is not a ZIP package (a legacy .xls, an HTML or XML "xls" export), read whole
// through SheetJS (@e965/xlsx: the maintained 0.20.3 community build, not npm's xlsx 0.18.5 with
// its published advisories), loaded only then; one sheet into the column store as the streamed
// reader writes it (dates as ISO text, elapsed times as Excel shows them, errors by their code).
import { dateText, elapsedFormat, elapsedText, serialToIso } from "./excel-numbers.ts";
import { type SheetRead, SheetRows, WORKBOOK_EMPTY, WORKBOOK_UNREADABLE } from "./sheet.ts";

type XlsxModule = typeof import("@e965/xlsx");
type CellObject = import("@e965/xlsx").CellObject;

/** Excel's error codes as Excel shows them. */
const ERRORS: Record<number, string> = {
  0: "#NULL!",
  7: "#DIV/0!",
  15: "#VALUE!",
  23: "#REF!",
  29: "#NAME?",
  36: "#NUM!",
  42: "#N/A",
  43: "#GETTING_DATA",
};

let loaded: Promise<XlsxModule> | undefined;
const loadXlsx = () => {
  loaded ??= import("@e965/xlsx");
  return loaded;
};

export async function readWithSheetJs(bytes: Uint8Array, sheet?: string): Promise<SheetRead> {
  const XLSX = await loadXlsx();
  let workbook: import("@e965/xlsx").WorkBook;
  try {
    workbook = XLSX.read(bytes, {
      type: "array",
      dense: true,
      cellNF: true,
      cellDates: false,
      cellFormula: false,
      cellHTML: false,
      cellText: false,
      cellStyles: false,
    });
  } catch {
    throw new Error(WORKBOOK_UNREADABLE);
  }
  const sheets = workbook.SheetNames.filter((name) => workbook.Sheets[name]?.["!ref"] !== undefined);
  if (sheets.length === 0) throw new Error(WORKBOOK_EMPTY);
  const name = sheet !== undefined && sheets.includes(sheet) ? sheet : (sheets[0] as string);
  const ws = workbook.Sheets[name] as import("@e965/xlsx").WorkSheet;
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904);
  const data = ((ws as { "!data"?: (CellObject | undefined)[][] })["!data"] ?? []) as (
    | (CellObject | undefined)[]
    | undefined
  )[];
  const dateColumns = new Set<number>();
  const text = (cell: CellObject | undefined, c: number): string => {
    if (!cell || cell.v === undefined || cell.v === null) return "";
    switch (cell.t) {
      case "n": {
        const v = cell.v as number;
        const elapsed = typeof cell.z === "string" ? elapsedFormat(cell.z) : undefined;
        if (elapsed) return elapsedText(v, elapsed);
        if (typeof cell.z === "string" && XLSX.SSF.is_date(cell.z)) {
          dateColumns.add(c);
          return serialToIso(v, date1904);
        }
        return String(v);
      }
      case "b":
        return cell.v ? "TRUE" : "FALSE";
      case "e":
        return ERRORS[cell.v as number] ?? "#ERROR";
      case "d":
        dateColumns.add(c);
        return dateText(cell.v as Date);
      default:
        return String(cell.v).trim();
    }
  };
  const rows = new SheetRows(
    (ws["!merges"] ?? []).map((m) => ({ r0: m.s.r, c0: m.s.c, r1: m.e.r, c1: m.e.c })),
  );
  const cells: string[] = [];
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    cells.length = 0;
    for (let c = 0; c < row.length; c++) cells.push(text(row[c], c));
    rows.row(r, cells);
  }
  return { sheets, sheet: name, store: rows.finish(), dateColumns: [...dateColumns] };
}
