// Host permission for the configured Worker: requested at run time for that origin only.
import { browser } from "wxt/browser";

/** The match pattern covering an Intake server URL ("http://127.0.0.1:8787/x" -> "http://127.0.0.1/*"). */
export function originPattern(workerUrl: string): string {
  const url = new URL(workerUrl);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError("The Intake server URL must start with http:// or https://");
  }
  return `${url.protocol}//${url.hostname}/*`;
}

/** Asks the browser (must run in a click handler); true when granted or already held. */
export async function requestHostPermission(pattern: string): Promise<boolean> {
  const wanted = { origins: [pattern] };
  if (await browser.permissions.contains(wanted)) return true;
  return browser.permissions.request(wanted);
}
