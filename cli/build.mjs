// Bundles the CLI with the parts of the repository it uses (extension pipeline and client,
// schemas/ core, papaparse…) into dist/intake.mjs, so the package runs on any Node >= 20 without
// TypeScript or the repository (`npm pack` runs this first). In the repository, bin.mjs runs the
// sources directly.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("./entry.ts", import.meta.url).pathname],
  outfile: new URL("./dist/intake.mjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: {
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    js: "#!/usr/bin/env node\nimport { createRequire as __intakeRequire } from 'node:module';\nconst require = __intakeRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
