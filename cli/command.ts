// How a command is declared: its options (node:util parseArgs), its help with examples, and what it
// does with the parsed line. main.ts parses, shows help and turns errors into exit codes.
import type { ParseArgsOptionDescriptor } from "node:util";
import type { ExitCode } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";

export type OptionSpec = ParseArgsOptionDescriptor & { description: string; valueName?: string };

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** "intake push FILE --integration ID --context C [options]" */
  usage: string;
  /** What the command does, a few lines. */
  description: string;
  positionals: { min: number; max: number };
  options: Record<string, OptionSpec>;
  examples: string[];
  run(parsed: Parsed, io: CliIo): Promise<ExitCode>;
}

/** Options every command that talks to a Worker takes. */
export const CONNECTION_OPTIONS: Record<string, OptionSpec> = {
  url: { type: "string", valueName: "URL", description: "the Intake Worker (default: $INTAKE_URL)" },
  key: {
    type: "string",
    valueName: "KEY",
    description: "the API key (default: $INTAKE_KEY; prefer the variable: a flag shows in `ps`)",
  },
};

export const QUIET_OPTION: Record<string, OptionSpec> = {
  quiet: { type: "boolean", short: "q", description: "no progress on stderr" },
};

/** A string option's value ("" counts as absent). */
export const text = (parsed: Parsed, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
};

export const flag = (parsed: Parsed, name: string): boolean => parsed.values[name] === true;

/** The command's help text. */
export function helpOf(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const value = spec.type === "string" ? ` ${spec.valueName ?? "VALUE"}` : "";
    return [`  ${short}--${name}${value}`, spec.description] as const;
  });
  rows.push(["  -h, --help", "this help"]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: ${command.usage}`,
    "",
    command.description,
    "",
    "Options:",
    ...rows.map(([left, right]) => `${left.padEnd(width)}${right}`),
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}
