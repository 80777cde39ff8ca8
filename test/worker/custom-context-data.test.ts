// A tenant's own context on the data routes: exactly like a built-in for that tenant, and a 404
// everywhere for any other tenant (even one with its own context of the same name, which validates
// with its own schema); the schema $id each version records, and the schemaId a sync is checked
// against across SchemaVer changes.
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../worker/openapi.ts";
import { BADGES, createContext, type World, withSchema, world } from "./custom-context-helpers.ts";
import { commitSync, putBatch } from "./data-helpers.ts";
import { call, createIntegration, createKey, expectProblem, json } from "./helpers.ts";

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
