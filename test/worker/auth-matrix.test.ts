// The auth matrix for every protected route: no key, malformed, unknown, revoked, expired,
// ingest key on admin routes, and another tenant's resources answered exactly like missing ones.
import { describe, expect, it } from "vitest";
import { insertKeyStatement } from "../../worker/db/keys.ts";
import { newApiKey } from "../../worker/domain/crypto.ts";
import { call, createIntegration, createKey, createTenant, env, expectProblem } from "./helpers.ts";

interface Route {
  method: string;
  path: (integrationId: string, keyId: string) => string;
  admin: boolean;
  body?: unknown;
}

const ROUTES: Route[] = [
  { method: "GET", path: () => "/v1/me", admin: false },
  { method: "GET", path: () => "/v1/keys", admin: true },
  {
    method: "POST",
    path: () => "/v1/keys",
    admin: true,
    body: { name: "k", scope: "ingest", expiresAt: "2099-01-01T00:00:00Z" },
  },
  { method: "GET", path: (_i, k) => `/v1/keys/${k}`, admin: true },
  { method: "DELETE", path: (_i, k) => `/v1/keys/${k}`, admin: true },
  { method: "GET", path: () => "/v1/integrations", admin: false },
  { method: "POST", path: () => "/v1/integrations", admin: true, body: { name: "X", contexts: ["vendors"] } },
  { method: "GET", path: (i) => `/v1/integrations/${i}`, admin: false },
  { method: "PATCH", path: (i) => `/v1/integrations/${i}`, admin: true, body: { name: "Renamed" } },
  { method: "DELETE", path: (i) => `/v1/integrations/${i}`, admin: true },
];

let addresses = 0;
const nextAddress = () => `2001:db8::a:${(++addresses).toString(16)}`;

const label = (r: Route) => `${r.method} ${r.path(":id", ":key")}`;

async function world() {
  const a = await createTenant("A");
  const integrationId = await createIntegration(a.admin);
  const ingest = await createKey(a.admin, { integrationId });
  return { a, integrationId, ingest };
}

describe.each(ROUTES.map((r) => [label(r), r] as const))("%s", (_name, route) => {
  const send = (
    key: string | undefined,
    integrationId: string,
    keyId: string,
    headers: Record<string, string> = {},
  ) =>
    call(route.method, route.path(integrationId, keyId), {
      key,
      body: route.body,
      // Each request from its own address, so these deliberate failures never exhaust a shared
      // failed-authentication budget (rate-limit.test.ts tests that budget).
      headers: { "cf-connecting-ip": nextAddress(), ...headers },
    });

  it("refuses a request without a key", async () => {
    const { integrationId, ingest } = await world();
    const problem = await expectProblem(await send(undefined, integrationId, ingest.id), 401, "unauthorized");
    expect(problem.detail).toBe("An API key is required: send it in the x-api-key header");
  });

  it("refuses a malformed key without echoing it", async () => {
    const { integrationId, ingest } = await world();
    const response = await send("hunter2-secret-value", integrationId, ingest.id);
    const problem = await expectProblem(response, 401, "unauthorized");
    expect(JSON.stringify(problem)).not.toContain("hunter2");
  });

  it("refuses a malformed Authorization header", async () => {
    const { integrationId, ingest } = await world();
    await expectProblem(
      await send(undefined, integrationId, ingest.id, { authorization: "Basic dXNlcjpwYXNz" }),
      401,
    );
  });

  it("refuses an unknown key", async () => {
    const { integrationId, ingest } = await world();
    const { secret } = await newApiKey();
    const problem = await expectProblem(await send(secret, integrationId, ingest.id), 401, "unauthorized");
    expect(problem.detail).toBe("The API key is not valid");
  });

  it("refuses a known key id with the wrong secret", async () => {
    const { a, integrationId, ingest } = await world();
    const forged = `${a.admin.slice(0, -43)}${"A".repeat(43)}`;
    await expectProblem(await send(forged, integrationId, ingest.id), 401, "unauthorized");
  });

  it("refuses a revoked key", async () => {
    const { a, integrationId, ingest } = await world();
    const admin2 = await createKey(a.admin, { scope: "admin" });
    await call("DELETE", `/v1/keys/${admin2.id}`, { key: a.admin });
    const problem = await expectProblem(
      await send(admin2.secret, integrationId, ingest.id),
      401,
      "unauthorized",
    );
    expect(problem.detail).toBe("The API key is not valid");
  });

  it("refuses an expired key", async () => {
    const { a, integrationId, ingest } = await world();
    const { id, secret, hash } = await newApiKey();
    const past = new Date(Date.now() - 60_000).toISOString();
    await insertKeyStatement(
      env.DB,
      {
        id,
        tenantId: a.tenantId,
        name: "old",
        scope: "admin",
        integrationId: null,
        createdAt: past,
        expiresAt: past,
        lastUsedAt: null,
        revokedAt: null,
      },
      hash,
    ).run();
    const problem = await expectProblem(await send(secret, integrationId, ingest.id), 401, "unauthorized");
    expect(problem.detail).toBe("The API key is not valid");
  });

  if (route.admin) {
    it("refuses an ingest key", async () => {
      const { integrationId, ingest } = await world();
      const problem = await expectProblem(
        await send(ingest.secret, integrationId, ingest.id),
        403,
        "forbidden",
      );
      expect(problem.detail).toBe('The API key "test key" is an ingest key; this needs an admin key');
    });
  }

  if (route.path("X", "Y").includes("X") || route.path("X", "Y").includes("Y")) {
    it("answers another tenant's resource exactly like a missing one (404)", async () => {
      const { integrationId, ingest } = await world();
      const b = await createTenant("B");
      const foreign = await send(b.admin, integrationId, ingest.id);
      const missing = await send(
        b.admin,
        "int_00000000000000000000000000000000",
        "key_00000000000000000000000000000000",
      );
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      const [f, m] = [await foreign.json(), await missing.json()];
      expect((f as { title: string }).title).toBe((m as { title: string }).title);
      expect((f as { type: string }).type).toBe((m as { type: string }).type);
    });
  }
});

it("records when a key was last used", async () => {
  const { a, ingest } = await world();
  await call("GET", "/v1/me", { key: ingest.secret });
  const row = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?1")
    .bind(ingest.id)
    .first<{ last_used_at: string }>();
  expect(row?.last_used_at).not.toBeNull();
  expect(a.tenantId).toMatch(/^ten_/);
});
