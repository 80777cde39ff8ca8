// Tenant isolation and ingest-key binding on every data route of worker/openapi.ts: another
// tenant's integration answers exactly like a missing one, a bound key sees only its integration,
// a context must be enabled, a key is required, and the per-key rate limit answers 429.
import { describe, expect, it } from "vitest";
import { dataDatabases } from "../../worker/domain/databases.ts";
import { OPERATIONS } from "../../worker/openapi.ts";
import { dataWorld, putBatch, startSync, submit } from "./data-helpers.ts";
import { call, createIntegration, createKey, createTenant, env, expectProblem, inDays } from "./helpers.ts";

const RELATION = {
  entityName: "Alice",
  entityType: "identity",
  entitySourceType: "user",
  entitySourceId: "u-1",
  entityEmail: "alice@example.com",
  accessName: "GitHub",
  accessSourceId: "app-1",
  accessEntityType: "resource",
  accessSourceType: "application",
};

interface Target {
  integrationId: string;
  context: string;
  syncId: string;
}

interface DataRoute {
  /** OpenAPI path and method, checked against worker/openapi.ts below. */
  path: string;
  method: "get" | "post" | "put" | "delete";
  url: (t: Target) => string;
  body?: unknown;
  /** Status for the rightful key (positive control). */
  ok: number;
  /** Routes under /contexts/{context} also check the context and the rate limit. */
  contextScoped: boolean;
}

const ctx = (t: Target) => `/v1/integrations/${t.integrationId}/contexts/${t.context}`;

const ROUTES: DataRoute[] = [
  {
    path: "/v1/integrations/{id}/ingestions",
    method: "get",
    url: (t) => `/v1/integrations/${t.integrationId}/ingestions`,
    ok: 200,
    contextScoped: false,
  },
  {
    path: "/v1/integrations/{id}/status",
    method: "get",
    url: (t) => `/v1/integrations/${t.integrationId}/status`,
    ok: 200,
    contextScoped: false,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/validate",
    method: "post",
    url: (t) => `${ctx(t)}/validate`,
    body: [RELATION],
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/records",
    method: "post",
    url: (t) => `${ctx(t)}/records`,
    body: [RELATION],
    ok: 201,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/records",
    method: "get",
    url: (t) => `${ctx(t)}/records`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/versions",
    method: "get",
    url: (t) => `${ctx(t)}/versions`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/versions/{version}/diff",
    method: "get",
    url: (t) => `${ctx(t)}/versions/1/diff`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/versions/{version}/restore",
    method: "post",
    url: (t) => `${ctx(t)}/versions/1/restore`,
    ok: 201,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/effective-access",
    method: "get",
    url: (t) => `${ctx(t)}/effective-access`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/syncs",
    method: "post",
    url: (t) => `${ctx(t)}/syncs`,
    ok: 201,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}/batches/{seq}",
    method: "put",
    url: (t) => `${ctx(t)}/syncs/${t.syncId}/batches/2`,
    body: [{ ...RELATION, accessSourceId: "app-2" }],
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}/commit",
    method: "post",
    url: (t) => `${ctx(t)}/syncs/${t.syncId}/commit`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}/diff",
    method: "get",
    url: (t) => `${ctx(t)}/syncs/${t.syncId}/diff`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}",
    method: "get",
    url: (t) => `${ctx(t)}/syncs/${t.syncId}`,
    ok: 200,
    contextScoped: true,
  },
  {
    path: "/v1/integrations/{id}/contexts/{context}/syncs/{syncId}",
    method: "delete",
    url: (t) => `${ctx(t)}/syncs/${t.syncId}`,
    ok: 204,
    contextScoped: true,
  },
];

const MISSING = "int_00000000000000000000000000000000";

it("covers every data route of the OpenAPI document", () => {
  const documented = Object.entries(OPERATIONS as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.startsWith("/v1/integrations/{id}/"))
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
    .sort();
  expect(ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented);
});

/**
 * Tenant A with an integration (access_relations, vendors) and a bound ingest key; version 1 and
 * an open sync with batch 1 only when the route needs them (kept lean: one world per test).
 */
async function world(route?: DataRoute) {
  const a = await dataWorld(["access_relations", "vendors"]);
  let syncId = "syn_00000000000000000000000000000000";
  if (route?.path.includes("/versions/{version}/")) await submit(a.base(), a.ingest, [RELATION]);
  if (route?.path.includes("{syncId}")) {
    syncId = await startSync(a.base(), a.ingest);
    expect((await putBatch(a.base(), a.ingest, syncId, 1, [RELATION])).status).toBe(200);
  }
  const target: Target = { integrationId: a.integrationId, context: "access_relations", syncId };
  return { a, target };
}

/** A data database other than `database`: tenants A and B live apart. */
const elsewhere = (database: string) =>
  (dataDatabases(env).find((d) => d.name !== database) as { name: string }).name;

const send = (route: DataRoute, target: Target, key?: string) =>
  call(route.method.toUpperCase(), route.url(target), { key, body: route.body });

describe.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
  "%s",
  (_name, route) => {
    it("answers the rightful bound ingest key (control)", async () => {
      const { a, target } = await world(route);
      expect((await send(route, target, a.ingest)).status).toBe(route.ok);
    });

    it("refuses a request without a key (401)", async () => {
      const { target } = await world(route);
      const problem = await expectProblem(await send(route, target), 401, "unauthorized");
      expect(problem.detail).toBe("An API key is required: send it in the x-api-key header");
    });

    it.each([
      ["on another database", "elsewhere"],
      ["in the same database", "same"],
    ] as const)(
      "answers another tenant's key %s exactly like a missing integration (404), changing nothing",
      async (_where, where) => {
        const { a, target } = await world(route);
        const b = await createTenant("B", where === "same" ? a.database : elsewhere(a.database));
        expect(b.db === a.db).toBe(where === "same");
        const counts = () =>
          Promise.all(
            [a.db, b.db].map((db) =>
              db
                .prepare(
                  "SELECT (SELECT COUNT(*) FROM versions) + (SELECT COUNT(*) FROM syncs WHERE status = 'open') AS n",
                )
                .first(),
            ),
          );
        const before = await counts();
        const foreign = await send(route, target, b.admin);
        const missing = await send(route, { ...target, integrationId: MISSING }, b.admin);
        const f = await expectProblem(foreign, 404, "not-found");
        const m = await expectProblem(missing, 404, "not-found");
        expect(f.detail).toBe(`Integration "${target.integrationId}" was not found`);
        expect({ ...f, detail: String(f.detail).replace(target.integrationId, MISSING) }).toEqual(m);
        expect([...foreign.headers.keys()].sort()).toEqual([...missing.headers.keys()].sort());
        expect(await counts()).toEqual(before);
        // The rightful key still gets the normal answer.
        expect((await send(route, target, a.ingest)).status).toBe(route.ok);
      },
    );

    it("answers an ingest key bound to another integration of the same tenant with 404", async () => {
      const { a, target } = await world(route);
      const a2 = await createIntegration(a.admin, ["access_relations"], "Other app");
      const problem = await expectProblem(
        await send(route, { ...target, integrationId: a2 }, a.ingest),
        404,
        "not-found",
      );
      expect(problem.detail).toBe(`Integration "${a2}" was not found`);
    });

    it("refuses a revoked ingest key immediately (401)", async () => {
      const { a, target } = await world(route);
      const extra = await createKey(a.admin, { integrationId: target.integrationId, expiresAt: inDays(365) });
      await call("DELETE", `/v1/keys/${extra.id}`, { key: a.admin });
      await expectProblem(await send(route, target, extra.secret), 401, "unauthorized");
    });

    if (route.contextScoped) {
      it("answers a context that is not enabled, or unknown, with 404", async () => {
        const { a, target } = await world(route);
        const disabled = await expectProblem(
          await send(route, { ...target, context: "saas_users" }, a.ingest),
          404,
          "not-found",
        );
        expect(disabled.detail).toBe(
          `Context "saas_users" on integration "${target.integrationId}" (enabled: access_relations, vendors) was not found`,
        );
        await expectProblem(await send(route, { ...target, context: "nope" }, a.ingest), 404, "not-found");
      });
    }

    if (route.path.includes("{syncId}")) {
      it("answers a sync of another tenant, integration or context with 404", async () => {
        const { a, target } = await world(route);
        const b = await createTenant("B", elsewhere(a.database));
        const bIntegration = await createIntegration(b.admin, ["access_relations"]);
        // Tenant B through its own integration, naming A's sync.
        await expectProblem(
          await send(
            route,
            { integrationId: bIntegration, context: "access_relations", syncId: target.syncId },
            b.admin,
          ),
          404,
          "not-found",
        );
        // Tenant A's admin through another of its integrations, or another context.
        const a2 = await createIntegration(a.admin, ["access_relations"], "Third");
        await expectProblem(await send(route, { ...target, integrationId: a2 }, a.admin), 404, "not-found");
        await expectProblem(await send(route, { ...target, context: "vendors" }, a.admin), 404, "not-found");
        expect((await send(route, target, a.ingest)).status).toBe(route.ok);
      });
    }
  },
);

it("rate-limits a key on every data route (context routes, history, status) with 429 and Retry-After, and only that key", async () => {
  const { a, target } = await world();
  const limited = await createKey(a.admin, {
    integrationId: target.integrationId,
    name: "busy",
    expiresAt: inDays(365),
  });
  // The key's budget (600/min) is spent directly on the binding the Worker uses: fast, and the
  // same counter. Its windows are aligned to the wall clock, so the budget is topped up before
  // each request and a request that straddled a window rollover is retried once.
  const exhaust = async () => {
    for (let i = 0; i < 1000 && (await env.RATE_LIMITER.limit({ key: limited.id })).success; i++);
  };
  for (const route of ROUTES) {
    let response: Response | undefined;
    for (let attempt = 0; attempt < 2 && response?.status !== 429; attempt++) {
      await exhaust();
      response = await send(route, target, limited.secret);
    }
    const problem = await expectProblem(response as Response, 429, "rate-limited");
    expect(response?.headers.get("retry-after")).toBe("60");
    expect(problem.detail).toBe('The API key "busy" sent too many requests; retry after 60 seconds');
  }
  // Another key of the same tenant is unaffected.
  expect(
    (
      await call("GET", `/v1/integrations/${target.integrationId}/contexts/access_relations/versions`, {
        key: a.ingest,
      })
    ).status,
  ).toBe(200);
});
