// Whether a tenant's `pattern` may be used in a custom context: it must read as a regular
// expression (the `u` flag, as validators compile it), run on the linear-time engine with the same
// meaning (no backreferences or lookarounds; see schemas/pattern-syntax.ts), and cost no value more
// than PATTERN_STEP_BUDGET steps. The console and the Worker refuse with these words.
import { DEFAULT_LIMITS } from "./limits.ts";
import { compileLinear, type LinearProgram, PATTERN_STEP_BUDGET, stepsPerValue } from "./pattern-matcher.ts";
import { PatternSyntaxError } from "./pattern-syntax.ts";

export { PATTERN_STEP_BUDGET };

/** Longest pattern a custom context may use (characters). */
export const MAX_PATTERN_LENGTH = 200;

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Why a pattern may not be used in a custom context, or undefined when it may. `maxChars` is the
 * longest value the field can hold (its maxLength, else the field-length limit): the steps such a
 * value can cost (`stepsPerValue`) must stay within PATTERN_STEP_BUDGET.
 */
export function patternProblem(
  pattern: string,
  maxChars: number = DEFAULT_LIMITS.maxFieldLength,
): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `is ${count(pattern.length)} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`;
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
  let program: LinearProgram;
  try {
    program = compileLinear(pattern);
  } catch (error) {
    if (error instanceof PatternSyntaxError) return error.message;
    throw error;
  }
  const steps = stepsPerValue(program, maxChars);
  if (steps > PATTERN_STEP_BUDGET) {
    const fits = Math.floor(PATTERN_STEP_BUDGET / program.programSize);
    return `could cost ${count(steps)} steps on one value (up to ${count(program.programSize)} per character it reads), more than the ${count(PATTERN_STEP_BUDGET)} allowed; give the field a maxLength of at most ${count(fits)}, anchor the pattern (^…$) without unbounded repetition, or use smaller repetition counts`;
  }
  return undefined;
}
