// A schema `pattern` read as an ECMAScript regular expression (the `u` flag, as JSON Schema
// validators compile it) into a small tree, and that tree written out in RE2 syntax with the same
// meaning, so the linear-time engine (schemas/pattern-matcher.ts) answers exactly as RegExp would.
// Written by hand: RE2's own translator keeps JavaScript's spelling of `.`, `\s` and `\u` escapes,
// whose meaning differs in RE2. What has no linear-time equivalent (backreferences, lookarounds)
// or no faithful one (a few Unicode properties) is refused with the reason, never guessed.

/** An inclusive range of code points. */
export type CodeRange = readonly [number, number];

/** One character out of a set: code point ranges plus Unicode properties (`\p{…}`, `\P{…}`). */
export interface CharSet {
  kind: "set";
  ranges: CodeRange[];
  /** RE2 property names (`L`, `Greek`), each possibly negated. */
  properties: { name: string; negated: boolean }[];
  negated: boolean;
}

export interface Group {
  kind: "group";
  alternatives: PatternNode[][];
}

export interface Repeat {
  kind: "repeat";
  node: PatternNode;
  min: number;
  /** Infinity when unbounded. */
  max: number;
}

export interface Assertion {
  kind: "start" | "end" | "word-boundary" | "not-word-boundary";
}

export type PatternNode = CharSet | Group | Repeat | Assertion;

/** Why a pattern cannot be read or run in linear time: the words follow "the pattern …". */
export class PatternSyntaxError extends Error {}

const MAX_CODE_POINT = 0x10ffff;

/** JavaScript's `\s`: WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9, Unicode Zs included). */
const WHITESPACE: CodeRange[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const DIGIT: CodeRange[] = [[0x30, 0x39]];
const WORD: CodeRange[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** What `.` does not match without the `s` flag. */
const LINE_TERMINATORS: CodeRange[] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

/** The code points outside `ranges` (sorted, not overlapping). */
function complement(ranges: readonly CodeRange[]): CodeRange[] {
  const out: CodeRange[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/**
 * General categories whose code points RE2 and JavaScript agree on, by JavaScript's long and short
 * names. Left out: `C`/`Other` and `Cn`/`Unassigned` (RE2's `C` has no unassigned code points),
 * `Cs`/`Surrogate` and `LC`/`Cased_Letter` (not in RE2). A test compares every one of them.
 */
export const GENERAL_CATEGORIES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    L: "L",
    Letter: "L",
    Lu: "Lu",
    Uppercase_Letter: "Lu",
    Ll: "Ll",
    Lowercase_Letter: "Ll",
    Lt: "Lt",
    Titlecase_Letter: "Lt",
    Lm: "Lm",
    Modifier_Letter: "Lm",
    Lo: "Lo",
    Other_Letter: "Lo",
    M: "M",
    Mark: "M",
    Combining_Mark: "M",
    Mn: "Mn",
    Nonspacing_Mark: "Mn",
    Mc: "Mc",
    Spacing_Mark: "Mc",
    Me: "Me",
    Enclosing_Mark: "Me",
    N: "N",
    Number: "N",
    Nd: "Nd",
    Decimal_Number: "Nd",
    digit: "Nd",
    Nl: "Nl",
    Letter_Number: "Nl",
    No: "No",
    Other_Number: "No",
    P: "P",
    Punctuation: "P",
    punct: "P",
    Pc: "Pc",
    Connector_Punctuation: "Pc",
    Pd: "Pd",
    Dash_Punctuation: "Pd",
    Ps: "Ps",
    Open_Punctuation: "Ps",
    Pe: "Pe",
    Close_Punctuation: "Pe",
    Pi: "Pi",
    Initial_Punctuation: "Pi",
    Pf: "Pf",
    Final_Punctuation: "Pf",
    Po: "Po",
    Other_Punctuation: "Po",
    S: "S",
    Symbol: "S",
    Sm: "Sm",
    Math_Symbol: "Sm",
    Sc: "Sc",
    Currency_Symbol: "Sc",
    Sk: "Sk",
    Modifier_Symbol: "Sk",
    So: "So",
    Other_Symbol: "So",
    Z: "Z",
    Separator: "Z",
    Zs: "Zs",
    Space_Separator: "Zs",
    Zl: "Zl",
    Line_Separator: "Zl",
    Zp: "Zp",
    Paragraph_Separator: "Zp",
    Cc: "Cc",
    Control: "Cc",
    cntrl: "Cc",
    Cf: "Cf",
    Format: "Cf",
    Co: "Co",
    Private_Use: "Co",
  }),
);

const SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";

const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** A parser of the `u`-flag grammar for a pattern RegExp already accepted (so errors are only what we refuse). */
class Parser {
  private i = 0;
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  parse(): Group {
    const group = this.disjunction();
    if (this.i < this.source.length) throw new PatternSyntaxError(`has an unbalanced ")"`);
    return group;
  }

  private peek(offset = 0): string | undefined {
    return this.source[this.i + offset];
  }

  private disjunction(): Group {
    const alternatives: PatternNode[][] = [[]];
    while (this.i < this.source.length && this.peek() !== ")") {
      if (this.peek() === "|") {
        this.i++;
        alternatives.push([]);
        continue;
      }
      const term = this.term();
      (alternatives[alternatives.length - 1] as PatternNode[]).push(this.quantified(term));
    }
    return { kind: "group", alternatives };
  }

  private term(): PatternNode {
    const c = this.peek() as string;
    if (c === "^") {
      this.i++;
      return { kind: "start" };
    }
    if (c === "$") {
      this.i++;
      return { kind: "end" };
    }
    if (c === ".") {
      this.i++;
      return set(complement(LINE_TERMINATORS));
    }
    if (c === "(") return this.group();
    if (c === "[") return this.characterClass();
    if (c === "\\") {
      const next = this.peek(1);
      if (next === "b" || next === "B") {
        this.i += 2;
        return { kind: next === "b" ? "word-boundary" : "not-word-boundary" };
      }
      if (next !== undefined && next >= "1" && next <= "9") {
        let end = this.i + 1;
        while (isDigit(this.source[end])) end++;
        throw new PatternSyntaxError(
          `uses a backreference (${this.source.slice(this.i, end)}), which no linear-time engine can run`,
        );
      }
      if (next === "k")
        throw new PatternSyntaxError(
          `uses a backreference (${this.source.slice(this.i, this.source.indexOf(">", this.i) + 1 || undefined)}), which no linear-time engine can run`,
        );
      this.i++;
      return this.escape(false);
    }
    const cp = this.source.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return set([[cp, cp]]);
  }

  private group(): Group {
    this.i++;
    if (this.peek() === "?") {
      const kind = this.source.slice(this.i, this.i + 3);
      if (kind.startsWith("?:")) this.i += 2;
      else if (kind.startsWith("?=") || kind.startsWith("?!") || kind === "?<=" || kind === "?<!")
        throw new PatternSyntaxError(
          `uses a lookaround ((${kind.startsWith("?<") ? kind : kind.slice(0, 2)}…), which no linear-time engine can run`,
        );
      else if (kind.startsWith("?<")) {
        const end = this.source.indexOf(">", this.i);
        if (end === -1) throw new PatternSyntaxError("has a group name without its closing >");
        this.i = end + 1;
      } else
        throw new PatternSyntaxError(
          `uses the group syntax (${kind.slice(0, 2)}…), which is not supported; use (…) or (?:…)`,
        );
    }
    const group = this.disjunction();
    if (this.peek() !== ")") throw new PatternSyntaxError('has a "(" without its ")"');
    this.i++;
    return group;
  }

  private quantified(node: PatternNode): PatternNode {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === "*") [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === "+") [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.i));
      if (!m) throw new PatternSyntaxError('has a "{" that is not a repetition count');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    // Lazy or greedy makes no difference to whether a value matches.
    if (this.peek() === "?") this.i++;
    if (node.kind !== "set" && node.kind !== "group")
      throw new PatternSyntaxError("repeats an assertion (^, $, \\b or \\B)");
    return { kind: "repeat", node, min, max };
  }

  private characterClass(): CharSet {
    this.i++;
    const negated = this.peek() === "^";
    if (negated) this.i++;
    const ranges: CodeRange[] = [];
    const properties: CharSet["properties"] = [];
    while (this.peek() !== "]") {
      if (this.i >= this.source.length) throw new PatternSyntaxError('has a "[" without its "]"');
      const first = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.i++;
        const last = this.classAtom();
        const lo = single(first);
        const hi = single(last);
        if (lo === undefined || hi === undefined)
          throw new PatternSyntaxError("has a range between character classes");
        ranges.push([lo, hi]);
        continue;
      }
      ranges.push(...first.ranges);
      properties.push(...first.properties);
    }
    this.i++;
    return { kind: "set", ranges: normalized(ranges), properties, negated };
  }

  private classAtom(): CharSet {
    const c = this.peek();
    if (c === "\\") {
      this.i++;
      if (this.peek() === "b") {
        this.i++;
        return set([[0x08, 0x08]]);
      }
      if (this.peek() === "-") {
        this.i++;
        return set([[0x2d, 0x2d]]);
      }
      return this.escape(true);
    }
    const cp = this.source.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return set([[cp, cp]]);
  }

  /** The escape after a backslash (already read). */
  private escape(inClass: boolean): CharSet {
    const c = this.peek();
    this.i++;
    switch (c) {
      case "d":
        return set(DIGIT);
      case "D":
        return set(complement(DIGIT));
      case "w":
        return set(WORD);
      case "W":
        return set(complement(WORD));
      case "s":
        return set(WHITESPACE);
      case "S":
        return set(complement(WHITESPACE));
      case "f":
        return set([[0x0c, 0x0c]]);
      case "n":
        return set([[0x0a, 0x0a]]);
      case "r":
        return set([[0x0d, 0x0d]]);
      case "t":
        return set([[0x09, 0x09]]);
      case "v":
        return set([[0x0b, 0x0b]]);
      case "0":
        return set([[0, 0]]);
      case "c": {
        const letter = this.peek();
        if (letter === undefined || !/^[A-Za-z]$/.test(letter))
          throw new PatternSyntaxError("has \\c without a letter");
        this.i++;
        const cp = letter.charCodeAt(0) % 32;
        return set([[cp, cp]]);
      }
      case "x": {
        const hex = this.source.slice(this.i, this.i + 2);
        if (!isHex(hex[0]) || !isHex(hex[1])) throw new PatternSyntaxError("has \\x without two hex digits");
        this.i += 2;
        const cp = Number.parseInt(hex, 16);
        return set([[cp, cp]]);
      }
      case "u": {
        const cp = this.unicodeEscape();
        return set([[cp, cp]]);
      }
      case "p":
      case "P":
        return this.property(c === "P");
      default:
        if (c !== undefined && SYNTAX_CHARACTERS.includes(c)) {
          const cp = c.charCodeAt(0);
          return set([[cp, cp]]);
        }
        throw new PatternSyntaxError(
          `uses the escape \\${c ?? ""}${inClass ? " in a character class" : ""}, which is not supported`,
        );
    }
  }

  /** `\uXXXX` (a surrogate pair of two such escapes is one code point), or `\u{X…}`; after "\u". */
  private unicodeEscape(): number {
    if (this.peek() === "{") {
      const end = this.source.indexOf("}", this.i);
      const hex = this.source.slice(this.i + 1, end);
      if (end === -1 || !/^[0-9A-Fa-f]+$/.test(hex)) throw new PatternSyntaxError("has a malformed \\u{…}");
      this.i = end + 1;
      return Number.parseInt(hex, 16);
    }
    const hex = this.source.slice(this.i, this.i + 4);
    if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new PatternSyntaxError("has \\u without four hex digits");
    this.i += 4;
    const unit = Number.parseInt(hex, 16);
    const trail = /^\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})/.exec(this.source.slice(this.i));
    if (unit >= 0xd800 && unit <= 0xdbff && trail) {
      this.i += 6;
      return 0x10000 + ((unit - 0xd800) << 10) + (Number.parseInt(trail[1] as string, 16) - 0xdc00);
    }
    return unit;
  }

  /** `\p{…}` or `\P{…}`, after the letter. */
  private property(negated: boolean): CharSet {
    const end = this.source.indexOf("}", this.i);
    if (this.peek() !== "{" || end === -1) throw new PatternSyntaxError("has \\p without {…}");
    const text = this.source.slice(this.i + 1, end);
    this.i = end + 1;
    const [key, value] = text.includes("=") ? (text.split("=", 2) as [string, string]) : [undefined, text];
    if (key === undefined || key === "General_Category" || key === "gc") {
      if (value === "Any") return negated ? set([]) : set([[0, MAX_CODE_POINT]]);
      if (value === "ASCII") return set(negated ? complement([[0, 0x7f]]) : [[0, 0x7f]]);
      const name = Object.hasOwn(GENERAL_CATEGORIES, value) ? GENERAL_CATEGORIES[value] : undefined;
      if (name !== undefined)
        return { kind: "set", ranges: [], properties: [{ name, negated }], negated: false };
    } else if ((key === "Script" || key === "sc") && /^[A-Z][A-Za-z_]*$/.test(value)) {
      // RE2 knows scripts by their long names (Greek, Latin); a short one (Grek) fails to compile.
      return { kind: "set", ranges: [], properties: [{ name: value, negated }], negated: false };
    }
    throw new PatternSyntaxError(
      `uses \\${negated ? "P" : "p"}{${text}}, which is not supported; use a general category such as \\p{L} or \\p{Nd}, or a script such as \\p{Script=Greek}`,
    );
  }
}

function set(ranges: CodeRange[]): CharSet {
  return { kind: "set", ranges: normalized(ranges), properties: [], negated: false };
}

/** The code point of a set that is one, else undefined. */
function single(s: CharSet): number | undefined {
  const only = s.ranges[0];
  return s.properties.length === 0 && !s.negated && s.ranges.length === 1 && only && only[0] === only[1]
    ? only[0]
    : undefined;
}

/** Ranges sorted and merged. */
export function normalized(ranges: readonly CodeRange[]): CodeRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The tree of a pattern RegExp (`u` flag) accepts; throws PatternSyntaxError for what is not supported. */
export function parsePattern(pattern: string): Group {
  return new Parser(pattern).parse();
}

const hex = (cp: number) => `\\x{${cp.toString(16)}}`;

function setToRe2(s: CharSet): string {
  const parts: string[] = [];
  for (const [lo, hi] of s.ranges) parts.push(lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`);
  for (const p of s.properties) parts.push(`\\${p.negated ? "P" : "p"}{${p.name}}`);
  // An empty class matches nothing (and `[^]` everything); RE2 wants them spelled out.
  if (parts.length === 0)
    return s.negated ? `[${hex(0)}-${hex(MAX_CODE_POINT)}]` : `[^${hex(0)}-${hex(MAX_CODE_POINT)}]`;
  return `[${s.negated ? "^" : ""}${parts.join("")}]`;
}

function nodeToRe2(node: PatternNode): string {
  switch (node.kind) {
    case "set":
      return setToRe2(node);
    case "group":
      return `(?:${node.alternatives.map((seq) => seq.map(nodeToRe2).join("")).join("|")})`;
    case "repeat": {
      const { min, max } = node;
      const count =
        max === Number.POSITIVE_INFINITY
          ? min === 0
            ? "*"
            : min === 1
              ? "+"
              : `{${min},}`
          : min === max
            ? `{${min}}`
            : `{${min},${max}}`;
      return `${nodeToRe2(node.node)}${count}`;
    }
    case "start":
      return "\\A";
    case "end":
      return "\\z";
    case "word-boundary":
      return "\\b";
    case "not-word-boundary":
      return "\\B";
  }
}

/** The pattern in RE2 syntax, with the meaning it has for RegExp with the `u` flag. */
export function toRe2(tree: Group): string {
  return nodeToRe2(tree);
}
