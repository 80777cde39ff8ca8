// `npm start` on a busy port: one clear line and a non-zero exit, before anything is built,
// instead of wrangler's "Address already in use" buried in its log and a wait that never ends.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "../../scripts/local-worker.ts";

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function start(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(join(ROOT, "node_modules", ".bin", "node"), [join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

it("exits 1 at once with one line naming the port and what to do", async () => {
  const { code, stdout, stderr } = await start({ PORT: String(port) });
  expect(code).toBe(1);
  expect(stderr.trim()).toBe(
    `Intake did not start: Port ${port} is in use — stop what uses it or run PORT=${port + 1} npm start`,
  );
  // Nothing was built or started first.
  expect(stdout).not.toContain("Building the extension");
});

it("refuses a PORT that is not a port number", async () => {
  const { code, stderr } = await start({ PORT: "80x" });
  expect(code).toBe(1);
  expect(stderr.trim()).toBe('Intake did not start: PORT must be a port number from 1 to 65535; got "80x"');
});
