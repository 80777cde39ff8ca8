// What validate (and push, before it sends anything) prints about a checked file: the mapping it
// used, the report as lines or JSON, the mapping file and the error report it was asked to write.
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { errorReportParts } from "../extension/pipeline/export.ts";
import type { Issue } from "../schemas/index.ts";
import type { CheckOutcome } from "./check-file.ts";
import { type Parsed, text } from "./command.ts";
import type { CliIo } from "./io.ts";
import { describeMapping, mappingFileOf } from "./mapping-file.ts";
import { printReport } from "./report-text.ts";

async function writeParts(path: string, parts: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  const done = new Promise<void>((resolveDone, reject) => {
    out.on("finish", resolveDone);
    out.on("error", reject);
  });
  for (const part of parts)
    if (!out.write(part)) await new Promise<void>((r) => out.once("drain", () => r()));
  out.end();
  await done;
}

/** Every error of the file (not only the report's capped list), for --errors. */
function allErrors(outcome: CheckOutcome): Iterable<Issue> {
  if (outcome.status !== "checked") return outcome.report.errors;
  const { fileIssues, dataset } = outcome;
  return (function* () {
    yield* fileIssues;
    yield* dataset.errors();
  })();
}

/** --mapping-out and --errors. */
export async function writeCheckFiles(outcome: CheckOutcome, parsed: Parsed, io: CliIo, context: string) {
  const mappingOut = text(parsed, "mapping-out");
  if (mappingOut && outcome.status !== "unreadable") {
    const file = mappingFileOf(outcome.mapping, outcome.columns, context);
    await writeParts(resolve(io.cwd, mappingOut), [`${JSON.stringify(file, null, 2)}\n`]);
  }
  const errorsOut = text(parsed, "errors");
  if (errorsOut) await writeParts(resolve(io.cwd, errorsOut), errorReportParts(allErrors(outcome)));
}

/** The mapping used and what of the mapping file did not apply, on stderr. */
export function printMapping(outcome: CheckOutcome, io: CliIo): void {
  if (outcome.status === "unreadable") return;
  if (outcome.status === "checked") for (const note of outcome.notes) io.stderr.write(`${note}\n`);
  io.stderr.write(`mapping: ${describeMapping(outcome.mapping, outcome.columns)}\n`);
  // Why a column was left out, when the mapping step had a field in mind (the extension shows it).
  outcome.suggestions.forEach((s, i) => {
    if (outcome.mapping.columns[i] !== null || s.auto || s.reason === "No matching field") return;
    const why = s.field ? `may be ${s.field} (${Math.round(s.confidence * 100)} %: ${s.reason})` : s.reason;
    io.stderr.write(`hint: "${outcome.columns[i]}" ${why}; a mapping file can map it\n`);
  });
}

/** The report on stdout: JSON (the Worker's report shape), or lines. */
export function printOutcome(outcome: CheckOutcome, io: CliIo, json: boolean): void {
  if (json) {
    const body =
      outcome.status === "unmapped"
        ? { ...outcome.report, unmappedRequired: outcome.missing }
        : outcome.report;
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (outcome.status !== "checked") {
    io.stdout.write(`${outcome.message}\n`);
    return;
  }
  printReport(io.stdout, outcome.report, "--errors FILE writes them all");
}
