// A tenant's own contexts: created, updated by SchemaVer and deleted by admin keys; then exactly
// like a built-in on every route for that tenant, and a 404 everywhere for any other tenant (even
// one with its own context of the same name, which validates with its own schema).
import { describe, expect, it } from "vitest";
import type { CatalogList, CustomContextSaved } from "../../schemas/api-types.ts";
import { OPERATIONS } from "../../worker/openapi.ts";
import { commitSync, putBatch } from "./data-helpers.ts";
import {
  call,
  createIntegration,
  createKey,
  createTenant,
  expectProblem,
  inDays,
  json,
  type TenantFixture,
} from "./helpers.ts";

const BADGES = {
  name: "badges",
  title: "Door badges",
  category: "Facilities",
  schema: {
    type: "object",
    properties: {
      badgeId: { type: "string", "x-intake-aliases": ["Badge ID"], examples: ["B-0001"] },
      holder: { type: "string", format: "email", examples: ["ann@example.com"] },
      level: { type: "integer", minimum: 0, maximum: 9 },
      status: { type: "string", enum: ["ACTIVE", "LOST"] },
    },
    required: ["badgeId", "holder"],
    "x-intake-key": ["badgeId"],
  },
};

type Definition = typeof BADGES;

const withSchema = (edit: (schema: Record<string, unknown>) => void): Omit<Definition, "name"> => {
  const { name: _name, ...rest } = structuredClone(BADGES);
  edit(rest.schema as unknown as Record<string, unknown>);
  return rest;
};

async function createContext(admin: string, body: unknown = BADGES): Promise<CustomContextSaved> {
  const response = await call("POST", "/v1/contexts", { key: admin, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<CustomContextSaved>(response);
}

interface World {
  a: TenantFixture;
  b: TenantFixture;
  integrationId: string;
  ingest: string;
  base: string;
}

async function world(): Promise<World> {
  const a = await createTenant("Tenant A");
  const b = await createTenant("Tenant B");
  await createContext(a.admin);
  const integrationId = await createIntegration(a.admin, ["badges", "saas_users"], "Door system");
  const key = await createKey(a.admin, { integrationId, expiresAt: inDays(365) });
  return {
    a,
    b,
    integrationId,
    ingest: key.secret,
    base: `/v1/integrations/${integrationId}/contexts/badges`,
  };
}

describe("POST /v1/contexts", () => {
  it("creates a tenant context with a tenant-scoped SchemaVer $id, like the built-ins'", async () => {
    const { tenantId, admin } = await createTenant();
    const response = await call("POST", "/v1/contexts", { key: admin, body: BADGES });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe("/v1/contexts/badges");
    const body = await json<CustomContextSaved>(response);
    expect(body).toMatchObject({
      name: "badges",
      title: "Door badges",
      category: "Facilities",
      custom: true,
      version: "1-0-0",
      schemaId: `urn:intake:${tenantId}.badges:1-0-0`,
      key: ["badgeId"],
      required: ["badgeId", "holder"],
      fields: ["badgeId", "holder", "level", "status"],
      revisions: ["1-0-0"],
      capabilities: [],
      change: { kind: "model", from: null, to: "1-0-0" },
    });
    expect(body.schema.$id).toBe(body.schemaId);
    expect(body.schema["x-intake-key"]).toEqual(["badgeId"]);
  });

  it("refuses a second context of the same name, a built-in name and an ingest key", async () => {
    const { admin } = await createTenant();
    await createContext(admin);
    const again = await expectProblem(
      await call("POST", "/v1/contexts", { key: admin, body: BADGES }),
      409,
      "context-exists",
    );
    expect(again.detail).toBe(
      'This tenant already has a context named "badges"; change it with PUT /v1/contexts/badges',
    );
    const builtin = await expectProblem(
      await call("POST", "/v1/contexts", { key: admin, body: { ...BADGES, name: "saas_users" } }),
      422,
      "invalid-body",
    );
    expect(builtin.errors).toEqual([
      { pointer: "/name", message: 'name "saas_users" is a built-in context; choose another name' },
    ]);
    const integrationId = await createIntegration(admin);
    const ingest = await createKey(admin, { integrationId });
    await expectProblem(
      await call("POST", "/v1/contexts", { key: ingest.secret, body: { ...BADGES, name: "other" } }),
      403,
    );
    await expectProblem(await call("POST", "/v1/contexts", { body: BADGES }), 401);
  });

  describe("hostile definitions", () => {
    const field = (prop: unknown) =>
      withSchema((s) => {
        (s.properties as Record<string, unknown>).x = prop;
      });

    it.each<[string, unknown, string, string]>([
      [
        "a remote $ref",
        { ...BADGES, schema: { ...BADGES.schema, $ref: "https://evil.example/s.json" } },
        "/schema/$ref",
        'remote $ref "https://evil.example/s.json" is not allowed: the Worker never fetches other documents; write the field out in "properties"',
      ],
      [
        "a catastrophic pattern",
        { name: "badges", ...field({ type: "string", pattern: "(a{1,100}){1,100}$" }) },
        "/schema/properties/x/pattern",
        "field x: the pattern repeats more than the linear-time engine allows: a count of at most 1,000, nested counts multiplied",
      ],
      [
        "a 10,000-value enum",
        {
          name: "badges",
          ...field({ type: "string", enum: Array.from({ length: 10_000 }, (_, i) => `v${i}`) }),
        },
        "/schema/properties/x/enum",
        "field x: enum has 10,000 values; at most 1,000 (use a pattern or leave the values open)",
      ],
      [
        "an unknown keyword",
        { name: "badges", ...field({ type: "string", if: {} }) },
        "/schema/properties/x/if",
        'unknown keyword "if" in field x; allowed: type, description, examples, enum, format, minLength, maxLength, minimum, maximum, pattern, items, uniqueItems, x-intake-aliases, x-intake-synonyms, x-intake-hint',
      ],
      [
        "a key field not required",
        { name: "badges", ...withSchema((s) => (s.required = ["holder"])) },
        "/schema/x-intake-key/0",
        'key field badgeId is not required: add it to "required" (a record without its key cannot be identified)',
      ],
    ])("refuses %s with a precise 422", async (_what, body, pointer, message) => {
      const { admin } = await createTenant();
      const problem = await expectProblem(
        await call("POST", "/v1/contexts", { key: admin, body }),
        422,
        "invalid-body",
      );
      expect(problem.errors).toEqual([{ pointer, message }]);
      await expectProblem(await call("GET", "/v1/contexts/badges", { key: admin }), 404);
    });

    it("refuses deep nesting without walking it", async () => {
      const { admin } = await createTenant();
      const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
      const raw = `{"name":"badges","title":"T","category":"C","schema":{"type":"object","properties":{"a":{"type":"string","examples":${deep}}}}}`;
      const problem = await expectProblem(
        await call("POST", "/v1/contexts", {
          key: admin,
          raw,
          headers: { "content-type": "application/json" },
        }),
        422,
        "invalid-body",
      );
      expect(problem.errors).toEqual([
        {
          pointer: "",
          message:
            "The definition is nested deeper than 8 levels; a context definition needs 5 at most (body, schema, properties, field, enum)",
        },
      ]);
    });

    it("refuses a 1 MB definition with 413 before parsing it", async () => {
      const { admin } = await createTenant();
      const body = { ...BADGES, description: "x".repeat(1024 * 1024) };
      const problem = await expectProblem(
        await call("POST", "/v1/contexts", { key: admin, body }),
        413,
        "definition-too-large",
      );
      expect(problem.detail).toMatch(
        /^A context definition is at most 262,144 bytes; this one is 1,04\d,\d{3}\. Nothing was stored$/,
      );
    });
  });
});

describe("the catalog, schema and templates of a custom context", () => {
  it("lists the tenant's contexts (custom: true, with $id) only with its key; built-ins carry their $id", async () => {
    const { a, b } = await world();
    const listOf = async (key?: string) => {
      const response = await call("GET", "/v1/contexts", key ? { key } : {});
      expect(response.status).toBe(200);
      return { response, body: await json<CatalogList>(response) };
    };
    const mine = await listOf(a.admin);
    const entry = mine.body.data.find((c) => c.name === "badges");
    expect(entry).toMatchObject({
      custom: true,
      schemaId: `urn:intake:${a.tenantId}.badges:1-0-0`,
      category: "Facilities",
    });
    expect(mine.body.categories).toContain("Facilities");
    expect(mine.response.headers.get("cache-control")).toBe("private, no-cache");
    expect(mine.body.data.find((c) => c.name === "saas_users")).toMatchObject({
      schemaId: "urn:intake:saas_users:1-1-0",
    });
    expect(mine.body.data.find((c) => c.name === "saas_users")?.custom).toBeUndefined();
    const searched = await json<CatalogList>(await call("GET", "/v1/contexts?q=badge", { key: a.admin }));
    expect(searched.data.map((c) => c.name)).toEqual(["badges"]);
    for (const other of [await listOf(b.admin), await listOf()]) {
      expect(other.body.data.map((c) => c.name)).not.toContain("badges");
      expect(other.body.categories).not.toContain("Facilities");
    }
    expect((await listOf()).response.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await listOf()).response.headers.get("vary")).toContain("x-api-key, authorization");
  });

  it("serves detail, schema and templates to the tenant, and 404 to another tenant or no key", async () => {
    const { a, b } = await world();
    for (const path of ["", "/schema", "/template.csv", "/template.json"]) {
      const url = `/v1/contexts/badges${path}`;
      expect((await call("GET", url, { key: a.admin })).status, url).toBe(200);
      const other = await expectProblem(await call("GET", url, { key: b.admin }), 404, "not-found");
      expect(other.detail).not.toContain(a.tenantId);
      await expectProblem(await call("GET", url), 404, "not-found");
    }
    const csv = await call("GET", "/v1/contexts/badges/template.csv", { key: a.admin });
    expect(await csv.text()).toBe("Badge ID,holder,level,status\r\nB-0001,ann@example.com,,\r\n");
  });

  it("answers the schema with an ETag from its $id and 304 to If-None-Match", async () => {
    const { a } = await world();
    const id = `urn:intake:${a.tenantId}.badges:1-0-0`;
    const first = await call("GET", "/v1/contexts/badges/schema", { key: a.admin });
    expect(first.headers.get("etag")).toBe(`"${id}"`);
    expect(first.headers.get("content-type")).toBe("application/schema+json");
    expect((await json<{ $id: string }>(first)).$id).toBe(id);
    const again = await call("GET", "/v1/contexts/badges/schema", {
      key: a.admin,
      headers: { "if-none-match": `"${id}"` },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const builtin = await call("GET", "/v1/contexts/saas_users/schema");
    expect(builtin.headers.get("etag")).toBe('"urn:intake:saas_users:1-1-0"');
    expect(
      (
        await call("GET", "/v1/contexts/saas_users/schema", {
          headers: { "if-none-match": '"urn:intake:saas_users:1-1-0"' },
        })
      ).status,
    ).toBe(304);
    expect(
      (
        await call("GET", "/v1/contexts/saas_users/schema", {
          headers: { "if-none-match": '"urn:intake:saas_users:1-0-0"' },
        })
      ).status,
    ).toBe(200);
  });

  it("serves retained revisions by ?version and a clear 404 for an unknown one", async () => {
    const released = await call("GET", "/v1/contexts/saas_users/schema?version=1-0-1");
    expect(released.status).toBe(200);
    expect(released.headers.get("cache-control")).toBe("public, max-age=86400, immutable");
    const unknown = await expectProblem(
      await call("GET", "/v1/contexts/saas_users/schema?version=7-0-0"),
      404,
      "schema-revision-not-found",
    );
    expect(unknown.detail).toBe("saas_users has no revision 7-0-0; its revisions are 1-0-1, 1-1-0");
    expect(unknown.revisions).toEqual(["1-0-1", "1-1-0"]);
    const bad = await expectProblem(await call("GET", "/v1/contexts/saas_users/schema?version=latest"), 400);
    expect(bad.detail).toBe(
      'version must be a SchemaVer MODEL-REVISION-ADDITION such as 1-0-0; got "latest"',
    );
  });
});

describe("PUT /v1/contexts/{name}: SchemaVer", () => {
  const put = (key: string, body: unknown, query = "") =>
    call("PUT", `/v1/contexts/badges${query}`, { key, body });

  it("bumps ADDITION, REVISION and (confirmed) MODEL, keeping every revision readable", async () => {
    const { a, b } = await world();
    const scoped = `urn:intake:${a.tenantId}.badges`;
    const same = await json<CustomContextSaved>(
      await put(
        a.admin,
        withSchema(() => {}),
      ),
    );
    expect(same.change).toEqual({ kind: "none", from: "1-0-0", to: "1-0-0", reasons: [] });

    const addition = withSchema((s) => {
      (s.properties as Record<string, unknown>).site = { type: "string" };
    });
    const added = await json<CustomContextSaved>(await put(a.admin, addition));
    expect(added.change).toEqual({
      kind: "addition",
      from: "1-0-0",
      to: "1-0-1",
      reasons: ["site is a new optional field"],
    });
    expect(added.schemaId).toBe(`${scoped}:1-0-1`);

    const revision = withSchema((s) => {
      const props = s.properties as Record<string, Record<string, unknown>>;
      props.site = { type: "string" };
      props.status = { type: "string", enum: ["ACTIVE", "LOST", "RETURNED"] };
    });
    const revised = await json<CustomContextSaved>(await put(a.admin, revision));
    expect(revised.change).toMatchObject({ kind: "revision", from: "1-0-1", to: "1-1-0" });

    const breaking = withSchema((s) => {
      const props = s.properties as Record<string, unknown>;
      props.site = { type: "string" };
      delete props.level;
    });
    const refused = await expectProblem(await put(a.admin, breaking), 409, "schema-model-change");
    expect(refused.detail).toBe(
      'This change breaks records valid under badges 1-1-0 (level was removed; status no longer accepts "RETURNED"), so it is a MODEL change to 2-0-0. Send it again with ?confirm=breaking to apply it: committed versions stay readable, and syncs started against 1-1-0 will be refused at commit',
    );
    expect(refused.change).toMatchObject({ kind: "model", from: "1-1-0", to: "2-0-0" });
    await expectProblem(await put(a.admin, breaking, "?confirm=yes"), 400);
    const modelled = await json<CustomContextSaved>(await put(a.admin, breaking, "?confirm=breaking"));
    expect(modelled.schemaId).toBe(`${scoped}:2-0-0`);
    expect(modelled.revisions).toEqual(["1-0-0", "1-0-1", "1-1-0", "2-0-0"]);

    const old = await call("GET", "/v1/contexts/badges/schema?version=1-0-0", { key: a.admin });
    expect(old.status).toBe(200);
    expect(Object.keys((await json<{ properties: object }>(old)).properties)).toContain("level");
    expect(old.headers.get("cache-control")).toBe("private, no-cache");
    await expectProblem(await call("GET", "/v1/contexts/badges/schema?version=1-0-0", { key: b.admin }), 404);
    await expectProblem(await put(b.admin, breaking, "?confirm=breaking"), 404);
  });

  it("refuses changes to a built-in", async () => {
    const { admin } = await createTenant();
    const problem = await expectProblem(
      await call("PUT", "/v1/contexts/saas_users", { key: admin, body: withSchema(() => {}) }),
      403,
    );
    expect(problem.detail).toBe(
      '"saas_users" is a built-in context; it is defined by Intake and cannot be changed or deleted',
    );
  });
});

describe("DELETE /v1/contexts/{name}", () => {
  it("refuses while an integration uses the context, naming it; then removes it and its revisions", async () => {
    const { a, b, integrationId } = await world();
    await expectProblem(await call("DELETE", "/v1/contexts/badges", { key: b.admin }), 404);
    const inUse = await expectProblem(
      await call("DELETE", "/v1/contexts/badges", { key: a.admin }),
      409,
      "context-in-use",
    );
    expect(inUse.detail).toBe(
      `badges is used by integration "Door system" (${integrationId}); remove it from that integration first`,
    );
    expect(inUse.integrations).toEqual([{ id: integrationId, name: "Door system" }]);
    const patched = await call("PATCH", `/v1/integrations/${integrationId}`, {
      key: a.admin,
      body: { contexts: ["saas_users"] },
    });
    expect(patched.status).toBe(200);
    expect((await call("DELETE", "/v1/contexts/badges", { key: a.admin })).status).toBe(204);
    await expectProblem(await call("GET", "/v1/contexts/badges", { key: a.admin }), 404);
    // A new context of that name is another definition: it starts at the next MODEL, so its $id
    // is never one the deleted context had.
    expect((await createContext(a.admin)).revisions).toEqual(["2-0-0"]);
  });

  it("refuses deleting a built-in", async () => {
    const { admin } = await createTenant();
    await expectProblem(await call("DELETE", "/v1/contexts/vendors", { key: admin }), 403);
  });
});

describe("a custom context on the data routes", () => {
  it("validates, stores, reads, syncs and reports exactly like a built-in", async () => {
    const { a, ingest, base, integrationId } = await world();
    const good = [
      { badgeId: "B1", holder: "ann@example.com", level: 2 },
      { badgeId: "B2", holder: "bob@example.com", status: "LOST" },
    ];
    const validated = await json<{ valid: boolean; diff: { added: number } }>(
      await call("POST", `${base}/validate`, { key: ingest, body: good }),
    );
    expect(validated).toMatchObject({ valid: true, diff: { added: 2 } });
    const bad = await expectProblem(
      await call("POST", `${base}/records`, {
        key: ingest,
        body: [{ badgeId: "B1", holder: "nope", level: 12 }],
      }),
      422,
      "invalid-records",
    );
    expect(
      (bad.report as { errors: { field: string; keyword: string }[] }).errors.map(
        (e) => `${e.field} ${e.keyword}`,
      ),
    ).toEqual(["holder format", "level maximum"]);
    // CSV headers resolve through the custom aliases.
    const csv = await call("POST", `${base}/records`, {
      key: ingest,
      raw: "Badge ID,holder,level\nB1,ann@example.com,2\nB2,bob@example.com,3\n",
      headers: { "content-type": "text/csv" },
    });
    expect(csv.status, await csv.clone().text()).toBe(201);
    const records = await json<{ data: unknown[] }>(await call("GET", `${base}/records`, { key: ingest }));
    expect(records.data).toEqual([
      { badgeId: "B1", holder: "ann@example.com", level: 2 },
      { badgeId: "B2", holder: "bob@example.com", level: 3 },
    ]);
    expect(await (await call("GET", `${base}/records?format=csv`, { key: ingest })).text()).toBe(
      "badgeId,holder,level,status\r\nB1,ann@example.com,2,\r\nB2,bob@example.com,3,\r\n",
    );
    const syncId = (await json<{ syncId: string }>(await call("POST", `${base}/syncs`, { key: ingest })))
      .syncId;
    expect((await putBatch(base, ingest, syncId, 1, good)).status).toBe(200);
    const dup = await putBatch(base, ingest, syncId, 2, [{ badgeId: "B1", holder: "x@example.com" }]);
    expect(dup.status).toBe(200);
    const diff = await json<{ changed: number; incoming: number }>(
      await call("GET", `${base}/syncs/${syncId}/diff`, { key: ingest }),
    );
    expect(diff.incoming).toBe(3);
    const refused = await expectProblem(await commitSync(base, ingest, syncId), 422, "invalid-records");
    expect((refused.report as { errors: { keyword: string }[] }).errors[0]?.keyword).toBe("duplicate-key");
    const versions = await json<{ data: { version: number }[] }>(
      await call("GET", `${base}/versions`, { key: ingest }),
    );
    expect(versions.data.map((v) => v.version)).toEqual([1]);
    const history = await json<{ data: { context: string }[] }>(
      await call("GET", `/v1/integrations/${integrationId}/ingestions?context=badges`, { key: a.admin }),
    );
    expect(history.data.length).toBeGreaterThan(0);
    expect(history.data.every((i) => i.context === "badges")).toBe(true);
    const detail = await json<{ endpoints: { context: string; title: string }[] }>(
      await call("GET", `/v1/integrations/${integrationId}`, { key: a.admin }),
    );
    expect(detail.endpoints.find((e) => e.context === "badges")?.title).toBe("Door badges");
    const openapi = await json<{
      paths: Record<string, { post: { parameters: { name: string; schema: { enum?: string[] } }[] } }>;
    }>(await call("GET", "/openapi.json", { key: a.admin }));
    const param = openapi.paths["/v1/integrations/{id}/contexts/{context}/records"]?.post.parameters.find(
      (p) => p.name === "context",
    );
    expect(param?.schema.enum).toContain("badges");
  });

  it("is never seen nor used by another tenant, on any route, even one with its own context of that name", async () => {
    const { b, base: baseA, integrationId: intA } = await world();
    // B cannot enable A's context...
    const refused = await expectProblem(
      await call("POST", "/v1/integrations", { key: b.admin, body: { name: "B", contexts: ["badges"] } }),
      422,
      "invalid-body",
    );
    expect(refused.errors).toEqual([{ pointer: "/contexts", message: 'unknown context(s): "badges"' }]);
    const intB = await createIntegration(b.admin, ["saas_users"], "B");
    // ...and every route under /v1/contexts/{context} or …/contexts/{context} answers 404 for it.
    const paths = Object.entries(OPERATIONS).filter(([path]) => path.includes("{context}"));
    expect(paths.length).toBeGreaterThanOrEqual(12);
    for (const [path, methods] of paths) {
      for (const method of Object.keys(methods)) {
        for (const integrationId of [intA, intB]) {
          const url = path
            .replace("{id}", integrationId)
            .replace("{context}", "badges")
            .replace("{syncId}", "syn_0")
            .replace("{seq}", "1")
            .replace("{version}", "1");
          const response = await call(method.toUpperCase(), url, {
            key: b.admin,
            ...(method === "get" || method === "delete" ? {} : { body: withSchema(() => {}) }),
          });
          expect(response.status, `${method} ${url}`).toBe(404);
        }
      }
    }
    const openapi = await json<{
      paths: Record<string, { post: { parameters: { name: string; schema: { enum?: string[] } }[] } }>;
    }>(await call("GET", "/openapi.json", { key: b.admin }));
    const param = openapi.paths["/v1/integrations/{id}/contexts/{context}/records"]?.post.parameters.find(
      (p) => p.name === "context",
    );
    expect(param?.schema.enum).not.toContain("badges");

    // B's own "badges" is another context: B's schema validates B's records, A's still A's.
    await createContext(b.admin, {
      ...BADGES,
      title: "B badges",
      schema: {
        type: "object",
        properties: { code: { type: "integer" } },
        required: ["code"],
        "x-intake-key": ["code"],
      },
    });
    const bInt = await createIntegration(b.admin, ["badges"], "B doors");
    const bKey = await createKey(b.admin, { integrationId: bInt });
    const bBase = `/v1/integrations/${bInt}/contexts/badges`;
    expect((await call("POST", `${bBase}/records`, { key: bKey.secret, body: [{ code: 7 }] })).status).toBe(
      201,
    );
    await expectProblem(
      await call("POST", `${bBase}/records`, {
        key: bKey.secret,
        body: [{ badgeId: "B1", holder: "ann@example.com" }],
      }),
      422,
    );
    const aAdmin = (await json<{ title: string }>(await call("GET", "/v1/contexts/badges", { key: b.admin })))
      .title;
    expect(aAdmin).toBe("B badges");
    await expectProblem(await call("GET", `${baseA}/records`, { key: bKey.secret }), 404);
  });
});

describe("versions across schema changes", () => {
  it("records the schema $id of each version, and refuses to restore one from before a MODEL change", async () => {
    const { a, ingest, base } = await world();
    const scoped = `urn:intake:${a.tenantId}.badges`;
    const post = (records: unknown[]) => call("POST", `${base}/records`, { key: ingest, body: records });
    expect((await post([{ badgeId: "B1", holder: "ann@example.com", level: 2 }])).status).toBe(201);
    const revised = withSchema((s) => {
      (s.properties as Record<string, unknown>).status = {
        type: "string",
        enum: ["ACTIVE", "LOST", "RETURNED"],
      };
    });
    expect((await call("PUT", "/v1/contexts/badges", { key: a.admin, body: revised })).status).toBe(200);
    expect((await post([{ badgeId: "B2", holder: "bob@example.com" }])).status).toBe(201);
    // Within one MODEL a restore is fine, and keeps the schema its records were checked with.
    const restored = await call("POST", `${base}/versions/1/restore`, { key: ingest });
    expect(restored.status).toBe(201);
    expect((await json<{ schemaId: string }>(restored)).schemaId).toBe(`${scoped}:1-0-0`);
    const breaking = withSchema((s) => {
      delete (s.properties as Record<string, unknown>).level;
    });
    expect(
      (await call("PUT", "/v1/contexts/badges?confirm=breaking", { key: a.admin, body: breaking })).status,
    ).toBe(200);
    const refused = await expectProblem(
      await call("POST", `${base}/versions/2/restore`, { key: ingest }),
      409,
      "schema-model-changed",
    );
    expect(refused.detail).toBe(
      "Version 2 was committed under the badges schema 1-1-0; the schema is now 2-0-0, a breaking (MODEL) change, so its records cannot become current again. Its records stay readable; upload them again, checked against the current schema",
    );
    // The committed versions stay listed and the current one readable, fields of the old model included.
    const versions = await json<{ data: { version: number; schemaId: string; current: boolean }[] }>(
      await call("GET", `${base}/versions`, { key: ingest }),
    );
    expect(versions.data.map((v) => [v.version, v.schemaId.slice(scoped.length + 1), v.current])).toEqual([
      [3, "1-0-0", true],
      [2, "1-1-0", false],
      [1, "1-0-0", false],
    ]);
    const current = await json<{ version: number; data: unknown[] }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
    expect(current).toMatchObject({
      version: 3,
      data: [{ badgeId: "B1", holder: "ann@example.com", level: 2 }],
    });
  });
});

describe("POST …/syncs schemaId", () => {
  async function started(w: World, schemaId: string): Promise<string> {
    const response = await call("POST", `${w.base}/syncs`, { key: w.ingest, body: { schemaId } });
    expect(response.status, await response.clone().text()).toBe(201);
    const body = await json<{ syncId: string; schemaId: string }>(response);
    expect(body.schemaId).toBe(schemaId);
    return body.syncId;
  }
  const record = [{ badgeId: "B1", holder: "ann@example.com" }];
  const update = (w: World, body: unknown, confirm = false) =>
    call("PUT", `/v1/contexts/badges${confirm ? "?confirm=breaking" : ""}`, { key: w.a.admin, body });

  it("refuses a commit after a MODEL change since the client validated", async () => {
    const w = await world();
    const syncId = await started(w, `urn:intake:${w.a.tenantId}.badges:1-0-0`);
    expect((await putBatch(w.base, w.ingest, syncId, 1, record)).status).toBe(200);
    const breaking = withSchema((s) => {
      delete (s.properties as Record<string, unknown>).level;
    });
    expect((await update(w, breaking, true)).status).toBe(200);
    const problem = await expectProblem(
      await commitSync(w.base, w.ingest, syncId),
      409,
      "schema-model-changed",
    );
    expect(problem.detail).toBe(
      "The badges schema had a breaking (MODEL) change since this sync started: the file was validated against 1-0-0, the schema is now 2-0-0. Nothing was committed; validate the file again with the current schema and upload it in a new sync",
    );
    const records = await json<{ version: number | null }>(
      await call("GET", `${w.base}/records`, { key: w.ingest }),
    );
    expect(records.version).toBeNull();
  });

  it("commits with a warning after a REVISION change, and silently after an ADDITION", async () => {
    const w = await world();
    const id = (v: string) => `urn:intake:${w.a.tenantId}.badges:${v}`;
    const first = await started(w, id("1-0-0"));
    expect(
      (
        await update(
          w,
          withSchema((s) => Object.assign(s.properties as object, { site: { type: "string" } })),
        )
      ).status,
    ).toBe(200);
    expect((await putBatch(w.base, w.ingest, first, 1, record)).status).toBe(200);
    const added = await json<Record<string, unknown>>(await commitSync(w.base, w.ingest, first));
    expect(added.version).toBe(1);
    expect(added.schemaChange).toBeUndefined();

    const second = await started(w, id("1-0-1"));
    const revised = withSchema((s) => {
      const props = s.properties as Record<string, unknown>;
      props.site = { type: "string" };
      props.status = { type: "string", enum: ["ACTIVE", "LOST", "RETURNED"] };
    });
    expect((await update(w, revised)).status).toBe(200);
    // Other records than the first sync's (the same ones would change nothing: no new version).
    const other = [{ badgeId: "B2", holder: "bob@example.com" }];
    expect((await putBatch(w.base, w.ingest, second, 1, other)).status).toBe(200);
    const committed = await json<Record<string, unknown>>(await commitSync(w.base, w.ingest, second));
    expect(committed.version).toBe(2);
    expect(committed.schemaChange).toEqual({
      kind: "revision",
      validatedAgainst: id("1-0-1"),
      current: id("1-1-0"),
      message:
        "The badges schema was revised since this file was validated (1-0-1 → 1-1-0); the records were checked again with the current rules and committed",
    });
    // A retried commit replays the first answer, notice included.
    const replay = await json<Record<string, unknown>>(await commitSync(w.base, w.ingest, second));
    expect(replay).toEqual({ ...committed, replayed: true });
  });

  it.each([
    ["urn:intake:saas_users:1-0-1", "is not a schema of badges"],
    ["urn:intake:badges:1-0-0", "is not a schema of badges"],
    ["1-0-0", "is not a SchemaVer $id such as urn:intake:"],
    ["urn:intake:{tenant}.badges:9-0-0", "is newer than the current schema of badges"],
  ])("answers 400 for the schemaId %s", async (given, message) => {
    const w = await world();
    const schemaId = given.replace("{tenant}", w.a.tenantId);
    const problem = await expectProblem(
      await call("POST", `${w.base}/syncs`, { key: w.ingest, body: { schemaId } }),
      400,
    );
    expect(problem.detail).toContain(message);
  });

  it("accepts a built-in's $id and refuses another built-in's", async () => {
    const w = await world();
    const base = `/v1/integrations/${w.integrationId}/contexts/saas_users`;
    expect(
      (
        await call("POST", `${base}/syncs`, {
          key: w.ingest,
          body: { schemaId: "urn:intake:saas_users:1-0-1" },
        })
      ).status,
    ).toBe(201);
    await expectProblem(
      await call("POST", `${base}/syncs`, { key: w.ingest, body: { schemaId: "urn:intake:vendors:1-0-0" } }),
      400,
    );
    await expectProblem(await call("POST", `${base}/syncs`, { key: w.ingest, body: { schemaId: 7 } }), 400);
  });
});
