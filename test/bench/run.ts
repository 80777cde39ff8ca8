// `npm run bench`: runs the performance suite, prints a table and writes JSON to bench-results/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchCore } from "./core.ts";

const count = Number(process.env.BENCH_RECORDS ?? 200_000);
const outDir = join(import.meta.dirname, "..", "..", "bench-results");

console.log(
  `Core validation throughput: ${count.toLocaleString("en")} generated records per context, best of 3\n`,
);
const core = benchCore(count);
const fmt = (n: number) => n.toLocaleString("en");
console.table(
  core.map((r) => ({
    context: r.context,
    "intake records/s (normalize+validate+dataset checks)": fmt(r.intakeDataset),
    "intake records/s (validateRecord only)": fmt(r.intakeValidateOnly),
    "ajv records/s (compiled, formats)": fmt(r.ajv),
    "pipeline / ajv": r.ratio,
    "validateRecord / ajv": r.ratioValidateOnly,
    "errors intake / ajv": `${r.errorsIntake} / ${r.errorsAjv}`,
  })),
);
for (const r of core) {
  const verdict = (ratio: number) =>
    `${ratio} (${ratio >= 0.5 ? "meets" : "misses"} the SPEC §5 target of 0.5)`;
  console.log(
    `${r.context}: full pipeline / Ajv ${verdict(r.ratio)}; validateRecord alone / Ajv ${verdict(r.ratioValidateOnly)}`,
  );
}

mkdirSync(outDir, { recursive: true });
const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ when: new Date().toISOString(), node: process.version, core }, null, 2)}\n`,
);
writeFileSync(
  join(outDir, "latest.json"),
  `${JSON.stringify({ when: new Date().toISOString(), node: process.version, core }, null, 2)}\n`,
);
console.log(`\nWrote ${file}`);
