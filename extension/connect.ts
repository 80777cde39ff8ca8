// Host permission for the configured Worker: requested at run time for that origin only.
import { browser } from "wxt/browser";
import { type ApiClientOptions, createApiClient, type RetryPolicy } from "./api-client.ts";

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

/** What connecting to the Worker needs (shared by the upload flow and the console). */
export interface ConnectDeps {
  fetch?: typeof fetch;
  sleep?: ApiClientOptions["sleep"];
  requestHostPermission: (originPattern: string) => Promise<boolean>;
}

/** The API client for a connection (the deps' fetch and sleep, for tests). */
export function createClient(
  deps: Pick<ConnectDeps, "fetch" | "sleep">,
  workerUrl: string,
  apiKey: string,
  retry?: Partial<RetryPolicy>,
) {
  return createApiClient({ baseUrl: workerUrl, apiKey, fetch: deps.fetch, sleep: deps.sleep, retry });
}
