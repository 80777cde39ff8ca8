// The fields of a new API key, shared by tenant creation (first admin key) and key creation.
import type { FieldChecker } from "./fields.ts";

const DAY_MS = 86_400_000;

/** A future ISO 8601 expiry within the configured lifetime. */
export function checkExpiry(
  fields: FieldChecker,
  field: string,
  now: Date,
  maxDays: number,
  required: boolean,
): string | undefined {
  if (!fields.has(field)) {
    return required
      ? fields.fail(field, "is required: an ISO 8601 date-time such as 2027-01-31T00:00:00Z")
      : undefined;
  }
  const value = fields.raw(field);
  const time =
    typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    return fields.fail(field, "must be an ISO 8601 date-time such as 2027-01-31T00:00:00Z");
  if (time <= now.getTime()) return fields.fail(field, "must be in the future");
  if (time > now.getTime() + maxDays * DAY_MS)
    return fields.fail(field, `must be at most ${maxDays} days from now`);
  return new Date(time).toISOString();
}
