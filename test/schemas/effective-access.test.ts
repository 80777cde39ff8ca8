// Effective access: identity -> connections -> resource, with the providing chain; cycle-safe.
import { describe, expect, it } from "vitest";
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
});
