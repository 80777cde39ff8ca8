// A time in the one local format, with the ISO value on hover and for machines.
import { formatTime } from "./format.ts";

export function Time({ iso, fallback = "never" }: { iso: string | null | undefined; fallback?: string }) {
  if (!iso) return <span class="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={iso}>
      {formatTime(iso, fallback)}
    </time>
  );
}
