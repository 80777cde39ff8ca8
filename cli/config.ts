// Where the Worker is and which key to present: --url/--key, else INTAKE_URL/INTAKE_KEY. The key
// is never printed; anything the CLI prints goes through `redact` in case a server echoes it.
import { type ApiClient, createApiClient } from "../extension/api-client.ts";
import { UsageError } from "./exit-codes.ts";
import type { CliIo } from "./io.ts";

export interface Connection {
  url: string;
  key: string;
}

export interface ConnectionFlags {
  url?: string;
  key?: string;
}

/** The Worker URL, when one is configured (some commands work without one). */
export function urlOf(flags: ConnectionFlags, io: CliIo): string | undefined {
  const url = (flags.url ?? io.env.INTAKE_URL ?? "").trim();
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`The Intake URL "${url}" is not a URL (e.g. https://intake.example.com)`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new UsageError(`The Intake URL must start with https:// (or http:// for a local Worker)`);
  return url.replace(/\/+$/, "");
}

/** URL and key, both required. */
export function connectionOf(flags: ConnectionFlags, io: CliIo): Connection {
  const url = urlOf(flags, io);
  if (!url) throw new UsageError("No Intake server: set INTAKE_URL or pass --url");
  const key = (flags.key ?? io.env.INTAKE_KEY ?? "").trim();
  if (!key) throw new UsageError("No API key: set INTAKE_KEY or pass --key");
  return { url, key };
}

/** The one API client (extension/api-client.ts), on the CLI's network and clock; retries are told on stderr. */
export function clientOf(connection: Connection, io: CliIo, quiet = false): ApiClient {
  return createApiClient({
    baseUrl: connection.url,
    apiKey: connection.key,
    fetch: io.fetch,
    sleep: io.sleep,
    onRetry: ({ delayMs, reason }) => {
      if (!quiet) io.stderr.write(`${reason}: retrying in ${Math.max(1, Math.round(delayMs / 1000))} s\n`);
    },
  });
}

/** `text` with every occurrence of the key replaced (defence in depth: nothing should contain it). */
export function redact(text: string, key: string | undefined): string {
  return key && key.length >= 8 ? text.split(key).join("[key]") : text;
}

/** A client when a Worker URL is configured (the key is optional: public routes), else undefined. */
export function optionalClientOf(flags: ConnectionFlags, io: CliIo, quiet = false): ApiClient | undefined {
  const url = urlOf(flags, io);
  if (!url) return undefined;
  const key = (flags.key ?? io.env.INTAKE_KEY ?? "").trim();
  return clientOf({ url, key }, io, quiet);
}
