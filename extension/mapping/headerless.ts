// Files without a header row: the first row looks like the data under it (an email over emails,
// a date over dates), so it is offered as "no header row" instead of being consumed as headers.
import { classify, profileColumn, type ValueClass } from "./profile.ts";

const DISTINCT: ValueClass[] = [
  "email",
  "date",
  "timestamp",
  "uuid",
  "arn",
  "integer",
  "decimal",
  "boolean",
  "phone",
  "url",
];
const same = (a: ValueClass, b: ValueClass) =>
  a === b ||
  (["date", "timestamp"].includes(a) && ["date", "timestamp"].includes(b)) ||
  (a === "integer" && b === "decimal");

/**
 * Whether `rows[0]` (the candidate header) is a data record: among the columns whose values below
 * are of a telling kind (emails, dates, ids, numbers, booleans), at least half have a first cell
 * of the same kind. A real header ("Email", "Created") never is.
 */
export function looksLikeHeaderless(rows: readonly (readonly string[])[]): boolean {
  const [first, ...rest] = rows;
  if (!first || rest.length === 0) return false;
  let telling = 0;
  let agreeing = 0;
  first.forEach((cell, i) => {
    const p = profileColumn(rest.slice(0, 1000).map((r) => r[i] ?? ""));
    const dominant = p.booleanLike ? "boolean" : p.dominant;
    if (!dominant || !DISTINCT.includes(dominant)) return;
    telling++;
    const own = /^[01]$/.test(cell.trim()) && p.booleanLike ? "boolean" : classify(cell.trim());
    if (same(own, dominant)) agreeing++;
  });
  return agreeing > 0 && agreeing * 2 >= telling;
}

/** Names for the columns of a file without a header row: Column 1…N. */
export function headerlessNames(width: number): string[] {
  return Array.from({ length: width }, (_, i) => `Column ${i + 1}`);
}
