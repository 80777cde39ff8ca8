// Value evidence: how a column's values (its profile) fit a field of a given kind — they agree,
// say nothing, or contradict it — with the note suggestMapping gives as its reason, the exact value
// maps it may apply and the likely ones it only offers; and which kinds values alone may propose
// when the header says nothing.
import type { PropertySchema } from "../../schemas/index.ts";
import { headerTokens } from "./header.ts";
import { BOOLEAN_SPELLINGS, type ColumnProfile, type ValueClass } from "./profile.ts";
import {
  BOOLEAN_WORDS,
  CUES,
  enumTarget,
  type FieldKind,
  flagTargets,
  NEGATIVE_FLAG_WORDS,
  squash,
} from "./vocabulary.ts";

/** Candidates from values alone, with nothing in the header: never above this. */
const VALUE_ONLY_SCORE = 0.66;

type Fit = "agree" | "neutral" | "contradict" | "unknown";

export interface ValueFit {
  fit: Fit;
  note: string;
  /** Exact readings (applied) and likely ones (offered): see ColumnSuggestion. */
  valueMap?: Record<string, string>;
  valueHints?: Record<string, string>;
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
export function valueFit(p: ColumnProfile, kind: FieldKind, prop: PropertySchema, header: string): ValueFit {
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
export function valueOnlyScore(
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
