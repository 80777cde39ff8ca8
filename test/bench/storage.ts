// Benchmark: what a dataset's versions take in D1 (issue 20). A ~50 MB saas_users CSV (or
// BENCH_STORAGE_ROWS rows) is uploaded as a sync through `wrangler dev` with a local D1, then the
// same file again with 1 % of its rows changed, 0.5 % removed and 0.5 % added; then version 1 is
// restored and the whole dataset is read in pages of 1,000. D1's bytes are the database's pages in
// use ((page_count - freelist_count) x page_size, read with node:sqlite), and its file's size.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  ensureDevTenant,
  ensureOperatorToken,
  migrateLocal,
  startWorker,
} from "../../scripts/local-worker.ts";
import { SAAS_USERS_CSV_HEADER, saasUsersCsvLines } from "./generate.ts";
import { uploadSync } from "./upload.ts";

export interface StorageRow {
  rows: number;
  csvMB: number;
  /** D1 bytes in use added by the first upload ÷ the CSV's bytes (target ≤ 2). */
  firstVersionBytesPerCsvByte: number;
  /** The same for the D1 file's size (free pages included). */
  firstVersionFileBytesPerCsvByte: number;
  firstVersionBytesPerRecord: number;
  /** Bytes in use added by the 1 %-changed upload ÷ the first version's (target ≤ 0.05). */
  onePercentChangeAddedShare: number;
  onePercentChangeAddedFileShare: number;
  commitSeconds: { first: number; second: number };
  /** Restoring version 1 after the second upload (target ≤ 2 s). */
  restoreSeconds: number;
  /** p95 and median of GET …/records?limit=1000 over the whole current dataset. */
  readPageMs: number;
  readPageMsMedian: number;
  pages: number;
  d1FileMB: number;
}

/** The local D1's SQLite file of the Worker's database (the largest .sqlite under the dir). */
function sqliteFile(dir: string): string {
  let best = "";
  let size = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".sqlite")) continue;
    const path = join(entry.parentPath, entry.name);
    const s = statSync(path).size;
    if (s > size) [best, size] = [path, s];
  }
  if (!best) throw new Error(`no .sqlite file under ${dir}`);
  return best;
}

/** Bytes of pages in use, and the file's bytes (the database with its WAL). */
function d1Bytes(dir: string): { used: number; file: number } {
  const path = sqliteFile(dir);
  const db = new DatabaseSync(path, { readOnly: true });
  const one = (pragma: string) => Number(Object.values(db.prepare(`PRAGMA ${pragma}`).get() ?? {})[0]);
  const used = (one("page_count") - one("freelist_count")) * one("page_size");
  db.close();
  let file = statSync(path).size;
  try {
    file += statSync(`${path}-wal`).size;
  } catch {}
  return { used, file };
}

/** The file again: 1 % of the rows changed, 0.5 % removed, 0.5 % added (new emails). */
function changed(lines: string[]): string[] {
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i % 200 === 7) return; // removed
    if (i % 100 === 3) {
      const cells = line.split(",");
      cells[7] = `${cells[7]} (moved)`; // department
      out.push(cells.join(","));
    } else out.push(line);
  });
  for (let i = 0; i < lines.length / 200; i++) {
    const cells = (lines[i] as string).split(",");
    cells[0] = `new.${i}.${cells[0]}`;
    out.push(cells.join(","));
  }
  return out;
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

export async function benchStorage(port = 8798): Promise<StorageRow> {
  const rowsWanted = Number(process.env.BENCH_STORAGE_ROWS ?? 0);
  // A generated line is 80-95 bytes: a row count becomes a size, then the rows are cut to it.
  const target = rowsWanted > 0 ? rowsWanted * 95 : 50 * 1024 * 1024;
  const { lines: all } = saasUsersCsvLines(target);
  const lines = rowsWanted > 0 ? all.slice(0, rowsWanted) : all;
  const csvBytes = SAAS_USERS_CSV_HEADER.length + 1 + lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const persistTo = mkdtempSync(join(tmpdir(), "intake-bench-storage-"));
  const operatorToken = ensureOperatorToken();
  migrateLocal(persistTo);
  const worker = await startWorker({ port, persistTo });
  const dir = join(persistTo, "v3", "d1");
  try {
    const { state } = await ensureDevTenant(worker.url, operatorToken, join(persistTo, "dev.json"));
    const base = `${worker.url}/v1/integrations/${state.integrationId}/contexts/saas_users`;
    const headers = { "x-api-key": state.adminKey };
    const before = d1Bytes(dir);
    const first = await uploadSync(base, headers, lines, 3, { expectedRecords: lines.length });
    const firstCommit = performance.now() - first.commitStart;
    const afterFirst = d1Bytes(dir);
    const next = changed(lines);
    const second = await uploadSync(base, headers, next, 3, {
      expectedRecords: next.length,
      confirmReplacement: true,
    });
    const secondCommit = performance.now() - second.commitStart;
    if (second.version !== first.version + 1) throw new Error(`second upload made version ${second.version}`);
    const afterSecond = d1Bytes(dir);
    const restoreStart = performance.now();
    const restore = await fetch(`${base}/versions/${first.version}/restore`, { method: "POST", headers });
    if (!restore.ok) throw new Error(`restore: ${restore.status} ${await restore.text()}`);
    const restoreMs = performance.now() - restoreStart;
    // Every page of the current dataset (version 1's records again).
    const pageMs: number[] = [];
    let cursor: string | null = null;
    let records = 0;
    do {
      const url = `${base}/records?limit=1000${cursor ? `&cursor=${cursor}` : ""}`;
      let start = performance.now();
      let response = await fetch(url, { headers });
      // The key's request budget (the rate limiter) spent by the uploads: wait as a client would;
      // the wait is not part of the page's time.
      while (response.status === 429) {
        await response.text();
        await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get("retry-after") ?? 5)));
        start = performance.now();
        response = await fetch(url, { headers });
      }
      if (!response.ok) throw new Error(`read: ${response.status} ${await response.text()}`);
      const page = (await response.json()) as { data: unknown[]; nextCursor: string | null };
      pageMs.push(performance.now() - start);
      records += page.data.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (records !== lines.length) throw new Error(`read ${records} records of version 1's ${lines.length}`);
    const firstBytes = afterFirst.used - before.used;
    return {
      rows: lines.length,
      csvMB: Number((csvBytes / 1024 / 1024).toFixed(1)),
      firstVersionBytesPerCsvByte: Number((firstBytes / csvBytes).toFixed(2)),
      firstVersionFileBytesPerCsvByte: Number(((afterFirst.file - before.file) / csvBytes).toFixed(2)),
      firstVersionBytesPerRecord: Math.round(firstBytes / lines.length),
      onePercentChangeAddedShare: Number(((afterSecond.used - afterFirst.used) / firstBytes).toFixed(3)),
      onePercentChangeAddedFileShare: Number(
        ((afterSecond.file - afterFirst.file) / (afterFirst.file - before.file)).toFixed(3),
      ),
      commitSeconds: { first: seconds(firstCommit), second: seconds(secondCommit) },
      restoreSeconds: seconds(restoreMs),
      readPageMs: Math.round(pct(pageMs, 0.95)),
      readPageMsMedian: Math.round(pct(pageMs, 0.5)),
      pages: pageMs.length,
      d1FileMB: Number((d1Bytes(dir).file / 1024 / 1024).toFixed(1)),
    };
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
