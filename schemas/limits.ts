// The limits every record and every JSON document is held to, written once for the Worker and the
// extension: field length (checked before any per-value work), nesting depth and the keys that
// could pollute prototypes. The Worker configures them from wrangler vars and announces them; the
// extension validates with the announced values, these defaults otherwise.
import type { AnnouncedLimits } from "./api-types.ts";
import { clipText } from "./messages.ts";

/** Defaults of the limits a Worker announces (wrangler vars override them). */
export const DEFAULT_LIMITS: Readonly<AnnouncedLimits> = Object.freeze({
  maxRecordsPerBatch: 5000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxFieldLength: 10_000,
  maxNestingDepth: 8,
});

/** The limits that apply to one record or one JSON document. */
export type RecordLimits = Pick<AnnouncedLimits, "maxFieldLength" | "maxNestingDepth">;

/** The given limits completed with the defaults. */
export function recordLimits(limits: Partial<RecordLimits> = {}): RecordLimits {
  return {
    maxFieldLength: limits.maxFieldLength ?? DEFAULT_LIMITS.maxFieldLength,
    maxNestingDepth: limits.maxNestingDepth ?? DEFAULT_LIMITS.maxNestingDepth,
  };
}

/** Keys refused anywhere in a JSON document, so no code can ever trip on them. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Where a JSON document came from, for the words of its problems. */
export type JsonSource = "request body" | "file";

export function forbiddenKeyMessage(key: string, source: JsonSource = "request body"): string {
  return `The key "${key}" is not allowed anywhere in ${source === "file" ? "the file" : "a request body"}`;
}

/**
 * The first forbidden key anywhere in a parsed JSON value. Iterative (an explicit stack), since a
 * 10 MB document can nest millions of levels deep and recursion would overflow the stack.
 */
export function findForbiddenKey(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const keys = Object.keys(value);
    for (const key of keys) if (FORBIDDEN_KEYS.has(key)) return key;
    for (let i = keys.length - 1; i >= 0; i--)
      stack.push((value as Record<string, unknown>)[keys[i] as string]);
  }
  return undefined;
}

/** Whether JSON text could hold a forbidden key (the walk costs ~5x the parse, so it is skipped otherwise). */
export function mayHoldForbiddenKey(text: string): boolean {
  return /proto|constructor|\\u/.test(text);
}

/**
 * Depth of nested arrays/objects of a value (a record's own fields are depth 1), counted no
 * further than just past `limit`, so the work and the recursion stay bounded.
 */
export function nestingDepth(value: unknown, limit: number, depth = 0): number {
  if (value === null || typeof value !== "object") return depth;
  if (depth > limit) return depth;
  let max = depth + 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    max = Math.max(max, nestingDepth(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** `where` is "line 3" when the record has a source line, "record 2" otherwise. */
export function tooDeepMessage(record: number, where: string, limit: number): string {
  return `Record ${record} (${where}) is nested deeper than ${limit} levels`;
}

/** Whether a field's value holds a text longer than `max` (itself or an item of its list). */
export function isOverLong(value: unknown, max: number): boolean {
  if (typeof value === "string") return value.length > max;
  if (Array.isArray(value)) return value.some((item) => typeof item === "string" && item.length > max);
  return false;
}

export function fieldTooLongMessage(field: string, max: number): string {
  return `${clipText(field)} is longer than ${max} characters`;
}

/**
 * What a source name never shows: C0/C1 controls (Cc), every format character (Cf: zero-width
 * marks and joiners, the bidi marks, embeddings, overrides and isolates U+061C, U+200E–F,
 * U+202A–E, U+2066–9, the word joiner U+2060, soft hyphen, BOM, tags…) and the line and paragraph
 * separators. Each becomes a space.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** The longest source name (file name, or a captured page's title and address) a sync records. */
export const SOURCE_NAME_MAX = 300;

/** Index of the first UTF-16 surrogate without its partner in `text` from `from` on, or -1. */
function loneSurrogateAt(text: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}

/** `text` with each lone surrogate replaced by U+FFFD, in one pass (String#toWellFormed, ES2024). */
function wellFormed(text: string): string {
  let at = loneSurrogateAt(text);
  if (at === -1) return text;
  let out = "";
  let from = 0;
  while (at !== -1) {
    out += `${text.slice(from, at)}\uFFFD`;
    from = at + 1;
    at = loneSurrogateAt(text, from);
  }
  return out + text.slice(from);
}

/**
 * Why a source name as sent cannot be recorded, or undefined when it can: a lone UTF-16 surrogate
 * (half of a character, which no text encoding can store). The Worker answers it with a 400 before
 * it clips the name; the extension's client never sends one (`clipSourceName` replaces them).
 */
export function sourceNameProblem(name: string): string | undefined {
  const at = loneSurrogateAt(name);
  if (at === -1) return undefined;
  const unit = name.charCodeAt(at).toString(16).toUpperCase();
  return `sourceName holds half of a character (the lone surrogate \\u${unit} at position ${(at + 1).toLocaleString("en-US")}); send it as valid Unicode text`;
}

/**
 * A source name as it is recorded and shown: control, format and bidi characters (see INVISIBLE)
 * become spaces, runs of whitespace one space, trimmed, cut at SOURCE_NAME_MAX characters (never
 * inside a surrogate pair, ending in "…" when cut); null when nothing is left. A lone surrogate
 * (refused by the Worker, see `sourceNameProblem`) becomes one U+FFFD.
 */
export function clipSourceName(name: string): string | null {
  const clean = wellFormed(name).replace(INVISIBLE, " ").replace(/\s+/g, " ").trim();
  if (clean === "") return null;
  if (clean.length <= SOURCE_NAME_MAX) return clean;
  const last = clean.charCodeAt(SOURCE_NAME_MAX - 2);
  const cut = last >= 0xd800 && last <= 0xdbff ? SOURCE_NAME_MAX - 2 : SOURCE_NAME_MAX - 1;
  return `${clean.slice(0, cut).trimEnd()}…`;
}
