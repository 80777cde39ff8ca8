// How Excel shows a number: a serial number as a date or a time of day (1900 and 1904 systems,
// Excel's 29 February 1900 kept), an elapsed time ([h]:mm:ss) as a duration, and which number
// formats, built-in or custom, say which. Both workbook readers write cells through these.
/** `n` in at least `width` digits, zero-padded. */
export const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * An Excel serial date as ISO text: `2024-03-31` for a whole day, `2024-03-31T10:00:00Z` with a
 * time (to the second, rounded, as Excel shows it), `10:00:00` for a time alone. Excel's
 * wall-clock time is taken as UTC (a workbook has no zone). In the 1900 system, serials 1-59 are
 * 1900-01-01 to 1900-02-28 and serial 60 is the 29 February 1900 Excel counts (a Lotus 1-2-3 bug it
 * kept) and shows: written as "1900-02-29", a date that never was, so a date field refuses it.
 */
export function serialToIso(value: number, date1904 = false): string {
  const serial = Math.round(value * 86_400) / 86_400;
  // Days from 1899-12-30, where serial 61 (1900-03-01) on counts; below 60 Excel is one day ahead.
  const days = date1904 ? serial + 1462 : serial >= 0 && serial < 60 ? serial + 1 : serial;
  const ms = Math.round((days - 25_569) * 86_400) * 1000;
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (serial < 1 && serial >= 0) return time;
  const day =
    !date1904 && serial >= 60 && serial < 61
      ? "1900-02-29"
      : `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return ms % 86_400_000 === 0 ? day : `${day}T${time}Z`;
}

/**
 * An elapsed-time format's first section, part by part: literal text, or a count of hours, minutes
 * or seconds (the bracketed one a `total`, not wrapped at the next unit up), or fractions of a
 * second ("."), each `digits` wide at least.
 */
export type Elapsed = (string | { unit: "h" | "m" | "s" | "."; digits: number; total: boolean })[];

/**
 * The elapsed-time format in `code` ([h]:mm:ss, [mm]:ss, [s]…), undefined for any other. Such a
 * format shows a duration, not a time of day: 1.1320601851851851 as [h]:mm:ss is "27:10:10".
 */
export function elapsedFormat(code: string): Elapsed | undefined {
  const section = splitSections(code)[0] ?? "";
  if (!/\[(h+|m+|s+)\]/i.test(section.replace(/"[^"]*"|\\./g, ""))) return undefined;
  const parts: Elapsed = [];
  const tokens = /"([^"]*)"|\\(.)|\[(h+|m+|s+)\]|(h+|m+|s+)|\.(0+)|\[[^\]]*\]|\*.|(_).|(.)/gi;
  for (const [, quoted, escaped, total, unit, fraction, space, other] of section.matchAll(tokens)) {
    const counted = total ?? unit;
    if (counted !== undefined)
      parts.push({
        unit: counted[0]?.toLowerCase() as "h" | "m" | "s",
        digits: counted.length,
        total: total !== undefined,
      });
    else if (fraction !== undefined)
      parts.push({ unit: ".", digits: Math.min(3, fraction.length), total: false });
    else if (space !== undefined) parts.push(" ");
    else {
      const text = quoted ?? escaped ?? other;
      if (text !== undefined) parts.push(text);
    }
    // [Red], [$-409] and the like, and *x fills: nothing shown
  }
  return parts;
}

const SECONDS = { h: 3600, m: 60, s: 1 } as const;
const WRAP = { h: 24, m: 60, s: 60 } as const;

/** An elapsed time (a serial's days) as `format` shows it, rounded to its last digit. */
export function elapsedText(serial: number, format: Elapsed): string {
  let decimals = 0;
  for (const part of format) if (typeof part !== "string" && part.unit === ".") decimals = part.digits;
  const scale = 10 ** decimals;
  const ticks = Math.round(Math.abs(serial) * 86_400 * scale);
  const seconds = Math.floor(ticks / scale);
  let out = serial < 0 && ticks > 0 ? "-" : "";
  for (const part of format) {
    if (typeof part === "string") out += part;
    else if (part.unit === ".") out += `.${pad(ticks % scale, part.digits)}`;
    else {
      const count = Math.floor(seconds / SECONDS[part.unit]);
      out += pad(part.total ? count : count % WRAP[part.unit], Math.min(part.digits, 2));
    }
  }
  return out;
}

/** A number format's sections (split at `;` outside quotes and escapes). */
function splitSections(code: string): string[] {
  return code.match(/(?:"[^"]*"|\\.|[^;"\\])+/g) ?? [""];
}

/** A date cell's value (not a serial number) as serialToIso writes dates. */
export const dateText = (d: Date): string =>
  Number.isNaN(d.getTime())
    ? ""
    : d
        .toISOString()
        .replace(/T00:00:00\.000Z$/, "")
        .replace(/\.000Z$/, "Z");

/**
 * Whether a number format shows a date or a time of day: d, m, y, h or s outside quotes, brackets
 * and escapes, and no elapsed time ([h]:mm:ss shows a duration).
 */
export function isDateFormat(code: string): boolean {
  return (
    /[dmyhs]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\.|[_*]./g, "")) && elapsedFormat(code) === undefined
  );
}

/** How a cell style shows its number: as a date (or time of day), as an elapsed time, or as a number. */
export type NumberShown = "date" | Elapsed | undefined;

/** Excel's built-in date and time formats (ids 14-22, 45 and 47), and its one elapsed time (46). */
export function builtInFormat(id: number): NumberShown {
  if (id === 46) return elapsedFormat("[h]:mm:ss");
  return (id >= 14 && id <= 22) || id === 45 || id === 47 ? "date" : undefined;
}
