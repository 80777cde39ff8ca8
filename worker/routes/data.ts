// Data routes of one integration context: validate (dry run), one-shot submit, reading the
// current dataset (JSON pages or CSV), versions and restore, effective access.
import { Hono } from "hono";
import { computeEffectiveAccess, getSchema, type IntakeRecord } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import {
  addToRecordCountStatement,
  commitVersionStatements,
  currentVersion,
  getVersion,
  insertRecordSetStatement,
  insertRecordsStatements,
  listVersions,
  readRecords,
  type Version,
  versionBySource,
} from "../db/datasets.ts";
import {
  claimIdempotencyKey,
  completeIdempotencyStatement,
  getIdempotencyRecord,
  releaseIdempotencyKey,
} from "../db/idempotency.ts";
import { pruneVersionsStatement } from "../db/retention.ts";
import { newId, sha256Hex } from "../lib/crypto.ts";
import { csvOf } from "../lib/csv-export.ts";
import { ingestionOf, ingestionStatement as record } from "../lib/ingestion.ts";
import { limitsOf } from "../lib/limits.ts";
import { badRequest, conflict, invalidRecords, notFound, Problem } from "../lib/problem.ts";
import { readRecordsBody } from "../lib/records-body.ts";
import { validateBatch } from "../lib/validate-batch.ts";
import { requireKey } from "../middleware/auth.ts";
import { datasetScope, refOf } from "../middleware/dataset.ts";
import { rateLimit } from "../middleware/rate-limit.ts";
import { syncs } from "./syncs.ts";

const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

/** The public shape of a committed version. */
export function versionView(v: Version, current?: number) {
  return {
    version: v.version,
    recordCount: v.recordCount,
    source: v.source,
    keyName: v.keyName,
    committedAt: v.createdAt,
    ...(current !== undefined ? { current: v.version === current } : {}),
  };
}

function parseCursor(cursor: string | undefined): { version: number; seq: number; idx: number } | undefined {
  if (!cursor) return undefined;
  const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(cursor);
  if (!m) throw badRequest("The cursor is not valid; use nextCursor from the previous page");
  return { version: Number(m[1]), seq: Number(m[2]), idx: Number(m[3]) };
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return PAGE_DEFAULT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > PAGE_MAX)
    throw badRequest(`limit must be a whole number from 1 to ${PAGE_MAX}`);
  return n;
}

async function* allRecords(db: D1Database, setId: string): AsyncGenerator<IntakeRecord> {
  let after = { seq: -1, idx: -1 };
  for (;;) {
    const page = await readRecords(db, setId, after, 5000);
    for (const r of page.records) yield JSON.parse(r.data) as IntakeRecord;
    const last = page.records.at(-1);
    if (!last || page.records.length < 5000) return;
    after = { seq: last.seq, idx: last.idx };
  }
}

export const data = new Hono<AppEnv>()
  .use("*", requireKey(), rateLimit(), datasetScope())
  .post("/validate", async (c) => {
    const ref = refOf(c);
    const key = c.get("key");
    const body = await readRecordsBody(c, ref.context, limitsOf(c.env));
    const { report } = validateBatch(ref.context, body, limitsOf(c.env), { datasetWarnings: true });
    await record(c, ref, ingestionOf("validate", key.name, c.get("now"), { report, ok: report.valid })).run();
    return c.json(report);
  })
  .post("/records", async (c) => {
    const ref = refOf(c);
    const key = c.get("key");
    const now = c.get("now");
    const limits = limitsOf(c.env);
    const idempotencyKey = c.req.header("idempotency-key")?.trim();
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      throw badRequest("Idempotency-Key must be 1 to 255 characters");
    }
    const body = await readRecordsBody(c, ref.context, limits);
    const scope = `${ref.integrationId}/${ref.context}/records`;
    if (idempotencyKey) {
      const bodyHash = await sha256Hex(`${c.req.header("content-type") ?? ""}\n${body.text}`);
      if (
        !(await claimIdempotencyKey(
          c.env.DB,
          ref.tenantId,
          scope,
          idempotencyKey,
          bodyHash,
          now.toISOString(),
        ))
      ) {
        const existing = await getIdempotencyRecord(c.env.DB, ref.tenantId, scope, idempotencyKey);
        if (existing && existing.bodyHash !== bodyHash) {
          throw new Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "This Idempotency-Key was already used with a different request body",
          );
        }
        if (!existing?.status || !existing.response) {
          throw conflict(
            "idempotency-in-progress",
            "Request in progress",
            "A request with this Idempotency-Key is still being processed; retry shortly",
          );
        }
        return new Response(existing.response, {
          status: existing.status,
          headers: {
            "content-type": existing.status >= 400 ? "application/problem+json" : "application/json",
            "idempotent-replayed": "true",
          },
        });
      }
    }
    try {
      const { report, rows } = validateBatch(ref.context, body, limits, { datasetWarnings: true });
      if (!report.valid) {
        const problem = invalidRecords(report);
        const statements = [record(c, ref, ingestionOf("submit", key.name, now, { report, ok: false }))];
        if (idempotencyKey) {
          statements.push(
            completeIdempotencyStatement(
              c.env.DB,
              ref.tenantId,
              scope,
              idempotencyKey,
              422,
              JSON.stringify(problem.body),
            ),
          );
        }
        await c.env.DB.batch(statements);
        throw problem;
      }
      const setId = newId("set");
      const statements = [
        insertRecordSetStatement(c.env.DB, ref, setId, now.toISOString()),
        ...insertRecordsStatements(c.env.DB, setId, 0, rows),
        addToRecordCountStatement(c.env.DB, setId, rows.length),
        ...commitVersionStatements(c.env.DB, ref, {
          setId,
          recordCount: rows.length,
          source: "submit",
          sourceId: setId,
          keyName: key.name,
          now: now.toISOString(),
        }),
        pruneVersionsStatement(c.env.DB, ref, limits.versionsRetained),
      ];
      await c.env.DB.batch(statements);
      const version = (await versionBySource(c.env.DB, ref, setId)) as Version;
      const response = {
        ...versionView(version),
        warnings: report.warnings,
        warningCount: report.warningCount,
      };
      const after = [
        record(c, ref, ingestionOf("submit", key.name, now, { report, ok: true, version: version.version })),
      ];
      if (idempotencyKey) {
        after.push(
          completeIdempotencyStatement(
            c.env.DB,
            ref.tenantId,
            scope,
            idempotencyKey,
            201,
            JSON.stringify(response),
          ),
        );
      }
      await c.env.DB.batch(after);
      return c.json(response, 201);
    } catch (error) {
      if (idempotencyKey && !(error instanceof Problem))
        await releaseIdempotencyKey(c.env.DB, ref.tenantId, scope, idempotencyKey);
      throw error;
    }
  })
  .get("/records", async (c) => {
    const ref = refOf(c);
    const wantsCsv = c.req.query("format") === "csv" || (c.req.header("accept") ?? "").includes("text/csv");
    const cursor = parseCursor(c.req.query("cursor"));
    const version = cursor
      ? await getVersion(c.env.DB, ref, cursor.version)
      : await currentVersion(c.env.DB, ref);
    if (cursor && !version)
      throw conflict(
        "version-gone",
        "Version no longer retained",
        `Version ${cursor.version} was pruned; start again without a cursor`,
      );
    if (wantsCsv) {
      const fields = Object.keys(getSchema(ref.context)?.properties ?? {});
      let text = csvOf(fields, [], true);
      if (version) {
        const batch: IntakeRecord[] = [];
        for await (const r of allRecords(c.env.DB, version.setId)) {
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
    if (!version) return c.json({ version: null, data: [], nextCursor: null });
    const limit = pageSize(c.req.query("limit"));
    const page = await readRecords(c.env.DB, version.setId, cursor ?? { seq: -1, idx: -1 }, limit);
    const last = page.records.at(-1);
    return c.json({
      version: version.version,
      recordCount: version.recordCount,
      data: page.records.map((r) => JSON.parse(r.data) as IntakeRecord),
      nextCursor:
        last && page.records.length === limit ? `v${version.version}.${last.seq}.${last.idx}` : null,
    });
  })
  .get("/versions", async (c) => {
    const ref = refOf(c);
    const limits = limitsOf(c.env);
    const current = await currentVersion(c.env.DB, ref);
    const versions = await listVersions(c.env.DB, ref, limits.versionsRetained + 1);
    return c.json({
      retained: limits.versionsRetained,
      data: versions.map((v) => versionView(v, current?.version)),
    });
  })
  .post("/versions/:version/restore", async (c) => {
    const ref = refOf(c);
    const key = c.get("key");
    const now = c.get("now");
    const number = Number(c.req.param("version"));
    if (!Number.isInteger(number) || number < 1)
      throw badRequest("The version must be a positive whole number");
    const target = await getVersion(c.env.DB, ref, number);
    if (!target) throw notFound(`Version ${number} of ${ref.context}`);
    const sourceId = newId("rst");
    await c.env.DB.batch([
      ...commitVersionStatements(c.env.DB, ref, {
        setId: target.setId,
        recordCount: target.recordCount,
        source: "restore",
        sourceId,
        keyName: key.name,
        now: now.toISOString(),
      }),
      pruneVersionsStatement(c.env.DB, ref, limitsOf(c.env).versionsRetained),
    ]);
    const restored = (await versionBySource(c.env.DB, ref, sourceId)) as Version;
    await record(
      c,
      ref,
      ingestionOf("restore", key.name, now, {
        ok: true,
        recordCount: restored.recordCount,
        version: restored.version,
        detail: `restored version ${number}`,
      }),
    ).run();
    return c.json({ ...versionView(restored), restoredFrom: number }, 201);
  })
  .get("/effective-access", async (c) => {
    const ref = refOf(c);
    if (ref.context !== "access_relations")
      throw notFound("Effective access (it exists only for access_relations)");
    const limit = pageSize(c.req.query("limit"));
    const version = await currentVersion(c.env.DB, ref);
    if (!version) return c.json({ version: null, total: 0, data: [] });
    const records: IntakeRecord[] = [];
    for await (const r of allRecords(c.env.DB, version.setId)) records.push(r);
    const access = computeEffectiveAccess(records, {
      identity: c.req.query("identity"),
      resource: c.req.query("resource"),
    });
    return c.json({ version: version.version, total: access.length, data: access.slice(0, limit) });
  })
  .route("/syncs", syncs);
