// The OpenAPI 3.1 description of every route. A test walks the app's routes and fails when one
// is missing here or described here without existing.
import { CONTEXT_NAMES } from "../schemas/index.ts";

type Security = "none" | "operator" | "admin" | "any";

interface Operation {
  summary: string;
  security: Security;
  body?: string;
  responses: Record<string, string>;
}

const ERRORS = { "4XX": "Problem details (application/problem+json)" };
const DATA_BODY = '{"data":[records]}, a JSON array, NDJSON (application/x-ndjson) or text/csv';

/** method -> path (OpenAPI form) -> operation. */
export const OPERATIONS: Record<string, Record<string, Operation>> = {
  "/health": {
    get: { summary: "Liveness, with a database round trip", security: "none", responses: { 200: "ok" } },
  },
  "/openapi.json": { get: { summary: "This document", security: "none", responses: { 200: "OpenAPI 3.1" } } },
  "/v1/contexts": {
    get: {
      summary:
        "List contexts (q: search words, category: exact category); with an API key, the tenant's custom contexts too (custom: true)",
      security: "none",
      responses: { 200: "Contexts" },
    },
    post: {
      summary: "Create a custom context for this tenant (a safe subset of JSON Schema 2020-12)",
      security: "admin",
      body: '{ "name", "title", "category", "description"?, "schema": { "type": "object", "properties", "required", "x-intake-key" } }',
      responses: {
        201: "The context, its schema ($id urn:intake:<tenant>.<name>:1-0-0) and change",
        409: "A context of that name exists, or the tenant has too many",
        413: "The definition is larger than 256 KB",
        422: "The definition breaks the meta-schema (errors name each problem)",
      },
    },
  },
  "/v1/contexts/{context}": {
    get: {
      summary: "A context: metadata, schema, revisions, template links, capabilities",
      security: "none",
      responses: { 200: "Context" },
    },
    put: {
      summary:
        "Update a custom context: its $id is bumped by SchemaVer (ADDITION, REVISION, MODEL); a MODEL change needs ?confirm=breaking",
      security: "admin",
      body: '{ "title", "category", "description"?, "schema" }',
      responses: {
        200: "The context and what changed",
        403: "A built-in context",
        409: "A MODEL change without ?confirm=breaking (change says what breaks)",
        422: "The definition breaks the meta-schema",
      },
    },
    delete: {
      summary: "Delete a custom context no integration uses (its revisions too)",
      security: "admin",
      responses: { 204: "Deleted", 403: "A built-in context", 409: "Integrations use it (named)" },
    },
  },
  "/v1/contexts/{context}/schema": {
    get: {
      summary:
        "The context's JSON Schema (application/schema+json), ETag from its $id (If-None-Match: 304); ?version=M-R-A serves a retained revision",
      security: "none",
      responses: { 200: "Schema", 304: "Not modified", 404: "No such context or revision" },
    },
  },
  "/v1/contexts/{context}/template.csv": {
    get: {
      summary: "CSV template: header and one example row",
      security: "none",
      responses: { 200: "text/csv" },
    },
  },
  "/v1/contexts/{context}/template.json": {
    get: {
      summary: 'JSON template: {"data":[example]}',
      security: "none",
      responses: { 200: "application/json" },
    },
  },
  "/v1/capabilities": {
    get: {
      summary: "Discovery capabilities: presets over contexts",
      security: "none",
      responses: { 200: "Capabilities" },
    },
  },
  "/v1/tenants": {
    post: {
      summary: "Create a tenant and its first admin key (operator token)",
      security: "operator",
      body: "{ name, adminKeyName?, adminKeyExpiresAt? }",
      responses: {
        201: "{ tenant: { id, name, createdAt, database }, key, secret } — the secret is shown only here; the tenant is placed on the least loaded data database (by stored bytes, then tenants)",
      },
    },
  },
  "/v1/tenants/{id}": {
    get: {
      summary: "A tenant and the data database it lives on (operator token)",
      security: "operator",
      responses: { 200: "{ id, name, createdAt, database }", 404: "No such tenant" },
    },
  },
  "/v1/tenants/{id}/move": {
    post: {
      summary:
        "Move a tenant to another data database (operator token): copied in steps in the background, verified (counts and sums of every table), then the placement switches in one statement and the old copy is deleted; reads are served from the old database until the switch, writes to the tenant's integrations and contexts get 503 + Retry-After until it; a copy that does not verify is made again, and after three tries rolled back",
      security: "operator",
      body: "{ database: DATA_<n> }",
      responses: {
        202: "The tenant with its move ({ phase, … }); GET /v1/tenants/{id} follows it",
        404: "No such tenant",
        409: "Already there, a move already running, or a commit in steps running (Retry-After)",
        422: "Not a data database of this Worker",
      },
    },
  },
  "/v1/databases": {
    get: {
      summary:
        "The databases holding tenant data (DATA_<n> bindings; DB while tenants placed before placement live there), each with its load (operator token)",
      security: "operator",
      responses: { 200: "{ data: [{ name, tenants, storedBytes, records }] }" },
    },
  },
  "/v1/me": {
    get: {
      summary:
        "The tenant and key behind the presented API key, and the limits to respect (rate-limited per key)",
      security: "any",
      responses: { 200: "{ tenant, key, limits }" },
    },
  },
  "/v1/keys": {
    get: { summary: "List keys (never secrets)", security: "admin", responses: { 200: "Keys" } },
    post: {
      summary: "Create a key",
      security: "admin",
      body: "{ name, scope: admin|ingest, integrationId?, expiresAt }",
      responses: { 201: "{ key, secret } — the secret is shown only here" },
    },
  },
  "/v1/keys/{id}": {
    get: { summary: "One key", security: "admin", responses: { 200: "Key" } },
    delete: {
      summary: "Revoke a key (effective on the next request)",
      security: "admin",
      responses: { 200: "The revoked key" },
    },
  },
  "/v1/integrations": {
    get: {
      summary: "List integrations the key may use",
      security: "any",
      responses: { 200: "Integrations" },
    },
    post: {
      summary: "Create an integration",
      security: "admin",
      body: "{ name, displayName?, description?, logo?: #RRGGBB | data:image/(png|jpeg|webp);base64,… (≤ 5 KB), contexts: [..] }",
      responses: { 201: "The integration with its endpoints" },
    },
  },
  "/v1/integrations/{id}": {
    get: {
      summary: "An integration with per-context endpoints, headers and curl",
      security: "any",
      responses: { 200: "Integration" },
    },
    patch: {
      summary: "Update an integration",
      security: "admin",
      body: "Any subset of the create fields",
      responses: { 200: "Integration" },
    },
    delete: {
      summary: "Delete an integration (its bound keys are revoked, its data deleted)",
      security: "admin",
      responses: { 204: "Deleted" },
    },
  },
  "/v1/integrations/{id}/ingestions": {
    get: {
      summary:
        "Ingestion history: every validate, submit, batch, commit, abort and restore (context, before, limit)",
      security: "any",
      responses: { 200: "{ data, nextBefore }" },
    },
  },
  "/v1/integrations/{id}/status": {
    get: {
      summary:
        "Ready / Active / Warning / Failed per context and overall, with reasons (an ingest key sees no other key's name)",
      security: "any",
      responses: { 200: "Status" },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/validate": {
    post: {
      summary: "Dry run: validate records, store nothing; the diff says what a submit would replace",
      security: "any",
      body: DATA_BODY,
      responses: { 200: "Validation report with diff { current, added, removed, changed, unchanged, … }" },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/records": {
    post: {
      summary:
        "One-shot snapshot: the body is the complete dataset; atomically becomes current (Idempotency-Key honoured)",
      security: "any",
      body: DATA_BODY,
      responses: {
        201: "{ version, recordCount, committedAt, warnings }",
        422: "Invalid records: the report; nothing stored",
      },
    },
    get: {
      summary:
        "The current dataset, or a retained version with version=N, cursor-paginated (cursor, limit); CSV export with format=csv or Accept: text/csv",
      security: "any",
      responses: {
        200: "{ version, recordCount, data, nextCursor } or text/csv",
        404: "version=N names no retained version",
        409: "The cursor's version was pruned",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/versions": {
    get: {
      summary:
        "Retained versions, newest first; each says where it is kept (storage: hot in D1, the newest `hot`; archive in R2, read and restored from there)",
      security: "any",
      responses: { 200: "{ retained, hot, data }" },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/versions/{version}/diff": {
    get: {
      summary:
        "What restoring the version would do to the current dataset: the same shape as a sync's diff (lostValues included)",
      security: "any",
      responses: {
        200: "{ current, incoming, added, removed, changed, unchanged, removedShare, lostValues, examples }",
        404: "No such version",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/versions/{version}/restore": {
    post: {
      summary: "Make an earlier version current again (as a new version)",
      security: "any",
      responses: {
        201: "The new version",
        409: "The version was committed under an earlier MODEL of the context's schema",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/effective-access": {
    get: {
      summary:
        "access_relations only: identity -> resource with the providing chain (first 25 links; chainLength, chainTruncated), paged by identity (identity, resource, limit 1-1000, cursor); a page stops at 1 MB",
      security: "any",
      responses: { 200: "{ version, data, nextCursor }", 409: "The cursor's version was pruned" },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/syncs": {
    post: {
      summary:
        'Start a sync (a snapshot in many batches); optional body { "schemaId": the schema $id the client validated against, "sourceName": what the data came from (a file name, or a page title and address), clipped to 300 characters and shown in the ingestion history }',
      security: "any",
      responses: {
        201: "{ syncId, expiresAt, limits, schemaId? }",
        400: "schemaId is not a SchemaVer $id of this context, or sourceName is not a string",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}/batches/{seq}": {
    put: {
      summary: "Upload batch seq (1, 2, …); same payload again -> same answer, different payload -> 409",
      security: "any",
      body: DATA_BODY,
      responses: {
        200: "{ seq, recordCount }",
        409: "Different payload for this seq",
        422: "Invalid records",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}/commit": {
    post: {
      summary:
        "Commit: checks batches (and expectedRecords), duplicates across batches, then swaps the dataset pointer. A commit writing more rows than COMMIT_INLINE_ROWS is written in steps in the background: 202 with the sync committing; ask again (the same POST) after Retry-After until it answers 200",
      security: "any",
      body: "{ expectedRecords?, confirmReplacement? }",
      responses: {
        200: "{ syncId, version, recordCount, committedAt, warnings, warningCount, schemaChange?, unchanged?, replayed? } (unchanged: the records equal the current version, which stays current; no new version)",
        202: "{ syncId, status: committing, version, progress: { done, total }, retryAfter } with Retry-After and Location: the version is being written; the current one is served until it is done",
        409: "Another sync of the dataset is committing (dataset-committing, Retry-After), missing batches, count mismatch, the schema's MODEL changed since the sync began (schema-model-changed), too many records to check again after a schema change (schema-revised), the schema or dataset changed during the commit, or a risky replacement without confirmReplacement: true (replacement-unconfirmed, with concerns: emptying the dataset, removing > 20 % of 10+ records, or emptying a field in > 20 % of the records)",
        422: "Invalid records, duplicate keys across batches, or records the schema refuses since it changed",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}/diff": {
    get: {
      summary:
        "What committing the sync would do to the current dataset, by record key: added, removed, changed, unchanged, with example keys, and lostValues: per field, the records whose value the upload would erase (missing: the upload has no such column). Computed once per state of the sync and dataset; a computed one counts as 5 requests",
      security: "any",
      responses: {
        200: "{ current, incoming, added, removed, changed, unchanged, removedShare, lostValues, examples }",
        409: "The sync is committed or aborted",
        410: "The sync expired",
      },
    },
  },
  "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}": {
    get: {
      summary: "Where a sync stands: open, committing (with progress), committed, aborted or expired",
      security: "any",
      responses: {
        200: "{ syncId, status, createdAt, expiresAt, batches, records, version, progress? }",
        404: "No such sync for this key",
      },
    },
    delete: {
      summary: "Abort a sync; nothing becomes visible",
      security: "any",
      responses: { 204: "Aborted", 409: "The sync is being committed (sync-committing)" },
    },
  },
};

const SECURITY: Record<Security, unknown[]> = {
  none: [],
  operator: [{ bearer: [] }],
  admin: [{ apiKey: [] }, { bearer: [] }],
  any: [{ apiKey: [] }, { bearer: [] }],
};

/** `contexts`: the context names the caller may use (built-ins, and its tenant's own with a key). */
export function openApiDocument(serverUrl: string, contexts: readonly string[] = CONTEXT_NAMES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
        name: m[1],
        in: "path",
        required: true,
        schema: m[1] === "context" ? { type: "string", enum: [...contexts] } : { type: "string" },
      }));
      (paths[path] as Record<string, unknown>)[method] = {
        summary: op.summary,
        description: op.security === "admin" ? "Requires an admin key." : undefined,
        security: SECURITY[op.security],
        parameters: parameters.length > 0 ? parameters : undefined,
        requestBody: op.body
          ? {
              required: true,
              description: op.body,
              content: { "application/json": { schema: { type: "object" } } },
            }
          : undefined,
        responses: Object.fromEntries(
          Object.entries({ ...op.responses, ...ERRORS }).map(([status, description]) => [
            status,
            { description },
          ]),
        ),
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Intake edge validator",
      version: "1.0.0",
      description: "Schemas, API keys, integrations and validated datasets.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
    paths,
  };
}
