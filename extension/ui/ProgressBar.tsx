// An accessible progress bar with a text label.
interface Props {
  label: string;
  value: number;
  max: number;
  detail?: string;
}

export function ProgressBar({ label, value, max, detail }: Props) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div class="progress">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={detail ? `${percent}% · ${detail}` : `${percent}%`}
      >
        <div class="bar" style={{ width: `${percent}%` }} />
      </div>
      <span aria-hidden="true">
        {label} {percent}%{detail ? ` · ${detail}` : ""}
      </span>
    </div>
  );
}
