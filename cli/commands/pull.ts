// intake pull: the current dataset (or a check that it is version N) streamed to stdout a page at a
// time, pinned to the version its first page read, as CSV (the Worker's export: schema field
// order, formulas escaped), a JSON array or NDJSON.
import { type IntakeRecord, toCsvCell } from "../../schemas/index.ts";
import { toSafeCsv } from "../../schemas/spreadsheet.ts";
import { CONNECTION_OPTIONS, type Command, flag, QUIET_OPTION, text } from "../command.ts";
import { clientOf, connectionOf } from "../config.ts";
import { CliExit, EXIT, UsageError } from "../exit-codes.ts";
import { type CliIo, plural, writeOut } from "../io.ts";
import { createProgress } from "../progress.ts";
import { recordsPage } from "../records.ts";

export type PullFormat = "csv" | "json" | "ndjson";

/** Writes records in a format, a page at a time. */
export function recordWriter(format: PullFormat, fields: readonly string[]) {
  let first = true;
  return {
    start(): string {
      return format === "csv" ? toSafeCsv([], { fields }) : format === "json" ? "[" : "";
    },
    page(records: readonly IntakeRecord[]): string {
      if (records.length === 0) return "";
      if (format === "csv") return toSafeCsv(records.map((r) => fields.map((f) => toCsvCell(r[f]))));
      if (format === "ndjson") return `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
      const text = records.map((r) => `\n${JSON.stringify(r)}`).join(",");
      const out = first ? text : `,${text}`;
      first = false;
      return out;
    },
    end(): string {
      return format === "json" ? (first ? "]\n" : "\n]\n") : "";
    },
  };
}

export const pullCommand: Command = {
  name: "pull",
  summary: "stream the current dataset of an integration context to stdout",
  usage: "intake pull --integration ID --context C [--version N] [--format csv|json|ndjson]",
  description: [
    "Reads the committed records page by page (1,000 a page), every page from the version the first",
    "one read, so a commit meanwhile does not mix versions. CSV is the Worker's export (schema field",
    "order, spreadsheet formulas escaped); json is one array; ndjson one record per line.",
    "--version N makes sure the dataset read is version N (the Worker serves the current version).",
  ].join("\n"),
  positionals: { min: 0, max: 0 },
  options: {
    integration: {
      type: "string",
      short: "i",
      valueName: "ID",
      description: "the integration (its id, int_…)",
    },
    context: { type: "string", short: "c", valueName: "C", description: "the kind of records" },
    version: { type: "string", valueName: "N", description: "fail unless the current version is N" },
    format: { type: "string", short: "f", valueName: "F", description: "csv (default), json or ndjson" },
    ...CONNECTION_OPTIONS,
    ...QUIET_OPTION,
  },
  examples: [
    "intake pull -i int_123 -c saas_users > users.csv",
    "intake pull -i int_123 -c list_employees --format ndjson | jq .email",
    "intake pull -i int_123 -c saas_users --version 12 --format json > v12.json",
  ],
  async run(parsed, io: CliIo) {
    const integrationId = text(parsed, "integration");
    const context = text(parsed, "context");
    if (!integrationId || !context) throw new UsageError("--integration and --context are required");
    const format = (text(parsed, "format") ?? "csv").toLowerCase();
    if (format !== "csv" && format !== "json" && format !== "ndjson")
      throw new UsageError("--format must be csv, json or ndjson");
    const wanted = text(parsed, "version");
    if (wanted !== undefined && !/^[1-9]\d*$/.test(wanted))
      throw new UsageError("--version must be a version number");
    const connection = connectionOf({ url: text(parsed, "url"), key: text(parsed, "key") }, io);
    const quiet = flag(parsed, "quiet");
    const client = clientOf(connection, io, quiet);
    let fields: string[] = [];
    if (format === "csv") {
      const answer = await client.contextSchema(context);
      if (!answer.notModified) fields = Object.keys(answer.schema.properties);
    }
    let page = await recordsPage(connection, io, integrationId, context);
    if (wanted !== undefined && page.version !== Number(wanted))
      throw new CliExit(
        EXIT.USAGE,
        page.version === null
          ? `There is no version ${wanted}: ${context} has no data yet`
          : `The current version is ${page.version}, not ${wanted}; the Worker serves the current version's records (restore version ${wanted} to read it)`,
      );
    const writer = recordWriter(format, fields);
    const progress = createProgress(io.stderr, { quiet });
    const total = page.recordCount ?? 0;
    let done = 0;
    await writeOut(io.stdout, writer.start());
    for (;;) {
      await writeOut(io.stdout, writer.page(page.data));
      done += page.data.length;
      progress.update({ phase: "pulling", done, total, unit: "records" });
      if (!page.nextCursor) break;
      page = await recordsPage(connection, io, integrationId, context, page.nextCursor);
    }
    await writeOut(io.stdout, writer.end());
    progress.end();
    if (!quiet)
      io.stderr.write(
        page.version === null
          ? `${context} has no data yet.\n`
          : `Version ${page.version}: ${plural(done, "record")}.\n`,
      );
    return EXIT.OK;
  },
};
