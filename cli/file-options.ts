// The options that say how to read a file (shared by validate and push) and the request they make.
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { SourceEncoding } from "../extension/pipeline/parse/decode.ts";
import { CONTEXT_NAMES, resolveSchema } from "../schemas/index.ts";
import type { CheckRequest } from "./check-file.ts";
import { type OptionSpec, type Parsed, text } from "./command.ts";
import { UsageError } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";
import { parseMappingFile } from "./mapping-file.ts";

export const FILE_OPTIONS: Record<string, OptionSpec> = {
  context: {
    type: "string",
    short: "c",
    valueName: "C",
    description: "the kind of records (intake contexts)",
  },
  mapping: {
    type: "string",
    valueName: "FILE",
    description: 'columns to fields, e.g. {"columns": {"E-mail": "emailId"}}; else the auto suggestions',
  },
  "mapping-out": { type: "string", valueName: "FILE", description: "write the mapping used, to edit" },
  sheet: {
    type: "string",
    valueName: "NAME",
    description: "an Excel workbook's sheet (default: the first with data)",
  },
  encoding: {
    type: "string",
    valueName: "E",
    description: "utf-8, utf-16le, utf-16be or windows-1252 (default: UTF-8, or by BOM)",
  },
  delimiter: {
    type: "string",
    valueName: "D",
    description: "the CSV delimiter (default: sniffed: , ; tab |)",
  },
};

const ENCODINGS: readonly SourceEncoding[] = ["utf-8", "utf-16le", "utf-16be", "windows-1252"];

/** The context named by --context, which the core must know (a built-in, or one registered). */
export function contextOf(parsed: Parsed): string {
  const context = text(parsed, "context");
  if (!context) throw new UsageError("--context is required (e.g. --context saas_users)");
  if (!resolveSchema(context))
    throw new UsageError(`Unknown context "${context}"; built-in contexts: ${CONTEXT_NAMES.join(", ")}`);
  return context;
}

/** An existing file named on the command line, as an absolute path. */
export function filePath(name: string, io: CliIo, what = "file"): string {
  const path = resolve(io.cwd, name);
  if (!existsSync(path)) throw new UsageError(`No such ${what}: ${name}`);
  if (!statSync(path).isFile()) throw new UsageError(`Not a file: ${name}`);
  return path;
}

/** What checkFile needs from the command line (the file is positional 0; --context checked by the caller). */
export function checkRequestOf(parsed: Parsed, io: CliIo, context: string): CheckRequest {
  const path = filePath(parsed.positionals[0] as string, io);
  const request: CheckRequest = { path, context };
  const mapping = text(parsed, "mapping");
  if (mapping) {
    const mappingPath = filePath(mapping, io, "mapping file");
    request.mappingFile = parseMappingFile(readFileSync(mappingPath, "utf8"), mapping);
    if (request.mappingFile.context && request.mappingFile.context !== context)
      throw new UsageError(
        `The mapping file is for ${request.mappingFile.context}, not ${context}; pass --context ${request.mappingFile.context} or another file`,
      );
  }
  const encoding = text(parsed, "encoding")?.toLowerCase();
  if (encoding) {
    if (!ENCODINGS.includes(encoding as SourceEncoding))
      throw new UsageError(`--encoding must be one of ${ENCODINGS.join(", ")}`);
    request.encoding = encoding as SourceEncoding;
  }
  const delimiter = text(parsed, "delimiter");
  if (delimiter) request.delimiter = delimiter === "tab" || delimiter === "\\t" ? "\t" : delimiter;
  const sheet = text(parsed, "sheet");
  if (sheet) request.sheet = sheet;
  return request;
}
