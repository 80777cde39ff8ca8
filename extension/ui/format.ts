// The one way the extension writes times, counts and plurals: "27 Nov 2026, 14:05" in the
// browser's time zone (the ISO value goes in a title), "1,204", "1 row" / "2 rows".

const TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** "27 Nov 2026, 14:05" (local time); `fallback` for a missing value; the input for one unreadable. */
export function formatTime(iso: string | null | undefined, fallback = "never"): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : TIME.format(date);
}

/** "1,204" */
export const count = (n: number) => n.toLocaleString("en-US");

/** "1 row", "2 rows", "1,204 records" (one rule for the whole product, in schemas/). */
export { plural } from "../../schemas/index.ts";

/** "intake.example.com" from a server URL (the URL itself when it does not parse). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})\b/g;

/** A server's sentence with its ISO times in the local format ("Data committed at 27 Nov 2026, 14:05"). */
export const localTimes = (text: string) => text.replace(ISO_TIME, (iso) => formatTime(iso));
