// What a command touches outside itself — streams, environment, working folder, network, clock —
// passed in, so tests run commands in-process against fakes (STYLE.md 9).

export interface OutStream {
  write(chunk: string): boolean | undefined;
  isTTY?: boolean;
  columns?: number;
  /** Node streams: waited on when `write` says the buffer is full. */
  once?(event: "drain", listener: () => void): unknown;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The network (globalThis.fetch when absent). */
  fetch?: typeof fetch;
  /** Waits between retries (the client's own abortable sleep when absent). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted on Ctrl+C: a push stops and keeps its sync to resume. */
  signal?: AbortSignal;
  /** Called once the Worker acknowledged the n-th batch of this run (a test hook; see main.ts). */
  afterBatch?: (n: number) => void;
}

/** Writes to `out`, waiting for it to drain when its buffer is full (a pull piped into a slow reader). */
export async function writeOut(out: OutStream, chunk: string): Promise<void> {
  if (out.write(chunk) === false && out.once)
    await new Promise<void>((resolve) => out.once?.("drain", resolve));
}

export const line = (out: OutStream, text = "") => out.write(`${text}\n`);

export { count, plural } from "../extension/ui/format.ts";
