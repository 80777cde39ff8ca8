// CSV export of stored records. Cells go through the core's formula escaping (`toSafeCsv`), so no
// spreadsheet runs a stored value as a formula, whatever follows its first character.
import { type IntakeRecord, toCsvCell } from "../../schemas/index.ts";
import { toSafeCsv } from "../../schemas/spreadsheet.ts";

export function csvOf(fields: string[], records: IntakeRecord[], withHeader: boolean): string {
  // Own fields only: a field named like an Object.prototype member is a field, not a method.
  const data = records.map((record) =>
    fields.map((f) => toCsvCell(Object.hasOwn(record, f) ? record[f] : undefined)),
  );
  return toSafeCsv(data, withHeader ? { fields } : {});
}
