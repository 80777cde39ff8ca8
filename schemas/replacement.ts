// When replacing a dataset needs an explicit yes, and the words that say why: one rule for the
// extension's confirmation, the console's restore and the Worker's commit (which refuses an
// unconfirmed risky replacement with the same words).
import type { DatasetDiff } from "./api-types.ts";
import { plural } from "./messages.ts";

/** The share of the current records an upload may remove without an explicit confirmation. */
export const REMOVED_SHARE_WITHOUT_CONFIRMATION = 0.2;
/** The share of the current records that may lose a field's value without a confirmation. */
export const LOST_SHARE_WITHOUT_CONFIRMATION = 0.2;
/**
 * A current dataset smaller than this is replaced without a confirmation for removed records
 * (1 → 197 records is no accident to guard against); emptying it, or emptying a field of its
 * records, is still confirmed.
 */
export const SMALL_DATASET_RECORDS = 10;

const percent = (share: number) => `${Math.round(share * 100)} %`;

/**
 * Why replacing the current dataset with this upload needs an explicit yes, one sentence per
 * reason (none: it does not): it empties the dataset, removes more than 20 % of a dataset of 10
 * records or more, or empties a field in more than 20 % of the current records.
 */
export function replacementConcerns(diff: DatasetDiff): string[] {
  const current = diff.current;
  if (!current || current.recordCount === 0) return [];
  const concerns: string[] = [];
  if (diff.incoming === 0) {
    concerns.push(
      `This upload has no records: version ${current.version} would be replaced by an empty dataset.`,
    );
    return concerns;
  }
  if (current.recordCount >= SMALL_DATASET_RECORDS && diff.removedShare > REMOVED_SHARE_WITHOUT_CONFIRMATION)
    concerns.push(
      `This upload removes ${diff.removed.toLocaleString("en-US")} of the ${plural(current.recordCount, "record")} in version ${current.version} (${percent(diff.removedShare)}).`,
    );
  for (const lost of diff.lostValues ?? []) {
    if (lost.records / current.recordCount <= LOST_SHARE_WITHOUT_CONFIRMATION) continue;
    concerns.push(
      `${lost.field} would be emptied in ${lost.records.toLocaleString("en-US")} of ${plural(current.recordCount, "record")}${lost.missing ? " (the upload has no such column)" : ""}.`,
    );
  }
  return concerns;
}

/** Whether a replacement needs an explicit yes (see `replacementConcerns`). */
export function mustConfirmReplacement(diff: DatasetDiff): boolean {
  return replacementConcerns(diff).length > 0;
}
