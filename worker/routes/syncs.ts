// Syncs: a snapshot uploaded in many batches. Nothing is visible before commit. A sync ends in
// exactly one terminal state (committed, aborted, expired) that no route leaves; a commit too
// large for one request passes through `committing` (commit-steps.ts). Every write into
// a sync is guarded inside its own transaction by "the sync is still open", so a batch racing a
// commit or an abort stores nothing, and a repeated commit replays the first answer (or says the
// version was pruned) instead of committing again.
import { type Context, Hono } from "hono";
import type { SyncInfo, SyncStarted } from "../../schemas/api-types.ts";
import { compareSchemaVer, formatSchemaVer, isObject, parseSchemaId } from "../../schemas/index.ts";
import { clipSourceName, sourceNameProblem } from "../../schemas/limits.ts";
import { builtinRevision } from "../../schemas/releases/index.ts";
import type { AppEnv, ResolvedContext } from "../app-env.ts";
import { commitState } from "../db/commit-steps.ts";
import { getRevision } from "../db/custom-contexts.ts";
import { insertRecordSetStatement } from "../db/datasets.ts";
import { ensureStore } from "../db/stores.ts";
import {
  batchSummary,
  insertSyncStatement,
  markAborted,
  type Sync,
  setSyncSourceNameStatement,
} from "../db/syncs.ts";
import { commitSync, replayCommit } from "../domain/commit.ts";
import { committingResponse } from "../domain/commit-steps.ts";
import { contextFor } from "../domain/contexts.ts";
import { newId, sha256Hex } from "../domain/crypto.ts";
import { decodeUtf8, readRecordsBody } from "../domain/records-body.ts";
import { replayBatch, storeBatch } from "../domain/sync-batch.ts";
import { closedProblem, committingProblem, requireSync } from "../domain/sync-state.ts";
import { isJsonType, mediaType, parseJsonSafely, unsupportedMediaType } from "../http/body.ts";
import { announcedLimits, limitsOf } from "../http/limits.ts";
import { strictInt } from "../http/params.ts";
import { badRequest, conflict, notFound } from "../http/problem.ts";
import { refOf } from "../middleware/dataset.ts";

const MAX_SEQ = 100_000;
const MAX_ROW = 1_000_000_000;
/** The header a client uses to say which file row a batch's first record is. */
const FIRST_ROW_HEADER = "intake-first-row";

async function optionalJson(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  // Strict UTF-8 (like data bodies) and 415 for a wrong content type (like every other route),
  // rather than a lenient decode and a generic 400.
  const text = decodeUtf8(await c.req.arrayBuffer());
  if (text.trim() === "") return {};
  const type = mediaType(c);
  if (!isJsonType(type)) throw unsupportedMediaType(type, "application/json (or no body)");
  const value = parseJsonSafely(text);
  if (!isObject(value)) throw badRequest("The body must be a JSON object");
  return value;
}

/**
 * The `schemaId` a client says it validated against, checked: a SchemaVer `$id` of this context
 * that names one of its released revisions (not a version that never existed). Undefined when
 * none was given.
 */
async function checkedSchemaId(
  c: Context<AppEnv>,
  value: unknown,
  context: ResolvedContext,
): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const { schema } = context;
  const current = parseSchemaId(schema.$id);
  const scoped = current?.name ?? context.name;
  const example = `urn:intake:${scoped}:M-R-A`;
  if (typeof value !== "string")
    throw badRequest(`schemaId must be the schema $id the file was validated against (${example})`);
  const given = parseSchemaId(value);
  const shown = JSON.stringify(value.slice(0, 200));
  if (!given) throw badRequest(`schemaId ${shown} is not a SchemaVer $id such as ${example}`);
  if (given.name !== scoped)
    throw badRequest(`schemaId ${shown} is not a schema of ${context.name} (${example})`);
  if (current && compareSchemaVer(given.version, current.version) > 0)
    throw badRequest(`schemaId ${shown} is newer than the current schema of ${context.name} (${schema.$id})`);
  const version = formatSchemaVer(given.version);
  const released = context.custom
    ? (await getRevision(c.var.db, context.custom.tenantId, context.name, version)) !== undefined
    : builtinRevision(context.name, version) !== undefined;
  if (!released)
    throw badRequest(
      `schemaId ${shown} names no released revision of ${context.name}; see GET /v1/contexts/${context.name} (revisions)`,
    );
  return value;
}

export const syncs = new Hono<AppEnv>()
  .post("/", async (c) => {
    const ref = refOf(c);
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const body = await optionalJson(c);
    const extra = Object.keys(body).filter((k) => k !== "schemaId" && k !== "sourceName");
    if (extra.length > 0)
      throw badRequest(`Unknown field(s) ${extra.join(", ")}; a sync takes only schemaId and sourceName`);
    if (body.sourceName !== undefined && typeof body.sourceName !== "string")
      throw badRequest("sourceName must be a string (a file name, or a page's title and address)");
    if (typeof body.sourceName === "string") {
      const problem = sourceNameProblem(body.sourceName);
      if (problem) throw badRequest(problem);
    }
    const sourceName = typeof body.sourceName === "string" ? clipSourceName(body.sourceName) : null;
    const context = await contextFor(c, ref.context);
    if (!context) throw notFound(`Context "${ref.context}"`);
    const schemaId = await checkedSchemaId(c, body.schemaId, context);
    await ensureStore(c.var.db, ref, Object.keys(context.schema.properties));
    const sync: Sync = {
      id: newId("syn"),
      tenantId: ref.tenantId,
      integrationId: ref.integrationId,
      context: ref.context,
      setId: newId("set"),
      status: "open",
      keyName: c.get("key").name,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + limits.syncTtlHours * 3_600_000).toISOString(),
      committedVersion: null,
      expectedRecords: null,
      commitWarnings: null,
      schemaId: schemaId ?? null,
      openedSchemaId: context.schema.$id,
    };
    await c.var.db.batch([
      insertRecordSetStatement(c.var.db, ref, sync.setId, sync.createdAt),
      insertSyncStatement(c.var.db, sync),
      ...(sourceName === null
        ? []
        : [setSyncSourceNameStatement(c.var.db, ref.tenantId, sync.id, sourceName)]),
    ]);
    const response: SyncStarted = {
      syncId: sync.id,
      expiresAt: sync.expiresAt,
      limits: announcedLimits(limits),
      ...(schemaId ? { schemaId } : {}),
    };
    return c.json(response, 201);
  })
  .put("/:syncId/batches/:seq", async (c) => {
    const ref = refOf(c);
    const seq = strictInt(c.req.param("seq"), "The batch seq", 1, MAX_SEQ);
    const firstRowHeader = c.req.header(FIRST_ROW_HEADER);
    const firstRow =
      firstRowHeader === undefined ? undefined : strictInt(firstRowHeader, "Intake-First-Row", 1, MAX_ROW);
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    const closed = closedProblem(sync, c.get("now"));
    if (closed) throw closed;
    const body = await readRecordsBody(c, ref.context, limitsOf(c.env));
    const batch = { seq, firstRow, body, payloadHash: await sha256Hex(JSON.stringify(body.records)) };
    return (await replayBatch(c, sync, batch)) ?? storeBatch(c, ref, sync, batch);
  })
  .post("/:syncId/commit", async (c) => {
    const ref = refOf(c);
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    const body = await optionalJson(c);
    const unknown = Object.keys(body).filter((k) => k !== "expectedRecords" && k !== "confirmReplacement");
    if (unknown.length > 0)
      throw badRequest(
        `Unknown field(s) ${unknown.join(", ")}; commit takes only expectedRecords and confirmReplacement`,
      );
    const confirmed = body.confirmReplacement;
    if (confirmed !== undefined && typeof confirmed !== "boolean")
      throw badRequest("confirmReplacement must be true or false");
    const expected = body.expectedRecords;
    if (
      expected !== undefined &&
      (typeof expected !== "number" || !Number.isSafeInteger(expected) || expected < 0)
    ) {
      throw badRequest("expectedRecords must be a whole number of 0 or more");
    }
    if (sync.status === "committed") return replayCommit(c, ref, sync, expected);
    if (sync.status === "committing") {
      const state = await commitState(c.var.db, ref, sync.id);
      if (state) return committingResponse(c, ref, state);
      // Its last step landed since the read: the committed answer.
      return replayCommit(c, ref, await requireSync(c, ref, sync.id), expected);
    }
    const closed = closedProblem(sync, c.get("now"));
    if (closed) throw closed;
    return commitSync(c, ref, sync, { expected, confirmed: confirmed === true });
  })
  .get("/:syncId", async (c) => {
    const ref = refOf(c);
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    const [batches, state] = await Promise.all([
      batchSummary(c.var.db, sync.id),
      sync.status === "committing" ? commitState(c.var.db, ref, sync.id) : undefined,
    ]);
    const expired = closedProblem(sync, c.get("now"))?.body.status === 410;
    const info: SyncInfo = {
      syncId: sync.id,
      status: expired ? "expired" : sync.status,
      createdAt: sync.createdAt,
      expiresAt: sync.expiresAt,
      batches: batches.count,
      records: batches.records,
      version: state?.version ?? sync.committedVersion,
      ...(state ? { progress: { done: state.done, total: state.total } } : {}),
    };
    return c.json(info);
  })
  .delete("/:syncId", async (c) => {
    const ref = refOf(c);
    const sync = await requireSync(c, ref, c.req.param("syncId"));
    if (sync.status === "committed")
      throw conflict(
        "sync-committed",
        "Sync committed",
        `Sync ${sync.id} is already committed; restore an earlier version instead`,
      );
    if (sync.status === "committing") throw committingProblem(sync);
    if (sync.status === "open" && (await markAborted(c.var.db, ref, sync.id))) {
      c.set("ingestion", { kind: "abort", ok: true, syncId: sync.id });
    }
    return c.body(null, 204);
  });
