#!/usr/bin/env node
// The `intake` executable: Node 22.18+ runs the TypeScript entry as it is (type stripping).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `intake needs Node.js 22.18 or newer (this is ${process.version}); in the repository, \`npx intake\` uses its own Node.\n`,
  );
  process.exit(2);
}
const { main } = await import("./main.ts");
await main();
