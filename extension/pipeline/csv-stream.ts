// The pipeline's CSV reader: the decoded file, piece by piece, through the core's scanner
// (schemas/csv-scanner.ts, the Worker's reader too) into the column store, which keeps the
// scanner's slices of the text without a string per repeated value. Same rows, lines and quoting
// messages as readCsvCells over the whole text, without the whole text or all rows in memory.
import { CsvScanner, type CsvTextIssue } from "../../schemas/index.ts";
import type { ColumnStore } from "./column-store.ts";

export class CsvStream extends CsvScanner {
  constructor(store: ColumnStore, onIssue: (issue: CsvTextIssue) => void, delimiter?: string) {
    super({ row: (row) => store.addSlices(row), issue: onIssue }, delimiter);
  }
}
