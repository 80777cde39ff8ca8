// What a commit would do to the current dataset (the Worker's diff), in the sentences the CLI prints.
import type { DatasetDiff } from "../schemas/api-types.ts";
import type { JsonValue } from "../schemas/index.ts";
import { count, plural } from "./io.ts";

const keyText = (key: Record<string, JsonValue>) =>
  Object.values(key)
    .map((v) => (typeof v === "string" ? v : JSON.stringify(v)))
    .join(" / ");

function examples(label: string, keys: Record<string, JsonValue>[]): string[] {
  return keys.length > 0 ? [`  ${label}: ${keys.slice(0, 3).map(keyText).join(", ")}`] : [];
}

export function diffLines(diff: DatasetDiff): string[] {
  if (!diff.current)
    return [`No data yet: this upload becomes version 1 with ${plural(diff.incoming, "record")}.`];
  const lines = [
    `Against version ${diff.current.version} (${plural(diff.current.recordCount, "record")}): ${count(diff.added)} added, ${count(diff.removed)} removed, ${count(diff.changed)} changed, ${count(diff.unchanged)} unchanged.`,
    ...examples("added", diff.examples.added),
    ...examples("removed", diff.examples.removed),
    ...examples("changed", diff.examples.changed),
  ];
  for (const lost of diff.lostValues ?? [])
    lines.push(
      `  ${lost.field} would be emptied in ${plural(lost.records, "record")}${lost.missing ? " (the file has no such column)" : ""}`,
    );
  return lines;
}
