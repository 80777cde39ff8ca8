// The tenant's own history: header text -> field from mappings saved for other integrations of the
// same context, so a new layout of a known export starts from what the admin chose before.
import type { HistoryEntry } from "./suggest.ts";

interface SavedLike {
  mapping: { columns: (string | null)[]; headers?: string[] };
  savedAt?: string;
}

/**
 * History entries from saved mappings (keyed `integration/context/fingerprint`, as in storage.ts)
 * for `context`, newest first; a header mapped differently in two places keeps the newest choice.
 */
export function historyFromSaved(
  saved: Readonly<Record<string, SavedLike>>,
  context: string,
  exceptIntegration?: string,
): HistoryEntry[] {
  const entries = Object.entries(saved)
    .filter(([key]) => {
      const [integration, ctx] = key.split("/");
      return ctx === context && integration !== exceptIntegration;
    })
    .sort((a, b) => (b[1].savedAt ?? "").localeCompare(a[1].savedAt ?? ""));
  const seen = new Set<string>();
  const out: HistoryEntry[] = [];
  for (const [, { mapping }] of entries) {
    mapping.headers?.forEach((header, i) => {
      const field = mapping.columns[i];
      const key = header.trim().toLowerCase();
      if (!field || key === "" || seen.has(key)) return;
      seen.add(key);
      out.push({ header, field });
    });
  }
  return out;
}
