// A banner: success, info, warning or danger, with an icon, optional title, details behind a
// disclosure, actions and a dismiss button. role="status" (polite) or "alert" for errors.
import { CircleAlert, CircleCheck, Info, TriangleAlert, X } from "lucide-preact";
import type { ComponentChildren } from "preact";

export type Tone = "info" | "success" | "warning" | "danger";

const ICONS = { info: Info, success: CircleCheck, warning: TriangleAlert, danger: CircleAlert };

interface Props {
  tone: Tone;
  title?: ComponentChildren;
  children?: ComponentChildren;
  /** Technical details, behind a "Details" disclosure. */
  details?: string;
  actions?: ComponentChildren;
  onDismiss?: () => void;
  /** Its live role: "alert" for danger and "status" otherwise by default; "none" inside a live parent. */
  live?: "status" | "alert" | "none";
  class?: string;
}

export function Banner({ tone, title, children, details, actions, onDismiss, live, class: extra }: Props) {
  const Icon = ICONS[tone];
  const chosen = live ?? (tone === "danger" ? "alert" : "status");
  const role = chosen === "none" ? undefined : chosen;
  return (
    <div class={`banner banner--${tone}${extra ? ` ${extra}` : ""}`} role={role}>
      <Icon aria-hidden="true" />
      <div class="banner-body">
        {title && <p class="banner-title">{title}</p>}
        {children && (typeof children === "string" ? <p>{children}</p> : children)}
        {details && (
          <details class="details">
            <summary>Details</summary>
            <pre>{details}</pre>
          </details>
        )}
        {actions && <div class="btn-row banner-actions">{actions}</div>}
      </div>
      {onDismiss && (
        <button type="button" class="btn btn--ghost btn--small banner-dismiss" onClick={onDismiss}>
          <X aria-hidden="true" />
          <span class="sr-only">Dismiss</span>
        </button>
      )}
    </div>
  );
}
