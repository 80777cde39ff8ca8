// Schema patterns run in linear time or are refused. A tenant's pattern runs on RE2 (never on
// RegExp), with the meaning RegExp gives it (a differential test on generated patterns), and each
// value costs at most PATTERN_STEP_BUDGET steps: RE2's work is at most one step per program
// instruction per character it reads, the program size is known, and how many characters the engine
// reads is counted (not timed) by handing it the value as a counted byte array. A fuzz over
// generated backtracking-prone patterns and adversarial values up to the field-length limit holds
// that for every pattern accepted.
import { ucs2length } from "@cfworker/json-schema";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkCustomContext } from "../../schemas/custom-context.ts";
import { validateDataset } from "../../schemas/dataset.ts";
import { DEFAULT_LIMITS } from "../../schemas/limits.ts";
import { MAX_PATTERN_LENGTH, PATTERN_STEP_BUDGET, patternProblem } from "../../schemas/pattern-audit.ts";
import {
  compileLinear,
  DFA_MEMORY,
  type LinearProgram,
  patternMatcher,
  stepsPerValue,
} from "../../schemas/pattern-matcher.ts";
import { GENERAL_CATEGORIES } from "../../schemas/pattern-syntax.ts";
import { compileVerdict } from "../../schemas/quick-verdict.ts";
import type { ContextSchema } from "../../schemas/types.ts";
import { validateRecord } from "../../schemas/validate.ts";
import { prng } from "../prng.ts";

const FIELD_LIMIT = DEFAULT_LIMITS.maxFieldLength;

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

/**
 * How many bytes of a value RE2 reads while it tests the value: the value is handed over as its
 * UTF-8 bytes in an array whose every index read is counted.
 */
function countedTest(
  program: LinearProgram,
  value: string,
): { matched: boolean; reads: number; bytes: number } {
  const bytes = Array.from(new TextEncoder().encode(value));
  let reads = 0;
  const counted = new Proxy(bytes, {
    get(target, key, receiver) {
      // Index reads: keys that start with a digit ("length" and methods do not).
      if (typeof key === "string" && key.charCodeAt(0) <= 0x39 && key.charCodeAt(0) >= 0x30) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  const matched = program.re.test(counted);
  return { matched, reads, bytes: bytes.length };
}

/** Runs `run` and answers whether RegExp ran one of `patterns` (exec or test) meanwhile. */
function nativeRuns(patterns: ReadonlySet<string>, run: () => void): number {
  const exec = vi.spyOn(RegExp.prototype, "exec");
  const test = vi.spyOn(RegExp.prototype, "test");
  try {
    run();
    const contexts = [...exec.mock.contexts, ...test.mock.contexts] as RegExp[];
    return contexts.filter((re) => patterns.has(re.source)).length;
  } finally {
    exec.mockRestore();
    test.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the patterns of the issue", () => {
  // One 2,000-character value took 578 s on RegExp with the first of them.
  const cases: [string, string | undefined][] = [
    ["(a{1,100}){1,100}$", "repeats more than the linear-time engine allows"],
    ["^(?:a{0,20}){0,20}b$", "could cost 331,248 steps on one value (up to 824 per character it reads)"],
    ["^[a-z]*[a-z]*[a-z]*[a-z]*!$", undefined],
    ["a*a*a*a*a*a*a*a*b", undefined],
    ["\\d+\\d+\\d+\\d+", undefined],
  ];

  it.each(cases)("%s is refused or runs on RE2 within the budget", (pattern, refused) => {
    const problem = patternProblem(pattern, FIELD_LIMIT);
    if (refused !== undefined) {
      expect(problem).toContain(refused);
      return;
    }
    expect(problem).toBeUndefined();
    const matcher = patternMatcher(pattern);
    expect(matcher.engine).toBe("re2");
    for (const n of [2_000, FIELD_LIMIT]) {
      for (const value of ["a".repeat(n), "1".repeat(n), `${"a".repeat(n - 1)}!`, `${"1".repeat(n - 1)}x`]) {
        expect(stepsPerValue(compileLinear(pattern), ucs2length(value))).toBeLessThanOrEqual(
          PATTERN_STEP_BUDGET,
        );
        const counted = countedTest(compileLinear(pattern), value);
        expect(counted.reads).toBeLessThanOrEqual(2 * (counted.bytes + 1));
        expect(matcher.test(value)).toBe(counted.matched);
      }
    }
    // What the answers are, worked out by hand.
    expect(patternMatcher("a*a*a*a*a*a*a*a*b").test("a".repeat(FIELD_LIMIT))).toBe(false);
    expect(patternMatcher("a*a*a*a*a*a*a*a*b").test(`${"a".repeat(FIELD_LIMIT - 1)}b`)).toBe(true);
    expect(patternMatcher("\\d+\\d+\\d+\\d+").test(`${"1".repeat(FIELD_LIMIT - 1)}x`)).toBe(true);
    expect(patternMatcher("^[a-z]*[a-z]*[a-z]*[a-z]*!$").test(`${"a".repeat(FIELD_LIMIT)}`)).toBe(false);
  });

  it("validating records never hands a tenant's pattern to RegExp, and says which pattern failed", () => {
    // The one refused for its cost is accepted for values of up to 300 characters.
    const patterns = cases.slice(1).map(([p]) => p);
    const properties = Object.fromEntries(
      patterns.map((pattern, i) => [
        `f${i}`,
        { type: "string", pattern, maxLength: i === 0 ? 300 : FIELD_LIMIT },
      ]),
    );
    const result = checkCustomContext(
      {
        name: "hostile",
        title: "Hostile",
        category: "Test",
        schema: {
          type: "object",
          properties: { id: { type: "string" }, ...properties },
          required: ["id"],
          "x-intake-key": ["id"],
        },
      },
      { scopedName: (n) => `ten_test.${n}` },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const schema = { ...result.value.schema, $id: "urn:intake:ten_test.hostile:1-0-0" } as ContextSchema;
    const value = `${"a".repeat(1_999)}!`;
    const record = Object.fromEntries([
      ["id", "1"],
      ...patterns.map((_, i) => [`f${i}`, i === 0 ? `${"a".repeat(299)}!` : value]),
    ]);
    expect(patternMatcher(patterns[0] as string).test(`${"a".repeat(299)}!`)).toBe(false);
    expect(patternMatcher(patterns[0] as string).test(`${"a".repeat(200)}b`)).toBe(true);
    let report: ReturnType<typeof validateDataset>["report"] | undefined;
    expect(
      nativeRuns(new Set(patterns), () => {
        report = validateDataset("hostile", [record, { id: "2", f0: "a", f2: "ab", f3: "1234" }], {
          schema,
        }).report;
      }),
    ).toBe(0);
    expect(report?.errors.map((e) => [e.row, e.field, e.keyword])).toEqual([
      [1, "f0", "pattern"],
      [1, "f2", "pattern"],
      [1, "f3", "pattern"],
      [2, "f0", "pattern"],
    ]);
    expect(report?.errors[0]?.message).toBe(
      `f0 must match the pattern ^(?:a{0,20}){0,20}b$; got "${"a".repeat(200)}…(300 characters)"`,
    );
    expect(report?.errors[3]?.message).toBe('f0 must match the pattern ^(?:a{0,20}){0,20}b$; got "a"');
  });

  it("a stored pattern the engine cannot run fails every value, saying why, and RegExp never runs it", () => {
    const pattern = "(a{1,100}){1,100}$";
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "urn:intake:ten_test.old:1-0-0",
      title: "Old",
      description: "",
      type: "object",
      properties: { id: { type: "string" }, f: { type: "string", pattern } },
      required: ["id"],
      additionalProperties: false,
      examples: [],
      "x-intake-category": "Test",
      "x-intake-key": ["id"],
    } as ContextSchema;
    expect(patternMatcher(pattern).engine).toBe("none");
    let messages: string[] = [];
    expect(
      nativeRuns(new Set([pattern]), () => {
        messages = validateRecord({ id: "1", f: "a".repeat(2_000) }, schema, "old").map((i) => i.message);
      }),
    ).toBe(0);
    expect(messages).toEqual([
      `f cannot be checked: its pattern ${pattern} repeats more than the linear-time engine allows: a count of at most 1,000, nested counts multiplied; an admin must change the context`,
    ]);
  });
});

describe("the DFA's memory", () => {
  it("is capped per pattern, and a value that would need more states still gets the right answer", () => {
    const program = compileLinear("a[ab]{20}[cd]$");
    expect(program.re.re2Input.dfa.stateBudget).toBe(DFA_MEMORY);
    expect(program.re.re2Input.dfa.memBudget).toBe(DFA_MEMORY);
    const rand = prng(7);
    const value = `${Array.from({ length: FIELD_LIMIT - 1 }, () => (rand() < 0.5 ? "a" : "b")).join("")}e`;
    expect(program.re.test(value)).toBe(false);
    expect(program.re.test(`${value.slice(0, -1)}c`)).toBe(/a[ab]{20}[cd]$/u.test(`${value.slice(0, -1)}c`));
    expect(program.re.re2Input.dfa.memBudget).toBeLessThanOrEqual(DFA_MEMORY);
  });
});

describe("the step budget", () => {
  it("is checked against the longest value the field can hold", () => {
    // 401 instructions: values of up to 623 characters fit the budget.
    expect(patternProblem("x{1,200}", 623)).toBeUndefined();
    expect(patternProblem("x{1,200}", 624)).toContain("give the field a maxLength of at most 623");
    // Anchored, with no unbounded repetition: the engine stops after the longest match.
    expect(patternProblem("^x{1,200}$", FIELD_LIMIT)).toBeUndefined();
  });

  it("a definition gets it from the field's maxLength, else the field-length limit", () => {
    const define = (field: Record<string, unknown>, maxFieldLength?: number) =>
      checkCustomContext(
        {
          name: "budget",
          title: "Budget",
          category: "Test",
          schema: {
            type: "object",
            properties: { id: { type: "string" }, x: { type: "string", ...field } },
            required: ["id"],
            "x-intake-key": ["id"],
          },
        },
        { scopedName: (n) => `ten_test.${n}`, maxFieldLength },
      );
    expect(define({ pattern: "x{1,200}" }).ok).toBe(false);
    expect(define({ pattern: "x{1,200}", maxLength: 600 }).ok).toBe(true);
    expect(define({ pattern: "x{1,200}" }, 600).ok).toBe(true);
  });

  it("a value longer than the budget covers is not run, and the message says so", () => {
    const matcher = patternMatcher("x{1,200}");
    expect(matcher.maxChars).toBe(623);
    expect(matcher.test(`${"x".repeat(623)}`)).toBe(true);
    expect(matcher.test(`${"x".repeat(624)}`)).toBe(false);
    // Astral characters count once, as maxLength counts them.
    expect(matcher.test(`${"😀".repeat(600)}x`)).toBe(true);
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "urn:intake:ten_test.old:1-0-0",
      title: "Old",
      description: "",
      type: "object",
      properties: { id: { type: "string" }, f: { type: "string", pattern: "x{1,200}" } },
      required: ["id"],
      examples: [],
      "x-intake-category": "Test",
      "x-intake-key": ["id"],
    } as ContextSchema;
    expect(validateRecord({ id: "1", f: "x".repeat(3_000) }, schema, "old").map((i) => i.message)).toEqual([
      "f is too long to check against its pattern x{1,200}: at most 623 characters",
    ]);
  });
});

describe("fuzz: generated backtracking-prone patterns × adversarial values up to the field limit", () => {
  const rand = prng(0x1ce);
  const ATOMS = [
    "a",
    "b",
    "1",
    "[a-z]",
    "[ab]",
    "[^b]",
    "[a-c1-3]",
    "\\d",
    "\\w",
    "\\s",
    "\\S",
    ".",
    "\\p{L}",
    "[\\s\\S]",
    "x",
  ];
  const QUANTIFIERS = [
    "*",
    "+",
    "?",
    "{0,3}",
    "{1,5}",
    "{2}",
    "{2,}",
    "{0,20}",
    "{1,30}",
    "{0,100}",
    "*?",
    "+?",
  ];

  function atom(depth: number): string {
    if (depth < 3 && rand() < 0.3) {
      const alternatives = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => sequence(depth + 1));
      return `(${rand() < 0.5 ? "?:" : ""}${alternatives.join("|")})`;
    }
    return pick(rand, ATOMS);
  }

  function sequence(depth: number): string {
    let out = "";
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) out += atom(depth) + (rand() < 0.7 ? pick(rand, QUANTIFIERS) : "");
    return out;
  }

  function pattern(): string {
    return `${rand() < 0.4 ? "^" : ""}${sequence(0)}${rand() < 0.3 ? pick(rand, ["!", "b", "x", "\\d"]) : ""}${rand() < 0.4 ? "$" : ""}`;
  }

  /** Values that make backtracking engines try every way of splitting a run, failing at the end. */
  function values(): string[] {
    const run = pick(rand, ["a", "1", " ", "ab", "a1", "é"]);
    const n = pick(rand, [2_000, FIELD_LIMIT]);
    const body = run.repeat(Math.ceil(n / run.length)).slice(0, n - 1);
    const mixed = Array.from({ length: n }, () => pick(rand, ["a", "b", "1", " ", "x", "!"])).join("");
    return [`${body}!`, `${body}\n`, mixed];
  }

  it("every pattern accepted runs on RE2, reads each byte at most twice and costs at most the budget; RegExp never runs one", () => {
    let accepted = 0;
    let refused = 0;
    const seen = new Set<string>();
    const runs = nativeRuns(seen, () => {
      for (let i = 0; i < 450; i++) {
        const p = pattern();
        if (seen.has(p) || p.length > MAX_PATTERN_LENGTH) continue;
        seen.add(p);
        const problem = patternProblem(p, FIELD_LIMIT);
        if (problem !== undefined) {
          // Refused only for the two reasons a valid, supported pattern has.
          expect(problem, p).toMatch(
            /^(repeats more than the linear-time engine allows|could cost [\d,]+ steps)/,
          );
          refused++;
          continue;
        }
        accepted++;
        const matcher = patternMatcher(p);
        expect(matcher.engine, p).toBe("re2");
        expect(matcher.maxChars, p).toBeGreaterThanOrEqual(FIELD_LIMIT);
        const program = compileLinear(p);
        const verdict = compileVerdict({ type: "string", pattern: p });
        for (const value of values()) {
          expect(stepsPerValue(program, ucs2length(value)), p).toBeLessThanOrEqual(PATTERN_STEP_BUDGET);
          const counted = countedTest(program, value);
          expect(counted.reads, p).toBeLessThanOrEqual(2 * (counted.bytes + 1));
          expect(verdict?.(value), p).toBe(counted.matched);
        }
      }
    });
    expect(runs).toBe(0);
    // Not vacuous: many patterns of each kind.
    expect(accepted).toBeGreaterThan(120);
    expect(refused).toBeGreaterThan(20);
  });
});

describe("RE2 answers as RegExp does", () => {
  const rand = prng(0x5eed);
  const ATOMS = [
    "a",
    "b",
    "é",
    "😀",
    "\\.",
    "\\/",
    "\\$",
    "\\-",
    ".",
    "\\s",
    "\\S",
    "\\d",
    "\\D",
    "\\w",
    "\\W",
    "\\t",
    "\\n",
    "\\r",
    "\\v",
    "\\f",
    "\\0",
    "\\cJ",
    "\\x41",
    "\\u00e9",
    "\\u{1F600}",
    "\\uD83D\\uDE00",
    "\\u2028",
    "[^a]",
    "[\\s\\d]",
    "[^\\S]",
    "[a-c-e]",
    "[\\-a]",
    "[\\b]",
    "[]",
    "[^]",
    "[\\uD800-\\uDFFF]",
    "[^\\w\\s]",
    "\\p{L}",
    "\\P{L}",
    "\\p{Lu}",
    "\\p{Letter}",
    "\\p{gc=Nd}",
    "\\p{Script=Greek}",
    "[\\p{N}_]",
    "[^\\p{L}]",
    "\\p{Any}",
    "\\p{ASCII}",
  ];
  const ASSERTIONS = ["\\b", "\\B", "^", "$"];
  const INPUT = [
    "a",
    "b",
    "A",
    "1",
    "_",
    "-",
    ".",
    " ",
    "\t",
    "\n",
    "\r",
    "\v",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\ufeff",
    "é",
    "e\u0301",
    "😀",
    "\ud800",
    "\udc00",
    "Σ",
    "\0",
    "ß",
    "$",
    "/",
  ];

  function term(depth: number): string {
    const r = rand();
    if (r < 0.1) return pick(rand, ASSERTIONS);
    const base =
      depth < 2 && r < 0.3
        ? `(${pick(rand, ["", "?:", "?<g>"])}${Array.from({ length: 1 + Math.floor(rand() * 2) }, () => seq(depth + 1)).join("|")})`
        : pick(rand, ATOMS);
    return base + (rand() < 0.4 ? pick(rand, ["*", "+", "?", "{2}", "{0,2}", "{1,}", "??"]) : "");
  }

  function seq(depth: number): string {
    return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => term(depth)).join("");
  }

  it("on generated patterns and values (escapes, classes, \\s, ., Unicode properties, surrogates)", () => {
    let compared = 0;
    let matched = 0;
    for (let i = 0; i < 300; i++) {
      const p = seq(0);
      let native: RegExp;
      try {
        native = new RegExp(p, "u");
      } catch {
        continue; // RegExp refuses it: so does patternProblem (tested above).
      }
      const matcher = patternMatcher(p);
      expect(matcher.engine, p).toBe("re2");
      for (let k = 0; k < 60; k++) {
        const value = Array.from({ length: Math.floor(rand() * 6) }, () => pick(rand, INPUT)).join("");
        const expected = native.test(value);
        expect(matcher.test(value), `${p} on ${JSON.stringify(value)}`).toBe(expected);
        compared++;
        if (expected) matched++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(matched).toBeGreaterThan(compared / 10);
  });

  it("on every Unicode general category and a few scripts, code point by code point", () => {
    const names = [...new Set(Object.values(GENERAL_CATEGORIES))];
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const name of [
      ...names,
      "Script=Greek",
      "Script=Latin",
      "Script=Han",
      "Script=Cyrillic",
      "Script=Arabic",
    ]) {
      for (const p of [`^\\p{${name}}$`, `^\\P{${name}}$`]) {
        const native = new RegExp(p, "u");
        const matcher = patternMatcher(p);
        const differ: number[] = [];
        // Every code point below U+3000, then a sample of the rest.
        for (let cp = 0; cp <= 0x10ffff; cp += cp < 0x3000 ? 1 : 97) {
          const s = String.fromCodePoint(cp);
          if (native.test(s) !== matcher.test(s)) differ.push(cp);
        }
        expect(differ, p).toEqual([]);
      }
    }
  });

  it("the patterns of the built-in schemas, run by RE2, answer as RegExp on their examples and near misses", () => {
    for (const p of [
      "^(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{4}$",
      "^-?[0-9]+(\\.[0-9]+)?$",
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
    ]) {
      const { re } = compileLinear(p);
      const native = new RegExp(p, "u");
      for (const v of [
        "31122024",
        "32122024",
        "-1.5",
        "1.",
        "2024-01-01T10:00:00Z",
        "2024-01-01T10:00:00Z\n",
        "",
      ])
        expect(re.test(v), `${p} ${v}`).toBe(native.test(v));
    }
  });
});
