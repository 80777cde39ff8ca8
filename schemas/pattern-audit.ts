// The linear-time audit of a schema `pattern`: what the built-in schemas are tested against, and
// what a tenant's own context definition must pass before the Worker accepts it. Values are matched
// with JavaScript's backtracking engine, so a pattern that can backtrack is refused up front.

/** Longest pattern a custom context may use (characters). */
export const MAX_PATTERN_LENGTH = 200;

interface Scan {
  unbounded: boolean;
  alternation: boolean;
}

interface Audit {
  /** The first repeated group that itself repeats or alternates: `(a+)+`. */
  nested?: string;
  /** Unbounded repetitions of an atom that matches almost anything: `.*`, `\S+`, `[^,]*`. */
  wildcards: string[];
}

function audit(pattern: string): Audit {
  let i = 0;
  const result: Audit = { wildcards: [] };
  const quantifier = (): { repeats: boolean; unbounded: boolean } | undefined => {
    const c = pattern[i];
    let q: { repeats: boolean; unbounded: boolean } | undefined;
    if (c === "*" || c === "+") {
      i++;
      q = { repeats: true, unbounded: true };
    } else if (c === "?") {
      i++;
      q = { repeats: false, unbounded: false };
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      const max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
      q = { repeats: max > 1, unbounded: max === Number.POSITIVE_INFINITY };
    }
    if (q && pattern[i] === "?") i++;
    return q;
  };
  const alternatives = (): Scan => {
    const scan: Scan = { unbounded: false, alternation: false };
    while (i < pattern.length && pattern[i] !== ")") {
      const start = i;
      const c = pattern[i];
      let inner: Scan = { unbounded: false, alternation: false };
      let broad = false;
      if (c === "|") {
        scan.alternation = true;
        i++;
        continue;
      }
      if (c === "(") {
        i++;
        if (pattern[i] === "?")
          i +=
            pattern[i + 1] === "<" && !"=!".includes(pattern[i + 2] ?? "")
              ? pattern.indexOf(">", i) - i + 1
              : 2;
        inner = alternatives();
        if (pattern[i] !== ")") throw new SyntaxError(`unbalanced group in ${pattern}`);
        i++;
      } else if (c === "[") {
        i++;
        broad = pattern[i] === "^";
        if (pattern[i] === "]") i++;
        while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
        i++;
      } else {
        broad = c === "." || (c === "\\" && "SWD".includes(pattern[i + 1] ?? ""));
        i += c === "\\" ? 2 : 1;
      }
      const q = quantifier();
      if (q?.repeats && (inner.unbounded || inner.alternation)) result.nested ??= pattern.slice(start, i);
      if (broad && q?.unbounded) result.wildcards.push(pattern.slice(start, i));
      scan.unbounded ||= inner.unbounded || q?.unbounded === true;
      scan.alternation ||= inner.alternation && q === undefined;
    }
    return scan;
  };
  alternatives();
  return result;
}

/**
 * Whether a pattern has a repeating quantifier (max > 1) on a group that contains an unbounded
 * quantifier or an alternation: `(a+)+`, `(\d+){2}`, `(a|ab)*`. Nested repetition is what makes
 * a backtracking engine super-linear; a pattern without it, anchored and with each unbounded
 * class followed by a character it cannot match, runs in linear time. Answers the offending part.
 */
export function nestedRepetition(pattern: string): string | undefined {
  return audit(pattern).nested;
}

/**
 * Why a pattern may not be used in a custom context, or undefined when it may: too long, not a
 * valid regular expression (with the `u` flag, as the validators compile it), a backreference or
 * a lookaround, a repeated group that itself repeats (exponential backtracking), or more than one
 * unbounded wildcard such as `.*` (polynomial backtracking).
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `is ${pattern.length.toLocaleString("en-US")} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`;
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
  const backreference = /\\[1-9]|\\k</.exec(pattern);
  if (backreference) return `uses a backreference (${backreference[0]}), which can take exponential time`;
  const lookaround = /\(\?<?[=!]/.exec(pattern);
  if (lookaround) return `uses a lookaround (${lookaround[0]}…), which is not allowed`;
  const { nested, wildcards } = audit(pattern);
  if (nested)
    return `repeats a group that itself repeats or alternates (${nested}), which can take exponential time on some values`;
  if (wildcards.length > 1)
    return `has more than one unbounded wildcard (${wildcards.join(", ")}), which can take quadratic time on some values`;
  return undefined;
}
