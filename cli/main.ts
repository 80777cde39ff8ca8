// The `intake` command line: parses argv, runs a command, prints what went wrong in one line and
// exits with a code a scheduler can act on (exit-codes.ts). `run` takes its world as arguments
// (io.ts), so tests run it in-process; `main` wires it to this process.
import { parseArgs } from "node:util";
import { ApiError } from "../extension/api-client.ts";
import { UploadError } from "../extension/pipeline/upload.ts";
import { type Command, helpOf, type Parsed } from "./command.ts";
import { contextsCommand } from "./commands/contexts.ts";
import { pullCommand } from "./commands/pull.ts";
import { pushCommand } from "./commands/push.ts";
import { schemaCommand } from "./commands/schema.ts";
import { statusCommand } from "./commands/status.ts";
import { validateCommand } from "./commands/validate.ts";
import { redact } from "./config.ts";
import { CliExit, EXIT, exitCodeOf, UsageError } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";
import cliPackage from "./package.json" with { type: "json" };
import { printReport } from "./report-text.ts";

export const COMMANDS: readonly Command[] = [
  validateCommand,
  pushCommand,
  pullCommand,
  statusCommand,
  contextsCommand,
  schemaCommand,
];

const VERSION = cliPackage.version;

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "Usage: intake <command> [options]",
    "",
    "Sends files from disk to an Intake Worker, with the extension's readers, mapping and checks.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Configuration: INTAKE_URL and INTAKE_KEY (or --url and --key). The key is never printed.",
    "Exit codes: 0 done · 1 data invalid (nothing committed) · 2 usage error · 3 key refused or",
    "not allowed · 4 server or network failure after retries · 5 replacement needs --yes.",
    "",
    "Run `intake <command> --help` for a command's options and examples.",
    "",
  ].join("\n");
}

function parse(command: Command, argv: string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, { description: _d, valueName: _v, ...spec }]) => [
      name,
      spec,
    ]),
  );
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }) as Parsed;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (parsed.values.help) return parsed;
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`Missing argument; usage: ${command.usage}`);
  if (parsed.positionals.length > max)
    throw new UsageError(`Unexpected argument "${parsed.positionals[max]}"; usage: ${command.usage}`);
  return parsed;
}

/** An error as the one line (or report) the admin reads, with the key never in it. */
function explain(error: unknown, io: CliIo, key: string | undefined): void {
  const cause = error instanceof UploadError ? error.cause : error;
  const report = cause instanceof ApiError ? cause.problem.report : undefined;
  if (cause instanceof ApiError && report) {
    io.stderr.write(`The Worker refused the data (${cause.status}): nothing was committed.\n`);
    printReport(io.stderr, report);
    return;
  }
  io.stderr.write(`${redact(messageOf(error, cause), key)}\n`);
}

function messageOf(error: unknown, cause: unknown): string {
  if (error instanceof CliExit || error instanceof UsageError) return error.message;
  if (cause instanceof ApiError) {
    if (cause.status === 401) return `The key was refused (401): ${cause.message}`;
    if (cause.status === 403) return `The key may not do this (403): ${cause.message}`;
    if (cause.status === 404) return `Not found, or not for this key (404): ${cause.message}`;
    return `The Worker answered ${cause.status}: ${cause.message}`;
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return cause instanceof Error && cause.cause instanceof Error
    ? `${message} (${cause.cause.message})`
    : message;
}

/** Runs one command line; resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    (name === undefined ? io.stderr : io.stdout).write(command ? helpOf(command) : mainHelp());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`Unknown command "${name}".\n\n${mainHelp()}`);
    return EXIT.USAGE;
  }
  let key: string | undefined = io.env.INTAKE_KEY;
  try {
    const parsed = parse(command, rest);
    if (typeof parsed.values.key === "string") key = parsed.values.key;
    if (parsed.values.help) {
      io.stdout.write(helpOf(command));
      return EXIT.OK;
    }
    return await command.run(parsed, io);
  } catch (error) {
    explain(error, io, key);
    if (error instanceof UsageError)
      io.stderr.write(`Run \`intake ${command.name} --help\` for its options.\n`);
    return exitCodeOf(error);
  }
}

/** This process: its streams and environment, Ctrl+C, the test hook, the exit code. */
export async function main(): Promise<void> {
  const interrupt = new AbortController();
  // A push stops cleanly on Ctrl+C and keeps its sync to resume (a second Ctrl+C ends it at once);
  // the other commands have nothing to keep and just end.
  if (process.argv[2] === "push")
    process.once("SIGINT", () => {
      interrupt.abort(new Error("Interrupted"));
      process.once("SIGINT", () => process.exit(EXIT.INTERRUPTED));
    });
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    // `intake pull … | head`: the reader is gone; nothing more to say.
    if (error.code === "EPIPE") process.exit(EXIT.OK);
    throw error;
  });
  const stopAfter = Number(process.env.INTAKE_CLI_STOP_AFTER_BATCH);
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: interrupt.signal,
    // Test-only: dies like a crash (no cleanup, no abort) once n batches are acknowledged, so a
    // test can run the push again and see it resume.
    ...(Number.isInteger(stopAfter) && stopAfter > 0
      ? { afterBatch: (n: number) => n >= stopAfter && process.kill(process.pid, "SIGKILL") }
      : {}),
  };
  process.exitCode = await run(process.argv.slice(2), io);
}
