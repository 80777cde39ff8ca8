// Custom formats of the Intake schemas, registered with @cfworker/json-schema, plus the
// text helpers (timestamp conversion, suggested fixes) that belong to those formats.
import { format } from "@cfworker/json-schema";
import iso3166 from "./data/iso3166-alpha2.json" with { type: "json" };
import iso4217 from "./data/iso4217.json" with { type: "json" };

const CURRENCIES = new Set<string>(iso4217 as string[]);
const COUNTRIES = new Set<string>(iso3166 as string[]);

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const UTC_FORM = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)? ([+-])(\d{2})(\d{2}) UTC$/;
const ISO_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The number written by ASCII digits `from`..`to` of `text`, or -1 when one is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Eight ASCII digits DDMMYYYY naming a real date (read without a regex: it runs for every cell). */
export function isDdmmyyyy(value: string): boolean {
  if (value.length !== 8) return false;
  const day = digitsAt(value, 0, 2);
  const month = digitsAt(value, 2, 4);
  const year = digitsAt(value, 4, 8);
  return day >= 0 && month >= 0 && year >= 0 && isRealDate(year, month, day);
}

export const isDecimal = (value: string): boolean => DECIMAL.test(value);
export const isCurrencyCode = (value: string): boolean => CURRENCIES.has(value);
export const isCountryCode = (value: string): boolean => COUNTRIES.has(value);

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * An ISO 8601 or `2023-12-14 04:42:12 +0000 UTC` timestamp as ISO 8601 UTC
 * (`2023-12-14T04:42:12Z`, milliseconds kept when given), or undefined when it is neither
 * form or not a real instant.
 */
export function toIsoUtc(value: string): string | undefined {
  let parts: string[];
  let sign: string;
  let offH: number;
  let offM: number;
  const utc = UTC_FORM.exec(value);
  const iso = utc ? null : ISO_FORM.exec(value);
  if (utc) {
    parts = utc.slice(1, 8) as string[];
    sign = utc[8] as string;
    offH = Number(utc[9]);
    offM = Number(utc[10]);
  } else if (iso) {
    parts = iso.slice(1, 8) as string[];
    const zulu = iso[8] === "Z";
    sign = zulu ? "+" : (iso[9] as string);
    offH = zulu ? 0 : Number(iso[10]);
    offM = zulu ? 0 : Number(iso[11]);
  } else {
    return undefined;
  }
  const [y, mo, d, h, mi, s] = parts.slice(0, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = parts[6];
  if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || s > 60 || offH > 23 || offM > 59) return undefined;
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const offset = (sign === "-" ? -1 : 1) * (offH * 60 + offM) * 60_000;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - offset);
  if (Number.isNaN(date.getTime())) return undefined;
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return fraction ? `${base}.${pad(date.getUTCMilliseconds(), 3)}Z` : `${base}Z`;
}

/** Formats that only Intake defines; stock validators skip them and rely on each schema's `pattern`. */
export const CUSTOM_FORMATS: Record<string, (value: string) => boolean> = {
  ddmmyyyy: isDdmmyyyy,
  decimal: isDecimal,
  iso4217: isCurrencyCode,
  "iso3166-alpha2": isCountryCode,
  "intake-timestamp": (value) => toIsoUtc(value) !== undefined,
};

/** @cfworker/json-schema's own `email` format (RFC 5321 syntax), before ours replaces it below. */
export const cfworkerEmail = format.email as (value: string) => boolean;

/**
 * The domain of an address can receive mail: at least two labels and a last one shaped like a
 * top-level domain (2 to 63 ASCII letters, or an `xn--` IDN label); or an address literal
 * (`[192.0.2.1]`). `frank@example` and `x@y` are not addresses an admin can mean.
 */
export function hasMailDomain(s: string): boolean {
  const at = s.lastIndexOf("@");
  if (at < 0) return false;
  if (s.charCodeAt(at + 1) === 0x5b) return true;
  const dot = s.lastIndexOf(".");
  if (dot <= at + 1 || dot === s.length - 1) return false;
  const tld = dot + 1;
  const length = s.length - tld;
  if (length > 63) return false;
  if (length > 4 && s.slice(tld, tld + 4).toLowerCase() === "xn--") {
    for (let i = tld + 4; i < s.length; i++) {
      const c = s.charCodeAt(i) | 0x20;
      if (
        !(
          (c >= 0x61 && c <= 0x7a) ||
          (s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) ||
          s.charCodeAt(i) === 0x2d
        )
      )
        return false;
    }
    return true;
  }
  if (length < 2) return false;
  for (let i = tld; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

/** The `email` format both ends check: valid syntax (`isEmailSyntax`) and a mail domain. */
export function isEmail(s: string): boolean {
  return isEmailSyntax(s) && hasMailDomain(s);
}

// @cfworker/json-schema checks formats through its exported `format` table; adding ours there
// makes `format` failures come out of the validator like any standard format. Its `email` is
// replaced by ours (syntax plus a mail domain), so the validator and the quick verdict agree.
Object.assign(format, CUSTOM_FORMATS, { email: isEmail });

/** Human descriptions of what a format expects, used in messages. */
export const FORMAT_HINTS: Record<string, string> = {
  email: "an email address",
  ddmmyyyy: "a real date in DDMMYYYY form",
  "date-time": "a date and time in ISO 8601 form",
  date: "a date as YYYY-MM-DD",
  hostname: "a domain name",
  uri: "a full URL including its scheme",
  decimal: "a decimal number with a period as decimal separator and no thousands separator",
  iso4217: "an ISO 4217 currency code in capitals",
  "iso3166-alpha2": "an ISO 3166-1 alpha-2 country code in capitals",
  "intake-timestamp": "an ISO 8601 timestamp or one like 2023-12-14 04:42:12 +0000 UTC",
};

/** A likely intended decimal: `12,345.60` and `12345,60` -> `12345.60`. */
export function suggestDecimal(value: string): string | undefined {
  const v = value.replace(/[\s'\u00a0]/g, "");
  let fixed: string | undefined;
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) fixed = v.replace(/,/g, "");
  else if (/^-?\d{1,3}(\.\d{3})+,\d+$/.test(v)) fixed = v.replace(/\./g, "").replace(",", ".");
  else if (/^-?\d+,\d+$/.test(v)) fixed = v.replace(",", ".");
  else if (/^-?\d+(\.\d+)?$/.test(v) && v !== value) fixed = v;
  return fixed !== undefined && DECIMAL.test(fixed) ? fixed : undefined;
}

/** A likely intended DDMMYYYY date from ISO (2024-01-31) or D/M/Y forms (31/01/2024, 31.1.2024). */
export function suggestDdmmyyyy(value: string): string | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(value);
  let y: number;
  let mo: number;
  let d: number;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(value);
    if (!m) return undefined;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return isRealDate(y, mo, d) ? `${pad(d)}${pad(mo)}${pad(y, 4)}` : undefined;
}

/** `2024-03-31` or `2024-03-31 10:00:00` -> `2024-03-31T00:00:00Z` style UTC date-time. */
export function suggestDateTime(value: string): string | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day)
    return isRealDate(Number(day[1]), Number(day[2]), Number(day[3])) ? `${value}T00:00:00Z` : undefined;
  const spaced = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value);
  if (spaced) return toIsoUtc(`${spaced[1]}T${spaced[2]}Z`);
  const iso = toIsoUtc(value);
  return iso && iso !== value ? iso.replace(/\.\d{3}Z$/, "Z") : undefined;
}

/** Whether `text` is non-empty, has no whitespace, and has an `@` with text on both sides. */
function isAddressLike(text: string): boolean {
  if (/\s/.test(text)) return false;
  const at = text.indexOf("@", 1);
  return at > 0 && at < text.length - 1;
}

/**
 * The address inside the first `<…>` holding exactly one address-like token (optionally padded
 * with whitespace), like `/<\s*([^<>\s]+@[^<>\s]+)\s*>/` but found by one left-to-right scan: that
 * regex backtracks quadratically on `<a@a@a@…` without a closing `>`.
 */
function bracketedAddress(value: string): string | undefined {
  let open = value.indexOf("<");
  while (open !== -1) {
    let end = open + 1;
    while (end < value.length && value[end] !== "<" && value[end] !== ">") end++;
    if (end === value.length) return undefined;
    if (value[end] === ">") {
      // `\s` and String#trim both mean WhiteSpace or LineTerminator.
      const inner = value.slice(open + 1, end).trim();
      if (isAddressLike(inner)) return inner;
      open = value.indexOf("<", end + 1);
    } else {
      open = end;
    }
  }
  return undefined;
}

/** `Jane Doe <jane@example.com>`, `<jane@example.com>` or `mailto:jane@example.com` -> `jane@example.com`. */
export function suggestEmail(value: string): string | undefined {
  let candidate = bracketedAddress(value);
  if (candidate === undefined && value.slice(0, 7).toLowerCase() === "mailto:") {
    const rest = value.slice(7);
    if (isAddressLike(rest)) candidate = rest;
  }
  return candidate && format.email?.(candidate) ? candidate : undefined;
}

// Exact, allocation-free equivalents of @cfworker/json-schema's slowest formats, for the quick
// verdict (schemas/quick-verdict.ts). Each answers as the reference function does on every
// input (a differential test holds them equal); the rare forms they do not read themselves
// (an IP-literal email host, a leap second, a date-time not in the usual 20-character form) go to
// the reference. Each is one left-to-right scan: linear in the input.
const referenceDateTime = format["date-time"] as (value: string) => boolean;

/** Characters of an unquoted local part: `[a-z0-9.!#$%&'*+/=?^_\`{|}~-]` (ASCII letters in either case). */
const ATEXT = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
  ATEXT[c.charCodeAt(0)] = 1;

const isAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** A line terminator, which the reference's `.` does not match. */
const isLineEnd = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

/** The reference's HOSTNAME on `s` from `from` (1 to 253 characters, no line ends, checked by the caller). */
function isHostnameFrom(s: string, from: number): boolean {
  let labelStart = from;
  const n = s.length;
  for (let i = from; i <= n; i++) {
    const c = i === n ? 0x2e : s.charCodeAt(i);
    if (c === 0x2e) {
      const length = i - labelStart;
      if (length < 1 || length > 63) return false;
      if (!isAlnum(s.charCodeAt(labelStart)) || !isAlnum(s.charCodeAt(i - 1))) return false;
      labelStart = i + 1;
    } else if (!(c === 0x2d || isAlnum(c))) {
      return false;
    }
  }
  return true;
}

/** @cfworker/json-schema's `email` format (`cfworkerEmail`), without its regexes' allocations. */
export function isEmailSyntax(s: string): boolean {
  const n = s.length;
  let i = 0;
  const quoted = n > 0 && s.charCodeAt(0) === 0x22;
  if (quoted) {
    i = 1;
    for (;;) {
      if (i >= n) return false;
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : -1;
        if (next < 0x20 || next > 0x7e) return false;
        i += 2;
      } else if (c < 0x20 || c > 0x7e) {
        return false;
      } else {
        i++;
      }
    }
    i++;
  } else {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || ATEXT[c] === 0) break;
      i++;
    }
    if (i === 0) return false;
  }
  if (i >= n || s.charCodeAt(i) !== 0x40) return false;
  const nameLength = i;
  const hostStart = i + 1;
  const hostLength = n - hostStart;
  if (hostLength < 1) return false;
  for (let j = hostStart; j < n; j++) if (isLineEnd(s.charCodeAt(j))) return false;
  if (nameLength > 64 || hostLength > 253) return false;
  if (!quoted) {
    if (s.charCodeAt(0) === 0x2e || s.charCodeAt(nameLength - 1) === 0x2e) return false;
    for (let j = 1; j < nameLength; j++)
      if (s.charCodeAt(j) === 0x2e && s.charCodeAt(j - 1) === 0x2e) return false;
  }
  if (s.charCodeAt(hostStart) === 0x5b) return cfworkerEmail(s);
  return isHostnameFrom(s, hostStart);
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

/** @cfworker/json-schema's `date-time` format; `YYYY-MM-DDTHH:MM:SSZ` read in place, any other form by it. */
export function isDateTime(s: string): boolean {
  if (
    s.length === 20 &&
    s.charCodeAt(4) === 0x2d &&
    s.charCodeAt(7) === 0x2d &&
    (s.charCodeAt(10) === 0x54 || s.charCodeAt(10) === 0x74) &&
    s.charCodeAt(13) === 0x3a &&
    s.charCodeAt(16) === 0x3a &&
    (s.charCodeAt(19) === 0x5a || s.charCodeAt(19) === 0x7a)
  ) {
    for (const i of DATE_TIME_DIGITS) if (!isDigitAt(s, i)) return referenceDateTime(s);
    const year = digitsAt(s, 0, 4);
    const month = digitsAt(s, 5, 7);
    const day = digitsAt(s, 8, 10);
    const hour = digitsAt(s, 11, 13);
    const minute = digitsAt(s, 14, 16);
    const second = digitsAt(s, 17, 19);
    if (second === 60) return referenceDateTime(s);
    if (month < 1 || month > 12 || day < 1) return false;
    const maxDay =
      month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1];
    return day <= (maxDay as number) && hour <= 23 && minute <= 59 && second <= 60;
  }
  return referenceDateTime(s);
}

const DATE_TIME_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** Reference format functions and their exact fast equivalents, for the quick verdict. */
export const FAST_FORMATS = new Map<unknown, (value: string) => boolean>([
  [isEmail, isEmail],
  [referenceDateTime, isDateTime],
]);
