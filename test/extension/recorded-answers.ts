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
  CustomContextSaved,
  DatasetDiff,
  Integration,
  IntegrationDetail,
  IntegrationStatus,
  KeyScope,
  Me,
  SchemaChange,
  SyncCommitted,
  SyncStarted,
  ValidateResponse,
} from "../../schemas/api-types.ts";
import {
  type ContextSchema,
  listCapabilities,
  listCategories,
  listContexts,
  summarizeContext,
} from "../../schemas/index.ts";
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

/** GET /v1/me with the laptop key (its first use), as an ingest key (bound or not) or an admin key. */
export const me = (scope: KeyScope = "ingest", integrationId: string | null = null): Me => ({
  tenant: { id: "ten_1", name: "Acme Corp" },
  key: { ...LAPTOP, scope, integrationId, lastUsedAt: null },
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

const CURL = "-H 'x-api-key: <your ingest key>' -H 'content-type: application/json' --data-binary";

/** GET /v1/integrations/{id}: the integration and, per context (by title), its endpoints. */
export const detailOf = (integration: Integration, titles: Record<string, string>): IntegrationDetail => {
  const root = `${WORKER}/v1/integrations/${integration.id}/contexts`;
  return {
    ...integration,
    endpoints: integration.contexts.map((context) => ({
      context,
      title: titles[context] ?? context,
      records: `${root}/${context}/records`,
      validate: `${root}/${context}/validate`,
      syncs: `${root}/${context}/syncs`,
      schema: `${WORKER}/v1/contexts/${context}/schema`,
      headers: { "x-api-key": "<your ingest key>", "content-type": "application/json" },
      curl: `curl -X POST '${root}/${context}/records' ${CURL} @${context}.json`,
    })),
  };
};

export const ACME_DETAIL = detailOf(ACME, { saas_users: "SaaS users", list_employees: "Employees" });

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

/** GET /v1/integrations/{id}/status of an integration with no data yet and a usable key. */
export const readyStatus = (integration: Integration): IntegrationStatus => ({
  integrationId: integration.id,
  computedAt: "2024-06-01T12:00:00.000Z",
  status: "Ready",
  reasons: integration.contexts.map((c) => `${c}: No data yet; a usable key is ready`),
  contexts: integration.contexts.map((context) => ({
    context,
    status: "Ready",
    reasons: ["No data yet; a usable key is ready"],
    lastCommitAt: null,
  })),
});

/** GET …/ingestions with nothing recorded yet. */
export const NO_INGESTIONS = { data: [], nextBefore: null };

/** GET …/contexts/{context}/versions with no version yet. */
export const NO_VERSIONS = { retained: 10, hot: 3, data: [] };

/** The Worker as the console meets it for Acme: the laptop key (`scope`, bound or not) and what it reads. */
export const consoleAnswers = (scope: KeyScope = "admin", bound: string | null = null) => ({
  "GET /v1/me": me(scope, bound),
  "GET /v1/integrations": { data: [ACME] },
  "GET /v1/integrations/int_acme": ACME_DETAIL,
  "GET /v1/integrations/int_acme/status": readyStatus(ACME),
  "GET /v1/integrations/*/ingestions": NO_INGESTIONS,
  "GET /v1/integrations/*/contexts/*/versions": NO_VERSIONS,
  "GET /v1/contexts": (sent: Sent) => catalog([], new URLSearchParams(sent.search).get("q") ?? undefined),
  "GET /v1/capabilities": { data: listCapabilities() },
  "GET /v1/keys": { data: [LAPTOP] },
});

const EMAIL_NOPE = {
  row: 2,
  pointer: "/emailId",
  field: "emailId",
  keyword: "format",
  message: 'emailId must be an email address, e.g. jane.doe@example.com; got "nope"',
  value: "nope",
};

/** POST …/saas_users/validate of {"data":[{"emailId":"a@x.co"},{"emailId":"nope","createdOn":"29022023"}]}. */
export const VALIDATED_JSON: ValidateResponse = {
  valid: false,
  recordCount: 2,
  errorCount: 2,
  warningCount: 0,
  errors: [
    EMAIL_NOPE,
    {
      row: 2,
      pointer: "/createdOn",
      field: "createdOn",
      keyword: "format",
      message: 'createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got "29022023"',
      value: "29022023",
    },
  ],
  warnings: [],
  truncated: false,
  diff: firstDiff(2, [{ emailId: "a@x.co" }, { emailId: "nope" }]),
};

/** POST …/saas_users/validate of this CSV file as text/csv. */
export const CSV_FILE = "Email,Shoe Size\r\ra@x.co,44\rnope,45\r";
export const VALIDATED_CSV: ValidateResponse = {
  ...VALIDATED_JSON,
  errors: [
    {
      row: 0,
      line: 1,
      pointer: "",
      field: "Shoe Size",
      keyword: "unknown-column",
      message: 'Column 2 ("Shoe Size"): not a field of saas_users nor one of its aliases',
    },
    { ...EMAIL_NOPE, line: 4 },
  ],
};

/** POST …/saas_users/validate of [{"emailId":"a@x.co"}]. */
export const VALIDATED_OK: ValidateResponse = {
  valid: true,
  recordCount: 1,
  errorCount: 0,
  warningCount: 0,
  errors: [],
  warnings: [],
  truncated: false,
  diff: firstDiff(1, [{ emailId: "a@x.co" }]),
};

/** What an admin sends to create a context (POST /v1/contexts). */
export interface ContextInput {
  name: string;
  title: string;
  category: string;
  schema: Record<string, unknown>;
}

/** A tenant's context as the Worker keeps and serves it: the definition with its `$id`, title and category. */
export const customSchema = (input: ContextInput, version = "1-0-0"): ContextSchema =>
  ({
    $id: `urn:intake:ten_1.${input.name}:${version}`,
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: input.title,
    description: "",
    examples: [],
    ...input.schema,
    "x-intake-category": input.category,
  }) as unknown as ContextSchema;

/** Its entry in GET /v1/contexts. */
export const customEntry = (name: string, schema: ContextSchema): CatalogInfo => ({
  ...summarizeContext(name, schema),
  custom: true,
});

/** POST /v1/contexts (201) and PUT /v1/contexts/{name} (200): the context saved, and what changed. */
export const customSaved = (
  name: string,
  schema: ContextSchema,
  change: SchemaChange,
  revisions = [change.to],
): CustomContextSaved => ({
  ...customEntry(name, schema),
  custom: true,
  links: {
    self: `${WORKER}/v1/contexts/${name}`,
    schema: `${WORKER}/v1/contexts/${name}/schema`,
    templateCsv: `${WORKER}/v1/contexts/${name}/template.csv`,
    templateJson: `${WORKER}/v1/contexts/${name}/template.json`,
  },
  schema,
  revisions,
  capabilities: [],
  createdAt: "2024-06-01T00:00:00.000Z",
  updatedAt: "2024-06-01T00:00:00.000Z",
  change,
});
