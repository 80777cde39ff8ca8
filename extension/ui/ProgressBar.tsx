// A determinate progress bar that says what and how much: "Uploading · 1,200 of 5,000 rows ·
// 800 rows/s · 5 s left". The text is visible; the bar carries the same as its value text.
import { count } from "./format.ts";

interface Props {
  /** What is happening: "Reading", "Validating", "Uploading". */
  label: string;
  value: number;
  max: number;
  /** Units counted ("rows"); with it the label shows "1,200 of 5,000 rows". */
  unit?: string;
  /** Units per second, shown as "800 rows/s". */
  rate?: number;
  /** Seconds left; undefined while unknown ("estimating…"). Shown only with `rate`. */
  etaSeconds?: number;
  /** Extra text instead of the counts. */
  detail?: string;
}

export const etaText = (seconds: number | undefined) =>
  seconds === undefined || !Number.isFinite(seconds)
    ? "estimating…"
    : seconds < 60
      ? `${Math.max(1, Math.ceil(seconds))} s left`
      : `${Math.ceil(seconds / 60)} min left`;

export function ProgressBar({ label, value, max, unit, rate, etaSeconds, detail }: Props) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  const parts = [
    detail ?? (unit ? `${count(value)} of ${count(max)} ${unit}` : undefined),
    rate !== undefined && unit ? `${count(Math.round(rate))} ${unit}/s` : undefined,
    rate !== undefined ? etaText(etaSeconds) : undefined,
  ].filter(Boolean);
  const text = parts.join(" · ");
  return (
    <div class="progress">
      <div class="progress-label">
        <span>
          {label} <span class="num">{percent}%</span>
        </span>
        {text && <span>{text}</span>}
      </div>
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text ? `${percent}% · ${text}` : `${percent}%`}
      >
        <div class="progress-bar" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
