// What the console needs from the platform, injected so component tests run without a browser.

import { type ConnectDeps, createClient, requestHostPermission } from "../connect.ts";

export interface ConsoleDeps extends ConnectDeps {
  /** Puts text on the clipboard (must run in a click handler). */
  copy: (text: string) => Promise<void>;
  /** The clock, for default key expiries. */
  now?: () => Date;
}

export { createClient };

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Older engines or a denied clipboard permission: the selection-based fallback.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) throw new Error("The browser did not allow copying; select the text and copy it by hand");
  }
}

export function browserConsoleDeps(): ConsoleDeps {
  return { requestHostPermission, copy: copyText };
}
