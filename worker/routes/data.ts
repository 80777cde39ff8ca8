// Data routes of one integration context: validate (dry run), one-shot submit, reading the
// current dataset (JSON pages or CSV), versions and restore, effective access.
import { Hono } from "hono";
import type { Restored, Submitted, ValidateResponse } from "../../schemas/api-types.ts";
import { formatSchemaVer, type IntakeRecord, parseSchemaId } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { fieldList } from "../db/bodies.ts";
import {
  commitVersionStatements,
  currentVersion,
  getVersion,
  insertRecordsStatements,
  listVersions,
  versionBySource,
} from "../db/datasets.ts";
import { rowsDiff, setDiff } from "../db/diff.ts";
import { deleteRecordSet, deleteStagedStatements, pruneVersionsStatement } from "../db/retention.ts";
import { ensureStore, getStore } from "../db/stores.ts";
import { stageArchived } from "../domain/archive.ts";
import { refuseWhileCommitting } from "../domain/commit-steps.ts";
import { schemaFor } from "../domain/contexts.ts";
import { newId } from "../domain/crypto.ts";
import { csvOf } from "../domain/csv-export.ts";
import { readRecordsBody } from "../domain/records-body.ts";
import { restoreVersion } from "../domain/restore.ts";
import { DIFF_COST } from "../domain/sync-diff.ts";
import { validateBatch } from "../domain/validate-batch.ts";
import { readAll, readPage } from "../domain/version-read.ts";
import { diffView, versionView } from "../domain/views.ts";
import { limitsOf } from "../http/limits.ts";
import { strictInt } from "../http/params.ts";
import { badRequest, conflict, invalidRecords, notFound } from "../http/problem.ts";
import { chargeRequests } from "../http/request-budget.ts";
import { requireKey } from "../middleware/auth.ts";
import { datasetScope, refOf } from "../middleware/dataset.ts";
import { claimIdempotency, idempotency } from "../middleware/idempotency.ts";
import { recordIngestion } from "../middleware/ingestion.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { syncDiff } from "./diff.ts";
import { effectiveAccess } from "./effective-access.ts";
import { syncs } from "./syncs.ts";

const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

/**
 * A page cursor: `v<version>.<position>.<database>`. A position is a row's place in the database
 * that gave it, so a cursor from before the tenant moved is refused (its positions mean nothing
 * in the new database), never read as another place.
 */
function parseCursor(
  cursor: string | undefined,
  database: string,
): { version: number; after: number } | undefined {
  if (!cursor) return undefined;
  const m = /^v(\d{1,15})\.(\d{1,15})(?:\.([A-Z][A-Z0-9_]{0,40}))?$/.exec(cursor);
  if (!m) throw badRequest("The cursor is not valid; use nextCursor from the previous page");
  if (m[3] !== undefined && m[3] !== database)
    throw conflict(
      "dataset-moved",
      "Dataset moved",
      "The tenant's data moved to another database since this cursor was given; read again from the first page",
    );
  return { version: Number(m[1]), after: Number(m[2]) };
}

const pageSize = (raw: string | undefined) =>
  raw === undefined ? PAGE_DEFAULT : strictInt(raw, "limit", 1, PAGE_MAX);

export const data = new Hono<AppEnv>()
  .use("*", requireKey(), rateLimit(), datasetScope(), recordIngestion())
  .post("/validate", async (c) => {
    const ref = refOf(c);
    const schema = await schemaFor(c, ref.context);
    if (!schema) throw notFound(`Context "${ref.context}"`);
    const body = await readRecordsBody(c, ref.context, limitsOf(c.env));
    const store = await getStore(c.var.db, ref);
    const { report, rows } = validateBatch(ref.context, body, limitsOf(c.env), {
      datasetWarnings: true,
      schema,
      fields: store ?? fieldList(Object.keys(schema.properties)),
    });
    // The records as a one-shot submit would store them, against the current dataset.
    const current = await currentVersion(c.var.db, ref);
    const raw = await rowsDiff(c.var.db, rows, store, current !== undefined, Object.keys(schema.properties));
    c.set("ingestion", { kind: "validate", report, ok: report.valid });
    const response: ValidateResponse = { ...report, diff: diffView(raw, current, rows.length, schema) };
    return c.json(response);
  })
  .post(
    "/records",
    idempotency((c) => `${c.req.param("id")}/${c.req.param("context")}/records`),
    async (c) => {
      const ref = refOf(c);
      const key = c.get("key");
      const now = c.get("now");
      const limits = limitsOf(c.env);
      const body = await readRecordsBody(c, ref.context, limits);
      const replay = await claimIdempotency(c, body.records);
      if (replay) return replay;
      const schema = await schemaFor(c, ref.context);
      if (!schema) throw notFound(`Context "${ref.context}"`);
      await refuseWhileCommitting(c, ref);
      const store = await ensureStore(c.var.db, ref, Object.keys(schema.properties));
      const { report, rows } = validateBatch(ref.context, body, limits, {
        datasetWarnings: true,
        schema,
        fields: store,
      });
      if (!report.valid) {
        c.set("ingestion", { kind: "submit", report, ok: false });
        throw invalidRecords(report);
      }
      // Staged, committed as a version holding what changed, and unstaged, in one transaction.
      const setId = newId("set");
      await c.var.db.batch([
        ...insertRecordsStatements(c.var.db, setId, 0, rows),
        ...commitVersionStatements(c.var.db, ref, store.id, {
          records: { kind: "staged", setId, first: false },
          recordCount: rows.length,
          source: "submit",
          sourceId: setId,
          keyName: key.name,
          now: now.toISOString(),
          schemaId: schema.$id,
        }),
        pruneVersionsStatement(c.var.db, ref, limits.versionsRetained),
        ...deleteStagedStatements(c.var.db, setId),
      ]);
      const version = await versionBySource(c.var.db, ref, setId);
      // A commit in steps began between the check and the transaction: nothing was created.
      if (!version) {
        await refuseWhileCommitting(c, ref);
        throw conflict(
          "dataset-changed",
          "Dataset changed",
          "The dataset changed during the submit; nothing was stored. Submit again",
        );
      }
      c.set("ingestion", { kind: "submit", report, ok: true, version: version.version });
      const response: Submitted = {
        ...versionView(version),
        warnings: report.warnings,
        warningCount: report.warningCount,
      };
      return c.json(response, 201);
    },
  )
  .get("/records", async (c) => {
    const ref = refOf(c);
    const wantsCsv = c.req.query("format") === "csv" || (c.req.header("accept") ?? "").includes("text/csv");
    const cursor = parseCursor(c.req.query("cursor"), c.var.database);
    const asked = c.req.query("version");
    const number =
      asked === undefined ? undefined : strictInt(asked, "The version", 1, Number.MAX_SAFE_INTEGER);
    if (cursor && number !== undefined && cursor.version !== number)
      throw badRequest(`The cursor belongs to version ${cursor.version}, not to version ${number}`);
    const version =
      cursor || number !== undefined
        ? await getVersion(c.var.db, ref, cursor?.version ?? (number as number))
        : await currentVersion(c.var.db, ref);
    if (!cursor && number !== undefined && !version) throw notFound(`Version ${number} of ${ref.context}`);
    if (cursor && !version)
      throw conflict(
        "version-gone",
        "Version no longer retained",
        `Version ${cursor.version} was pruned; start again without a cursor`,
      );
    const store = version ? await getStore(c.var.db, ref) : undefined;
    if (wantsCsv) {
      const fields = Object.keys((await schemaFor(c, ref.context))?.properties ?? {});
      let text = csvOf(fields, [], true);
      if (version && store) {
        const batch: IntakeRecord[] = [];
        for await (const r of readAll(c.env, c.var.db, ref, store, version)) {
          batch.push(r);
          if (batch.length === 1000) text += csvOf(fields, batch.splice(0), false);
        }
        text += csvOf(fields, batch, false);
      }
      return c.body(text, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${ref.context}${version ? `-v${version.version}` : ""}.csv"`,
      });
    }
    if (!version || !store) return c.json({ version: null, data: [], nextCursor: null });
    const limit = pageSize(c.req.query("limit"));
    const page = await readPage(c.env, c.var.db, ref, store, version, cursor?.after ?? 0, limit);
    return c.json({
      version: version.version,
      recordCount: version.recordCount,
      data: page.records,
      nextCursor:
        page.last !== undefined && page.records.length === limit
          ? `v${version.version}.${page.last}.${c.var.database}`
          : null,
    });
  })
  .get("/versions", async (c) => {
    const ref = refOf(c);
    const limits = limitsOf(c.env);
    const current = await currentVersion(c.var.db, ref);
    const versions = await listVersions(c.var.db, ref, limits.versionsRetained + 1);
    return c.json({
      retained: limits.versionsRetained,
      hot: limits.versionsHot,
      data: versions.map((v) => versionView(v, current?.version)),
    });
  })
  .get("/versions/:version/diff", async (c) => {
    // What restoring the version would do to the current dataset (the console asks before it).
    const ref = refOf(c);
    const number = strictInt(c.req.param("version"), "The version", 1, Number.MAX_SAFE_INTEGER);
    const target = await getVersion(c.var.db, ref, number);
    if (!target) throw notFound(`Version ${number} of ${ref.context}`);
    const schema = await schemaFor(c, ref.context);
    if (!schema) throw notFound(`Context "${ref.context}"`);
    await refuseWhileCommitting(c, ref);
    const current = await currentVersion(c.var.db, ref);
    const store = await getStore(c.var.db, ref);
    if (!store) throw notFound(`Version ${number} of ${ref.context}`);
    await chargeRequests(c, DIFF_COST - 1);
    // An archived version is staged from its object for the comparison, then let go.
    const staged =
      target.storage === "archive"
        ? await stageArchived(c.env, c.var.db, ref, store, schema, target, c.get("now").toISOString())
        : undefined;
    try {
      const raw = await setDiff(
        c.var.db,
        store,
        staged ? { kind: "staged", setId: staged } : { kind: "version", version: number },
        current !== undefined,
        Object.keys(schema.properties),
      );
      return c.json(diffView(raw, current, target.recordCount, schema));
    } finally {
      if (staged) await deleteRecordSet(c.var.db, staged);
    }
  })
  .post("/versions/:version/restore", async (c) => {
    const ref = refOf(c);
    const number = strictInt(c.req.param("version"), "The version", 1, Number.MAX_SAFE_INTEGER);
    const target = await getVersion(c.var.db, ref, number);
    if (!target) throw notFound(`Version ${number} of ${ref.context}`);
    const schema = await schemaFor(c, ref.context);
    const was = target.schemaId ? parseSchemaId(target.schemaId) : undefined;
    const current = schema ? parseSchemaId(schema.$id) : undefined;
    if (was && current && was.version.model !== current.version.model)
      throw conflict(
        "schema-model-changed",
        "Schema changed",
        `Version ${number} was committed under the ${ref.context} schema ${formatSchemaVer(was.version)}; the schema is now ${formatSchemaVer(current.version)}, a breaking (MODEL) change, so its records cannot become current again. Its records stay readable; upload them again, checked against the current schema`,
        { committedUnder: target.schemaId, current: schema?.$id },
      );
    const store = await getStore(c.var.db, ref);
    if (!store || !schema) throw notFound(`Version ${number} of ${ref.context}`);
    await refuseWhileCommitting(c, ref);
    const restored = await restoreVersion(c, ref, target, { store, schema });
    // Pruned by a concurrent commit between the read and the restore, or a commit in steps began:
    // nothing was created.
    if (!restored) {
      await refuseWhileCommitting(c, ref);
      throw notFound(`Version ${number} of ${ref.context}`);
    }
    c.set("ingestion", {
      kind: "restore",
      ok: true,
      recordCount: restored.recordCount,
      version: restored.version,
      detail: `restored version ${number}`,
    });
    const response: Restored = { ...versionView(restored), restoredFrom: number };
    return c.json(response, 201);
  })
  .route("/effective-access", effectiveAccess)
  .route("/syncs", syncs)
  .route("/syncs", syncDiff);
