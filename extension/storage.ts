// Every persisted key of the extension, declared once. All in `local:` so the API key never
// syncs to other devices.
import { storage } from "wxt/utils/storage";
import type { ContextSchema } from "../schemas/index.ts";
import type { ContextInfo } from "./api-client.ts";
import type { Mapping } from "./mapping.ts";

export interface Connection {
  workerUrl: string;
  apiKey: string;
}

export interface SavedMapping {
  mapping: Mapping;
  savedAt: string;
}

/** A sync started and not yet committed or aborted: aborted on the next start if the page died. */
export interface PendingSync {
  workerUrl: string;
  integrationId: string;
  context: string;
  syncId: string;
  startedAt: string;
}

export interface LastChoice {
  integrationId: string;
  context: string;
}

export const connectionItem = storage.defineItem<Connection | null>("local:connection", {
  fallback: null,
  version: 1,
});

/** Saved column mappings, keyed by mappingKey(integration, context, header fingerprint). */
export const mappingsItem = storage.defineItem<Record<string, SavedMapping>>("local:mappings", {
  fallback: {},
  version: 1,
});

export const pendingSyncItem = storage.defineItem<PendingSync | null>("local:pendingSync", {
  fallback: null,
  version: 1,
});

export const lastChoiceItem = storage.defineItem<LastChoice | null>("local:lastChoice", {
  fallback: null,
  version: 1,
});

/** Mappings kept at most; the oldest are dropped first. */
const MAX_MAPPINGS = 200;

export function mappingKey(integrationId: string, context: string, fingerprint: string): string {
  return `${integrationId}/${context}/${fingerprint}`;
}

export async function loadMapping(key: string): Promise<Mapping | undefined> {
  const all = await mappingsItem.getValue();
  return Object.hasOwn(all, key) ? all[key]?.mapping : undefined;
}

export async function saveMapping(key: string, mapping: Mapping, now = new Date()): Promise<void> {
  const all = { ...(await mappingsItem.getValue()) };
  all[key] = { mapping, savedAt: now.toISOString() };
  const keys = Object.keys(all).sort((a, b) => (all[a]?.savedAt ?? "").localeCompare(all[b]?.savedAt ?? ""));
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_MAPPINGS))) delete all[old];
  await mappingsItem.setValue(all);
}

/**
 * The console's own connection (usually an admin key), apart from the upload flow's (often an
 * ingest key), so connecting the popup with an ingest key does not sign the console out.
 */
export const consoleConnectionItem = storage.defineItem<Connection | null>("local:consoleConnection", {
  fallback: null,
  version: 1,
});

/** A Worker answer kept for when the Worker cannot be reached: its ETag and when it was fetched. */
export interface Saved<T> {
  value: T;
  etag?: string;
  savedAt: string;
}

/**
 * The Worker's context schemas and catalogs, as last fetched (extension/schema-source.ts), keyed by
 * schemaCacheKey(Worker URL, context) and by the Worker URL. A schema is kept as its JSON text:
 * chrome.storage gives objects back with their keys sorted, and a schema's properties are in the
 * order the fields are shown (version 1 kept the object).
 */
export const schemasItem = storage.defineItem<Record<string, Saved<string>>>("local:schemas", {
  fallback: {},
  version: 2,
  migrations: {
    2: (old: Record<string, Saved<ContextSchema>>): Record<string, Saved<string>> =>
      Object.fromEntries(
        Object.entries(old).map(([key, saved]) => [key, { ...saved, value: JSON.stringify(saved.value) }]),
      ),
  },
});

export const catalogsItem = storage.defineItem<Record<string, Saved<ContextInfo[]>>>("local:catalogs", {
  fallback: {},
  version: 1,
});
