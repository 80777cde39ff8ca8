// Benchmark: a generated ~50 MB saas_users CSV uploaded as a sync (text/csv batches of 5,000
// rows) through `wrangler dev` with a local D1, beside a bare SQLite bulk insert of the same rows
// (node:sqlite, one transaction, one prepared statement) in the same run.
import { mkdtempSync, rmSync } from "node:fs";
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
  workerSeconds: number;
  workerRowsPerSecond: number;
  sqliteSeconds: number;
  sqliteRowsPerSecond: number;
  ratio: number;
}

const HEADER = SAAS_USERS_CSV_HEADER;

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

export async function benchUpload(targetMB = 50, port = 8799): Promise<UploadRow> {
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
    const created = await fetch(`${base}/syncs`, { method: "POST", headers });
    const { syncId } = (await created.json()) as { syncId: string };
    const batchRows = 5000;
    let seq = 0;
    for (let i = 0; i < lines.length; i += batchRows) {
      seq++;
      const body = `${HEADER}\n${lines.slice(i, i + batchRows).join("\n")}\n`;
      const response = await fetch(`${base}/syncs/${syncId}/batches/${seq}`, {
        method: "PUT",
        headers: { ...headers, "content-type": "text/csv" },
        body,
      });
      if (!response.ok)
        throw new Error(`batch ${seq}: ${response.status} ${(await response.text()).slice(0, 500)}`);
    }
    const commit = await fetch(`${base}/syncs/${syncId}/commit`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ expectedRecords: lines.length }),
    });
    if (!commit.ok) throw new Error(`commit: ${commit.status} ${await commit.text()}`);
    const workerSeconds = (performance.now() - start) / 1000;
    const sqliteSeconds = sqliteBulkInsert(lines);
    return {
      fileMB: Number((fileBytes / 1024 / 1024).toFixed(1)),
      rows: lines.length,
      batches: seq,
      workerSeconds: Number(workerSeconds.toFixed(2)),
      workerRowsPerSecond: Math.round(lines.length / workerSeconds),
      sqliteSeconds: Number(sqliteSeconds.toFixed(2)),
      sqliteRowsPerSecond: Math.round(lines.length / sqliteSeconds),
      ratio: Number((workerSeconds / sqliteSeconds).toFixed(2)),
    };
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
