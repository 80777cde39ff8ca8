// Header evidence: how surely a header names a field or one of its aliases, by whole token sets
// ("First Name" never becomes lastName by sharing "Name").
import { normalizeHeader } from "../../schemas/index.ts";

const NOISE = new Set(["profile", "required", "optional", "has", "is", "primary", "of", "the"]);
const SYNONYMS: Record<string, string> = {
  "2sv": "mfa",
  "2fa": "mfa",
  twofa: "mfa",
  enrolled: "enrol",
  enrolment: "enrol",
  enrollment: "enrol",
  no: "number",
  num: "number",
  nbr: "number",
};
/** Words a header may add to a name without changing what it is ("Created Date" = "Created"). */
const EXTRA_OK = new Set(["date", "time", "at", "on"]);

function stem(token: string): string {
  const t = (Object.hasOwn(SYNONYMS, token) ? SYNONYMS[token] : undefined) ?? token;
  return t.length > 3 && t.endsWith("s") && !t.endsWith("ss") && !t.endsWith("us") ? t.slice(0, -1) : t;
}

/** Words of a header: camelCase and punctuation split, notes in brackets dropped, noise removed. */
export function headerTokens(header: string): string[] {
  const text = header
    .replace(/\[[^\]]*\]|\([^)]*\)/g, " ")
    .replace(/#/g, " number ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .normalize("NFKD")
    .toLowerCase();
  const words = text
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(stem);
  const kept = words.filter((w) => !NOISE.has(w));
  return kept.length > 0 ? kept : words;
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));

/** How surely `header` names the field or alias `name` (0..1). */
export function matchScore(header: string, name: string, isFieldName: boolean): number {
  if (normalizeHeader(header) === normalizeHeader(name)) return isFieldName ? 1 : 0.95;
  const stripped = header.replace(/\[[^\]]*\]|\([^)]*\)/g, " ");
  if (normalizeHeader(stripped) !== "" && normalizeHeader(stripped) === normalizeHeader(name)) return 0.9;
  const h = new Set(headerTokens(header));
  const c = new Set(headerTokens(name));
  if (h.size === 0 || c.size === 0) return 0;
  if (sameSet(h, c)) return 0.85;
  const extra = minus(h, c);
  const missing = minus(c, h);
  if (missing.length === 0) return extra.every((w) => EXTRA_OK.has(w)) ? 0.75 : 0.35;
  if (extra.length === 0) {
    // "Worker" for "Worker Name", "2sv Enrolled" for "MFA Enrolment Status".
    if (missing.length === 1 && missing[0] === "name") return 0.75;
    if (missing.length === 1 && missing[0] === "status" && h.size >= 2) return 0.7;
    return 0.3;
  }
  return 0;
}
