// What a column's values are, read from the values alone: emails, dates and their format,
// timestamps, booleans in any spelling, numbers, ids (UUID, ARN, numeric, codes), names, small
// enum-like sets, uniqueness. The mapper weighs this against what each field expects.
import { BOOLEAN_SPELLINGS } from "../../schemas/fixes.ts";
import { isRealDate } from "../../schemas/formats.ts";

export type ValueClass =
  | "email"
  | "timestamp"
  | "date"
  | "boolean"
  | "integer"
  | "decimal"
  | "uuid"
  | "arn"
  | "url"
  | "phone"
  | "code"
  | "login"
  | "name"
  | "list"
  | "text";

export interface ColumnProfile {
  /** Non-empty, non-placeholder values seen. */
  count: number;
  /** count / rows. */
  fill: number;
  distinct: number;
  /** distinct / count (1 = every value differs). */
  uniqueness: number;
  /** Share of values of each class (of `count`). */
  shares: Partial<Record<ValueClass, number>>;
  /** The class holding at least 90 % of the values, if any. */
  dominant?: ValueClass;
  /** Every distinct value (lower-cased) is a boolean spelling: true/false, yes/no, y/n, 1/0, on/off. */
  booleanLike: boolean;
  /** Date layout when dates dominate: "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DDMMYYYY", "text". */
  dateFormat?: string;
  /** Share of values with two or more words. */
  multiWord: number;
  /** Distinct values with their counts, most frequent first (at most 200). */
  top: [string, number][];
}

/** Cells that mean "no value" in exports (AWS writes N/A and not_supported). */
const PLACEHOLDERS = new Set([
  "",
  "-",
  "--",
  "n/a",
  "na",
  "null",
  "none",
  "not_supported",
  "no_information",
  "(none)",
]);
export const isPlaceholder = (v: string) => PLACEHOLDERS.has(v.trim().toLowerCase());

/** The boolean spellings the core reads (one list for both ends). */
export { BOOLEAN_SPELLINGS };

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i;
const UUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const ARN = /^arn:[a-z0-9-]+:[a-z0-9-]*:/i;
const URL = /^(https?:\/\/|www\.)\S+$/i;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d{1,3}(,\d{3})+|\d+)?[.,]\d+$/;
const PHONE = /^\+?[\d\s().-]{7,}$/;
const ISO_TS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2}( UTC)?)?$/i;
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const SLASH_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(,?\s+\d{1,2}:\d{2}(:\d{2})?(\s*[AP]M)?)?$/i;
const COMPACT_DATE = /^(\d{2})(\d{2})(\d{4})$/;
const MONTHS =
  "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december";
const TEXT_DATE = new RegExp(
  `^((mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\\s+)?(\\d{1,2}[\\s-](${MONTHS})[a-z]*[\\s-,]+\\d{2,4}|(${MONTHS})[a-z]*\\.?\\s+\\d{1,2},?\\s+\\d{4})(,?\\s+\\d{1,2}:\\d{2}(:\\d{2})?(\\s*[AP]M)?(\\s+[A-Z]{2,4})?)?$`,
  "i",
);
const CODE = /^(?=.*\d)(?=.*[a-z])[a-z0-9][a-z0-9_:.#/-]{2,63}$/i;
const LOGIN = /^[a-z][a-z0-9._-]{1,63}$/i;
const NAME = /^[\p{L}][\p{L}'’.-]*(\s+[\p{L}][\p{L}'’.-]*){0,4}$/u;
const LIST = /^[^;|]+([;|]\s*[^;|]+)+$/;

function dateClass(v: string): { cls: "date" | "timestamp"; format: string } | undefined {
  if (ISO_TS.test(v)) return { cls: "timestamp", format: "ISO" };
  let m = ISO_DATE.exec(v);
  if (m && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { cls: "date", format: "YYYY-MM-DD" };
  m = SLASH_DATE.exec(v);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const y = Number(m[3]);
    const cls = m[4] ? "timestamp" : "date";
    if (isRealDate(y < 100 ? 2000 + y : y, b, a)) return { cls, format: a > 12 ? "DD/MM/YYYY" : "D/M/Y" };
    if (isRealDate(y < 100 ? 2000 + y : y, a, b)) return { cls, format: "MM/DD/YYYY" };
    return undefined;
  }
  m = COMPACT_DATE.exec(v);
  if (m && isRealDate(Number(m[3]), Number(m[2]), Number(m[1])) && Number(m[3]) > 1900)
    return { cls: "date", format: "DDMMYYYY" };
  if (TEXT_DATE.test(v)) return { cls: /\d:\d/.test(v) ? "timestamp" : "date", format: "text" };
  return undefined;
}

/** The class of one value (trimmed, non-empty). */
export function classify(v: string): ValueClass {
  if (EMAIL.test(v)) return "email";
  if (UUID.test(v)) return "uuid";
  if (ARN.test(v)) return "arn";
  const date = dateClass(v);
  if (date) return date.cls;
  const lower = v.toLowerCase();
  if (lower in BOOLEAN_SPELLINGS && !/^[01]$/.test(v)) return "boolean";
  if (INTEGER.test(v)) return "integer";
  if (DECIMAL.test(v)) return "decimal";
  if (URL.test(v)) return "url";
  if (PHONE.test(v) && /[\s()+-]/.test(v) && (v.match(/\d/g) ?? []).length >= 7) return "phone";
  if (NAME.test(v)) return LOGIN.test(v) && !/^[A-Z]/.test(v) && /[._\d]/.test(v) ? "login" : "name";
  if (LOGIN.test(v) && /[a-z]/.test(v))
    return CODE.test(v) && /\d/.test(v) && !/[._]/.test(v) ? "code" : "login";
  if (CODE.test(v)) return "code";
  if (LIST.test(v)) return "list";
  return "text";
}

/** Profiles one column of cells (all of them, or a large sample). */
export function profileColumn(cells: readonly (string | undefined)[]): ColumnProfile {
  const counts = new Map<string, number>();
  const classes: Partial<Record<ValueClass, number>> = {};
  const formats = new Map<string, number>();
  let count = 0;
  let multi = 0;
  for (const cell of cells) {
    const v = (cell ?? "").trim();
    if (isPlaceholder(v)) continue;
    count++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (const [v, n] of counts) {
    const cls = classify(v);
    classes[cls] = (classes[cls] ?? 0) + n;
    if (cls === "date" || cls === "timestamp") {
      const f = dateClass(v)?.format ?? "";
      formats.set(f, (formats.get(f) ?? 0) + n);
    }
    if (/\S\s+\S/.test(v)) multi += n;
  }
  const shares: Partial<Record<ValueClass, number>> = {};
  for (const [cls, n] of Object.entries(classes) as [ValueClass, number][])
    shares[cls] = n / Math.max(1, count);
  const distinctLower = new Set([...counts.keys()].map((v) => v.toLowerCase()));
  const booleanLike =
    count > 0 && distinctLower.size <= 2 && [...distinctLower].every((v) => v in BOOLEAN_SPELLINGS);
  let dominant = (Object.entries(shares) as [ValueClass, number][]).find(([, s]) => s >= 0.9)?.[0];
  const dateShare = (shares.date ?? 0) + (shares.timestamp ?? 0);
  if (!dominant && dateShare >= 0.9)
    dominant = (shares.timestamp ?? 0) >= (shares.date ?? 0) ? "timestamp" : "date";
  if (booleanLike) dominant = "boolean";
  let dateFormat: string | undefined;
  if (dateShare >= 0.9) {
    const ordered = [...formats].sort((a, b) => b[1] - a[1]);
    dateFormat = ordered[0]?.[0];
    // "D/M/Y" values (both parts ≤ 12) take the layout of the unambiguous ones.
    if (dateFormat === "D/M/Y") dateFormat = formats.has("MM/DD/YYYY") ? "MM/DD/YYYY" : "DD/MM/YYYY";
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 200);
  return {
    count,
    fill: cells.length > 0 ? count / cells.length : 0,
    distinct: counts.size,
    uniqueness: count > 0 ? counts.size / count : 0,
    shares,
    dominant,
    booleanLike,
    dateFormat,
    multiWord: count > 0 ? multi / count : 0,
    top,
  };
}

/** Columns of `rows` (cells by row) as column arrays. */
export function columnsOf(rows: readonly (readonly string[])[], width: number): string[][] {
  const out = Array.from({ length: width }, () => [] as string[]);
  for (const row of rows) for (let i = 0; i < width; i++) (out[i] as string[]).push(row[i] ?? "");
  return out;
}
