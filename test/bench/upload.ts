// Benchmark: a generated ~50 MB saas_users CSV uploaded as a sync (text/csv batches of 5,000
// rows, BENCH_UPLOAD_IN_FLIGHT of them on their way at once, 3 by default, as the extension sends
// them) through `wrangler dev` with a local D1, beside a bare SQLite bulk insert of the same rows
// (node:sqlite, one transaction, one prepared statement) in the same run.
// It then times the difference of a new 5,000-record sync against the committed dataset (what the
// extension asks before a commit).
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { getSchema, normalizeRecord, readCsv, recordKey } from "../../schemas/index.ts";
import {
  ensureDevTenant,
  ensureOperatorToken,
  migrateLocal,
  startWorker,
} from "../../scripts/local-worker.ts";
import { SAAS_USERS_CSV_HEADER, saasUsersCsvLines } from "./generate.ts";

export interface UploadRow {
  fileMB: number;
  rows: number;
  batches: number;
  /** Batches on their way at once. */
  inFlight: number;
  workerSeconds: number;
  workerRowsPerSecond: number;
  /** Median time of one batch request (sent to answered). */
  batchMsMedian: number;
  /** Time of the commit request. */
  commitSeconds: number;
  /** Time of GET …/syncs/{id}/diff for a 5,000-record sync against the committed dataset. */
  diffSeconds: number;
  sqliteSeconds: number;
  sqliteRowsPerSecond: number;
  ratio: number;
  /** The local D1's files (database, WAL) after the commit, in MB, per record and over the CSV's bytes. */
  d1MB: number;
  d1BytesPerRecord: number;
  d1PerCsv: number;
}

/** Bytes of every file under `dir` (the local D1's SQLite files with their WAL and SHM). */
function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const HEADER = SAAS_USERS_CSV_HEADER;
const BATCH_ROWS = 5000;

function sqliteBulkInsert(lines: string[]): number {
  const schema = getSchema("saas_users");
  if (!schema) throw new Error("no saas_users schema");
  const start = performance.now();
  const { rows } = readCsv(`${HEADER}\n${lines.join("\n")}\n`, schema, "saas_users");
  const db = new DatabaseSync(":memory:");
  db.exec(
    "CREATE TABLE records (set_id TEXT, seq INTEGER, idx INTEGER, record_key TEXT, data TEXT, PRIMARY KEY (set_id, seq, idx))",
  );
  const insert = db.prepare("INSERT INTO records VALUES ('set', 0, ?, ?, ?)");
  db.exec("BEGIN");
  rows.forEach((row, idx) => {
    const record = normalizeRecord(row.record, schema);
    insert.run(idx, recordKey(record, schema) ?? "", JSON.stringify(record));
  });
  db.exec("COMMIT");
  db.close();
  return (performance.now() - start) / 1000;
}

/**
 * Sends `lines` as one sync (text/csv batches of 5,000 rows, `inFlight` at once, in seq order)
 * and commits it with `commitBody`; `send` sends one more batch of the same lines to any sync.
 */
export async function uploadSync(
  base: string,
  headers: Record<string, string>,
  lines: string[],
  inFlight: number,
  commitBody: Record<string, unknown>,
) {
  const created = await fetch(`${base}/syncs`, { method: "POST", headers });
  const { syncId } = (await created.json()) as { syncId: string };
  const batches = Math.ceil(lines.length / BATCH_ROWS);
  const batchMs: number[] = [];
  const send = async (seq: number, into = syncId) => {
    const first = (seq - 1) * BATCH_ROWS;
    const body = `${HEADER}\n${lines.slice(first, first + BATCH_ROWS).join("\n")}\n`;
    const sent = performance.now();
    // A 503 (wrangler dev restarting its worker when a source file changes) and a 429 are
    // retried, as the extension's client does: the seq makes the retry safe.
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${base}/syncs/${into}/batches/${seq}`, {
        method: "PUT",
        headers: { ...headers, "content-type": "text/csv", "intake-first-row": String(first + 1) },
        body,
      });
      const text = await response.text();
      if (response.ok) break;
      // The key's request budget spent (a long upload): wait as the clients do, then send again.
      if (response.status === 429 && attempt < 50) {
        await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get("retry-after") ?? 5)));
        continue;
      }
      if (response.status !== 503 || attempt >= 5)
        throw new Error(`batch ${seq}: ${response.status} ${text.slice(0, 500)}`);
    }
    batchMs.push(performance.now() - sent);
  };
  // Seqs 1..n in file order, at most `inFlight` on their way; the commit waits for all.
  let next = 0;
  const lane = async () => {
    while (next < batches) await send(++next);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, batches) }, lane));
  const commitStart = performance.now();
  // A commit written in steps answers 202 until it is done: asked again, as the clients do.
  let commit: Response;
  for (;;) {
    commit = await fetch(`${base}/syncs/${syncId}/commit`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(commitBody),
    });
    if (commit.status !== 202) break;
    await commit.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!commit.ok) throw new Error(`commit: ${commit.status} ${await commit.text()}`);
  const committed = (await commit.json()) as { version: number };
  return { syncId, batches, batchMs, commitStart, send, version: committed.version };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

export async function benchUpload(targetMB = 50, port = 8799): Promise<UploadRow> {
  const inFlight = Math.max(1, Number(process.env.BENCH_UPLOAD_IN_FLIGHT ?? 3));
  const { lines } = saasUsersCsvLines(targetMB * 1024 * 1024);
  const fileBytes = HEADER.length + lines.reduce((n, l) => n + l.length + 1, 0);
  const persistTo = mkdtempSync(join(tmpdir(), "intake-bench-d1-"));
  const operatorToken = ensureOperatorToken();
  migrateLocal(persistTo);
  const worker = await startWorker({ port, persistTo });
  try {
    const { state } = await ensureDevTenant(worker.url, operatorToken, join(persistTo, "dev.json"));
    const base = `${worker.url}/v1/integrations/${state.integrationId}/contexts/saas_users`;
    const headers = { "x-api-key": state.adminKey };
    const start = performance.now();
    const { batches, batchMs, commitStart, send } = await uploadSync(base, headers, lines, inFlight, {
      expectedRecords: lines.length,
    });
    const end = performance.now();
    const workerSeconds = (end - start) / 1000;
    // What the committed dataset takes on disk (before anything else is staged).
    const d1Bytes = dirBytes(join(persistTo, "v3", "d1"));
    // What the extension asks before a commit: the difference of a new upload (here its first
    // batch) against the dataset just committed.
    const again = (await (await fetch(`${base}/syncs`, { method: "POST", headers })).json()) as {
      syncId: string;
    };
    await send(1, again.syncId);
    const diffStart = performance.now();
    const diff = await fetch(`${base}/syncs/${again.syncId}/diff`, { headers });
    if (!diff.ok) throw new Error(`diff: ${diff.status} ${await diff.text()}`);
    await diff.json();
    const diffSeconds = (performance.now() - diffStart) / 1000;
    await fetch(`${base}/syncs/${again.syncId}`, { method: "DELETE", headers });
    const sqliteSeconds = sqliteBulkInsert(lines);
    return {
      fileMB: Number((fileBytes / 1024 / 1024).toFixed(1)),
      rows: lines.length,
      batches,
      inFlight,
      workerSeconds: Number(workerSeconds.toFixed(2)),
      workerRowsPerSecond: Math.round(lines.length / workerSeconds),
      batchMsMedian: Math.round(median(batchMs)),
      commitSeconds: Number(((end - commitStart) / 1000).toFixed(2)),
      diffSeconds: Number(diffSeconds.toFixed(2)),
      sqliteSeconds: Number(sqliteSeconds.toFixed(2)),
      sqliteRowsPerSecond: Math.round(lines.length / sqliteSeconds),
      ratio: Number((workerSeconds / sqliteSeconds).toFixed(2)),
      d1MB: Number((d1Bytes / 1024 / 1024).toFixed(1)),
      d1BytesPerRecord: Math.round(d1Bytes / lines.length),
      d1PerCsv: Number((d1Bytes / fileBytes).toFixed(2)),
    };
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
