// Effective access: identity -> connections -> resource, with the providing chain; cycle-safe.
import { describe, expect, it } from "vitest";
import {
  type EffectiveAccess,
  type EffectiveAccessCursor,
  effectiveAccessPage,
} from "../../schemas/effective-access.ts";
import { computeEffectiveAccess, type IntakeRecord, validateDataset } from "./helpers.ts";

type Kind = "identity" | "connection" | "resource";
const edge = (
  from: [string, Kind, string],
  to: [string, Kind, string],
  extra: Record<string, unknown> = {},
) => ({
  entitySourceId: from[0],
  entityType: from[1],
  entityName: from[0],
  entitySourceType: from[2],
  entityUsername: from[1] === "identity" ? from[0] : undefined,
  accessSourceId: to[0],
  accessEntityType: to[1],
  accessName: to[0].toUpperCase(),
  accessSourceType: to[2],
  ...extra,
});

function normalized(rows: Record<string, unknown>[]): IntakeRecord[] {
  const { report, records } = validateDataset("access_relations", rows);
  expect(report.errors).toEqual([]);
  return records;
}

describe("computeEffectiveAccess", () => {
  it("follows group -> role -> policy to the resource and keeps the chain", () => {
    const records = normalized([
      edge(["alice", "identity", "user"], ["eng", "connection", "group"]),
      edge(["eng", "connection", "group"], ["deployer", "connection", "role"]),
      edge(["deployer", "connection", "role"], ["s3-write", "connection", "policy"]),
      edge(["s3-write", "connection", "policy"], ["bucket", "resource", "bucket"], {
        permissionName: "write",
      }),
      edge(["alice", "identity", "user"], ["wiki", "resource", "application"]),
    ]);
    const access = computeEffectiveAccess(records);
    expect(access).toEqual([
      {
        identityId: "alice",
        identityName: "alice",
        resourceId: "wiki",
        resourceName: "WIKI",
        resourceType: "application",
        permissionName: "access",
        chain: [],
        chainLength: 0,
        chainTruncated: false,
      },
      {
        identityId: "alice",
        identityName: "alice",
        resourceId: "bucket",
        resourceName: "BUCKET",
        resourceType: "bucket",
        permissionName: "write",
        chain: [
          { id: "eng", name: "ENG", sourceType: "group" },
          { id: "deployer", name: "DEPLOYER", sourceType: "role" },
          { id: "s3-write", name: "S3-WRITE", sourceType: "policy" },
        ],
        chainLength: 3,
        chainTruncated: false,
      },
    ]);
  });

  it("terminates on a cycle of connections and still finds what the cycle grants", () => {
    const records = normalized([
      edge(["bob", "identity", "user"], ["g1", "connection", "group"]),
      edge(["g1", "connection", "group"], ["g2", "connection", "group"]),
      edge(["g2", "connection", "group"], ["g1", "connection", "group"]),
      edge(["g2", "connection", "group"], ["app", "resource", "application"]),
    ]);
    const access = computeEffectiveAccess(records);
    expect(access.map((a) => [a.identityId, a.resourceId, a.chain.map((c) => c.id)])).toEqual([
      ["bob", "app", ["g1", "g2"]],
    ]);
  });

  it("reports the shortest chain once per resource and permission", () => {
    const records = normalized([
      edge(["carol", "identity", "user"], ["g1", "connection", "group"]),
      edge(["carol", "identity", "user"], ["g2", "connection", "group"]),
      edge(["g1", "connection", "group"], ["g2", "connection", "group"]),
      edge(["g2", "connection", "group"], ["app", "resource", "application"]),
    ]);
    const access = computeEffectiveAccess(records);
    expect(access.map((a) => a.chain.map((c) => c.id))).toEqual([["g2"]]);
  });

  it("ignores grants whose permissionValue is false", () => {
    const records = normalized([
      edge(["dan", "identity", "user"], ["g1", "connection", "group"], { permissionValue: "false" }),
      edge(["g1", "connection", "group"], ["app", "resource", "application"]),
    ]);
    expect(computeEffectiveAccess(records)).toEqual([]);
  });

  it("filters by identity or resource", () => {
    const records = normalized([
      edge(["erin", "identity", "user"], ["a", "resource", "application"]),
      edge(["erin", "identity", "user"], ["b", "resource", "application"]),
      edge(["fred", "identity", "user"], ["a", "resource", "application"]),
    ]);
    expect(computeEffectiveAccess(records, { identity: "erin" }).map((a) => a.resourceId)).toEqual([
      "a",
      "b",
    ]);
    expect(computeEffectiveAccess(records, { resource: "a" }).map((a) => a.identityId)).toEqual([
      "erin",
      "fred",
    ]);
  });

  it("shares one walk per connection between identities and still finds each identity's shortest chain", () => {
    const records = normalized([
      edge(["u1", "identity", "user"], ["g1", "connection", "group"]),
      edge(["u2", "identity", "user"], ["g2", "connection", "group"]),
      edge(["u2", "identity", "user"], ["g1", "connection", "group"]),
      edge(["g1", "connection", "group"], ["g2", "connection", "group"]),
      edge(["g2", "connection", "group"], ["app", "resource", "application"]),
    ]);
    expect(computeEffectiveAccess(records).map((a) => [a.identityId, a.chain.map((c) => c.id)])).toEqual([
      ["u1", ["g1", "g2"]],
      ["u2", ["g2"]],
    ]);
  });
});

/** A chain identity -> g1 -> g2 -> ... -> g{depth} -> resource, for `identities` identities. */
function deepChain(identities: number, depth: number): IntakeRecord[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < identities; i++)
    rows.push(edge([`u${String(i).padStart(4, "0")}`, "identity", "user"], ["g1", "connection", "group"]));
  for (let d = 1; d < depth; d++)
    rows.push(edge([`g${d}`, "connection", "group"], [`g${d + 1}`, "connection", "group"]));
  rows.push(edge([`g${depth}`, "connection", "group"], ["vault", "resource", "application"]));
  rows.push(edge([`g${depth}`, "connection", "group"], ["g1", "connection", "group"])); // and back: a cycle
  return normalized(rows);
}

function allPages(records: IntakeRecord[], query: Parameters<typeof effectiveAccessPage>[1] = {}) {
  const pages: EffectiveAccess[][] = [];
  let cursor: EffectiveAccessCursor | undefined;
  do {
    const page = effectiveAccessPage(records, { ...query, cursor });
    pages.push(page.data);
    cursor = page.next ?? undefined;
  } while (cursor);
  return pages;
}

describe("effectiveAccessPage (bounded)", () => {
  it("cuts a deep chain to the first links and says how long it really is", () => {
    const [entry] = effectiveAccessPage(deepChain(1, 3000), { maxChainLinks: 5 }).data;
    expect(entry?.chain.map((c) => c.id)).toEqual(["g1", "g2", "g3", "g4", "g5"]);
    expect(entry?.chainLength).toBe(3000);
    expect(entry?.chainTruncated).toBe(true);
    const [short] = effectiveAccessPage(deepChain(1, 5), { maxChainLinks: 5 }).data;
    expect(short?.chainTruncated).toBe(false);
    expect(short?.chainLength).toBe(5);
  });

  it("pages identities in id order with a cursor, each exactly once", () => {
    const records = deepChain(23, 40);
    const pages = allPages(records, { limit: 5 });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    const ids = pages.flat().map((a) => a.identityId);
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => `u${String(i).padStart(4, "0")}`));
  });

  it("continues inside an identity that has more entries than a page", () => {
    const rows: Record<string, unknown>[] = [];
    for (let r = 0; r < 7; r++)
      rows.push(edge(["solo", "identity", "user"], [`app${r}`, "resource", "application"]));
    rows.push(edge(["zed", "identity", "user"], ["app0", "resource", "application"]));
    const pages = allPages(normalized(rows), { limit: 3 });
    expect(pages.map((p) => p.map((a) => `${a.identityId}:${a.resourceId}`))).toEqual([
      ["solo:app0", "solo:app1", "solo:app2"],
      ["solo:app3", "solo:app4", "solo:app5"],
      ["solo:app6", "zed:app0"],
    ]);
  });

  it("stops a page at the byte budget (but always returns one entry)", () => {
    const records = deepChain(50, 10);
    const one = JSON.stringify(effectiveAccessPage(records, { limit: 1 }).data[0]).length;
    const page = effectiveAccessPage(records, { limit: 1000, maxPageBytes: one * 4 + 10 });
    expect(page.data).toHaveLength(4);
    expect(page.next).toEqual({ identityId: "u0004", skip: 0 });
    expect(effectiveAccessPage(records, { maxPageBytes: 1 }).data).toHaveLength(1);
  });

  it("stops a page at the work budget after at least one identity", () => {
    const records = deepChain(10, 500);
    const page = effectiveAccessPage(records, { limit: 1000, maxWork: 1 });
    expect(page.data.map((a) => a.identityId)).toEqual(["u0000"]);
    expect(page.next).toEqual({ identityId: "u0001", skip: 0 });
    // With a filter that matches nothing the page is empty but still stops, with a cursor.
    expect(effectiveAccessPage(records, { resource: "nothing", maxWork: 1 })).toEqual({
      data: [],
      next: { identityId: "u0001", skip: 0 },
    });
    // The walk is shared: all ten identities fit in the work of about one walk.
    expect(effectiveAccessPage(records, { limit: 1000, maxWork: 2000 }).data).toHaveLength(10);
  });

  it("resumes after a cursor whose identity is gone", () => {
    const records = deepChain(5, 3);
    const page = effectiveAccessPage(records, { cursor: { identityId: "u0002x", skip: 4 } });
    expect(page.data.map((a) => a.identityId)).toEqual(["u0003", "u0004"]);
  });
});
