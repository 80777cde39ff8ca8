// Effective access for access_relations: identity -> group -> role -> resource becomes identity ->
// resource with the providing chain; filters by identity or resource; paged by identity with a
// cursor and bounded per page; only for access_relations.
import { describe, expect, it } from "vitest";
import { dataWorld, submit } from "./data-helpers.ts";
import { call, expectProblem, json } from "./helpers.ts";

const grant = (
  entity: { id: string; name: string; type: string; sourceType: string },
  target: { id: string; name: string; type: string; sourceType: string },
  extra: Record<string, unknown> = {},
) => ({
  entityName: entity.name,
  entityType: entity.type,
  entitySourceType: entity.sourceType,
  entitySourceId: entity.id,
  entityEmail: entity.type === "identity" ? `${entity.id}@example.com` : undefined,
  accessName: target.name,
  accessSourceId: target.id,
  accessEntityType: target.type,
  accessSourceType: target.sourceType,
  ...extra,
});

const alice = { id: "u-alice", name: "Alice", type: "identity", sourceType: "user" };
const bob = { id: "u-bob", name: "Bob", type: "identity", sourceType: "user" };
const admins = { id: "g-admins", name: "Admins", type: "connection", sourceType: "group" };
const owner = { id: "r-owner", name: "Owner", type: "connection", sourceType: "role" };
const github = { id: "app-github", name: "GitHub", type: "resource", sourceType: "application" };
const bucket = { id: "s3-logs", name: "logs", type: "resource", sourceType: "bucket" };

const RELATIONS = [
  grant(alice, admins), // alice -> Admins (group)
  grant(admins, owner), // Admins -> Owner (role)
  grant(owner, github, { permissionName: "admin" }), // Owner -> GitHub
  grant(owner, admins), // a cycle: Owner -> Admins
  grant(alice, bucket), // direct
  grant(bob, owner), // bob -> Owner -> GitHub
  grant(bob, bucket, { permissionValue: false }), // revoked grant: ignored
];

interface Access {
  identityId: string;
  resourceId: string;
  permissionName: string;
  chain: { id: string; name: string; sourceType: string }[];
}

async function world() {
  const w = await dataWorld(["access_relations", "saas_users"]);
  await submit(w.base("access_relations"), w.ingest, RELATIONS);
  return w;
}

describe("effective access", () => {
  it("resolves group -> role -> resource chains, cycle-safe, ignoring revoked grants", async () => {
    const { base, ingest } = await world();
    const response = await call("GET", `${base("access_relations")}/effective-access`, { key: ingest });
    expect(response.status).toBe(200);
    const body = await json<{ version: number; data: Access[]; nextCursor: string | null }>(response);
    expect(body.version).toBe(1);
    expect(body.nextCursor).toBeNull();
    const rows = body.data.map((a) => [
      a.identityId,
      a.resourceId,
      a.permissionName,
      a.chain.map((c) => c.id),
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ["u-alice", "s3-logs", "access", []],
        ["u-alice", "app-github", "admin", ["g-admins", "r-owner"]],
        ["u-bob", "app-github", "admin", ["r-owner"]],
      ]),
    );
    expect(rows).toHaveLength(3);
    const chain = body.data.find((a) => a.identityId === "u-alice" && a.resourceId === "app-github")?.chain;
    expect(chain).toEqual([
      { id: "g-admins", name: "Admins", sourceType: "group" },
      { id: "r-owner", name: "Owner", sourceType: "role" },
    ]);
  });

  it.each([
    ["identity=u-bob", [["u-bob", "app-github"]]],
    [
      "identity=Alice",
      [
        ["u-alice", "app-github"],
        ["u-alice", "s3-logs"],
      ],
    ],
    ["resource=s3-logs", [["u-alice", "s3-logs"]]],
    [
      "resource=GitHub",
      [
        ["u-alice", "app-github"],
        ["u-bob", "app-github"],
      ],
    ],
    ["identity=u-bob&resource=s3-logs", []],
    ["identity=nobody", []],
  ])("filters by %s", async (query, expected) => {
    const { base, ingest } = await world();
    const body = await json<{ data: Access[]; nextCursor: string | null }>(
      await call("GET", `${base("access_relations")}/effective-access?${query}`, { key: ingest }),
    );
    expect(body.data.map((a) => [a.identityId, a.resourceId]).sort()).toEqual(expected);
    expect(body.nextCursor).toBeNull();
  });

  it("pages with limit and nextCursor, each entry exactly once", async () => {
    const { base, ingest } = await world();
    const seen: string[] = [];
    let path = `${base("access_relations")}/effective-access?limit=1`;
    for (let i = 0; i < 10; i++) {
      const body = await json<{ data: Access[]; nextCursor: string | null }>(
        await call("GET", path, { key: ingest }),
      );
      expect(body.data).toHaveLength(1);
      seen.push(...body.data.map((a) => `${a.identityId}>${a.resourceId}`));
      if (!body.nextCursor) break;
      path = `${base("access_relations")}/effective-access?limit=1&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual(["u-alice>s3-logs", "u-alice>app-github", "u-bob>app-github"]);
  });

  it.each(["0", "1001", "1e1", "0x2", "011", "-1", "abc", ""])(
    "refuses limit=%s with a 400",
    async (limit) => {
      const { base, ingest } = await world();
      const problem = await expectProblem(
        await call("GET", `${base("access_relations")}/effective-access?limit=${limit}`, { key: ingest }),
        400,
        "bad-request",
      );
      expect(problem.detail).toMatch(
        /^limit must be a whole number from 1 to 1000 written in plain digits; got /,
      );
    },
  );

  it.each(["nope", "W10", "WzEsMiwzXQ", btoa('[1,"u",-1]'), "%%%"])(
    "refuses the cursor %s with a 400",
    async (cursor) => {
      const { base, ingest } = await world();
      const problem = await expectProblem(
        await call(
          "GET",
          `${base("access_relations")}/effective-access?cursor=${encodeURIComponent(cursor)}`,
          {
            key: ingest,
          },
        ),
        400,
        "bad-request",
      );
      expect(problem.detail).toBe("The cursor is not valid; use nextCursor from the previous page");
    },
  );

  it("keeps paging the version the first page read, and says when it was pruned", async () => {
    const { base, ingest } = await world();
    const first = await json<{ version: number; nextCursor: string }>(
      await call("GET", `${base("access_relations")}/effective-access?limit=1`, { key: ingest }),
    );
    expect(first.version).toBe(1);
    await submit(base("access_relations"), ingest, RELATIONS.slice(0, 1));
    const next = await json<{ version: number; data: Access[] }>(
      await call(
        "GET",
        `${base("access_relations")}/effective-access?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`,
        { key: ingest },
      ),
    );
    expect(next.version).toBe(1);
    expect(next.data.map((a) => a.resourceId)).toEqual(["app-github"]);
    for (let i = 0; i < 10; i++) await submit(base("access_relations"), ingest, RELATIONS.slice(0, 1));
    await expectProblem(
      await call(
        "GET",
        `${base("access_relations")}/effective-access?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`,
        { key: ingest },
      ),
      409,
      "version-gone",
    );
  });

  it("stays bounded over a 3,000-deep group chain with 700 identities: every identity once, pages ≤ ~1 MB", async () => {
    const w = await dataWorld(["access_relations"]);
    const group = (d: number) => ({
      id: `g${d}`,
      name: `Group ${d}`,
      type: "connection",
      sourceType: "group",
    });
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 700; i++) {
      const id = `u${String(i).padStart(3, "0")}`;
      rows.push(grant({ id, name: `User ${i}`, type: "identity", sourceType: "user" }, group(1)));
    }
    for (let d = 1; d < 3000; d++) rows.push(grant(group(d), group(d + 1)));
    rows.push(grant(group(3000), github, { permissionName: "admin" }));
    rows.push(grant(group(3000), group(1))); // a cycle back to the top
    await submit(w.base(), w.ingest, rows);

    const identities: string[] = [];
    const sizes: number[] = [];
    let path = `${w.base()}/effective-access?limit=200`;
    for (let page = 0; page < 10; page++) {
      const response = await call("GET", path, { key: w.ingest });
      expect(response.status).toBe(200);
      const text = await response.text();
      sizes.push(new TextEncoder().encode(text).length);
      const body = JSON.parse(text) as {
        data: (Access & { chainLength: number; chainTruncated: boolean })[];
        nextCursor: string | null;
      };
      for (const a of body.data) {
        identities.push(a.identityId);
        expect([a.resourceId, a.chainLength, a.chainTruncated, a.chain.length]).toEqual([
          "app-github",
          3000,
          true,
          25,
        ]);
      }
      if (!body.nextCursor) break;
      path = `${w.base()}/effective-access?limit=200&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(identities).toEqual(Array.from({ length: 700 }, (_, i) => `u${String(i).padStart(3, "0")}`));
    expect(sizes).toHaveLength(4);
    // 200 entries of 25 links each is ~0.4 MB; the page budget is 1 MB (the old answer was 32.6 MB).
    for (const size of sizes) expect(size).toBeLessThan(1_100_000);
  }, 120_000);

  it("is empty before any data", async () => {
    const { base, ingest } = await dataWorld(["access_relations"]);
    expect(await json(await call("GET", `${base()}/effective-access`, { key: ingest }))).toEqual({
      version: null,
      data: [],
      nextCursor: null,
    });
  });

  it("is a 404 for other contexts, and for access_relations when not enabled", async () => {
    const { base, ingest, integrationId } = await world();
    const problem = await expectProblem(
      await call("GET", `${base("saas_users")}/effective-access`, { key: ingest }),
      404,
      "not-found",
    );
    expect(problem.detail).toBe("Effective access (it exists only for access_relations) was not found");
    const other = await dataWorld(["saas_users"]);
    const notEnabled = await expectProblem(
      await call(
        "GET",
        `/v1/integrations/${other.integrationId}/contexts/access_relations/effective-access`,
        {
          key: other.ingest,
        },
      ),
      404,
      "not-found",
    );
    expect(notEnabled.detail).toBe(
      `Context "access_relations" on integration "${other.integrationId}" (enabled: saas_users) was not found`,
    );
    expect(integrationId).not.toBe(other.integrationId);
  });
});
