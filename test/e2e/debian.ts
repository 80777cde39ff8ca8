// A Debian package the end-to-end tests need: found at its path, or installed with apt when
// missing (as root, as on CI machines); otherwise a clear message with the command to run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export function ensureDebianPackage(path: string, pkg: string, name: string): string {
  if (existsSync(path)) return path;
  if (process.getuid?.() !== 0) {
    throw new Error(`${name} is missing at ${path}; install it with: sudo apt-get install -y ${pkg}`);
  }
  execFileSync("apt-get", ["update"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", pkg], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (!existsSync(path)) throw new Error(`apt-get installed ${pkg} but ${path} is still missing`);
  return path;
}
