// GET …/contexts/access_relations/effective-access: identity -> resource with the providing chain,
// paged by identity (cursor/nextCursor pin the version the first page read), bounded per page by
// the shared core in schemas/effective-access.ts. Mounted under the data routes, whose middleware
// (key, rate limit, dataset scope) applies.
import { Hono } from "hono";
import { type EffectiveAccessCursor, effectiveAccessPage, type IntakeRecord } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { currentVersion, getVersion } from "../db/datasets.ts";
import { getStore } from "../db/stores.ts";
import { readAll } from "../domain/version-read.ts";
import { strictInt } from "../http/params.ts";
import { badRequest, conflict, notFound } from "../http/problem.ts";
import { refOf } from "../middleware/dataset.ts";

const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;
const READ_BATCH = 5000;

interface PageCursor extends EffectiveAccessCursor {
  version: number;
}

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function encodeCursor(cursor: PageCursor): string {
  return toBase64Url(JSON.stringify([cursor.version, cursor.identityId, cursor.skip]));
}

function decodeCursor(text: string | undefined): PageCursor | undefined {
  if (text === undefined) return undefined;
  const invalid = () => badRequest("The cursor is not valid; use nextCursor from the previous page");
  if (!/^[A-Za-z0-9_-]{1,20000}$/.test(text)) throw invalid();
  let value: unknown;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    value = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
        Uint8Array.from(binary, (ch) => ch.charCodeAt(0)),
      ),
    );
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalid();
  const [version, identityId, skip] = value as unknown[];
  if (
    !Number.isSafeInteger(version) ||
    (version as number) < 1 ||
    typeof identityId !== "string" ||
    !Number.isSafeInteger(skip) ||
    (skip as number) < 0
  )
    throw invalid();
  return { version: version as number, identityId, skip: skip as number };
}

export const effectiveAccess = new Hono<AppEnv>().get("/", async (c) => {
  const ref = refOf(c);
  if (ref.context !== "access_relations")
    throw notFound("Effective access (it exists only for access_relations)");
  const limit = strictInt(c.req.query("limit") ?? String(PAGE_DEFAULT), "limit", 1, PAGE_MAX);
  const cursor = decodeCursor(c.req.query("cursor"));
  const version = cursor
    ? await getVersion(c.var.db, ref, cursor.version)
    : await currentVersion(c.var.db, ref);
  if (cursor && !version)
    throw conflict(
      "version-gone",
      "Version no longer retained",
      `Version ${cursor.version} was pruned; start again without a cursor`,
    );
  const store = version ? await getStore(c.var.db, ref) : undefined;
  if (!version || !store) return c.json({ version: null, data: [], nextCursor: null });
  const records: IntakeRecord[] = [];
  for await (const r of readAll(c.env, c.var.db, ref, store, version, READ_BATCH)) records.push(r);
  const page = effectiveAccessPage(records, {
    identity: c.req.query("identity"),
    resource: c.req.query("resource"),
    cursor,
    limit,
  });
  return c.json({
    version: version.version,
    data: page.data,
    nextCursor: page.next ? encodeCursor({ version: version.version, ...page.next }) : null,
  });
});
