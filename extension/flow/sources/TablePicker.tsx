// The table of a PDF or an image to read (shown when more than one was found): each named by its
// page (or its place) and its first columns.
import type { MediaInspection } from "../../pipeline/protocol.ts";
import { plural } from "../../ui/format.ts";

/** "Page 2: Name, Email, Role… (120 rows)" */
export function tableChoice(table: MediaInspection["tables"][number], index: number): string {
  const where = table.page === undefined ? `Table ${index + 1}` : `Page ${table.page}`;
  const columns = table.header.slice(0, 3).join(", ") + (table.header.length > 3 ? "…" : "");
  return `${where}: ${columns} (${plural(table.rowCount, "row")})`;
}

export function TablePicker({ media, onPick }: { media: MediaInspection; onPick: (table: number) => void }) {
  if (media.tables.length < 2) return null;
  return (
    <label class="field">
      <span class="field-label">Table</span>
      <select
        class="select"
        value={String(media.table)}
        onChange={(e) => onPick(Number(e.currentTarget.value))}
      >
        {media.tables.map((table, i) => (
          <option key={`${table.page}-${table.header.join("\u0001")}-${i}`} value={String(i)}>
            {tableChoice(table, i)}
          </option>
        ))}
      </select>
    </label>
  );
}
