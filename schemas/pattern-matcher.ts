// The one matcher of schema `pattern`s, for the quick verdict and the validator's messages alike.
// A pattern runs on RE2 (re2js: a pure-JS port, for the Worker and the browser), whose time is
// linear in the value (at most one pass of the compiled program per character), compiled once and
// cached. The one exception is a pattern of a built-in schema that passes `backtrackingProblem`
// (anchored, and every choice decided by the next character, so RegExp cannot backtrack more than
// a step): those keep RegExp, which is about ten times faster on them. A tenant's pattern is never
// given to RegExp, whatever it is (unless it is one of those very texts).
import { ucs2length } from "@cfworker/json-schema";
import { RE2JS } from "re2js";
import { CONTEXT_NAMES, getSchema } from "./catalog.ts";
import {
  type CharSet,
  type CodeRange,
  type Group,
  normalized,
  type PatternNode,
  PatternSyntaxError,
  parsePattern,
  toRe2,
} from "./pattern-syntax.ts";

/**
 * The most work one value may cost a pattern, in steps: RE2 takes at most one step per program
 * instruction per character it reads, so a pattern's program size times the most characters it
 * reads of a value must stay under this. The slowest patterns found within it took about 15 ms on
 * a 10,000-character value (one 2,000-character value took 578 s on RegExp before).
 */
export const PATTERN_STEP_BUDGET = 250_000;

/**
 * Bytes (RE2's own estimate) of states one pattern's DFA may cache before it starts over; RE2's
 * default of 8 MB times the 200 patterns of one context would not fit a Worker's 128 MB. Past it
 * RE2 clears the cache, or runs its NFA: as linear, somewhat slower.
 */
export const DFA_MEMORY = 256 * 1024;

export interface PatternMatcher {
  readonly pattern: string;
  /** "re2": linear time; "native": RegExp, for the audited built-in patterns; "none": not usable. */
  readonly engine: "re2" | "native" | "none";
  /** Instructions of the RE2 program: the steps one character may cost (0 unless "re2"). */
  readonly programSize: number;
  /** The longest value (in code points) the pattern is run on; a longer one does not match. */
  readonly maxChars: number;
  /** Why the pattern cannot be used ("none"): the words follow "the pattern …". */
  readonly problem?: string;
  /** Whether the value matches; false for a value longer than `maxChars`, unless the engine is "native". */
  test(value: string): boolean;
}

/** A pattern compiled by RE2, with what bounds its work. */
export interface LinearProgram {
  re: RE2JS;
  /** Instructions of the program: the most steps one character can cost. */
  programSize: number;
  /**
   * How many characters of a value the program steps through at most: one more than the longest
   * match for a pattern anchored at the start with no unbounded repetition (the engine stops when
   * no match can go on; a scan for a literal the match needs may still read on, a step each), else
   * the whole value (Infinity).
   */
  span: number;
}

/** The longest text (in code points) a node can match. */
function longestMatch(node: PatternNode): number {
  switch (node.kind) {
    case "set":
      return 1;
    case "group":
      return Math.max(
        0,
        ...node.alternatives.map((seq) => seq.reduce((n, part) => n + longestMatch(part), 0)),
      );
    case "repeat": {
      const one = longestMatch(node.node);
      return one === 0 ? 0 : node.max * one;
    }
    default:
      return 0;
  }
}

/** The pattern compiled by RE2, or PatternSyntaxError saying why it cannot be. */
export function compileLinear(pattern: string): LinearProgram {
  const tree = parsePattern(pattern);
  let re: RE2JS;
  try {
    re = RE2JS.compile(toRe2(tree));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/repeat count|repetition/i.test(message))
      throw new PatternSyntaxError(
        "repeats more than the linear-time engine allows: a count of at most 1,000, nested counts multiplied",
      );
    const property = /`(\\[pP]\{[^}]*\})`/.exec(message);
    if (property)
      throw new PatternSyntaxError(
        `uses ${property[1]}, which the linear-time engine does not know; write a script by its full name, such as \\p{Script=Greek}`,
      );
    throw new PatternSyntaxError(`cannot be run by the linear-time engine (${message})`);
  }
  const dfa = re.re2Input.dfa;
  dfa.maxMem = DFA_MEMORY;
  dfa.stateBudget = DFA_MEMORY;
  dfa.memBudget = DFA_MEMORY;
  const anchored = tree.alternatives.every((seq) => seq[0]?.kind === "start");
  const longest = longestMatch(tree);
  return {
    re,
    programSize: re.programSize(),
    span: anchored && Number.isFinite(longest) ? longest + 1 : Number.POSITIVE_INFINITY,
  };
}

/** The most steps a value of up to `maxChars` characters can cost a program. */
export function stepsPerValue(program: LinearProgram, maxChars: number): number {
  return program.programSize * Math.min(program.span, maxChars);
}

/** Whether a value is longer than `max` code points, counting them only when it could be. */
export function longerThan(value: string, max: number): boolean {
  return value.length > max && ucs2length(value) > max;
}

function re2Matcher(pattern: string): PatternMatcher {
  let program: LinearProgram;
  try {
    new RegExp(pattern, "u");
    program = compileLinear(pattern);
  } catch (error) {
    const problem =
      error instanceof PatternSyntaxError
        ? error.message
        : `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
    return { pattern, engine: "none", programSize: 0, maxChars: 0, problem, test: () => false };
  }
  const { re, programSize } = program;
  // A value the budget does not cover is not run (a definition is refused before that can happen,
  // unless the field-length limit was raised since).
  const maxChars =
    stepsPerValue(program, Number.POSITIVE_INFINITY) <= PATTERN_STEP_BUDGET
      ? Number.POSITIVE_INFINITY
      : Math.floor(PATTERN_STEP_BUDGET / Math.max(1, programSize));
  return {
    pattern,
    engine: "re2",
    programSize,
    maxChars,
    test:
      maxChars === Number.POSITIVE_INFINITY
        ? (value) => re.test(value)
        : (value) => !longerThan(value, maxChars) && re.test(value),
  };
}

function nativeMatcher(pattern: string): PatternMatcher {
  const regex = new RegExp(pattern, "u");
  return {
    pattern,
    engine: "native",
    programSize: 0,
    maxChars: Number.POSITIVE_INFINITY,
    test: (value) => regex.test(value),
  };
}

// ---- Which patterns may keep RegExp -------------------------------------------------------------

/** The characters a node can start with; `end` when it can match the end of the value. */
interface First {
  ranges: CodeRange[];
  end: boolean;
}

const EVERYTHING: CodeRange[] = [[0, 0x10ffff]];

function setRanges(s: CharSet): CodeRange[] {
  // A Unicode property is taken as any character: only ever too careful.
  if (s.properties.length > 0 || s.negated) return EVERYTHING;
  return s.ranges;
}

function overlaps(a: First, b: First): boolean {
  if (a.end && b.end) return true;
  for (const [lo, hi] of a.ranges) for (const [l, h] of b.ranges) if (lo <= h && l <= hi) return true;
  return false;
}

const union = (a: First, b: First): First => ({
  ranges: normalized([...a.ranges, ...b.ranges]),
  end: a.end || b.end,
});

const NOTHING: First = { ranges: [], end: false };

function nullable(node: PatternNode): boolean {
  switch (node.kind) {
    case "set":
    case "end":
      return false;
    case "group":
      return node.alternatives.some((seq) => seq.every(nullable));
    case "repeat":
      return node.min === 0 || nullable(node.node);
    default:
      return true;
  }
}

function firstOf(node: PatternNode): First {
  switch (node.kind) {
    case "set":
      return { ranges: setRanges(node), end: false };
    case "end":
      return { ranges: [], end: true };
    case "group":
      return node.alternatives.map((seq) => firstOfSequence(seq)).reduce(union, NOTHING);
    case "repeat":
      return firstOf(node.node);
    default:
      return NOTHING;
  }
}

function firstOfSequence(seq: readonly PatternNode[], follow: First = NOTHING): First {
  let first = NOTHING;
  for (const node of seq) {
    first = union(first, firstOf(node));
    if (!nullable(node)) return first;
  }
  return union(first, follow);
}

/** Whether a node repeats a variable number of times or alternates somewhere inside. */
function hasChoice(node: PatternNode): boolean {
  if (node.kind === "repeat") return node.min !== node.max || hasChoice(node.node);
  if (node.kind === "group")
    return node.alternatives.length > 1 || node.alternatives.some((s) => s.some(hasChoice));
  return false;
}

const source = (node: PatternNode) => toRe2({ kind: "group", alternatives: [[node]] });

/** Why a sequence followed by `follow` could make RegExp backtrack, or undefined. */
function sequenceProblem(seq: readonly PatternNode[], follow: First): string | undefined {
  for (let i = 0; i < seq.length; i++) {
    const node = seq[i] as PatternNode;
    const after = firstOfSequence(seq.slice(i + 1), follow);
    const problem = nodeProblem(node, after);
    if (problem) return problem;
  }
  return undefined;
}

function nodeProblem(node: PatternNode, follow: First): string | undefined {
  switch (node.kind) {
    case "set":
    case "start":
    case "end":
      return undefined;
    case "word-boundary":
    case "not-word-boundary":
      return "uses \\b or \\B";
    case "group": {
      const alternatives = node.alternatives;
      if (alternatives.length > 1) {
        const firsts = alternatives.map((seq) => firstOfSequence(seq));
        for (let a = 0; a < firsts.length; a++) {
          if (alternatives[a]?.every(nullable))
            return `has an alternative that can be empty in ${source(node)}`;
          for (let b = a + 1; b < firsts.length; b++)
            if (overlaps(firsts[a] as First, firsts[b] as First))
              return `has alternatives that can start alike in ${source(node)}`;
        }
      }
      for (const seq of alternatives) {
        const problem = sequenceProblem(seq, follow);
        if (problem) return problem;
      }
      return undefined;
    }
    case "repeat": {
      if (node.max > 1 && hasChoice(node.node))
        return `repeats a group with a choice inside: ${source(node)}`;
      const first = firstOf(node.node);
      if (node.min !== node.max) {
        if (nullable(node.node)) return `repeats what can be empty: ${source(node)}`;
        if (overlaps(first, follow))
          return `has ${source(node)} followed by what can start alike, so a value can be split two ways`;
      }
      return nodeProblem(node.node, node.max > 1 ? union(first, follow) : follow);
    }
  }
}

/**
 * Why RegExp could take more than linear time on a pattern, or undefined when it cannot: every
 * top-level alternative must be anchored (`^…$`), and every choice (an alternation, or whether a
 * repetition goes on) decided by the next character alone, so a wrong turn fails at once and no
 * character is read more than a fixed number of times; a repeated group holds no choice. Only too
 * careful: a Unicode property counts as any character.
 */
export function backtrackingProblem(pattern: string): string | undefined {
  let tree: Group;
  try {
    new RegExp(pattern, "u");
    tree = parsePattern(pattern);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  for (const seq of tree.alternatives)
    if (seq[0]?.kind !== "start" || seq[seq.length - 1]?.kind !== "end" || seq.length < 2)
      return "is not anchored at both ends (^…$)";
  return nodeProblem(tree, { ranges: [], end: true });
}

/** The patterns of the built-in schemas that pass `backtrackingProblem`: RegExp runs them. */
const NATIVE: ReadonlySet<string> = (() => {
  const out = new Set<string>();
  const visit = (schema: unknown) => {
    if (schema === null || typeof schema !== "object") return;
    const pattern = (schema as { pattern?: unknown }).pattern;
    if (typeof pattern === "string" && backtrackingProblem(pattern) === undefined) out.add(pattern);
    for (const value of Object.values(schema)) visit(value);
  };
  for (const name of CONTEXT_NAMES) visit(getSchema(name));
  return out;
})();

/** Compiled matchers by pattern (bounded: the oldest goes first once full). */
const cache = new Map<string, PatternMatcher>();
const CACHE_SIZE = 1000;

/** The matcher of a pattern, compiled once (see the module's header). */
export function patternMatcher(pattern: string): PatternMatcher {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = NATIVE.has(pattern) ? nativeMatcher(pattern) : re2Matcher(pattern);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, matcher);
  }
  return matcher;
}
