// suggestMapping: header evidence (field names, aliases, weaker synonyms, the tenant's own past
// mappings: header.ts) and value evidence (what the column holds: value-fit.ts) scored together
// for every column and field, then each field given to at most one column. A column is applied
// without asking only when the header and the values agree, generic one-word headers only when the
// values confirm them, and never when the values cannot fit the field (even through a value map).
// A column of a person's full name, where the schema has first- and last-name fields but no
// full-name field and no other column claims them, is proposed split into the two (applied when
// the values read as first and last names).
import { type ContextSchema, normalizeHeader, resolveSchema } from "../../schemas/index.ts";
import {
  type HeaderMatch,
  headerEvidence,
  headerReason,
  headerTokens,
  isPlaceholderHeader,
} from "./header.ts";
import { hasFullNameField, meansFullName, nameSplitFields, personNameShape } from "./name-split.ts";
import { type ColumnProfile, columnsOf, profileColumn } from "./profile.ts";
import { type ValueFit, valueFit, valueOnlyScore } from "./value-fit.ts";
import { type FieldKind, FOREIGN_WORDS, fieldKind } from "./vocabulary.ts";

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
