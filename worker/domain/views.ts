// What clients see of stored rows: every response view in one place, typed with the wire types
// of schemas/api-types.ts so that the Worker and the extension cannot drift apart.
import type {
  ApiKeyInfo,
  DatasetDiff,
  DatasetVersion,
  Endpoint,
  Integration as IntegrationView,
  SyncCommitted,
} from "../../schemas/api-types.ts";
import { type ContextSchema, clipValue, type Issue, keyValues } from "../../schemas/index.ts";
import type { Version } from "../db/datasets.ts";
import type { RawDiff } from "../db/diff.ts";
import type { Integration } from "../db/integrations.ts";
import type { ApiKey } from "../db/keys.ts";
import type { Sync } from "../db/syncs.ts";

/** A committed version; in the versions list, whether it is the current one. */
export function versionView(v: Version, current?: number): DatasetVersion {
  return {
    version: v.version,
    recordCount: v.recordCount,
    source: v.source,
    keyName: v.keyName,
    committedAt: v.createdAt,
    schemaId: v.schemaId,
    ...(current !== undefined ? { current: v.version === current } : {}),
    storage: v.storage,
  };
}

/** The answer to a sync's commit (also replayed to a repeated commit). */
export function committedView(sync: Sync, version: Version, warnings: Issue[]): SyncCommitted {
  return {
    syncId: sync.id,
    version: version.version,
    recordCount: version.recordCount,
    committedAt: version.createdAt,
    warnings,
    warningCount: warnings.length,
  };
}

/** A key as clients see it: no tenant id, no hash. */
export function publicKey(key: ApiKey): ApiKeyInfo {
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    integrationId: key.integrationId,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

/** An integration as clients see it (no tenant id). */
export function publicIntegration(i: Integration): IntegrationView {
  return {
    id: i.id,
    name: i.name,
    displayName: i.displayName,
    description: i.description,
    logo: i.logo,
    contexts: i.contexts,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

/**
 * Per context: absolute endpoints, the headers to send and a ready-to-paste curl example.
 * `titles`: context name -> title (`titlesOf`, custom contexts included).
 */
export function endpointsOf(base: string, i: Integration, titles: ReadonlyMap<string, string>): Endpoint[] {
  return i.contexts.map((context) => {
    const root = `${base}/v1/integrations/${i.id}/contexts/${context}`;
    return {
      context,
      title: titles.get(context) ?? context,
      records: `${root}/records`,
      validate: `${root}/validate`,
      syncs: `${root}/syncs`,
      schema: `${base}/v1/contexts/${context}/schema`,
      headers: { "x-api-key": "<your ingest key>", "content-type": "application/json" },
      curl: `curl -X POST '${root}/records' -H 'x-api-key: <your ingest key>' -H 'content-type: application/json' --data-binary @${context}.json`,
    };
  });
}

/** A difference found by SQL, with its example keys as the key fields' values. */
export function diffView(
  raw: RawDiff,
  current: Version | undefined,
  incoming: number,
  schema: ContextSchema,
): DatasetDiff {
  // Key values are user input: quoted clipped, like every value in a report.
  const values = (keys: string[]) =>
    keys.map((key) =>
      Object.fromEntries(Object.entries(keyValues(key, schema)).map(([f, v]) => [f, clipValue(v)])),
    );
  return {
    current: current ? { version: current.version, recordCount: current.recordCount } : null,
    incoming,
    added: raw.added,
    removed: raw.removed,
    changed: raw.changed,
    unchanged: raw.unchanged,
    removedShare: current && current.recordCount > 0 ? raw.removed / current.recordCount : 0,
    lostValues: raw.lostValues ?? [],
    examples: {
      added: values(raw.examples.added),
      removed: values(raw.examples.removed),
      changed: values(raw.examples.changed),
    },
  };
}
