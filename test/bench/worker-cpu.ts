// Benchmark: Worker CPU for one 1,000-record batch — parse the body, normalize, validate and
// build the D1 statements — with the Worker's own code. D1 itself is not called: statements are
// built against a recorder, as the Worker builds them before handing them to `batch()`.
// The budget is CPU time (what the platform bills), so each run is timed by the process's CPU
// time (user + system, all its threads: an upper bound on the isolate's own), which a busy
// shared machine does not inflate as it does wall time; wall time is reported beside it.
import { getSchema } from "../../schemas/index.ts";
import { fieldList } from "../../worker/db/bodies.ts";
import { insertRecordsStatements } from "../../worker/db/datasets.ts";
import { validateBatch } from "../../worker/domain/validate-batch.ts";
import { parseJsonSafely } from "../../worker/http/body.ts";
import { type Limits, limitsOf } from "../../worker/http/limits.ts";
import { saasUsers } from "./generate.ts";

/** The Worker's defaults (no vars set). */
const LIMITS: Limits = limitsOf({} as Env);

/** Just enough of D1Database to build statements. */
function recorder(): D1Database {
  const statement = { bind: () => statement } as unknown as D1PreparedStatement;
  return { prepare: () => statement } as unknown as D1Database;
}

export interface WorkerCpuRow {
  records: number;
  bodyBytes: number;
  /** CPU time per batch (process user + system). */
  medianMs: number;
  p95Ms: number;
  /** Wall time per batch, beside it. */
  medianWallMs: number;
  statements: number;
  budgetMs: number;
}

export function benchWorkerCpu(iterations = 200): WorkerCpuRow {
  const body = JSON.stringify({ data: saasUsers(1000, 0, 7) });
  const db = recorder();
  const fields = fieldList(Object.keys(getSchema("saas_users")?.properties ?? {}));
  const times: number[] = [];
  const walls: number[] = [];
  let statements = 0;
  for (let i = 0; i < iterations + 20; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const parsed = parseJsonSafely(body) as { data: unknown[] };
    const { report, rows } = validateBatch("saas_users", { records: parsed.data, issues: [] }, LIMITS, {
      datasetWarnings: false,
      fields,
    });
    if (!report.valid) throw new Error("benchmark batch should be valid");
    statements = insertRecordsStatements(db, "set_bench", 1, rows).length;
    const cpu = process.cpuUsage(cpuStart);
    const wall = performance.now() - start;
    // The first runs warm the JIT, as a busy isolate is.
    if (i >= 20) {
      times.push((cpu.user + cpu.system) / 1000);
      walls.push(wall);
    }
  }
  times.sort((a, b) => a - b);
  walls.sort((a, b) => a - b);
  const at = (q: number, list = times) =>
    Number((list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0).toFixed(2));
  return {
    records: 1000,
    bodyBytes: body.length,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    medianWallMs: at(0.5, walls),
    statements,
    budgetMs: 5,
  };
}
