// Small pieces the console's views share: avatar, status badge, copy button, confirm dialog, and
// turning Worker problems into messages (with per-field errors from `errors[].pointer`).
import { Check, Copy } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError, type Integration, type StatusName } from "../api-client.ts";
import { Badge, type BadgeTone } from "../ui/Badge.tsx";
import { Banner } from "../ui/Banner.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { plural } from "../ui/format.ts";

export const integrationLabel = (i: Pick<Integration, "name" | "displayName">) => i.displayName || i.name;

/** "1 error", "2 errors" (the extension's one plural helper). */
export { plural };

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

const STATUS_TONES: Record<StatusName, BadgeTone> = {
  Ready: "info",
  Active: "success",
  Warning: "warning",
  Failed: "danger",
};

export function StatusBadge({ status }: { status: StatusName }) {
  return <Badge tone={STATUS_TONES[status] ?? "neutral"}>{status}</Badge>;
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
        class="btn btn--secondary btn--small"
        aria-label={name}
        onClick={() =>
          copy(text).then(
            () => setState("copied"),
            () => setState("failed"),
          )
        }
      >
        {state === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
        {label}
      </button>
      <span role="status" class="muted copy-status">
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy; select the text instead" : ""}
      </span>
    </span>
  );
}

export { Dialog };

/**
 * "Are you sure?" with a named confirm button: dangerous unless `danger` is false; `children` say
 * more under the message; the button waits while `ready` is false.
 */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onCancel,
  children,
  danger = true,
  ready = true,
}: {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
  children?: ComponentChildren;
  danger?: boolean;
  ready?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Dialog title={title} onClose={onCancel}>
      <p>{message}</p>
      {children}
      {error && <Banner tone="danger">{error}</Banner>}
      <div class="dialog-actions">
        <button type="button" class="btn btn--secondary" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          class={danger ? "btn btn--danger" : "btn btn--primary"}
          aria-busy={busy ? "true" : undefined}
          disabled={busy || !ready}
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
