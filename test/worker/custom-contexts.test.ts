// A tenant's own contexts: created, updated by SchemaVer and deleted by admin keys, with hostile
// definitions refused; served in the catalog, as a schema and as templates to that tenant only.
// How a custom context then behaves on the data routes: custom-context-data.test.ts.
import { describe, expect, it } from "vitest";
import type { CatalogList, CustomContextSaved } from "../../schemas/api-types.ts";
import { BADGES, createContext, withSchema, world } from "./custom-context-helpers.ts";
import { call, createIntegration, createKey, createTenant, expectProblem, json } from "./helpers.ts";

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
