// `npm run bench [-- core worker upload]`: runs the performance suite (all parts by default),
// prints tables and writes JSON to bench-results/ (git-ignored).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchCore } from "./core.ts";
import { benchUpload } from "./upload.ts";
import { benchWorkerCpu } from "./worker-cpu.ts";

const parts = new Set(
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["core", "worker", "upload"],
);
const results: Record<string, unknown> = { when: new Date().toISOString(), node: process.version };
const fmt = (n: number) => n.toLocaleString("en");
const verdict = (ok: boolean) => (ok ? "meets" : "misses");

if (parts.has("core")) {
  const count = Number(process.env.BENCH_RECORDS ?? 200_000);
  console.log(`\nCore validation throughput: ${fmt(count)} generated records per context, best of 3`);
  const core = benchCore(count);
  results.core = core;
  console.table(
    core.map((r) => ({
      context: r.context,
      "intake pipeline rec/s": fmt(r.intakeDataset),
      "intake validateRecord rec/s": fmt(r.intakeValidateOnly),
      "ajv rec/s": fmt(r.ajv),
      "pipeline / ajv": r.ratio,
      "validateRecord / ajv": r.ratioValidateOnly,
      "errors intake / ajv": `${r.errorsIntake} / ${r.errorsAjv}`,
    })),
  );
  for (const r of core) {
    console.log(
      `${r.context}: validateRecord / Ajv ${r.ratioValidateOnly} ${verdict(r.ratioValidateOnly >= 0.5)} the SPEC §5 target of 0.5; full pipeline (normalize + validate + dataset checks) / Ajv ${r.ratio}`,
    );
  }
}

if (parts.has("worker")) {
  console.log(
    "\nWorker CPU for one 1,000-record saas_users batch (parse + normalize + validate + build statements)",
  );
  const cpu = benchWorkerCpu();
  results.workerCpu = cpu;
  console.table([cpu]);
  console.log(
    `median ${cpu.medianMs} ms, p95 ${cpu.p95Ms} ms: ${verdict(cpu.medianMs <= cpu.budgetMs)} the ${cpu.budgetMs} ms budget`,
  );
}

if (parts.has("upload")) {
  const mb = Number(process.env.BENCH_UPLOAD_MB ?? 50);
  console.log(
    `\n${mb} MB saas_users CSV as a sync through wrangler dev + local D1, beside a bare SQLite bulk insert`,
  );
  const upload = await benchUpload(mb);
  results.upload = upload;
  console.table([upload]);
}

const outDir = join(import.meta.dirname, "..", "..", "bench-results");
mkdirSync(outDir, { recursive: true });
const json = `${JSON.stringify(results, null, 2)}\n`;
const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, json);
writeFileSync(join(outDir, "latest.json"), json);
console.log(`\nWrote ${file}`);
