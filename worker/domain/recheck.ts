// A commit after the context's schema changed: every batch validated against another schema is
// checked again, record by record, with the schema the version will be labelled with, in pages
// of stored records; a record the new rules normalize differently is rewritten. A sync whose
// schema had a MODEL change since it began is refused instead (see `schemaMoved`).
import {
  type ContextSchema,
  DatasetValidator,
  formatSchemaVer,
  type Issue,
  parseSchemaId,
  type ValidationReport,
} from "../../schemas/index.ts";
import { decodeBody, encodeBody } from "../db/bodies.ts";
import type { Store } from "../db/stores.ts";
import {
  batchesNotCheckedWith,
  batchRecordsPage,
  markBatchesCheckedStatement,
  rewriteRecordsStatement,
  type Sync,
} from "../db/syncs.ts";
import type { Limits } from "../http/limits.ts";
import { conflict, type Problem } from "../http/problem.ts";

/** Stored records read per query while re-checking. */
const PAGE = 2000;
/**
 * The most records one commit re-checks: about 250 queries of a Worker invocation's 1,000. A
 * larger sync after a schema change is refused (409) and uploaded again in a new sync.
 */
export const MAX_RECHECKED_RECORDS = 500_000;

/**
 * A 409 when the context's MODEL changed since the sync began, or since any of its batches was
 * validated (with or without the client's `schemaId`); undefined when the records can be checked
 * again. `batchSchemas` are the `$id`s its batches were validated against (null: unknown).
 */
export function schemaMoved(
  sync: Sync,
  schema: ContextSchema,
  batchSchemas: (string | null)[],
): Problem | undefined {
  const current = parseSchemaId(schema.$id);
  if (!current) return undefined;
  const before = [sync.schemaId, sync.openedSchemaId, ...batchSchemas]
    .filter((id): id is string => id !== null)
    .map((id) => parseSchemaId(id))
    .find(
      (id) => id !== undefined && (id.name !== current.name || id.version.model !== current.version.model),
    );
  if (!before) return undefined;
  const from = before.name === current.name ? formatSchemaVer(before.version) : "another definition";
  return conflict(
    "schema-model-changed",
    "Schema changed",
    `The ${sync.context} schema had a breaking (MODEL) change since this sync started: the file was validated against ${from}, the schema is now ${formatSchemaVer(current.version)}. Nothing was committed; validate the file again with the current schema and upload it in a new sync`,
    { validatedAgainst: sync.schemaId ?? sync.openedSchemaId, current: schema.$id },
  );
}

export interface Recheck {
  /** Records checked again (0 when every batch was validated against `schema`). */
  checked: number;
  /** The findings; `valid: false` when a record fails the current schema. */
  report: ValidationReport;
  /** Statements to run with the commit: rewritten records, batches marked as checked. */
  statements: D1PreparedStatement[];
}

/**
 * Checks again, with `schema`, every record of the batches of `sync` that were validated against
 * another schema. A 409 problem when there are more than MAX_RECHECKED_RECORDS of them.
 */
export async function recheckSync(
  db: D1Database,
  sync: Sync,
  schema: ContextSchema,
  store: Store,
  limits: Limits,
  options: { maxIssues: number; now: string },
): Promise<Recheck | Problem> {
  const stale = await batchesNotCheckedWith(db, sync.id, schema.$id);
  const total = stale.reduce((n, b) => n + b.recordCount, 0);
  const report: ValidationReport = {
    valid: true,
    recordCount: total,
    errorCount: 0,
    warningCount: 0,
    errors: [],
    warnings: [],
    truncated: false,
  };
  if (stale.length === 0) return { checked: 0, report, statements: [] };
  if (total > MAX_RECHECKED_RECORDS)
    return conflict(
      "schema-revised",
      "Schema revised",
      `The ${sync.context} schema changed to ${schema.$id} after ${total.toLocaleString("en-US")} of this sync's records were checked, more than the ${MAX_RECHECKED_RECORDS.toLocaleString("en-US")} a commit checks again. Nothing was committed; upload the file again in a new sync`,
      { current: schema.$id, recordsToCheck: total },
    );
  const guard = { syncId: sync.id, now: options.now };
  const statements: D1PreparedStatement[] = [];
  const errors: Issue[] = [];
  for (const batch of stale) {
    const validator = new DatasetValidator(sync.context, {
      limits,
      firstRow: batch.firstRow,
      schema,
      maxIssues: Math.max(1, options.maxIssues - errors.length),
    });
    let after = -1;
    while (true) {
      const page = await batchRecordsPage(db, sync.setId, batch.seq, after, PAGE);
      if (page.length === 0) break;
      const rewritten: { idx: number; data: string }[] = [];
      for (const row of page) {
        const record = validator.addRecord(decodeBody(row.data, store.fields));
        const data = encodeBody(record, store);
        if (data !== row.data) rewritten.push({ idx: row.idx, data });
      }
      if (rewritten.length > 0)
        statements.push(rewriteRecordsStatement(db, sync.setId, batch.seq, rewritten, guard));
      after = (page.at(-1) as { idx: number }).idx;
    }
    const found = validator.finish();
    // Dataset-wide findings (duplicate keys, connection targets) are the commit's own checks.
    const own = found.errors.filter((e) => e.keyword !== "duplicate-key");
    report.errorCount += own.length === found.errors.length ? found.errorCount : own.length;
    errors.push(...own.slice(0, Math.max(0, options.maxIssues - errors.length)));
  }
  report.errors = errors;
  report.valid = report.errorCount === 0;
  report.truncated = errors.length < report.errorCount;
  statements.push(
    markBatchesCheckedStatement(
      db,
      sync.id,
      stale.map((b) => b.seq),
      schema.$id,
      options.now,
    ),
  );
  return { checked: total, report, statements };
}
