// SQL for the difference between an upload (or a retained version) and the current dataset, by
// record key: what a commit would add, remove and change. Records are compared by their bodies
// (equal exactly when the records are: bodies.ts); keys are grouped by sorting (no key index: see
// migration 0004).
import type { LostValues } from "../../schemas/api-types.ts";
import { bodyFieldSql, decodeBody } from "./bodies.ts";
import type { StoredRow } from "./datasets.ts";
import type { Store } from "./stores.ts";

const EXAMPLES = 5;
/** Kept under D1's 1,000,000-byte limit for one bound value (a JSON array of keys). */
const KEYS_PARAM_BYTES = 900_000;

export interface RawDiff {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** Keys held by more than one incoming record (a staged set's plan only; the commit refuses them). */
  repeatedKeys?: number;
  examples: { added: string[]; removed: string[]; changed: string[] };
  /** Values erased per field (see DatasetDiff.lostValues), most first. */
  lostValues: LostValues[];
}

/** A stored value that counts as a value: not absent, null, "" or []. */
const hasValue = (value: unknown) =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/** Counts kept while comparing matched records field by field. */
class LostCounter {
  private readonly lost = new Map<string, number>();
  private readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    this.fields = fields;
  }
  add(current: Record<string, unknown>, incoming: Record<string, unknown>): void {
    for (const field of this.fields) {
      const now = Object.hasOwn(incoming, field) ? incoming[field] : undefined;
      if (hasValue(Object.hasOwn(current, field) ? current[field] : undefined) && !hasValue(now))
        this.lost.set(field, (this.lost.get(field) ?? 0) + 1);
    }
  }
  /** The counts; `present(field)` says whether any incoming record has the field at all. */
  result(present: (field: string) => boolean): LostValues[] {
    return [...this.lost]
      .map(([field, records]) => ({ field, records, missing: !present(field) }))
      .sort((a, b) => b.records - a.records || (a.field < b.field ? -1 : 1));
  }
}

/** SQL true when expression `e` (a body's field) holds a value (see hasValue). */
const valueIn = (e: string) => `(${e} IS NOT NULL AND ${e} NOT IN ('', '[]'))`;

/**
 * What a diff compares with the current dataset (?1: the store's id): a staged record set (?2: its
 * id) or a retained version (?2: its number). Each gives key, body and position in its order.
 */
export type Incoming = { kind: "staged"; setId: string } | { kind: "version"; version: number };

const incomingSql = (incoming: Incoming) =>
  incoming.kind === "staged"
    ? "SELECT record_key, data AS body, seq * 1000000 + idx AS pos FROM records WHERE set_id = ?2"
    : "SELECT record_key, body, rowid AS pos FROM dataset_rows WHERE store = ?1 AND v0 <= ?2 AND (v1 IS NULL OR v1 > ?2)";
const incomingParam = (incoming: Incoming) =>
  incoming.kind === "staged" ? incoming.setId : incoming.version;
const CURRENT_SQL = "SELECT record_key, body, rowid AS pos FROM dataset_rows WHERE store = ?1 AND v1 IS NULL";

/** Both sides grouped by key: the incoming body `a`, the current body `b`, and their positions. */
const groupedSql = (incoming: Incoming) => `SELECT record_key,
         MAX(CASE WHEN side = 0 THEN body END) AS a, MAX(CASE WHEN side = 1 THEN body END) AS b,
         MIN(CASE WHEN side = 0 THEN pos END) AS apos, MIN(CASE WHEN side = 1 THEN pos END) AS bpos
       FROM (SELECT 0 AS side, * FROM (${incomingSql(incoming)}) UNION ALL SELECT 1, * FROM (${CURRENT_SQL}))
       GROUP BY record_key`;

/**
 * Values the incoming records would erase from records both sides hold (by key), per field of
 * `fields`: one pass grouping both sides by key, as `setDiff` does; only a changed record is
 * looked into (an equal one loses nothing), and `missing` says whether no changed incoming
 * record has the field.
 */
async function lostValuesOf(
  db: D1Database,
  store: Store,
  incoming: Incoming,
  fields: readonly string[],
): Promise<LostValues[]> {
  const named = fields.filter((f) => store.index.has(f));
  if (named.length === 0) return [];
  const row = await db
    .prepare(
      `WITH k AS (${groupedSql(incoming)})
       SELECT ${lostColumns(store, named)} FROM k WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b`,
    )
    .bind(store.id, incomingParam(incoming))
    .first<Record<string, number | null>>();
  return lostResult(db, store, incoming, row, named);
}

/** Per field of `named`: the records whose incoming body `a` lacks a value the current body `b` has. */
function lostColumns(store: Store, named: readonly string[]): string {
  return named
    .map((field, i) => {
      const at = store.index.get(field) as number;
      return `SUM(CASE WHEN ${valueIn(bodyFieldSql("b", at))} AND NOT ${valueIn(bodyFieldSql("a", at))} THEN 1 ELSE 0 END) AS l${i}`;
    })
    .join(", ");
}

/** The fields that lose values, each with whether no incoming record has it at all (asked only for those). */
async function lostResult(
  db: D1Database,
  store: Store,
  incoming: Incoming,
  row: Record<string, number | null> | null,
  named: readonly string[],
): Promise<LostValues[]> {
  if (!row) return [];
  const lost = named.map((field, i) => ({ field, records: row[`l${i}`] ?? 0 })).filter((l) => l.records > 0);
  const out: LostValues[] = [];
  for (const l of lost) {
    const at = store.index.get(l.field) as number;
    const present = await db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM (${incomingSql(incoming)}) WHERE ${bodyFieldSql("body", at)} IS NOT NULL) AS p`,
      )
      .bind(store.id, incomingParam(incoming))
      .first<{ p: number }>();
    out.push({ ...l, missing: !present?.p });
  }
  return out.sort((a, b) => b.records - a.records || (a.field < b.field ? -1 : 1));
}

/**
 * The difference between `incoming` and the current dataset of `store` (`hasCurrent` false: no
 * version yet, all added), with the values of `fields` the incoming records would erase.
 */
export async function setDiff(
  db: D1Database,
  store: Store,
  incoming: Incoming,
  hasCurrent: boolean,
  fields: readonly string[],
): Promise<RawDiff> {
  if (!hasCurrent) {
    const [count, added] = await db.batch<{ n: number; record_key: string }>([
      db
        .prepare(`SELECT COUNT(*) AS n FROM (${incomingSql(incoming)})`)
        .bind(store.id, incomingParam(incoming)),
      db
        .prepare(`SELECT record_key FROM (${incomingSql(incoming)}) ORDER BY pos LIMIT ?3`)
        .bind(store.id, incomingParam(incoming), EXAMPLES),
    ]);
    return {
      added: count?.results[0]?.n ?? 0,
      removed: 0,
      changed: 0,
      unchanged: 0,
      examples: { added: (added?.results ?? []).map((r) => r.record_key), removed: [], changed: [] },
      lostValues: [],
    };
  }
  // One pass: group both sides by key (a sort, no index needed), classify each key, and keep the
  // first few keys of each kind in their order.
  const { results } = await db
    .prepare(
      `WITH k AS (${groupedSql(incoming)}), c AS (
         SELECT record_key,
                CASE WHEN b IS NULL THEN 'added' WHEN a IS NULL THEN 'removed' WHEN a <> b THEN 'changed' ELSE 'unchanged' END AS kind,
                COALESCE(apos, bpos) AS pos
         FROM k
       ), r AS (
         SELECT record_key, kind, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY pos) AS n,
                COUNT(*) OVER (PARTITION BY kind) AS total
         FROM c
       )
       SELECT record_key, kind, n, total FROM r WHERE n <= ?3 ORDER BY kind, n`,
    )
    .bind(store.id, incomingParam(incoming), EXAMPLES)
    .all<{ record_key: string; kind: keyof RawDiff["examples"] | "unchanged"; n: number; total: number }>();
  const diff: RawDiff = {
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
    examples: { added: [], removed: [], changed: [] },
    lostValues: [],
  };
  for (const row of results) {
    diff[row.kind] = row.total;
    if (row.kind !== "unchanged") diff.examples[row.kind].push(row.record_key);
  }
  // Only a changed record can lose a value.
  if (diff.changed > 0) diff.lostValues = await lostValuesOf(db, store, incoming, fields);
  return diff;
}

/** sync_changes kinds. */
const ADDED = 1;
const REMOVED = 2;
const CHANGED = 3;
const REPEATED = 4;
const KIND_NAMES = { [ADDED]: "added", [REMOVED]: "removed", [CHANGED]: "changed" } as const;

/**
 * A staged set's difference from the current dataset of `store` (`hasCurrent` false: none yet),
 * found in one pass that groups both sides by key (a keyless record is its own group), and kept
 * as its plan in sync_changes: one row per added, removed or changed record and per repeated
 * key, so that the commit writes only those. The staged set holds `records` records.
 */
export async function planStaged(
  db: D1Database,
  store: Store,
  setId: string,
  hasCurrent: boolean,
  records: number,
  fields: readonly string[],
): Promise<RawDiff> {
  const staged = `SELECT 0 AS side, CASE WHEN record_key = '' THEN 's' || (seq * 1000000 + idx) ELSE 'k' || record_key END AS g,
           record_key, data AS body, seq * 1000000 + idx AS pos, NULL AS lid FROM records WHERE set_id = ?2`;
  const live = `SELECT 1, CASE WHEN record_key = '' THEN 'l' || rowid ELSE 'k' || record_key END,
           record_key, body, rowid, rowid FROM dataset_rows WHERE store = ?1 AND v1 IS NULL`;
  // With no current version every record is added: only repeated keys are written down.
  const sides = hasCurrent ? `${staged} UNION ALL ${live}` : staged;
  await db.batch([
    db.prepare("DELETE FROM sync_changes WHERE set_id = ?1").bind(setId),
    db
      .prepare(
        `INSERT INTO sync_changes (set_id, kind, record_key, live, pos)
         SELECT ?2, kind, record_key, lid, pos FROM (
           SELECT MAX(record_key) AS record_key, MAX(lid) AS lid,
                  COALESCE(MIN(CASE WHEN side = 0 THEN pos END), MIN(pos)) AS pos,
                  CASE WHEN SUM(side = 0) > 1 THEN ${REPEATED}
                       WHEN ${hasCurrent ? "SUM(side = 1) = 0" : "1"} THEN ${ADDED}
                       WHEN SUM(side = 0) = 0 THEN ${REMOVED}
                       WHEN MAX(CASE WHEN side = 0 THEN body END) <> MAX(CASE WHEN side = 1 THEN body END) THEN ${CHANGED}
                  END AS kind
           FROM (${sides}) GROUP BY g
         ) WHERE kind IS NOT NULL AND (kind <> ${ADDED} OR ?3)`,
      )
      .bind(store.id, setId, hasCurrent ? 1 : 0),
  ]);
  const [counts, examples] = await db.batch<{ kind: number; n: number; record_key: string }>([
    db.prepare("SELECT kind, COUNT(*) AS n FROM sync_changes WHERE set_id = ?1 GROUP BY kind").bind(setId),
    db
      .prepare(
        `SELECT kind, record_key FROM (
           SELECT kind, record_key, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY pos) AS n
           FROM sync_changes WHERE set_id = ?1 AND kind <> ${REPEATED} AND record_key <> '')
         WHERE n <= ?2 ORDER BY kind, n`,
      )
      .bind(setId, EXAMPLES),
  ]);
  const n = (kind: number) => counts?.results.find((r) => r.kind === kind)?.n ?? 0;
  const diff: RawDiff = {
    added: hasCurrent ? n(ADDED) : records,
    removed: n(REMOVED),
    changed: n(CHANGED),
    unchanged: 0,
    repeatedKeys: n(REPEATED),
    examples: { added: [], removed: [], changed: [] },
    lostValues: [],
  };
  diff.unchanged = Math.max(0, records - diff.added - diff.changed);
  for (const row of examples?.results ?? []) {
    const name = KIND_NAMES[row.kind as keyof typeof KIND_NAMES];
    if (name) diff.examples[name].push(row.record_key);
  }
  if (!hasCurrent) {
    const { results } = await db
      .prepare(
        "SELECT record_key FROM records WHERE set_id = ?1 AND record_key <> '' ORDER BY seq, idx LIMIT ?2",
      )
      .bind(setId, EXAMPLES)
      .all<{ record_key: string }>();
    diff.examples.added = results.map((r) => r.record_key);
  }
  if (diff.changed > 0) diff.lostValues = await plannedLostValues(db, store, setId, fields);
  return diff;
}

/** lostValuesOf for a staged set's plan: only its changed records are looked into. */
async function plannedLostValues(
  db: D1Database,
  store: Store,
  setId: string,
  fields: readonly string[],
): Promise<LostValues[]> {
  const named = fields.filter((f) => store.index.has(f));
  if (named.length === 0) return [];
  const row = await db
    .prepare(
      `WITH k AS (
         SELECT r.data AS a, l.body AS b FROM sync_changes c
         JOIN records r ON r.set_id = c.set_id AND r.seq = c.pos / 1000000 AND r.idx = c.pos % 1000000
         JOIN dataset_rows l ON l.rowid = c.live
         WHERE c.set_id = ?1 AND c.kind = ${CHANGED}
       )
       SELECT ${lostColumns(store, named)} FROM k`,
    )
    .bind(setId)
    .first<Record<string, number | null>>();
  return lostResult(db, store, { kind: "staged", setId }, row, named);
}

/** Deletes a staged set's plan (with the set, once it is committed or given up). */
export function deletePlanStatement(db: D1Database, setId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM sync_changes WHERE set_id = ?1").bind(setId);
}

/**
 * The difference between rows not stored yet (one request's records, their bodies written under
 * the store's field list) and the current dataset of `store` (none: all added).
 */
export async function rowsDiff(
  db: D1Database,
  rows: readonly StoredRow[],
  store: Store | undefined,
  hasCurrent: boolean,
  fields: readonly string[],
): Promise<RawDiff> {
  const keyed = rows.filter((r) => r.key !== "");
  if (!store || !hasCurrent) {
    return {
      added: rows.length,
      removed: 0,
      changed: 0,
      unchanged: 0,
      examples: { added: keyed.slice(0, EXAMPLES).map((r) => r.key), removed: [], changed: [] },
      lostValues: [],
    };
  }
  // The upload's keys as JSON arrays, each a bound value under D1's size limit.
  const chunks: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const row of keyed) {
    const size = row.key.length * 3 + 4;
    if (chunk.length > 0 && bytes + size > KEYS_PARAM_BYTES) {
      chunks.push(JSON.stringify(chunk));
      chunk = [];
      bytes = 0;
    }
    chunk.push(row.key);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(JSON.stringify(chunk));
  const stored = new Map<string, string>();
  for (const keys of chunks) {
    const { results } = await db
      .prepare(
        "SELECT record_key, body FROM dataset_rows WHERE store = ?1 AND v1 IS NULL AND record_key IN (SELECT value FROM json_each(?2))",
      )
      .bind(store.id, keys)
      .all<{ record_key: string; body: string }>();
    for (const r of results) if (!stored.has(r.record_key)) stored.set(r.record_key, r.body);
  }
  const diff: RawDiff = {
    added: rows.length - keyed.length,
    removed: 0,
    changed: 0,
    unchanged: 0,
    examples: { added: [], removed: [], changed: [] },
    lostValues: [],
  };
  const lost = new LostCounter(fields);
  for (const row of keyed) {
    const data = stored.get(row.key);
    if (data === undefined) {
      diff.added++;
      if (diff.examples.added.length < EXAMPLES) diff.examples.added.push(row.key);
    } else if (data === row.data) {
      diff.unchanged++;
    } else {
      diff.changed++;
      if (diff.examples.changed.length < EXAMPLES) diff.examples.changed.push(row.key);
      lost.add(decodeBody(data, store.fields), decodeBody(row.data, store.fields));
    }
  }
  diff.lostValues = lost.result((field) =>
    rows.some((r) => Object.hasOwn(decodeBody(r.data, store.fields), field)),
  );
  // The current dataset holds each key once, so every stored key not matched would go.
  const total = await db
    .prepare("SELECT COUNT(*) AS n FROM dataset_rows WHERE store = ?1 AND v1 IS NULL")
    .bind(store.id)
    .first<{ n: number }>();
  diff.removed = (total?.n ?? 0) - stored.size;
  if (diff.removed > 0) diff.examples.removed = await removedExamples(db, store.id, chunks, stored);
  return diff;
}

/** A few stored keys the upload does not hold, in stored order. */
async function removedExamples(
  db: D1Database,
  store: number,
  chunks: string[],
  stored: ReadonlyMap<string, string>,
): Promise<string[]> {
  if (chunks.length <= 1) {
    const { results } = await db
      .prepare(
        "SELECT record_key FROM dataset_rows WHERE store = ?1 AND v1 IS NULL AND record_key NOT IN (SELECT value FROM json_each(?2)) ORDER BY rowid LIMIT ?3",
      )
      .bind(store, chunks[0] ?? "[]", EXAMPLES)
      .all<{ record_key: string }>();
    return results.map((r) => r.record_key);
  }
  // Keys too many for one bound value: look through the first pages of the stored set.
  const found: string[] = [];
  let after = 0;
  for (let page = 0; page < 10 && found.length < EXAMPLES; page++) {
    const { results } = await db
      .prepare(
        "SELECT rowid AS pos, record_key FROM dataset_rows WHERE store = ?1 AND v1 IS NULL AND rowid > ?2 ORDER BY rowid LIMIT 2000",
      )
      .bind(store, after)
      .all<{ pos: number; record_key: string }>();
    for (const r of results)
      if (!stored.has(r.record_key) && found.length < EXAMPLES) found.push(r.record_key);
    const last = results.at(-1);
    if (!last || results.length < 2000) break;
    after = last.pos;
  }
  return found;
}

/** A sync's cached difference, when it was computed for `diffFor`. */
export async function cachedDiff(
  db: D1Database,
  syncId: string,
  diffFor: string,
): Promise<RawDiff | undefined> {
  const row = await db
    .prepare("SELECT diff FROM syncs WHERE id = ?1 AND diff_for = ?2")
    .bind(syncId, diffFor)
    .first<{ diff: string | null }>();
  return row?.diff ? (JSON.parse(row.diff) as RawDiff) : undefined;
}

/** Keeps a sync's difference for the state it was computed for (only while the sync is open). */
export async function cacheDiff(
  db: D1Database,
  syncId: string,
  diffFor: string,
  diff: RawDiff,
): Promise<void> {
  await db
    .prepare("UPDATE syncs SET diff_for = ?2, diff = ?3 WHERE id = ?1 AND status = 'open'")
    .bind(syncId, diffFor, JSON.stringify(diff))
    .run();
}
