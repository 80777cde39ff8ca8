// Runs the CLI in-process (cli/main.ts `run`) with captured streams, a temp folder and an injected
// network, so its commands are tested without spawning a process or waiting for retries.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../cli/io.ts";
import { run } from "../../cli/main.ts";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "intake-cli-test-"));
}

export function put(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function runCli(argv: string[], io: Partial<CliIo> & { cwd: string }): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    env: {},
    sleep: async () => {},
    ...io,
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        return true;
      },
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        return true;
      },
    },
  });
  return { code, stdout, stderr };
}

/** `n` list_employees rows as CSV (ids E001…, one email each). */
export function employeesCsv(n: number, extra: (i: number) => string = () => ""): string {
  const rows = Array.from(
    { length: n },
    (_, k) =>
      `E${String(k + 1).padStart(3, "0")},Name ${k + 1},e${k + 1}@example.com,Dept ${k % 3}${extra(k + 1)}`,
  );
  return `id,employee_name,email,department\n${rows.join("\n")}\n`;
}
