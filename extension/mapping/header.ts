// Header evidence: how surely a header names a field or one of its aliases, by whole token sets
// ("First Name" never becomes lastName by sharing "Name"), weighed for suggestMapping (synonyms and
// one-word generic headers count less) and said in words.
import { normalizeHeader, type PropertySchema } from "../../schemas/index.ts";
import { FOREIGN_WORDS, GENERIC_WORDS } from "./vocabulary.ts";

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

/** Where a header match comes from: the field's name, an alias, a weaker synonym, or the tenant's past choice. */
type How = "field" | "alias" | "synonym" | "history";

export interface HeaderMatch {
  score: number;
  name: string;
  how: How;
  /** The name matched exactly (after case and punctuation). */
  exact: boolean;
  /** A one-word generic header (Status, Type, Name…) or a partial match: the values must agree. */
  weak: boolean;
}

/** Headers that say nothing: Column 1, col_3, Field7, Unnamed: 2, blank. */
export const isPlaceholderHeader = (header: string) =>
  header.trim() === "" || /^(column|col|field|unnamed|untitled)[\s_:-]*\d*$/i.test(header.trim());

/** The best match of `header` among the field's name, aliases and synonyms, weighed; undefined for none. */
export function headerEvidence(header: string, field: string, prop: PropertySchema): HeaderMatch | undefined {
  const tokens = headerTokens(header);
  const genericHeader = tokens.length === 1 && GENERIC_WORDS.has(tokens[0] as string);
  const names: [string, How][] = [
    [field, "field"],
    ...(prop["x-intake-aliases"] ?? []).map((a): [string, How] => [a, "alias"]),
    ...(prop["x-intake-synonyms"] ?? []).map((s): [string, How] => [s, "synonym"]),
  ];
  let best: HeaderMatch | undefined;
  for (const [name, how] of names) {
    let score = matchScore(header, name, how === "field");
    if (score <= 0) continue;
    const exact = score >= 0.9;
    const own = new Set(headerTokens(name));
    // "Manager Email" is not the email, "Last Login" not the login.
    if (tokens.some((t) => !own.has(t) && FOREIGN_WORDS.has(t))) continue;
    const partial = score < 0.7;
    if (partial) score *= 0.5;
    if (how === "synonym") score *= 0.8;
    // A one-word header says less than a specific alias: "Employment Status" beats "Status".
    if (genericHeader) score *= 0.8;
    // Earlier aliases are the stronger ones ("Hire Date" before "Original Hire Date").
    score -= 0.002 * names.findIndex(([n]) => n === name);
    const weak = partial || how === "synonym" || genericHeader;
    if (!best || score > best.score) best = { score, name, how, exact, weak };
  }
  return best;
}

/** A header match in words ("header matches alias 'Surname'"). */
export function headerReason(h: HeaderMatch, header: string): string {
  switch (h.how) {
    case "history":
      return `used before for "${header}"`;
    case "field":
      return h.exact ? `header is the field name '${h.name}'` : `header resembles the field name '${h.name}'`;
    case "alias":
      return h.exact ? `header matches alias '${h.name}'` : `header resembles alias '${h.name}'`;
    default:
      return h.exact ? `header matches synonym '${h.name}'` : `header resembles synonym '${h.name}'`;
  }
}
