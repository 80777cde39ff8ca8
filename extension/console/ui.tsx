// Small pieces the console's views share: avatar, status badge, copy button, modal dialog, and
// turning Worker problems into messages (with per-field errors from `errors[].pointer`).
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Integration, type StatusName } from "../api-client.ts";

export const integrationLabel = (i: Pick<Integration, "name" | "displayName">) => i.displayName || i.name;

/** "1 error", "2 errors". */
export const plural = (n: number, noun: string) => `${n.toLocaleString()} ${noun}${n === 1 ? "" : "s"}`;

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "never";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export interface ErrorView {
  message: string;
  /** By field name ("/logo" -> "logo"). */
  fields: Record<string, string>;
}

export function errorView(error: unknown): ErrorView {
  if (error instanceof ApiError) {
    const fields: Record<string, string> = {};
    for (const e of error.problem.errors ?? []) {
      const field = e.pointer.replace(/^\//, "").split("/")[0] || "body";
      fields[field] = fields[field] ? `${fields[field]}; ${e.message}` : e.message;
    }
    return { message: error.problem.detail ?? error.problem.title, fields };
  }
  return { message: error instanceof Error ? error.message : String(error), fields: {} };
}

/** The integration's logo, or its initials on its avatar colour. */
export function Avatar({ integration, size = 32 }: { integration: Integration; size?: number }) {
  const label = integrationLabel(integration);
  const logo = integration.logo ?? "";
  if (logo.startsWith("data:image/")) {
    return <img class="avatar" src={logo} alt="" width={size} height={size} />;
  }
  const initials =
    label
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join("") || "?";
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{ background: logo || "#5f6368", width: `${size}px`, height: `${size}px` }}
    >
      {initials}
    </span>
  );
}

export function StatusBadge({ status }: { status: StatusName }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
}

/** Copies `text`; says so in a live region next to the button. */
export function CopyButton({
  text,
  label,
  name,
  copy,
}: {
  text: string;
  /** The visible text. */
  label: string;
  /** The accessible name when the visible text is not enough; it starts with `label`. */
  name?: string;
  copy: (text: string) => Promise<void>;
}) {
  const [state, setState] = useState<"" | "copied" | "failed">("");
  return (
    <span class="copy">
      <button
        type="button"
        aria-label={name}
        onClick={() =>
          copy(text).then(
            () => setState("copied"),
            () => setState("failed"),
          )
        }
      >
        {label}
      </button>
      <span role="status" class="hint">
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy; select the text instead" : ""}
      </span>
    </span>
  );
}

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** A modal dialog: focus moves in, Tab stays in, Escape closes, focus returns to the opener. */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useRef(`dialog-${Math.random().toString(36).slice(2)}`).current;
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => opener?.focus?.();
  }, []);
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "Tab" || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => !(el as HTMLButtonElement).disabled,
    );
    const first = items[0];
    const last = items.at(-1);
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }
  return (
    <div class="overlay">
      <div
        ref={ref}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** "Are you sure?" with a named, dangerous confirm button. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Dialog title={title} onClose={onCancel}>
      <p>{message}</p>
      {error && <p role="alert">{error}</p>}
      <div class="row">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onConfirm();
            } catch (e) {
              setError(errorView(e).message);
              setBusy(false);
            }
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
