// Query tests: every tenant-owned query only sees its own tenant's rows (storage is shared within a file).
import { env } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import {
  deleteIntegrationStatement,
  getIntegration,
  type Integration,
  insertIntegration,
  listIntegrations,
  updateIntegration,
} from "../../../worker/db/integrations.ts";
import { type ApiKey, getKey, insertKeyStatement, listKeys, revokeKey } from "../../../worker/db/keys.ts";
import { insertTenantStatement } from "../../../worker/db/tenants.ts";

const NOW = "2026-01-01T00:00:00.000Z";
const key = (id: string, tenantId: string): ApiKey => ({
  id,
  tenantId,
  name: id,
  scope: "admin",
  integrationId: null,
  createdAt: NOW,
  expiresAt: "2099-01-01T00:00:00.000Z",
  lastUsedAt: null,
  revokedAt: null,
});
const integration = (id: string, tenantId: string): Integration => ({
  id,
  tenantId,
  name: id,
  displayName: null,
  description: null,
  logo: null,
  contexts: ["vendors"],
  createdAt: NOW,
  updatedAt: NOW,
});

beforeAll(async () => {
  await env.DB.batch([
    insertTenantStatement(env.DB, { id: "ten_a", name: "A", createdAt: NOW }, null),
    insertTenantStatement(env.DB, { id: "ten_b", name: "B", createdAt: NOW }, null),
    insertKeyStatement(env.DB, key("key_a", "ten_a"), "hash-a"),
    insertKeyStatement(env.DB, key("key_b", "ten_b"), "hash-b"),
  ]);
  await insertIntegration(env.DB, integration("int_a", "ten_a"), []);
  await insertIntegration(env.DB, integration("int_b", "ten_b"), []);
});

it("lists and reads only the tenant's keys", async () => {
  expect((await listKeys(env.DB, "ten_a")).map((k) => k.id)).toEqual(["key_a"]);
  expect(await getKey(env.DB, "ten_a", "key_b")).toBeUndefined();
  expect(await revokeKey(env.DB, "ten_a", "key_b", NOW)).toBeUndefined();
  expect((await getKey(env.DB, "ten_b", "key_b"))?.revokedAt).toBeNull();
});

it("lists, reads, updates and deletes only the tenant's integrations", async () => {
  expect((await listIntegrations(env.DB, "ten_a")).map((i) => i.id)).toEqual(["int_a"]);
  expect(await listIntegrations(env.DB, "ten_a", "int_b")).toEqual([]);
  expect(await getIntegration(env.DB, "ten_a", "int_b")).toBeUndefined();
  expect(
    await updateIntegration(env.DB, { ...integration("int_b", "ten_a"), name: "hijacked" }, []),
  ).toBeUndefined();
  const result = await deleteIntegrationStatement(env.DB, "ten_a", "int_b").run();
  expect(result.meta.changes).toBe(0);
  expect((await getIntegration(env.DB, "ten_b", "int_b"))?.name).toBe("int_b");
});
