// A pipeline source and dataset built in-process from CSV text, as the pipeline worker builds them.
import { mappingFromSuggestions, suggestMapping } from "../../../extension/mapping.ts";
import { ColumnStore } from "../../../extension/pipeline/column-store.ts";
import { CsvStream } from "../../../extension/pipeline/csv-stream.ts";
import { Dataset } from "../../../extension/pipeline/dataset.ts";
import type { TableRow } from "../../../extension/pipeline/protocol.ts";
import { csvSource, type SourceRows } from "../../../extension/pipeline/source.ts";
import type { CsvTextIssue, RecordLimits } from "../../../schemas/index.ts";

/** CSV text as the pipeline reads a file: streamed into the column store, the table under its header. */
export function csvSourceOf(csv: string, headerRow?: number): SourceRows {
  const store = new ColumnStore();
  const issues: CsvTextIssue[] = [];
  const stream = new CsvStream(store, (i) => issues.push(i));
  stream.push(csv, true);
  return csvSource(store, stream.delimiter ?? ",", issues, headerRow);
}

/** A source's data rows, each copied (a CSV source reuses the row it answers). */
export function rowsOf(source: SourceRows): TableRow[] {
  return Array.from({ length: source.count }, (_, i) => {
    const row = source.row(i);
    return { ...row, cells: [...row.cells] };
  });
}

/** `columns`: the field of each column, instead of the mapping step's suggestion. */
export function datasetOf(
  csv: string,
  context = "saas_users",
  limits: Partial<RecordLimits> = {},
  columns?: (string | null)[],
): Dataset {
  const source = csvSourceOf(csv);
  const rows = Array.from({ length: Math.min(source.count, 1000) }, (_, i) =>
    source.row(i).cells.map((cell) => (cell === undefined || cell === null ? "" : String(cell))),
  );
  // The columns as the mapping step suggests them, without its proposed value maps: these tests
  // are about fixing the values as they are in the file.
  const mapping = {
    ...mappingFromSuggestions(source.headers, suggestMapping({ headers: source.headers, rows, context })),
    valueMaps: {},
  };
  if (columns) mapping.columns = columns;
  const dataset = new Dataset(source, context, mapping, limits);
  dataset.validateAll();
  return dataset;
}
