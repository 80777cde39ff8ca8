// Effective access for access_relations: identity -> group -> role -> resource becomes identity ->
// resource with the providing chain; filters by identity or resource; only for access_relations.
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
    const body = await json<{ version: number; total: number; data: Access[] }>(response);
    expect(body.version).toBe(1);
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
    expect(body.total).toBe(3);
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
    const body = await json<{ total: number; data: Access[] }>(
      await call("GET", `${base("access_relations")}/effective-access?${query}`, { key: ingest }),
    );
    expect(body.data.map((a) => [a.identityId, a.resourceId]).sort()).toEqual(expected);
    expect(body.total).toBe(expected.length);
  });

  it("limits the page but reports the total", async () => {
    const { base, ingest } = await world();
    const body = await json<{ total: number; data: Access[] }>(
      await call("GET", `${base("access_relations")}/effective-access?limit=1`, { key: ingest }),
    );
    expect(body.total).toBe(3);
    expect(body.data).toHaveLength(1);
  });

  it("is empty before any data", async () => {
    const { base, ingest } = await dataWorld(["access_relations"]);
    expect(await json(await call("GET", `${base()}/effective-access`, { key: ingest }))).toEqual({
      version: null,
      total: 0,
      data: [],
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
