// Cold versions in R2 (issue 21). A retained version older than the hot window is written to the
// ARCHIVE bucket as one gzip NDJSON object (what DuckDB, pandas and `zcat` read as they are): one
// record per line, as the API gives it, in gzip members of up to 1,000 records, so that a page is
// one ranged GET. The object carries the schema `$id` and the record count in its metadata. It
// is marked archived only once the object is written and its size and count checked; the rows
// only archived versions hold are deleted after (retention.ts), never before.
import { type ContextSchema, type IntakeRecord, recordKey } from "../../schemas/index.ts";
import { type DueVersion, markArchived, versionExists, versionsDue } from "../db/archive.ts";
import { encodeBody } from "../db/bodies.ts";
import type { DatasetRef } from "../db/dataset-ref.ts";
import type { ArchiveIndex, Version } from "../db/datasets.ts";
import { insertRecordSetStatement, insertRecordsStatements, type StoredRow } from "../db/datasets.ts";
import { getStore, type Store } from "../db/stores.ts";
import { limitsOf } from "../http/limits.ts";
import { newId } from "./crypto.ts";
import { tenantDatabase } from "./databases.ts";
import { versionPage } from "./version-records.ts";

/** Records per gzip member (a page of GET …/records reads at most two members). */
const MEMBER_RECORDS = 1000;
/** R2's smallest multipart part but the last. */
const PART_BYTES = 5 * 1024 * 1024;
/** Versions archived per maintenance run. */
const VERSIONS_PER_RUN = 5;
/** Positions of an archived version: member * MEMBER_SPAN + line (1-based). */
const MEMBER_SPAN = 1_000_000;

/** The object key of an archived version. */
export const archiveKey = (ref: DatasetRef, version: number) =>
  `${ref.tenantId}/${ref.integrationId}/${ref.context}/v${version}.ndjson.gz`;

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function gunzip(bytes: ArrayBuffer): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

/** Writes version `due` to the archive and marks it archived; false when it was not (still hot). */
export async function archiveVersion(
  env: Env,
  db: D1Database,
  due: DueVersion,
  store: Store,
): Promise<boolean> {
  const key = archiveKey(due, due.version);
  const metadata = { schemaId: due.schemaId ?? "", recordCount: String(due.recordCount) };
  const index: ArchiveIndex = [];
  const parts: R2UploadedPart[] = [];
  let upload: R2MultipartUpload | undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    upload ??= await env.ARCHIVE.createMultipartUpload(key, {
      customMetadata: metadata,
      httpMetadata: { contentType: "application/gzip" },
    });
    const part = new Uint8Array(pendingBytes);
    let at = 0;
    for (const chunk of pending) {
      part.set(chunk, at);
      at += chunk.length;
    }
    parts.push(await upload.uploadPart(parts.length + 1, part));
    pending = [];
    pendingBytes = 0;
  };
  let after = 0;
  let count = 0;
  for (;;) {
    const page = await versionPage(db, store, due.version, after, MEMBER_RECORDS);
    if (page.records.length > 0) {
      const member = await gzip(`${page.records.map((r) => JSON.stringify(r)).join("\n")}\n`);
      index.push([member.length, page.records.length]);
      pending.push(member);
      pendingBytes += member.length;
      count += page.records.length;
      if (pendingBytes >= PART_BYTES) await flush();
    }
    if (page.last === undefined || page.records.length < MEMBER_RECORDS) break;
    after = page.last;
  }
  if (count !== due.recordCount) {
    if (upload) await upload.abort();
    throw new Error(
      `Version ${due.version} of ${due.context} read ${count} of its ${due.recordCount} records`,
    );
  }
  if (upload) {
    if (pendingBytes > 0) await flush();
    await upload.complete(parts);
  } else {
    const whole = new Uint8Array(pendingBytes);
    let at = 0;
    for (const chunk of pending) {
      whole.set(chunk, at);
      at += chunk.length;
    }
    await env.ARCHIVE.put(key, whole, {
      customMetadata: metadata,
      httpMetadata: { contentType: "application/gzip" },
    });
  }
  // Checked before the version is marked (and its rows may go): the size and the count.
  const head = await env.ARCHIVE.head(key);
  const bytes = index.reduce((n, [b]) => n + b, 0);
  if (!head || head.size !== bytes || head.customMetadata?.recordCount !== String(count))
    throw new Error(`The archive of version ${due.version} of ${due.context} did not read back as written`);
  return markArchived(db, due, due.version, index);
}

/**
 * Archives up to a few due versions of one database (the scheduled handler runs it for each).
 * Idempotent: a version archived twice is written again and marked once; a failure leaves it hot,
 * and the next run tries again.
 */
export async function archiveDue(env: Env, db: D1Database): Promise<number> {
  const limits = limitsOf(env);
  let archived = 0;
  for (const due of await versionsDue(db, limits.versionsHot, limits.versionsRetained, VERSIONS_PER_RUN)) {
    const store = await getStore(db, due);
    if (store && (await archiveVersion(env, db, due, store))) archived++;
  }
  return archived;
}

/** Deletes the objects of archived versions pruned since (or whose tenant is gone), wherever the tenant lives. */
export async function deletePrunedArchives(env: Env): Promise<number> {
  const databases = new Map<string, Promise<D1Database | undefined>>();
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const listed = await env.ARCHIVE.list({ cursor, limit: 500 });
    for (const object of listed.objects) {
      const m = /^([^/]+)\/([^/]+)\/([^/]+)\/v(\d+)\.ndjson\.gz$/.exec(object.key);
      if (!m) continue;
      const ref = { tenantId: m[1] as string, integrationId: m[2] as string, context: m[3] as string };
      if (!databases.has(ref.tenantId)) databases.set(ref.tenantId, tenantDatabase(env, ref.tenantId));
      const db = await databases.get(ref.tenantId);
      if (!db || !(await versionExists(db, ref, Number(m[4])))) {
        await env.ARCHIVE.delete(object.key);
        deleted++;
      }
    }
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  return deleted;
}

/** The member and line (0-based) of archive position `after` + 1. */
function startOf(after: number, index: ArchiveIndex): { member: number; line: number } {
  let member = Math.floor(after / MEMBER_SPAN);
  let line = after % MEMBER_SPAN;
  if (member < index.length && line >= (index[member]?.[1] ?? 0)) {
    member++;
    line = 0;
  }
  return { member, line };
}

async function readMember(
  env: Env,
  ref: DatasetRef,
  version: Version,
  member: number,
): Promise<IntakeRecord[]> {
  const index = version.archive ?? [];
  let offset = 0;
  for (let i = 0; i < member; i++) offset += index[i]?.[0] ?? 0;
  const object = await env.ARCHIVE.get(archiveKey(ref, version.version), {
    range: { offset, length: index[member]?.[0] ?? 0 },
  });
  if (!object) throw new Error(`The archive of version ${version.version} of ${ref.context} is missing`);
  const text = await gunzip(await object.arrayBuffer());
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as IntakeRecord);
}

/**
 * Every record of an archived version, member by member, from one GET of its object read as a
 * stream (the member index says where each member ends): memory holds one member at a time.
 */
export async function* archivedRecords(
  env: Env,
  ref: DatasetRef,
  version: Version,
): AsyncGenerator<IntakeRecord[]> {
  const object = await env.ARCHIVE.get(archiveKey(ref, version.version));
  if (!object) throw new Error(`The archive of version ${version.version} of ${ref.context} is missing`);
  const reader = object.body.getReader();
  let buffered: Uint8Array[] = [];
  let have = 0;
  for (const [bytes] of version.archive ?? []) {
    while (have < bytes) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The archive of version ${version.version} of ${ref.context} ends early`);
      buffered.push(value);
      have += value.length;
    }
    const all = new Uint8Array(have);
    let at = 0;
    for (const chunk of buffered) {
      all.set(chunk, at);
      at += chunk.length;
    }
    const text = await gunzip(all.slice(0, bytes).buffer);
    buffered = [all.slice(bytes)];
    have -= bytes;
    yield text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as IntakeRecord);
  }
  await reader.cancel();
}

/**
 * Stages an archived version's records as a record set (bodies under the store's list, keys by
 * `schema`), for a restore or a difference to compare and commit like a sync's; invisible until
 * committed, and deleted by the scheduled handler if nothing commits it.
 */
export async function stageArchived(
  env: Env,
  db: D1Database,
  ref: DatasetRef,
  store: Store,
  schema: ContextSchema,
  version: Version,
  now: string,
): Promise<string> {
  const setId = newId("set");
  await insertRecordSetStatement(db, ref, setId, now).run();
  let seq = 0;
  let rows: StoredRow[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await db.batch(insertRecordsStatements(db, setId, ++seq, rows));
    rows = [];
  };
  for await (const records of archivedRecords(env, ref, version)) {
    for (const record of records)
      rows.push({ key: recordKey(record, schema) ?? "", data: encodeBody(record, store) });
    if (rows.length >= 5000) await flush();
  }
  await flush();
  return setId;
}

/** A page of an archived version after position `after` (0: from the start), as versionPage gives one. */
export async function archivedPage(
  env: Env,
  ref: DatasetRef,
  version: Version,
  after: number,
  limit: number,
): Promise<{ records: IntakeRecord[]; last: number | undefined }> {
  const index = version.archive ?? [];
  let { member, line } = startOf(after, index);
  const records: IntakeRecord[] = [];
  let last: number | undefined;
  while (records.length < limit && member < index.length) {
    const lines = await readMember(env, ref, version, member);
    const take = lines.slice(line, line + (limit - records.length));
    records.push(...take);
    if (take.length > 0) last = member * MEMBER_SPAN + line + take.length;
    member++;
    line = 0;
  }
  return { records, last };
}
