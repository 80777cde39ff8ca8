// An empty state: an icon, one line, one action.
import type { LucideIcon } from "lucide-preact";
import type { ComponentChildren } from "preact";

export function EmptyState({
  icon: Icon,
  children,
  action,
}: {
  icon: LucideIcon;
  children: ComponentChildren;
  action?: ComponentChildren;
}) {
  return (
    <div class="empty-state">
      <Icon aria-hidden="true" />
      <p>{children}</p>
      {action}
    </div>
  );
}
