// Progress on stderr: a bar with rate and ETA redrawn in place on a terminal, plain lines (phase
// starts and every tenth) otherwise, so a cron log stays short and readable.
import { count, type OutStream } from "./io.ts";

export interface ProgressUpdate {
  /** "reading", "validating", "uploading"… */
  phase: string;
  done: number;
  total: number;
  unit: "bytes" | "rows" | "records";
  /** Per second; measured from the phase's start when absent. */
  rate?: number;
  etaSeconds?: number;
}

export interface ProgressReporter {
  update(progress: ProgressUpdate): void;
  /** A message between updates (the bar is cleared first). */
  note(text: string): void;
  /** Clears the bar (a terminal) — call before printing the result. */
  end(): void;
}

const BAR = 24;
const REDRAW_MS = 100;

const MB = 1024 * 1024;

const amount = (n: number, unit: ProgressUpdate["unit"]) =>
  unit !== "bytes"
    ? count(Math.round(n))
    : n < MB
      ? `${Math.ceil(n / 1024)} KB`
      : `${(n / MB).toFixed(1)} MB`;

/** "4 s", "2 min 05 s" */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** One line of progress: "uploading [######------] 25% 5,000/20,000 records · 3,100/s · ETA 5 s". */
export function progressLine(p: ProgressUpdate, rate: number | undefined, bar: boolean): string {
  const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(share * BAR);
  const parts = [
    p.phase,
    ...(bar ? [`[${"#".repeat(filled)}${"-".repeat(BAR - filled)}]`] : []),
    `${Math.floor(share * 100)}%`,
    `${amount(p.done, p.unit)}/${amount(p.total, p.unit)}${p.unit === "bytes" ? "" : ` ${p.unit}`}`,
  ];
  const tail: string[] = [];
  if (rate !== undefined && rate > 0 && p.done < p.total) {
    tail.push(p.unit === "bytes" ? `${amount(rate, "bytes")}/s` : `${count(Math.round(rate))}/s`);
    const eta = p.etaSeconds ?? (p.total - p.done) / rate;
    tail.push(`ETA ${duration(eta)}`);
  }
  return [parts.join(" "), ...tail].join(" · ");
}

export function createProgress(
  out: OutStream,
  options: { quiet?: boolean; now?: () => number } = {},
): ProgressReporter {
  const now = options.now ?? (() => performance.now());
  const tty = out.isTTY === true;
  let phase: { name: string; started: number; tenth: number } | undefined;
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (tty && drawn) out.write("\r\x1b[2K");
    drawn = false;
  };
  return {
    update(p) {
      if (options.quiet) return;
      const t = now();
      const started = phase?.name !== p.phase;
      if (started) phase = { name: p.phase, started: t, tenth: -1 };
      const current = phase as { name: string; started: number; tenth: number };
      const seconds = (t - current.started) / 1000;
      const rate = p.rate ?? (seconds > 0.2 ? p.done / seconds : undefined);
      if (tty) {
        if (!started && p.done < p.total && t - lastDraw < REDRAW_MS) return;
        lastDraw = t;
        const width = Math.max(20, (out.columns ?? 100) - 1);
        out.write(`\r\x1b[2K${progressLine(p, rate, true).slice(0, width)}`);
        drawn = true;
        return;
      }
      const tenth = p.total > 0 ? Math.floor((10 * Math.min(p.done, p.total)) / p.total) : 10;
      if (tenth === current.tenth) return;
      // A phase's first line, then one per tenth reached.
      current.tenth = tenth;
      out.write(`${progressLine(p, rate, false)}\n`);
    },
    note(text) {
      clear();
      out.write(`${text}\n`);
    },
    end() {
      clear();
    },
  };
}
