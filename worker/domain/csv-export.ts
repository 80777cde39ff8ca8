// CSV export of stored records. Cells go through the core's formula escaping (`toSafeCsv`), so no
// spreadsheet runs a stored value as a formula, whatever follows its first character.
import { type IntakeRecord, toCsvCell } from "../../schemas/index.ts";
import { toSafeCsv } from "../../schemas/spreadsheet.ts";

export function csvOf(fields: string[], records: IntakeRecord[], withHeader: boolean): string {
  const data = records.map((record) => fields.map((f) => toCsvCell(record[f])));
  return toSafeCsv(data, withHeader ? { fields } : {});
}
