// Tenants (operator token) and API keys: created once, stored as hashes, listed without secrets,
// revoked with effect on the very next request.
import { describe, expect, it } from "vitest";
import {
  call,
  createIntegration,
  createKey,
  createTenant,
  env,
  expectProblem,
  inDays,
  json,
  OPERATOR,
} from "./helpers.ts";

describe("POST /v1/tenants", () => {
  it("creates a tenant and returns its first admin key once", async () => {
    const response = await call("POST", "/v1/tenants", {
      headers: { authorization: `Bearer ${OPERATOR}` },
      body: { name: "Acme" },
    });
    expect(response.status).toBe(201);
    const body = await json<{
      tenant: { id: string; name: string };
      key: Record<string, unknown>;
      secret: string;
    }>(response);
    expect(body.tenant.name).toBe("Acme");
    expect(body.key).toMatchObject({
      scope: "admin",
      name: "First admin key",
      integrationId: null,
      revokedAt: null,
    });
    expect(body.secret).toMatch(/^intk_key_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const me = await json<{ tenant: { id: string } }>(await call("GET", "/v1/me", { key: body.secret }));
    expect(me.tenant.id).toBe(body.tenant.id);
  });

  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer not-the-operator-token" }],
    ["an admin key instead of the operator token", null],
  ])("refuses %s", async (_label, headers) => {
    const h = headers ?? { "x-api-key": (await createTenant()).admin };
    await expectProblem(
      await call("POST", "/v1/tenants", { headers: h, body: { name: "Evil" } }),
      401,
      "unauthorized",
    );
  });

  it("requires a name", async () => {
    const problem = await expectProblem(
      await call("POST", "/v1/tenants", { headers: { authorization: `Bearer ${OPERATOR}` }, body: {} }),
      422,
      "invalid-body",
    );
    expect(problem.errors).toEqual([{ pointer: "/name", message: "is required" }]);
  });
});

describe("API keys", () => {
  it("creates a key whose secret is returned once and stored only as a hash", async () => {
    const { admin, tenantId } = await createTenant();
    const response = await call("POST", "/v1/keys", {
      key: admin,
      body: { name: "CI uploader", scope: "ingest", expiresAt: inDays(90) },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toMatch(/^\/v1\/keys\/key_/);
    const created = await json<{ key: { id: string }; secret: string }>(response);
    const rows = await env.DB.prepare("SELECT * FROM api_keys WHERE tenant_id = ?1").bind(tenantId).all();
    const stored = JSON.stringify(rows.results);
    expect(stored).not.toContain(created.secret);
    expect(stored).not.toContain(created.secret.slice(-43));
    const list = await call("GET", "/v1/keys", { key: admin });
    const text = await list.text();
    expect(text).not.toContain(created.secret.slice(-43));
    expect(text).not.toContain("hash");
    const keys = (JSON.parse(text) as { data: { id: string; name: string; lastUsedAt: string | null }[] })
      .data;
    expect(keys.map((k) => k.name).sort()).toEqual(["CI uploader", "First admin key"]);
    expect(keys.find((k) => k.name === "First admin key")?.lastUsedAt).not.toBeNull();
  });

  it("accepts the key as Authorization: Bearer too", async () => {
    const { admin } = await createTenant();
    expect((await call("GET", "/v1/keys", { headers: { authorization: `Bearer ${admin}` } })).status).toBe(
      200,
    );
  });

  it("revokes a key with effect on the very next request", async () => {
    const { admin } = await createTenant();
    const ingest = await createKey(admin);
    expect((await call("GET", "/v1/me", { key: ingest.secret })).status).toBe(200);
    const revoked = await call("DELETE", `/v1/keys/${ingest.id}`, { key: admin });
    expect(revoked.status).toBe(200);
    expect((await json<{ revokedAt: string | null }>(revoked)).revokedAt).not.toBeNull();
    const problem = await expectProblem(
      await call("GET", "/v1/me", { key: ingest.secret }),
      401,
      "unauthorized",
    );
    // The same words as for any refused key: nothing about the key leaks to whoever holds it.
    expect(problem.detail).toBe("The API key is not valid");
  });

  it("binds an ingest key to one integration of the same tenant", async () => {
    const { admin } = await createTenant();
    const integrationId = await createIntegration(admin);
    const bound = await createKey(admin, { integrationId });
    const me = await json<{ key: { integrationId: string } }>(
      await call("GET", "/v1/me", { key: bound.secret }),
    );
    expect(me.key.integrationId).toBe(integrationId);
    const other = await createTenant("Other");
    const problem = await expectProblem(
      await call("POST", "/v1/keys", {
        key: other.admin,
        body: { name: "x", scope: "ingest", integrationId, expiresAt: inDays(1) },
      }),
      422,
    );
    expect(problem.errors).toEqual([
      { pointer: "/integrationId", message: `no integration "${integrationId}" in this tenant` },
    ]);
  });

  it.each([
    [{ scope: "ingest", expiresAt: "2099-01-01T00:00:00Z" }, "/name", "is required"],
    [{ name: "k", expiresAt: "2099-01-01T00:00:00Z" }, "/scope", "is required: one of admin, ingest"],
    [
      { name: "k", scope: "root", expiresAt: "2099-01-01T00:00:00Z" },
      "/scope",
      "must be one of admin, ingest",
    ],
    [
      { name: "k", scope: "ingest" },
      "/expiresAt",
      "is required: an ISO 8601 date-time such as 2027-01-31T00:00:00Z",
    ],
    [
      { name: "k", scope: "ingest", expiresAt: "tomorrow" },
      "/expiresAt",
      "must be an ISO 8601 date-time such as 2027-01-31T00:00:00Z",
    ],
    [
      { name: "k", scope: "ingest", expiresAt: "2020-01-01T00:00:00Z" },
      "/expiresAt",
      "must be in the future",
    ],
    [
      { name: "k", scope: "ingest", expiresAt: "2999-01-01T00:00:00Z" },
      "/expiresAt",
      "must be at most 730 days from now",
    ],
    [
      { name: "x".repeat(101), scope: "ingest", expiresAt: "2099-01-01T00:00:00Z" },
      "/name",
      "must be at most 100 characters",
    ],
    [
      { name: "k", scope: "admin", integrationId: "int_x", expiresAt: "2099-01-01T00:00:00Z" },
      "/integrationId",
      "only ingest keys are bound to one integration",
    ],
    [
      { name: "k", scope: "ingest", expiresAt: "2099-01-01T00:00:00Z", admin: true },
      "/admin",
      "unknown field; allowed: name, scope, integrationId, expiresAt",
    ],
  ])("refuses %j with a precise error", async (body, pointer, message) => {
    const { admin } = await createTenant();
    const problem = await expectProblem(
      await call("POST", "/v1/keys", { key: admin, body }),
      422,
      "invalid-body",
    );
    expect(problem.errors).toContainEqual({ pointer, message });
  });

  it("answers 404 for another tenant's key, exactly like a missing one", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const missing = await expectProblem(
      await call("DELETE", "/v1/keys/key_00000000000000000000000000000000", { key: b.admin }),
      404,
    );
    const foreign = await expectProblem(
      await call("DELETE", `/v1/keys/${a.adminKeyId}`, { key: b.admin }),
      404,
    );
    expect(foreign.title).toBe(missing.title);
    expect((await call("GET", "/v1/me", { key: a.admin })).status).toBe(200);
  });
});
