// Answers of the Intake Worker to Acme's admin, recorded for the extension's UI tests and replayed
// there by `recorded` (fake-api.ts). test/worker/client/recorded-answers.test.ts asks the real Worker
// the same questions and finds these answers (ids and times aside), so no UI test runs against an
// answer the Worker does not give. Answers a test needs beyond these it writes itself, typed with
// the wire types.
import type {
  AnnouncedLimits,
  ApiKeyInfo,
  BatchAccepted,
  CatalogEntry,
  DatasetDiff,
  Integration,
  IntegrationDetail,
  KeyScope,
  Me,
  SyncCommitted,
  SyncStarted,
} from "../../schemas/api-types.ts";
import { type ContextSchema, listCategories, listContexts } from "../../schemas/index.ts";
import { bodyJson, type Sent } from "./fake-api.ts";

export const WORKER = "http://127.0.0.1:8787";

/** The limits the Worker announces by default (wrangler.toml). */
export const LIMITS: AnnouncedLimits = {
  maxRecordsPerBatch: 5000,
  maxBodyBytes: 10_485_760,
  maxFieldLength: 10_000,
  maxNestingDepth: 8,
};

/** The key the console and the flow connect with. */
export const LAPTOP: ApiKeyInfo = {
  id: "key_1",
  name: "laptop",
  scope: "ingest",
  integrationId: null,
  createdAt: "2024-01-01T00:00:00Z",
  expiresAt: "2030-01-01T00:00:00Z",
  lastUsedAt: "2024-05-01T00:00:00Z",
  revokedAt: null,
};

/** GET /v1/me with the laptop key, as an ingest key (bound or not) or an admin key. */
export const me = (scope: KeyScope = "ingest", integrationId: string | null = null): Me => ({
  tenant: { id: "ten_1", name: "Acme Corp" },
  key: { ...LAPTOP, scope, integrationId },
  limits: LIMITS,
});

export const ACME: Integration = {
  id: "int_acme",
  name: "Acme CRM",
  displayName: "Acme",
  description: "Users of Acme CRM",
  logo: "#336699",
  contexts: ["saas_users", "list_employees"],
  createdAt: "2024-01-01T00:00:00Z",
  updatedAt: "2024-01-01T00:00:00Z",
};

const root = `${WORKER}/v1/integrations/int_acme/contexts`;
const CURL = "-H 'x-api-key: <your ingest key>' -H 'content-type: application/json' --data-binary";

/** GET /v1/integrations/int_acme: the integration and its endpoints. */
export const ACME_DETAIL: IntegrationDetail = {
  ...ACME,
  endpoints: [
    ["saas_users", "SaaS users"],
    ["list_employees", "Employees"],
  ].map(([context, title]) => ({
    context: context as string,
    title: title as string,
    records: `${root}/${context}/records`,
    validate: `${root}/${context}/validate`,
    syncs: `${root}/${context}/syncs`,
    schema: `${WORKER}/v1/contexts/${context}/schema`,
    headers: { "x-api-key": "<your ingest key>", "content-type": "application/json" },
    curl: `curl -X POST '${root}/${context}/records' ${CURL} @${context}.json`,
  })),
};

/** A catalog entry without its links (the extension does not read them). */
export type CatalogInfo = Omit<CatalogEntry, "links">;

/** GET /v1/contexts: the built-in contexts (searched by `q`, as the Worker does), then the tenant's. */
export const catalog = (custom: CatalogInfo[] = [], q?: string) => ({
  data: [...listContexts({ q }), ...custom],
  categories: listCategories(),
});

/** GET /v1/contexts/{name}/schema: the schema, its `$id` as ETag. */
export const served = (schema: ContextSchema) =>
  new Response(JSON.stringify(schema), {
    headers: { "content-type": "application/schema+json", etag: `"${schema.$id}"` },
  });

/** The same asked again with its ETag in If-None-Match. */
export const notModified = (schema: ContextSchema) =>
  new Response(null, { status: 304, headers: { etag: `"${schema.$id}"` } });

/** POST …/syncs */
export const SYNC_STARTED: SyncStarted = {
  syncId: "sync_1",
  expiresAt: "2030-01-01T00:00:00Z",
  limits: LIMITS,
};

/** PUT …/syncs/{id}/batches/{seq}: accepted, without warnings. */
export const batchAccepted = async (sent: Sent): Promise<BatchAccepted> => ({
  seq: Number(sent.path.split("/").pop()),
  recordCount: (await bodyJson<{ data: unknown[] }>(sent)).data.length,
  firstRow: Number(sent.headers["intake-first-row"] ?? 1),
  warnings: [],
  warningCount: 0,
});

/** POST …/syncs/{id}/commit: `version` committed with `recordCount` records. */
export const committed = (version: number, recordCount: number, extra: Partial<SyncCommitted> = {}) => ({
  syncId: "sync_1",
  version,
  recordCount,
  committedAt: "2024-06-01T12:00:00Z",
  warnings: [],
  warningCount: 0,
  ...extra,
});

/** GET …/syncs/{id}/diff of an upload of `incoming` records with no current version. */
export const firstDiff = (incoming: number, added: DatasetDiff["examples"]["added"]): DatasetDiff => ({
  current: null,
  incoming,
  added: incoming,
  removed: 0,
  changed: 0,
  unchanged: 0,
  removedShare: 0,
  lostValues: [],
  examples: { added, removed: [], changed: [] },
});
