// What replacing a dataset does, in plain words: "Replaces version 7 (580,000 records) with 1
// record: 579,999 removed, 1 unchanged", a few keys of each kind, and the values it erases. The
// upload flow shows it before and after a commit, the console before a restore.

import type { JsonValue } from "../../schemas/index.ts";
import type { DatasetDiff } from "../api-client.ts";
import { count, plural } from "./format.ts";

export const records = (n: number) => plural(n, "record");

/** One line for the diff; `done` puts it in the past tense (after the commit). */
export function diffSentence(diff: DatasetDiff, done: boolean): string {
  const counts = [
    [diff.removed, "removed"],
    [diff.added, "added"],
    [diff.changed, "changed"],
    [diff.unchanged, "unchanged"],
  ] as const;
  const parts = counts.filter(([n]) => n > 0).map(([n, what]) => `${count(n)} ${what}`);
  const tail = parts.length > 0 ? `: ${parts.join(", ")}.` : ".";
  if (!diff.current) {
    return `${done ? "Created" : "Creates"} the first version, with ${records(diff.incoming)}${tail}`;
  }
  const { version, recordCount } = diff.current;
  return `${done ? "Replaced" : "Replaces"} version ${version} (${records(recordCount)}) with ${records(diff.incoming)}${tail}`;
}

const keyText = (values: Record<string, JsonValue>) =>
  Object.values(values)
    .map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
    .join(" · ");

/** "department in 8 records (no such column), title in 1 record" */
const lostText = (lost: DatasetDiff["lostValues"]) =>
  lost.map((l) => `${l.field} in ${records(l.records)}${l.missing ? " (no such column)" : ""}`).join(", ");

export function DiffSummary({ diff, done = false }: { diff: DatasetDiff; done?: boolean }) {
  const kinds = [
    ["Removed", diff.removed, diff.examples.removed],
    ["Added", diff.added, diff.examples.added],
    ["Changed", diff.changed, diff.examples.changed],
  ] as const;
  const shown = kinds.filter(([, , examples]) => examples.length > 0);
  // An older Worker's diff has no lostValues.
  const lost = diff.lostValues ?? [];
  return (
    <div class="diff-summary">
      <p>{diffSentence(diff, done)}</p>
      {(shown.length > 0 || lost.length > 0) && (
        <ul class="diff-examples">
          {shown.map(([label, total, examples]) => (
            <li key={label}>
              {label}: {examples.map(keyText).join(", ")}
              {total > examples.length ? ` and ${count(total - examples.length)} more` : ""}
            </li>
          ))}
          {lost.length > 0 && (
            <li>
              {done ? "Values erased" : "Values it erases"}: {lostText(lost)}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
