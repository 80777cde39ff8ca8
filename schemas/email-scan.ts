// The usual email address (`name.part@host.example`) accepted in one left-to-right scan, for the
// quick verdict: a text it does not accept there goes to `isEmail` (formats.ts), so the answer is
// always the `email` format's (its syntax, then a mail domain). What it accepts is a subset of
// what `isEmailSyntax` accepts: an
// unquoted local part of 1 to 64 characters of `[a-zA-Z0-9.!#$%&'*+/=?^_\`{|}~-]`, not starting or
// ending with a dot and without two dots in a row; then `@` and a host name of 1 to 253
// characters whose dot-separated labels are 1 to 63 ASCII letters, digits and hyphens, starting
// and ending with a letter or digit.
import { hasMailDomain, isEmail } from "./formats.ts";
import { mix, noteFoldedHash, PART_END, TEXT_START } from "./key-index.ts";

/** Per ASCII code: the code lower-cased for a character of an unquoted local part, else 0. */
const LOCAL = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
  LOCAL[c.charCodeAt(0)] = c.toLowerCase().charCodeAt(0);

const ALNUM = 1;
const HYPHEN = 2;
const DOT = 3;
/** Per ASCII code: what it is in a host name (0: not allowed). */
const HOST = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
  HOST[c.charCodeAt(0)] = ALNUM;
HOST[0x2d] = HYPHEN;
HOST[0x2e] = DOT;

/** Whether `s` is an email address by the `email` format (the usual form read here, any other by `isEmail`). */
export function isEmailQuick(s: string): boolean {
  return usualEmail(s) ? hasMailDomain(s) : isEmail(s);
}

/**
 * Whether `s` is an address of the usual form described above (false: not of that form, or not
 * valid). An address it accepts has its case-folded key hash noted on the way (`noteFoldedHash`),
 * as `hashText` would compute it: char codes lower-cased and mixed two at a time.
 */
export function usualEmail(s: string): boolean {
  const n = s.length;
  let h = TEXT_START;
  let i = 0;
  let previous = 0x2e;
  let held = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    const lower = c < 0x80 ? (LOCAL[c] as number) : 0;
    if (lower === 0) break;
    // A dot first, or after a dot.
    if (c === 0x2e && previous === 0x2e) return false;
    previous = c;
    if ((i & 1) === 0) held = lower;
    else h = mix(h, held | (lower << 16));
  }
  if (i === 0 || i > 64 || previous === 0x2e || i >= n || s.charCodeAt(i) !== 0x40) return false;
  if ((i & 1) === 0) held = 0x40;
  else h = mix(h, held | (0x40 << 16));
  const from = i + 1;
  if (n - from < 1 || n - from > 253) return false;
  let labelStart = from;
  let last = 0;
  for (let j = from; j < n; j++) {
    const c = s.charCodeAt(j);
    const kind = c < 0x80 ? (HOST[c] as number) : 0;
    if (kind === 0) return false;
    if (kind === DOT) {
      if (j === labelStart || j - labelStart > 63 || last !== ALNUM) return false;
      labelStart = j + 1;
    } else if (j === labelStart && kind !== ALNUM) return false;
    last = kind;
    const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    if ((j & 1) === 0) held = lower;
    else h = mix(h, held | (lower << 16));
  }
  if (!(n > labelStart && n - labelStart <= 63 && last === ALNUM)) return false;
  if ((n & 1) === 1) h = mix(h, held);
  noteFoldedHash(s, mix(h, PART_END));
  return true;
}
