// Numeric path and query parameters, read strictly: only plain decimal digits without a leading
// zero ("11"), never "0xb", "1e1", "011", "+1", " 1" or "Infinity".
import { badRequest } from "./problem.ts";

const DIGITS = /^(0|[1-9][0-9]{0,14})$/;

/** A whole number from `min` to `max` written in plain digits, else a 400 naming the parameter. */
export function strictInt(text: string | undefined, name: string, min: number, max: number): number {
  const value = text !== undefined && DIGITS.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw badRequest(
      `${name} must be a whole number from ${min} to ${max} written in plain digits; got ${
        text === undefined ? "nothing" : JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
      }`,
    );
  }
  return value;
}
