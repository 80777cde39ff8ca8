// An Excel workbook of about 20 MB (saas_users rows, an Excel date column) read by the pipeline as
// the pipeline worker reads it (pipeline.inspect: streamed parse -> column store -> header row ->
// profile), in a fresh Node process so its peak resident memory is its own: reported above the
// process's level with the pipeline and SheetJS loaded, and as a multiple of the file's size.
// `node test/bench/xlsx.ts` runs it alone (BENCH_XLSX_MB sets the size); run.ts calls benchXlsx.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import { saasUsers } from "./generate.ts";

export interface XlsxBench {
  fileMB: number;
  rows: number;
  columns: number;
  seconds: number;
  /** Peak resident memory above the loaded, idle process (MB), and that over the file's size. */
  peakMB: number;
  peakRatio: number;
  /** JS heap + ArrayBuffers once read (MB): what the pipeline keeps. */
  heldMB: number;
}

const SHEET_HEADER = [
  "Email",
  "First name",
  "Last name",
  "Role",
  "Created on",
  "Status",
  "Department",
  "MFA",
];

function rowsOf(count: number, seed: number): unknown[][] {
  return saasUsers(count, 0, seed).map((r, i) => [
    r.emailId,
    r.firstName,
    r.lastName,
    r.role ?? "USER",
    // An Excel date (serial number, date format), as HR exports carry them.
    { t: "n", v: 44_927 + (i % 700), z: "yyyy-mm-dd" },
    r.userStatus ?? "ACTIVE",
    r.department ?? "",
    r.mfaEnrolmentStatus === true,
  ]);
}

function workbookBytes(rows: number): Buffer {
  const ws = XLSX.utils.aoa_to_sheet([SHEET_HEADER, ...rowsOf(rows, 7)]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, ws, "Users");
  return XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true }) as Buffer;
}

/** A workbook of about `mb` MB, written once into the temp folder and reused. */
export function xlsxFixture(mb: number): string {
  const path = join(tmpdir(), `intake-bench-${mb}mb.xlsx`);
  if (existsSync(path)) return path;
  const sample = 20_000;
  const perRow = workbookBytes(sample).length / sample;
  const rows = Math.round((mb * 1024 * 1024) / perRow);
  writeFileSync(path, workbookBytes(rows));
  return path;
}

/** In the child process: read the workbook as the pipeline worker does, report the figures. */
async function child(path: string): Promise<void> {
  const { Pipeline } = await import("../../extension/pipeline/pipeline.ts");
  const { readWorkbook } = await import("../../extension/pipeline/parse/xlsx.ts");
  // Warm the reader on a tiny workbook, so the baseline holds the code.
  await readWorkbook(new Uint8Array(workbookBytes(3)));
  const bytes = readFileSync(path);
  const file = new File([bytes], "users.xlsx");
  const kb = () => process.resourceUsage().maxRSS;
  globalThis.gc?.();
  const base = Math.max(kb(), Math.round(process.memoryUsage().rss / 1024));
  const started = performance.now();
  const pipeline = new Pipeline();
  const read = await pipeline.inspect(file, { fileName: "users.xlsx" });
  const seconds = (performance.now() - started) / 1000;
  if (read.status !== "ready") throw new Error(`the workbook was not read: ${JSON.stringify(read)}`);
  globalThis.gc?.();
  const mem = process.memoryUsage();
  const peakMB = (kb() - base) / 1024;
  const fileMB = bytes.length / 1024 / 1024;
  const result: XlsxBench = {
    fileMB: Number(fileMB.toFixed(1)),
    rows: read.rowCount,
    columns: read.columns.length,
    seconds: Number(seconds.toFixed(1)),
    peakMB: Math.round(peakMB),
    peakRatio: Number((peakMB / fileMB).toFixed(1)),
    heldMB: Math.round((mem.heapUsed + mem.arrayBuffers) / 1024 / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function benchXlsx(mb = 20): XlsxBench {
  const path = xlsxFixture(mb);
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--max-old-space-size=8192", import.meta.filename, "--child", path],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  const result = JSON.parse(out.trim().split("\n").at(-1) as string) as XlsxBench;
  if (Math.abs(result.fileMB - statSync(path).size / 1024 / 1024) > 0.1) throw new Error("size mismatch");
  return result;
}

if (process.argv[2] === "--child") {
  await child(process.argv[3] as string);
} else if (import.meta.filename === process.argv[1]) {
  const r = benchXlsx(Number(process.env.BENCH_XLSX_MB ?? 20));
  console.table([r]);
  console.log(
    `XLSX ${r.fileMB} MB, ${r.rows.toLocaleString("en")} rows: read in ${r.seconds} s, peak memory ${r.peakMB} MB above idle (${r.peakRatio}× the file; the SPEC §5 target for CSV is 3×), ${r.heldMB} MB held once read`,
  );
}
