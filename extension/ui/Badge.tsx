// A status label: Ready / Active / Warning / Failed and friends, with an icon so colour is not
// the only signal.
import { CircleAlert, CircleCheck, CircleDashed, CircleX, TriangleAlert } from "lucide-preact";
import type { ComponentChildren } from "preact";

export type BadgeTone = "neutral" | "info" | "success" | "warning" | "danger";

const ICONS = {
  neutral: CircleDashed,
  info: CircleDashed,
  success: CircleCheck,
  warning: TriangleAlert,
  danger: CircleX,
};

export function Badge({
  tone,
  children,
  icon = true,
}: {
  tone: BadgeTone;
  children: ComponentChildren;
  icon?: boolean;
}) {
  const Icon = ICONS[tone] ?? CircleAlert;
  return (
    <span class={`badge badge--${tone}`}>
      {icon && <Icon aria-hidden="true" />}
      {children}
    </span>
  );
}
