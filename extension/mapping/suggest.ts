// suggestMapping: header evidence (field names, aliases, weaker synonyms, the tenant's own past
// mappings) and value evidence (what the column holds) scored together for every column and
// field, then each field given to at most one column. A column is applied without asking only
// when the header and the values agree, generic one-word headers only when the values confirm
// them, and never when the values cannot fit the field (even through a value map). A column of a
// person's full name, where the schema has first- and last-name fields but no full-name field and
// no other column claims them, is proposed split into the two (applied when the values read as
// first and last names).
import {
  type ContextSchema,
  normalizeHeader,
  type PropertySchema,
  resolveSchema,
} from "../../schemas/index.ts";
import { headerTokens, matchScore } from "./header.ts";
import { hasFullNameField, meansFullName, nameSplitFields, personNameShape } from "./name-split.ts";
import {
  BOOLEAN_SPELLINGS,
  type ColumnProfile,
  columnsOf,
  profileColumn,
  type ValueClass,
} from "./profile.ts";
import {
  BOOLEAN_WORDS,
  CUES,
  enumTarget,
  type FieldKind,
  FOREIGN_WORDS,
  fieldKind,
  flagTargets,
  GENERIC_WORDS,
  NEGATIVE_FLAG_WORDS,
  squash,
} from "./vocabulary.ts";

export interface SuggestInput {
  headers: readonly string[];
  /** Data rows as text cells (all of them, or the first ~1,000). */
  rows: readonly (readonly string[])[];
  /** A context name, such as "saas_users". */
  context: string;
  /** Header text -> field from mappings saved for other integrations ("used before"). */
  history?: readonly HistoryEntry[];
}

export interface HistoryEntry {
  header: string;
  field: string;
}

export interface ColumnSuggestion {
  /** The field proposed for the column, or null. Applied when `auto`; otherwise a hint. */
  field: string | null;
  /** 0..1: the candidate's score discounted by how little it beats the runner-up. */
  confidence: number;
  /** Applied without asking. */
  auto: boolean;
  /** Why, in words: "header matches alias 'Surname'; values look like names". */
  reason: string;
  /**
   * Source value -> value to store, applied with the field: only where the evidence is exact (the
   * same word in another case or spacing, active -> ACTIVE; a yes/no spelling, Yes -> true).
   */
  valueMap?: Record<string, string>;
  /**
   * Source value -> a value it probably means (Enabled -> ACTIVE, True -> ACTIVE for a status
   * flag): offered, never applied until the admin accepts it.
   */
  valueHints?: Record<string, string>;
  /** The proposal comes from a mapping the tenant saved before. */
  usedBefore?: boolean;
  /**
   * The column is a person's full name, proposed split into these two fields (`field` is then
   * null): applied when `auto`, else a hint.
   */
  split?: { first: string; last: string };
}

/** Confidence needed to apply a column without asking. */
export const AUTO_CONFIDENCE = 0.6;
/** The margin over the runner-up at which confidence is no longer discounted. */
const FULL_MARGIN = 0.25;
/** Candidates from values alone, with nothing in the header: never above this. */
const VALUE_ONLY_SCORE = 0.66;

type How = "field" | "alias" | "synonym" | "history";

interface HeaderMatch {
  score: number;
  name: string;
  how: How;
  /** The name matched exactly (after case and punctuation). */
  exact: boolean;
  /** A one-word generic header (Status, Type, Name…) or a partial match: the values must agree. */
  weak: boolean;
}

type Fit = "agree" | "neutral" | "contradict" | "unknown";

interface ValueFit {
  fit: Fit;
  note: string;
  /** Exact readings (applied) and likely ones (offered): see ColumnSuggestion. */
  valueMap?: Record<string, string>;
  valueHints?: Record<string, string>;
}

interface Candidate {
  column: number;
  field: string;
  score: number;
  header?: HeaderMatch;
  value: ValueFit;
  /** All gates passed: may be applied without asking (if its confidence is high enough). */
  eligible: boolean;
  confidence: number;
}

/** Headers that say nothing: Column 1, col_3, Field7, Unnamed: 2, blank. */
export const isPlaceholderHeader = (header: string) =>
  header.trim() === "" || /^(column|col|field|unnamed|untitled)[\s_:-]*\d*$/i.test(header.trim());

function headerEvidence(header: string, field: string, prop: PropertySchema): HeaderMatch | undefined {
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

const TEXTUAL: ValueClass[] = ["name", "text", "list", "login", "code"];
const STRONG: ValueClass[] = [
  "email",
  "date",
  "timestamp",
  "boolean",
  "integer",
  "decimal",
  "uuid",
  "arn",
  "phone",
  "url",
];
const share = (p: ColumnProfile, classes: ValueClass[]) =>
  classes.reduce((s, c) => s + (p.shares[c] ?? 0), 0);
const strongDominant = (p: ColumnProfile) =>
  p.dominant && STRONG.includes(p.dominant) ? p.dominant : undefined;

function cueShare(p: ColumnProfile, cues: Set<string> | undefined): number {
  if (!cues || p.count === 0) return 0;
  let hits = 0;
  for (const [value, n] of p.top) {
    const words = value
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter(Boolean);
    if (cues.has(squash(value)) || words.some((w) => cues.has(w))) hits += n;
  }
  const seen = p.top.reduce((s, [, n]) => s + n, 0);
  return seen > 0 ? hits / seen : 0;
}

const quote = (values: string[]) =>
  values
    .slice(0, 3)
    .map((v) => (v.length > 24 ? `${v.slice(0, 23)}…` : v))
    .join(", ") + (values.length > 3 ? "…" : "");

const DATE_WORDS: Record<string, string> = { timestamp: "timestamps", date: "dates" };

/** A yes/no spelling the core knows (Yes, N, 0, On…): exact evidence of a boolean. */
const isYesNo = (value: string) => Object.hasOwn(BOOLEAN_SPELLINGS, value.trim().toLowerCase());

function booleanOf(value: string): boolean | undefined {
  const lower = value.trim().toLowerCase();
  if (Object.hasOwn(BOOLEAN_SPELLINGS, lower)) return BOOLEAN_SPELLINGS[lower];
  return Object.hasOwn(BOOLEAN_WORDS, squash(value)) ? BOOLEAN_WORDS[squash(value)] : undefined;
}

/** How the column's values fit a field of `kind`. */
function valueFit(p: ColumnProfile, kind: FieldKind, prop: PropertySchema, header: string): ValueFit {
  if (p.count === 0) return { fit: "unknown", note: "no values to check" };
  const dom = strongDominant(p);
  const textual = share(p, TEXTUAL);
  const againstText = (): ValueFit | undefined =>
    dom
      ? { fit: "contradict", note: `values are ${dom === "boolean" ? "true/false" : `${dom}s`}` }
      : undefined;
  switch (kind) {
    case "email": {
      const s = p.shares.email ?? 0;
      if (s >= 0.9)
        return {
          fit: "agree",
          note: p.uniqueness >= 0.95 ? "values are unique emails" : "values are emails",
        };
      return s < 0.5
        ? { fit: "contradict", note: "values are not emails" }
        : { fit: "neutral", note: "some values are not emails" };
    }
    case "date": {
      const s = (p.shares.date ?? 0) + (p.shares.timestamp ?? 0);
      if (s >= 0.9) {
        const what = DATE_WORDS[(p.shares.timestamp ?? 0) > (p.shares.date ?? 0) ? "timestamp" : "date"];
        return {
          fit: "agree",
          note: `values are ${what}${p.dateFormat && p.dateFormat !== "ISO" ? ` (${p.dateFormat})` : ""}`,
        };
      }
      return s < 0.5
        ? { fit: "contradict", note: "values are not dates" }
        : { fit: "neutral", note: "some values are not dates" };
    }
    case "boolean": {
      const map: Record<string, string> = {};
      const hints: Record<string, string> = {};
      const odd: string[] = [];
      for (const [value] of p.top) {
        const b = booleanOf(value);
        if (b === undefined) odd.push(value);
        else if (value.trim() !== String(b)) (isYesNo(value) ? map : hints)[value] = String(b);
      }
      if (odd.length > 0) return { fit: "contradict", note: `values (${quote(odd)}) are not yes/no` };
      const spelled = Object.keys(map).length + Object.keys(hints).length > 0;
      return {
        fit: "agree",
        note: `values are booleans${spelled ? ` (${quote(p.top.map(([v]) => v))})` : ""}`,
        valueMap: map,
        valueHints: hints,
      };
    }
    case "enum": {
      const options = (prop.enum ?? []).filter((o): o is string => typeof o === "string");
      const map: Record<string, string> = {};
      const hints: Record<string, string> = {};
      const odd: string[] = [];
      const flags = flagTargets(options);
      if (p.booleanLike || p.top.every(([v]) => booleanOf(v) !== undefined && !enumTarget(v, options))) {
        if (!flags) return { fit: "contradict", note: `true/false values cannot be ${options.join(" / ")}` };
        const negative = headerTokens(header).some((t) => NEGATIVE_FLAG_WORDS.has(t));
        // A flag read as a status is a reading of the header, never exact: offered only.
        for (const [value] of p.top) {
          const b = booleanOf(value);
          if (b === undefined) odd.push(value);
          else hints[value] = (b !== negative ? flags[0] : flags[1]) as string;
        }
      } else {
        let mapped = 0;
        for (const [value, n] of p.top) {
          const target = enumTarget(value, options);
          if (target === undefined) odd.push(value);
          else {
            mapped += n;
            // The same word (active -> ACTIVE) is applied; a synonym (Enabled -> ACTIVE) is offered.
            if (target !== value) (squash(target) === squash(value) ? map : hints)[value] = target;
          }
        }
        if (odd.length === 0 || mapped / p.count >= 0.98) {
          const targets = new Set([...p.top.map(([v]) => enumTarget(v, options))].filter(Boolean));
          const through = Object.keys(map).length + Object.keys(hints).length > 0;
          return {
            fit: "agree",
            note: `values fit ${[...targets].join(", ")}${through ? " through a value map" : ""}`,
            valueMap: map,
            valueHints: hints,
          };
        }
      }
      if (odd.length > 0)
        return { fit: "contradict", note: `values (${quote(odd)}) don't fit ${options.join(", ")}` };
      return {
        fit: "agree",
        note: `true/false read as ${Object.values(hints).join("/")}`,
        valueMap: map,
        valueHints: hints,
      };
    }
    case "number":
      return share(p, ["integer", "decimal"]) >= 0.9
        ? { fit: "agree", note: "values are numbers" }
        : { fit: "contradict", note: "values are not numbers" };
    case "first-name":
    case "last-name":
      if (againstText()) return againstText() as ValueFit;
      if ((p.shares.name ?? 0) >= 0.9 && p.multiWord <= 0.3)
        return { fit: "agree", note: "values look like names" };
      return { fit: "neutral", note: "values are text" };
    case "full-name":
      if (againstText()) return againstText() as ValueFit;
      if ((p.shares.name ?? 0) >= 0.9 && p.multiWord >= 0.6)
        return { fit: "agree", note: "values look like full names" };
      return { fit: "neutral", note: "values are text" };
    case "department":
    case "job-title":
    case "status-text":
    case "type-text":
    case "role-list": {
      if (againstText()) return againstText() as ValueFit;
      const cues = cueShare(p, CUES[kind]);
      const words: Record<string, string> = {
        department: "department names",
        "job-title": "job titles",
        "status-text": "statuses",
        "type-text": "employment types",
        "role-list": "roles",
      };
      const listy = kind === "role-list" && (p.shares.list ?? 0) >= 0.3;
      const small = kind === "status-text" || kind === "type-text" ? p.distinct <= 15 : true;
      if ((cues >= 0.5 || listy) && small) return { fit: "agree", note: `values look like ${words[kind]}` };
      if (kind === "department" && cues >= 0.3 && p.uniqueness <= 0.5)
        return { fit: "agree", note: "values look like department names" };
      return { fit: "neutral", note: "values are text" };
    }
    case "group-list":
      if (againstText()) return againstText() as ValueFit;
      return textual >= 0.9
        ? { fit: "agree", note: "values are names of groups" }
        : { fit: "neutral", note: "values are text" };
    case "manager": {
      if ((p.shares.email ?? 0) >= 0.9) return { fit: "agree", note: "values are emails" };
      if (dom && dom !== "integer") return { fit: "contradict", note: `values are ${dom}s` };
      const lastFirst =
        p.top.reduce((n, [v, c]) => n + (/^[\p{L}'’ -]+,\s*[\p{L}'’ -]+$/u.test(v) ? c : 0), 0) / p.count;
      return share(p, ["name", "code", "integer", "login"]) + lastFirst >= 0.9
        ? { fit: "agree", note: "values are names or ids" }
        : { fit: "neutral", note: "values are text" };
    }
    case "record-id":
    case "identifier": {
      const idShare = share(p, ["uuid", "arn", "integer", "code", "login"]);
      if ((dom && !["uuid", "arn", "integer"].includes(dom)) || p.multiWord > 0.5)
        return { fit: "contradict", note: dom ? `values are ${dom}s` : "values are names, not ids" };
      if (idShare >= 0.9 && p.uniqueness >= 0.95) {
        const what = (p.shares.arn ?? 0) >= 0.9 ? "ARNs" : (p.shares.uuid ?? 0) >= 0.9 ? "UUIDs" : "ids";
        return { fit: "agree", note: `values are unique ${what}` };
      }
      return { fit: "neutral", note: p.uniqueness < 0.95 ? "values repeat" : "values are text" };
    }
    case "account-id": {
      if (dom && !["uuid", "integer"].includes(dom)) return { fit: "contradict", note: `values are ${dom}s` };
      if (p.multiWord > 0.3) return { fit: "contradict", note: "values are names, not ids" };
      return share(p, ["uuid", "integer", "code", "login"]) >= 0.9
        ? { fit: "agree", note: "values are account ids" }
        : { fit: "neutral", note: "values are text" };
    }
    case "username": {
      if (dom && dom !== "email") return { fit: "contradict", note: `values are ${dom}s` };
      if (p.multiWord > 0.3) return { fit: "contradict", note: "values are names with spaces" };
      return share(p, ["login", "email", "code", "name"]) >= 0.9 && p.uniqueness >= 0.9
        ? {
            fit: "agree",
            note: (p.shares.email ?? 0) >= 0.9 ? "values are unique emails" : "values are unique logins",
          }
        : { fit: "neutral", note: "values are text" };
    }
    default:
      return { fit: "neutral", note: "values are text" };
  }
}

/** Kinds that values alone may propose when the header says nothing. */
function valueOnlyScore(
  p: ColumnProfile,
  kind: FieldKind,
  fit: ValueFit,
  placeholder: boolean,
  soleOfKind: boolean,
): number {
  if (fit.fit !== "agree") return 0;
  switch (kind) {
    case "email":
      return p.uniqueness >= 0.9 && p.fill >= 0.8 ? VALUE_ONLY_SCORE : 0;
    case "identifier":
      return (p.shares.arn ?? 0) >= 0.9 || (placeholder && (p.shares.uuid ?? 0) >= 0.9)
        ? VALUE_ONLY_SCORE
        : 0;
    case "enum":
      return placeholder && !p.booleanLike && p.distinct >= 2 ? VALUE_ONLY_SCORE : 0;
    case "date":
    case "full-name":
    case "record-id":
      return placeholder && soleOfKind ? VALUE_ONLY_SCORE - 0.04 : 0;
    case "department":
    case "job-title":
    case "status-text":
    case "type-text":
    case "role-list":
      return placeholder ? VALUE_ONLY_SCORE - 0.04 : 0;
    default:
      return 0;
  }
}

function headerReason(h: HeaderMatch, header: string): string {
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

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Per column: the field to map it to (or null), a confidence, whether to apply it without asking,
 * and the reason. Each field goes to at most one column. Pure: give it the headers, text rows and
 * a context name; `history` adds the tenant's own earlier choices.
 */
export function suggestMapping(input: SuggestInput): ColumnSuggestion[] {
  const schema: ContextSchema | undefined = resolveSchema(input.context);
  const { headers } = input;
  if (!schema)
    return headers.map(() => ({ field: null, confidence: 0, auto: false, reason: "Unknown context" }));
  const columns = columnsOf(input.rows, headers.length);
  const profiles = columns.map(profileColumn);
  const fields = Object.entries(schema.properties);
  const kinds = new Map(fields.map(([f, prop]) => [f, fieldKind(f, prop)]));
  const kindCount = new Map<FieldKind, number>();
  for (const k of kinds.values()) kindCount.set(k, (kindCount.get(k) ?? 0) + 1);
  const history = new Map<string, string>();
  for (const entry of input.history ?? []) {
    if (Object.hasOwn(schema.properties, entry.field))
      history.set(normalizeHeader(entry.header), entry.field);
  }

  const candidates: Candidate[] = [];
  const refusals = new Map<number, string>();
  headers.forEach((header, column) => {
    const profile = profiles[column] as ColumnProfile;
    const placeholder = isPlaceholderHeader(header);
    const foreign = headerTokens(header).some((t) => FOREIGN_WORDS.has(t));
    const own: Candidate[] = [];
    for (const [field, prop] of fields) {
      const kind = kinds.get(field) as FieldKind;
      let h = placeholder ? undefined : headerEvidence(header, field, prop);
      if (!placeholder && history.get(normalizeHeader(header)) === field)
        h = { score: 0.97, name: header, how: "history", exact: true, weak: false };
      const value = valueFit(profile, kind, prop, header);
      if (value.fit === "contradict") {
        if (h && h.score >= 0.5 && !refusals.has(column))
          refusals.set(column, `${headerReason(h, header)}, but ${value.note}: not mapped to ${field}`);
        continue;
      }
      let score = 0;
      let eligible = false;
      if (h && h.score >= 0.3) {
        const v = value.fit === "agree" ? 1 : value.fit === "neutral" ? 0.6 : 0.5;
        score = 0.7 * h.score + 0.3 * v;
        eligible = !h.weak || value.fit === "agree";
        if (h.weak && value.fit !== "agree" && !refusals.has(column) && h.score >= 0.5)
          refusals.set(column, `${headerReason(h, header)}, but the values don't confirm ${field}`);
      } else if (!foreign || placeholder) {
        score = valueOnlyScore(profile, kind, value, placeholder, (kindCount.get(kind) ?? 0) === 1);
        eligible = score > 0;
        h = undefined;
      }
      if (score > 0) own.push({ column, field, score, header: h, value, eligible, confidence: 0 });
    }
    own.sort((a, b) => b.score - a.score);
    // Confidence: the score, discounted when the runner-up for this column is close behind.
    own.forEach((c, i) => {
      const rival = i === 0 ? (own[1]?.score ?? 0) : (own[0]?.score ?? 0);
      c.confidence = round(c.score * Math.min(1, Math.max(0, c.score - rival) / FULL_MARGIN));
    });
    candidates.push(...own);
  });

  // Applied: the best eligible candidates first, one field per column and one column per field.
  const ordered = [...candidates].sort(
    (a, b) => b.confidence - a.confidence || b.score - a.score || a.column - b.column,
  );
  const chosen = new Map<number, Candidate>();
  const owner = new Map<string, number>();
  for (const c of ordered) {
    if (!c.eligible || c.confidence < AUTO_CONFIDENCE || chosen.has(c.column) || owner.has(c.field)) continue;
    chosen.set(c.column, c);
    owner.set(c.field, c.column);
  }
  // Hints: a strong header with values that neither confirm nor refute it, for a free field.
  const hinted = new Map<number, Candidate>();
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
    if (chosen.has(c.column) || hinted.has(c.column) || owner.has(c.field)) continue;
    if (!c.header || c.header.score < 0.7 || c.score < 0.5) continue;
    if ([...hinted.values()].some((h) => h.field === c.field)) continue;
    hinted.set(c.column, c);
  }

  const out = headers.map((header, column): ColumnSuggestion => {
    const c = chosen.get(column);
    if (c) {
      const parts = [c.header ? headerReason(c.header, header) : "header says nothing", c.value.note].filter(
        (p) => p && p !== "no values to check",
      );
      const some = (m: Record<string, string> | undefined) =>
        m && Object.keys(m).length > 0 ? m : undefined;
      const map = some(c.value.valueMap);
      const hints = some(c.value.valueHints);
      return {
        field: c.field,
        confidence: c.confidence,
        auto: true,
        reason: parts.join("; "),
        ...(map ? { valueMap: map } : {}),
        ...(hints ? { valueHints: hints } : {}),
        ...(c.header?.how === "history" ? { usedBefore: true } : {}),
      };
    }
    const best = candidates.filter((x) => x.column === column).sort((a, b) => b.score - a.score)[0];
    if (best?.eligible && best.confidence >= AUTO_CONFIDENCE && owner.has(best.field)) {
      return {
        field: null,
        confidence: 0,
        auto: false,
        reason: `${best.field} is already mapped from "${headers[owner.get(best.field) as number]}"`,
      };
    }
    const hint = hinted.get(column);
    if (hint) {
      const why =
        refusals.get(column) ?? `${headerReason(hint.header as HeaderMatch, header)}; ${hint.value.note}`;
      return {
        field: hint.field,
        confidence: Math.min(hint.confidence, AUTO_CONFIDENCE - 0.01),
        auto: false,
        reason: `Possibly ${hint.field}: ${why}`,
        ...(hint.header?.how === "history" ? { usedBefore: true } : {}),
      };
    }
    const refusal = refusals.get(column);
    if (refusal) return { field: null, confidence: 0, auto: false, reason: refusal };
    if (best && !best.eligible)
      return { field: null, confidence: 0, auto: false, reason: `Not sure: ${best.value.note}` };
    return { field: null, confidence: 0, auto: false, reason: "No matching field" };
  });

  const split = splitSuggestion(
    schema,
    headers,
    profiles,
    (column) => chosen.has(column) || hinted.has(column),
    [...owner.keys(), ...[...hinted.values()].map((h) => h.field)],
  );
  if (split) out[split.column] = split.suggestion;
  return out;
}

/** Share of the values that splitFullName must read as a first and a last name for the split to be applied. */
const TWO_PART_AUTO = 0.6;
/** Share of the values that must read as names at all (one word or two) for the split to be applied. */
const NAME_LIKE_AUTO = 0.9;

/**
 * The one column to propose split into first and last name: a header that means a person's full
 * name, in a schema with first- and last-name fields and no full-name field, neither field claimed
 * (mapped or hinted) by another column, the column itself neither mapped nor hinted. Of several,
 * the one whose values read most as "first last". Applied when most values have two parts.
 */
function splitSuggestion(
  schema: ContextSchema,
  headers: readonly string[],
  profiles: readonly ColumnProfile[],
  taken: (column: number) => boolean,
  claimed: readonly string[],
): { column: number; suggestion: ColumnSuggestion } | undefined {
  const fields = nameSplitFields(schema);
  if (!fields || hasFullNameField(schema)) return undefined;
  if (claimed.includes(fields.first) || claimed.includes(fields.last)) return undefined;
  let best: { column: number; two: number; nameLike: number; strong: boolean } | undefined;
  headers.forEach((header, column) => {
    if (taken(column) || isPlaceholderHeader(header) || !meansFullName(header)) return;
    const p = profiles[column] as ColumnProfile;
    let two = 0;
    let one = 0;
    let seen = 0;
    for (const [value, n] of p.top) {
      seen += n;
      const shape = personNameShape(value);
      if (shape === "two") two += n;
      else if (shape === "one") one += n;
    }
    const read = {
      column,
      two: seen > 0 ? two / seen : 0,
      nameLike: seen > 0 ? (two + one) / seen : 0,
      strong: headerTokens(header).length > 1,
    };
    // Values that are not names (emails, ids, numbers) are not a person's name to split.
    if (seen > 0 && read.nameLike < 0.5) return;
    if (!best || read.two > best.two) best = read;
  });
  if (!best) return undefined;
  const { first, last } = fields;
  const header = best.strong ? 0.95 : 0.85;
  const confidence = round(0.7 * header + 0.3 * best.two);
  const into = `split into ${first} and ${last}`;
  if (best.two >= TWO_PART_AUTO && best.nameLike >= NAME_LIKE_AUTO)
    return {
      column: best.column,
      suggestion: {
        field: null,
        split: { first, last },
        confidence,
        auto: true,
        reason: `header means a person's full name; values look like first and last names: ${into}`,
      },
    };
  const why =
    profiles[best.column]?.count === 0
      ? "no values to check"
      : best.nameLike < NAME_LIKE_AUTO
        ? "some values don't look like names"
        : "most values are a single word";
  return {
    column: best.column,
    suggestion: {
      field: null,
      split: { first, last },
      confidence: Math.min(confidence, AUTO_CONFIDENCE - 0.01),
      auto: false,
      reason: `Possibly a person's full name to ${into}: header means a full name, but ${why}`,
    },
  };
}
