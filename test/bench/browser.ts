// Benchmark: the extension's browser pipeline on a generated ~50 MB saas_users CSV, in one
// Chromium run (SPEC §5): PapaParse alone on the same file in a Web Worker (read + decode +
// Papa.parse, median of 3) beside the popup's real flow (pick the file → "Continue to mapping" →
// "Validate" → the "N rows · M errors" status), with the longest main-thread task of the popup
// (PerformanceObserver 'longtask'; each one printed with when it ran, the long animation frames
// with their scripts, and BENCH_BROWSER_PROFILE=<file> for a CPU profile) and the peak memory while it runs (JS heaps of the popup page
// and of the pipeline worker over CDP, and the private memory of the extension's renderer process).
// Then the admin's fix (find/replace of the one bad value in every invalid row), the submit
// through the real local Worker (long tasks and frame gaps of the popup while it uploads), and
// "Upload another file": the heap after that reset, beside the idle heap before the file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  ensureDevTenant,
  ensureOperatorToken,
  migrateLocal,
  ROOT,
  run,
  startWorker,
} from "../../scripts/local-worker.ts";
import { type ExtensionBrowser, ensureChromium, launchWithExtension } from "../e2e/chromium.ts";
import { SAAS_USERS_CSV_HEADER, saasUsersCsvLines } from "./generate.ts";

export interface BrowserRow {
  fileMB: number;
  rows: number;
  /** Rows generated with one error (an impossible date). */
  invalidRows: number;
  /** The status the popup shows at the end. */
  shown: string;
  papaSeconds: number;
  pipelineSeconds: number;
  /** Pick → "Continue to mapping" (read + decode + parse + profile in the worker). */
  readSeconds: number;
  /** "Continue to mapping" → the mapping step. */
  mapSeconds: number;
  /** "Validate" → the status (map + normalize + validate, rows streamed to the popup). */
  validateSeconds: number;
  /** The pipeline worker's own time (User Timing): reading + parsing, profiling, validating. */
  workerReadSeconds: number;
  workerProfileSeconds: number;
  workerValidateSeconds: number;
  ratio: number;
  longestTaskMs: number;
  longTasks: number;
  /** The ten longest main-thread tasks over 50 ms, longest first. */
  longTaskDurationsMs: number[];
  /** Peak of (popup JS heap used + pipeline worker JS heap used), sampled together. */
  peakHeapMB: number;
  peakHeapRatio: number;
  /** As peakHeapMB, plus the ArrayBuffer backing stores of both (memory outside the JS heaps). */
  peakHeapWithBuffersMB: number;
  peakHeapWithBuffersRatio: number;
  /** Peak private (anonymous) resident memory of the extension renderer above its idle level. */
  peakPrivateMB: number;
  peakPrivateRatio: number;
  idlePrivateMB: number;
  samples: number;
  /** Find/replace of the invalid value over the whole file, to the new status. */
  fixSeconds: number;
  /** "Submit" -> "Dataset version … is live". */
  submitSeconds: number;
  submitRecords: number;
  /** Main-thread tasks over 50 ms and frame gaps (requestAnimationFrame) while submitting. */
  submitLongestTaskMs: number;
  submitLongTasks: number;
  submitLongestFrameGapMs: number;
  submitFrameGapsOver50Ms: number;
  /** Peak of popup + worker JS heap while submitting. */
  submitPeakHeapMB: number;
  submitPeakHeapRatio: number;
  submitPeakHeapWithBuffersMB: number;
  submitPeakHeapWithBuffersRatio: number;
  /** Popup + pipeline worker JS heap after GC: at the file step before the file, and after "Upload another file". */
  idleHeapMB: number;
  heapAfterResetMB: number;
  /** (heap after reset - idle heap) / file size. */
  heapAfterResetRatio: number;
}

const INVALID_EVERY = 200;

/** A long animation frame as the page's observer keeps it. */
interface LongFrame {
  at: number;
  ms: number;
  blockingMs: number;
  renderMs: number;
  scripts: string[];
}

/** The longest five frames with a long task of a phase, with their scripts, times from `from`. */
function printLongFrames(phase: string, frames: LongFrame[], from: number): void {
  if (frames.length === 0) return;
  console.log(`animation frames with a long task, ${phase} (longest 5, with their scripts):`);
  for (const f of [...frames].sort((a, b) => b.ms - a.ms).slice(0, 5))
    console.log(
      `  +${Math.round(f.at - from)} ${f.ms} ms (blocking ${f.blockingMs} ms, style/layout/paint ${f.renderMs} ms)`,
      f.scripts,
    );
}

/** A saas_users CSV of about `targetBytes`; headers auto-map, one row in INVALID_EVERY has an error. */
function writeCsv(file: string, targetBytes: number): { bytes: number; rows: number; invalid: number } {
  const { lines, bytes, invalid } = saasUsersCsvLines(targetBytes, INVALID_EVERY);
  writeFileSync(file, `${SAAS_USERS_CSV_HEADER}\n${lines.join("\n")}\n`);
  return { bytes, rows: lines.length, invalid };
}

/** A tiny CDP client over the browser's DevTools WebSocket (flattened sessions). */
async function cdpConnect(url: string) {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String((event as unknown as { data: unknown }).data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    const p = message.id === undefined ? undefined : pending.get(message.id);
    if (!p || message.id === undefined) return;
    pending.delete(message.id);
    if (message.error) p.reject(new Error(message.error.message));
    else p.resolve(message.result);
  });
  return {
    send<T>(method: string, params: object = {}, sessionId?: string): Promise<T> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as never, reject }));
    },
    close: () => ws.close(),
  };
}

function processes(): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push({
        pid: Number(name),
        cmdline: readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " "),
      });
    } catch {
      // gone
    }
  }
  return out;
}

/** Processes descended from `root` (Chromium's renderers hang under its zygote). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(name), ppid);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/** RssAnon (private anonymous resident memory) of the extension renderer processes, in bytes. */
function extensionPrivateBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

const PAPA_WORKER = `
self.onmessage = async (event) => {
  const start = performance.now();
  const text = new TextDecoder("utf-8", { fatal: true }).decode(await event.data.arrayBuffer());
  const parsed = Papa.parse(text);
  self.postMessage({ ms: performance.now() - start, rows: parsed.data.length, errors: parsed.errors.length });
};`;

/** PapaParse alone in a Web Worker of a blank page: read the File, decode it, parse it. */
async function papaAlone(page: Page, file: string, runs = 3): Promise<{ seconds: number; rows: number }> {
  await page.goto("about:blank");
  await page.setContent('<input type="file" id="f">');
  await page.locator("#f").setInputFiles(file);
  const papa = readFileSync(join(ROOT, "node_modules", "papaparse", "papaparse.min.js"), "utf8");
  // In-page code as text: the test tsconfig has no DOM types.
  const result = (await page.evaluate(`(async ({ source, runs }) => {
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    const picked = document.getElementById("f").files[0];
    const times = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const reply = await new Promise((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.postMessage(picked);
      });
      times.push(reply.ms);
      rows = reply.rows;
    }
    worker.terminate();
    return { times, rows };
  })(${JSON.stringify({ source: `${papa}\n${PAPA_WORKER}`, runs })})`)) as { times: number[]; rows: number };
  const sorted = [...result.times].sort((a, b) => a - b);
  return { seconds: (sorted[Math.floor(sorted.length / 2)] ?? 0) / 1000, rows: result.rows };
}

const LONGTASKS = `
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    window.__longtasks.push(e.duration);
    window.__longtaskAt.push([Math.round(e.startTime), Math.round(e.duration)]);
  }
}).observe({ type: "longtask", buffered: true });
window.__longtaskAt = [];
// Attribution: animation frames holding a task over 50 ms, with the scripts (over 5 ms) that ran in them.
window.__loaf = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.blockingDuration <= 0) continue;
    window.__loaf.push({
      ms: Math.round(e.duration),
      at: Math.round(e.startTime),
      blockingMs: Math.round(e.blockingDuration),
      renderMs: e.renderStart ? Math.round(e.startTime + e.duration - e.renderStart) : 0,
      scripts: e.scripts.map((s) =>
        \`\${Math.round(s.duration)} ms \${s.invokerType} \${s.invoker} @ \${s.sourceURL.split("/").pop()}:\${s.sourceCharPosition} \${s.sourceFunctionName}\`),
    });
  }
}).observe({ type: "long-animation-frame", buffered: true });
window.__frames = { gaps: [], last: 0, on: false };
const frame = (t) => {
  const f = window.__frames;
  if (f.on && f.last > 0) f.gaps.push(t - f.last);
  f.last = t;
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);`;

export async function benchBrowser(targetMB = 50, port = 8798): Promise<BrowserRow> {
  ensureChromium();
  // INTAKE_OUT_DIR (as for the e2e tests) keeps this build apart from other builds of the tree.
  run("wxt", ["build"], { quiet: true });
  const extensionDir = join(ROOT, process.env.INTAKE_OUT_DIR || ".output", "chrome-mv3");
  const dir = mkdtempSync(join(tmpdir(), "intake-bench-browser-"));
  const file = join(dir, "saas-users.csv");
  const generated = writeCsv(file, targetMB * 1024 * 1024);
  const persistTo = join(dir, "d1");
  const operatorToken = ensureOperatorToken();
  migrateLocal(persistTo);
  const worker = await startWorker({ port, persistTo });
  const userDataDir = join(dir, "profile");
  let browser: ExtensionBrowser | undefined;
  try {
    const { state } = await ensureDevTenant(worker.url, operatorToken, join(persistTo, "dev.json"));
    browser = await launchWithExtension(extensionDir, {
      userDataDir,
      extraArgs: ["--remote-debugging-port=0"],
    });
    const { context, extensionId } = browser;

    // (1) PapaParse alone, same browser, same file.
    const blank = await context.newPage();
    const papa = await papaAlone(blank, file);
    await blank.close();

    // (2) The popup, connected, at the file step.
    const page = await context.newPage();
    await page.addInitScript(LONGTASKS);
    await page.setViewportSize({ width: 900, height: 1000 });
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    await page.getByLabel("Intake server URL").fill(worker.url);
    await page.getByLabel("API key").fill(state.ingestKey);
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByLabel("Integration").waitFor();
    await page.getByLabel("Data").selectOption("saas_users");
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    const input = page.getByLabel(/CSV or JSON file/);
    await input.waitFor({ state: "attached" });

    // Memory probes: CDP on the popup page and the pipeline worker; /proc for the renderer.
    const [devtoolsPort, devtoolsPath] = readFileSync(join(userDataDir, "DevToolsActivePort"), "utf8").split(
      "\n",
    );
    const cdp = await cdpConnect(`ws://127.0.0.1:${devtoolsPort}${devtoolsPath}`);
    const { targetInfos } = await cdp.send<{
      targetInfos: { targetId: string; type: string; url: string }[];
    }>("Target.getTargets");
    const attach = async (match: (t: { type: string; url: string }) => boolean, what: string) => {
      const target = targetInfos.find(match);
      if (!target) throw new Error(`no ${what} target among ${targetInfos.map((t) => t.url).join(", ")}`);
      const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToTarget", {
        targetId: target.targetId,
        flatten: true,
      });
      return sessionId;
    };
    const pageSession = await attach((t) => t.type === "page" && t.url.endsWith("/popup.html"), "popup");
    // One pipeline worker per file: the flow makes a new one after a reset.
    let workerTarget = "";
    const attachWorker = async () => {
      const { targetInfos: now } = await cdp.send<{
        targetInfos: { targetId: string; type: string; url: string }[];
      }>("Target.getTargets");
      const target = now.find(
        (t) => t.type === "worker" && t.url.endsWith("/pipeline-worker.js") && t.targetId !== workerTarget,
      );
      if (!target) throw new Error("no pipeline worker target");
      workerTarget = target.targetId;
      const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToTarget", {
        targetId: target.targetId,
        flatten: true,
      });
      return sessionId;
    };
    let workerSession = await attachWorker();
    // JS heap used, and the ArrayBuffer backing stores beside it (bytes outside the JS heap).
    const heapUsage = async (sessionId: string) => {
      const usage = await cdp
        .send<{ usedSize: number; backingStorageSize?: number }>("Runtime.getHeapUsage", {}, sessionId)
        .catch(() => ({ usedSize: 0, backingStorageSize: 0 }));
      return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? 0 };
    };
    const heapUsed = async (sessionId: string) => (await heapUsage(sessionId)).heap;
    const collectedHeap = async () => {
      for (const session of [pageSession, workerSession])
        await cdp.send("HeapProfiler.collectGarbage", {}, session).catch(() => {});
      return (await heapUsed(pageSession)) + (await heapUsed(workerSession));
    };
    const browserPid = processes().find(
      (p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes("--type="),
    )?.pid;
    if (browserPid === undefined) throw new Error("cannot find the Chromium browser process");
    const extensionPids = descendants(browserPid).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--extension-process");
      } catch {
        return false;
      }
    });
    if (extensionPids.length === 0) throw new Error("no extension renderer process found");
    const idlePrivate = extensionPrivateBytes(extensionPids);
    const idleHeap = await collectedHeap();
    let peakHeap = 0;
    let submitPeakHeap = 0;
    let peakWithBuffers = 0;
    let submitPeakWithBuffers = 0;
    let submitting = false;
    let peakPrivate = idlePrivate;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [p, w] = await Promise.all([heapUsage(pageSession), heapUsage(workerSession)]);
        const heap = p.heap + w.heap;
        const withBuffers = heap + p.buffers + w.buffers;
        if (submitting) {
          submitPeakHeap = Math.max(submitPeakHeap, heap);
          submitPeakWithBuffers = Math.max(submitPeakWithBuffers, withBuffers);
        } else {
          peakHeap = Math.max(peakHeap, heap);
          peakWithBuffers = Math.max(peakWithBuffers, withBuffers);
        }
        peakPrivate = Math.max(peakPrivate, extensionPrivateBytes(extensionPids));
        samples++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    await page.evaluate("window.__longtasks = []; window.__loaf = []; window.__longtaskAt = []");
    const marks: [string, number][] = [["pick", (await page.evaluate("performance.now()")) as number]];
    const mark = async (what: string) =>
      marks.push([what, (await page.evaluate("performance.now()")) as number]);
    // BENCH_BROWSER_PROFILE=<file.cpuprofile>: the popup's CPU profile, pick → status (DevTools opens it).
    const profileTo = process.env.BENCH_BROWSER_PROFILE;
    // BENCH_BROWSER_WORKER_PROFILE=<file.cpuprofile>: the pipeline worker's, over the same span.
    const workerProfileTo = process.env.BENCH_BROWSER_WORKER_PROFILE;
    for (const [to, session] of [
      [profileTo, pageSession],
      [workerProfileTo, workerSession],
    ] as const) {
      if (!to) continue;
      await cdp.send("Profiler.enable", {}, session);
      await cdp.send("Profiler.setSamplingInterval", { interval: 1000 }, session);
      await cdp.send("Profiler.start", {}, session);
    }
    const timeout = 600_000;
    const t0 = performance.now();
    await input.setInputFiles(file);
    const next = page.getByRole("button", { name: "Continue to mapping" });
    await next.waitFor({ timeout });
    const t1 = performance.now();
    await mark("continue to mapping shown");
    await next.click();
    const validate = page.getByRole("button", { name: "Validate" });
    await validate.waitFor({ timeout });
    const t2 = performance.now();
    await mark("validate shown");
    await validate.click();
    const status = page.getByText(/[\d,]+ rows · [\d,]+ errors/);
    await status.waitFor({ timeout });
    const t3 = performance.now();
    await mark("status shown");
    for (const [to, session] of [
      [profileTo, pageSession],
      [workerProfileTo, workerSession],
    ] as const) {
      if (!to) continue;
      const { profile } = await cdp.send<{ profile: unknown }>("Profiler.stop", {}, session);
      writeFileSync(to, JSON.stringify(profile));
    }
    // The worker's own User Timing measures (extension/pipeline/pipeline.ts): its compute time
    // inside the wall-clock phases above.
    const workerMeasures = JSON.parse(
      (
        await cdp.send<{ result: { value: string } }>(
          "Runtime.evaluate",
          {
            expression:
              'JSON.stringify(Object.fromEntries(performance.getEntriesByType("measure").filter((e) => e.name.startsWith("intake:")).map((e) => [e.name.slice(7), Math.round(e.duration)])))',
            returnByValue: true,
          },
          workerSession,
        )
      ).result.value,
    ) as Record<string, number>;
    const shown = (await status.textContent())?.trim() ?? "";
    const tasks = (await page.evaluate("window.__longtasks")) as number[];
    const longFrames = (await page.evaluate("window.__loaf")) as LongFrame[];
    const taskAt = (await page.evaluate("window.__longtaskAt")) as [number, number][];
    if (taskAt.length > 0) {
      const phase = (t: number) => marks.filter(([, at]) => at <= t).at(-1)?.[0] ?? "before pick";
      console.log(
        "main-thread tasks over 50 ms (ms after pick, duration, after which step):",
        taskAt.map(([at, ms]) => `+${Math.round(at - (marks[0]?.[1] ?? 0))} ${ms} ms (${phase(at)})`),
      );
    }
    printLongFrames("pick → status", longFrames, marks[0]?.[1] ?? 0);
    const peakPickToValidate = peakHeap;
    const peakWithBuffersPickToValidate = peakWithBuffers;

    // The admin's fix: the one invalid value, replaced over the whole file.
    const t4 = performance.now();
    await page.getByText(/^More fixes: find and replace/).click();
    await page.getByLabel("Column", { exact: true }).selectOption("createdOn");
    await page.getByLabel("Find", { exact: true }).fill("31022023");
    await page.getByLabel("Replace with").fill("28022023");
    await page.getByLabel("Whole cell").check();
    await page.getByRole("button", { name: /^Replace in [\d,]+ rows?$/ }).click({ timeout });
    await page.getByText(/[\d,]+ rows · 0 errors/).waitFor({ timeout });
    const t5 = performance.now();

    // Submit: long tasks and frame gaps of the popup while the worker uploads.
    await page.evaluate(
      "window.__longtasks = []; window.__loaf = []; window.__frames.gaps = []; window.__frames.on = true",
    );
    const submitAt = (await page.evaluate("performance.now()")) as number;
    submitting = true;
    await page.getByRole("button", { name: /Submit [\d,]+ records/ }).click({ timeout });
    const live = page.getByText(/Dataset version \d+ is live: [\d,]+ records/);
    await live.waitFor({ timeout: 1_800_000 });
    const t6 = performance.now();
    const submitRecords = Number(
      /live: ([\d,]+) records/.exec((await live.textContent()) ?? "")?.[1]?.replaceAll(",", ""),
    );
    const submitTasks = (await page.evaluate("window.__longtasks")) as number[];
    printLongFrames("submit", (await page.evaluate("window.__loaf")) as LongFrame[], submitAt);
    const gaps = (await page.evaluate("window.__frames.on = false, window.__frames.gaps")) as number[];
    submitting = false;
    sampling = false;
    await sampler;

    // Reset: "Upload another file" ends the file's worker; a fresh one waits for the next file.
    await page.getByRole("button", { name: "Upload another file" }).click();
    await input.waitFor({ state: "attached" });
    await page.waitForTimeout(500);
    workerSession = await attachWorker();
    const afterReset = await collectedHeap();
    cdp.close();

    const mb = (n: number) => n / 1024 / 1024;
    const pipelineSeconds = (t3 - t0) / 1000;
    const fileMB = mb(generated.bytes);
    const round = (n: number, d = 2) => Number(n.toFixed(d));
    return {
      fileMB: round(fileMB, 1),
      rows: generated.rows,
      invalidRows: generated.invalid,
      shown,
      papaSeconds: round(papa.seconds),
      pipelineSeconds: round(pipelineSeconds),
      readSeconds: round((t1 - t0) / 1000),
      mapSeconds: round((t2 - t1) / 1000),
      validateSeconds: round((t3 - t2) / 1000),
      workerReadSeconds: round((workerMeasures.read ?? 0) / 1000),
      workerProfileSeconds: round((workerMeasures.profile ?? 0) / 1000),
      workerValidateSeconds: round((workerMeasures.validate ?? 0) / 1000),
      ratio: round(pipelineSeconds / papa.seconds),
      longestTaskMs: Math.round(Math.max(0, ...tasks)),
      longTasks: tasks.length,
      longTaskDurationsMs: [...tasks]
        .sort((a, b) => b - a)
        .slice(0, 10)
        .map(Math.round),
      peakHeapMB: round(mb(peakPickToValidate), 1),
      peakHeapRatio: round(mb(peakPickToValidate) / fileMB),
      peakHeapWithBuffersMB: round(mb(peakWithBuffersPickToValidate), 1),
      peakHeapWithBuffersRatio: round(mb(peakWithBuffersPickToValidate) / fileMB),
      peakPrivateMB: round(mb(peakPrivate - idlePrivate), 1),
      peakPrivateRatio: round(mb(peakPrivate - idlePrivate) / fileMB),
      idlePrivateMB: round(mb(idlePrivate), 1),
      samples,
      fixSeconds: round((t5 - t4) / 1000),
      submitSeconds: round((t6 - t5) / 1000),
      submitRecords,
      submitLongestTaskMs: Math.round(Math.max(0, ...submitTasks)),
      submitLongTasks: submitTasks.length,
      submitLongestFrameGapMs: Math.round(Math.max(0, ...gaps)),
      submitFrameGapsOver50Ms: gaps.filter((g) => g > 50).length,
      submitPeakHeapMB: round(mb(submitPeakHeap), 1),
      submitPeakHeapRatio: round(mb(submitPeakHeap) / fileMB),
      submitPeakHeapWithBuffersMB: round(mb(submitPeakWithBuffers), 1),
      submitPeakHeapWithBuffersRatio: round(mb(submitPeakWithBuffers) / fileMB),
      idleHeapMB: round(mb(idleHeap), 1),
      heapAfterResetMB: round(mb(afterReset), 1),
      heapAfterResetRatio: round(mb(afterReset - idleHeap) / fileMB, 3),
    };
  } finally {
    await browser?.close();
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const row = await benchBrowser(Number(process.env.BENCH_BROWSER_MB ?? 50));
  console.table([row]);
}
