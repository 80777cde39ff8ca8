// The exit codes a scheduler acts on, and which one an error means.
import { ApiError, NetworkError } from "../extension/api-client.ts";
import { UploadError } from "../extension/pipeline/upload.ts";

export const EXIT = {
  /** Done. */
  OK: 0,
  /** The data is invalid (nothing was committed). */
  INVALID: 1,
  /** The command line is wrong (unknown option, missing file, unknown context…). */
  USAGE: 2,
  /** The key was refused, or it may not do this. */
  REFUSED: 3,
  /** The server failed, or could not be reached, after retries. */
  FAILURE: 4,
  /** The upload would replace the dataset in a way that needs --yes. */
  NEEDS_YES: 5,
  /** Interrupted (Ctrl+C); a push can be resumed. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A wrong command line: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An outcome that ends the command with `code` after `message` is printed (no stack). */
export class CliExit extends Error {
  readonly code: ExitCode;
  constructor(code: ExitCode, message: string) {
    super(message);
    this.name = "CliExit";
    this.code = code;
  }
}

const problemType = (error: ApiError) => String(error.problem.type).split("/").at(-1);

/** The exit code an error of the client, the upload or the command line stands for. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliExit) return error.code;
  if (error instanceof UsageError) return EXIT.USAGE;
  const cause = error instanceof UploadError ? error.cause : error;
  if (cause instanceof NetworkError) return EXIT.FAILURE;
  if (cause instanceof ApiError) {
    // Another tenant's integration answers as a missing one: for a key, both are "may not".
    if (cause.status === 401 || cause.status === 403 || cause.status === 404) return EXIT.REFUSED;
    if (cause.status === 422) return EXIT.INVALID;
    if (cause.status === 409 && problemType(cause) === "replacement-unconfirmed") return EXIT.NEEDS_YES;
    return EXIT.FAILURE;
  }
  return EXIT.FAILURE;
}
