// The sheet of an Excel workbook to read (shown when it has more than one with data).
export function SheetPicker({
  sheets,
  sheet,
  onPick,
}: {
  sheets: readonly string[];
  sheet: string | undefined;
  onPick: (sheet: string) => void;
}) {
  if (sheets.length < 2) return null;
  return (
    <label class="field">
      <span class="field-label">Sheet</span>
      <select class="select" value={sheet} onChange={(e) => onPick(e.currentTarget.value)}>
        {sheets.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
