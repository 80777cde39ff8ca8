// intake validate: a file checked offline, exactly as the extension checks it before an upload.
import { checkFile } from "../check-file.ts";
import { printMapping, printOutcome, writeCheckFiles } from "../check-output.ts";
import { type Command, flag, QUIET_OPTION } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { checkRequestOf, contextOf, FILE_OPTIONS } from "../file-options.ts";
import { createProgress } from "../progress.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "check a file offline, as the extension and the Worker check it",
  usage: "intake validate FILE --context C [--mapping map.json] [--json] [--errors out.csv]",
  description: [
    "Reads a CSV (any delimiter; UTF-8, UTF-16 or --encoding), JSON, NDJSON or Excel file, maps its",
    "columns to the context's fields (the suggestions the extension applies without asking, or",
    "--mapping), and validates every row with the same core as the Worker. No server is needed.",
    "Prints `row line column: message` per problem; exit 0 when valid, 1 when not (or when a",
    "required field has no column), 2 on a usage error.",
  ].join("\n"),
  positionals: { min: 1, max: 1 },
  options: {
    ...FILE_OPTIONS,
    json: { type: "boolean", description: "print the report as JSON (the Worker's report shape)" },
    errors: {
      type: "string",
      valueName: "FILE",
      description: "write every error as CSV (row, line, column, …)",
    },
    ...QUIET_OPTION,
  },
  examples: [
    "intake validate employees.csv --context list_employees",
    "intake validate users.xlsx --context saas_users --sheet Users --json > report.json",
    "intake validate users.csv --context saas_users --errors problems.csv --mapping-out map.json",
  ],
  async run(parsed, io) {
    const context = contextOf(parsed);
    const request = checkRequestOf(parsed, io, context);
    const progress = createProgress(io.stderr, { quiet: flag(parsed, "quiet") });
    const outcome = await checkFile({ ...request, onProgress: (p) => progress.update(p) });
    progress.end();
    if (!flag(parsed, "quiet")) printMapping(outcome, io);
    await writeCheckFiles(outcome, parsed, io, context);
    printOutcome(outcome, io, flag(parsed, "json"));
    return outcome.report.valid ? EXIT.OK : EXIT.INVALID;
  },
};
