// The schema core end to end against hostile contexts: a custom context whose key field is named
// like an Object.prototype member (toString, valueOf, …) answers a record without that field with
// a normal validation error on every data route, never a 500; its templates and CSV export print
// the field's name and nothing from the prototype. Names that no JSON body may hold (constructor,
// __proto__) are refused with the definition.
import { describe, expect, it } from "vitest";
import { putBatch } from "./data-helpers.ts";
import { call, createIntegration, createKey, createTenant, expectProblem, inDays, json } from "./helpers.ts";

const RESERVED = new Set(["constructor", "__proto__", "prototype"]);
const NAMES = Object.getOwnPropertyNames(Object.prototype).filter((name) => !RESERVED.has(name));

/** One context per name (p0, p1, …), each keyed by a field of that name, all in one integration. */
async function world() {
  const { admin } = await createTenant();
  for (const [i, name] of NAMES.entries()) {
    const response = await call("POST", "/v1/contexts", {
      key: admin,
      body: {
        name: `p${i}`,
        title: `Named ${name}`,
        category: "Test",
        schema: {
          type: "object",
          properties: { [name]: { type: "string" }, note: { type: "string" } },
          required: [name],
          "x-intake-key": [name],
        },
      },
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }
  const integrationId = await createIntegration(
    admin,
    NAMES.map((_, i) => `p${i}`),
    "Hostile names",
  );
  const key = await createKey(admin, { integrationId, expiresAt: inDays(30) });
  return {
    admin,
    ingest: key.secret,
    base: (i: number) => `/v1/integrations/${integrationId}/contexts/p${i}`,
  };
}

interface Report {
  errors: { row: number; field: string; keyword: string; message: string }[];
}

describe("a key field named like an Object.prototype member", () => {
  it("a record without it gets a required error on validate, records and batches, never a 500", async () => {
    const { ingest, base } = await world();
    for (const [i, name] of NAMES.entries()) {
      const missing = [{ note: "no key" }];
      const required = [
        { row: 1, field: name, keyword: "required", message: `${name} is required but missing` },
      ];

      const validated = await call("POST", `${base(i)}/validate`, { key: ingest, body: missing });
      expect(validated.status, `${name}: ${await validated.clone().text()}`).toBe(200);
      const report = await json<{ valid: boolean; report?: Report; errors?: Report["errors"] }>(validated);
      expect(report.valid, name).toBe(false);
      expect(JSON.stringify(report), name).toContain(`${name} is required but missing`);

      const stored = await expectProblem(
        await call("POST", `${base(i)}/records`, { key: ingest, body: missing }),
        422,
        "invalid-records",
      );
      expect(
        (stored.report as Report).errors.map(({ row, field, keyword, message }) => ({
          row,
          field,
          keyword,
          message,
        })),
        name,
      ).toEqual(required);

      const syncId = (await json<{ syncId: string }>(await call("POST", `${base(i)}/syncs`, { key: ingest })))
        .syncId;
      const batch = await expectProblem(
        await putBatch(base(i), ingest, syncId, 1, [...missing, { [name]: "k1" }, { [name]: "k1" }]),
        422,
        "invalid-records",
      );
      expect(
        (batch.report as Report).errors.map((e) => `${e.row} ${e.field} ${e.keyword}`),
        name,
      ).toEqual([`1 ${name} required`, `3 ${name} duplicate-key`]);
    }
  });

  it("templates print the field's name, never a function", async () => {
    const { admin } = await world();
    for (const [i, name] of NAMES.entries()) {
      const csv = await call("GET", `/v1/contexts/p${i}/template.csv`, { key: admin });
      expect(csv.status).toBe(200);
      const text = await csv.text();
      expect(text, name).toBe(`${name},note\r\n,\r\n`);
      const template = await call("GET", `/v1/contexts/p${i}/template.json`, { key: admin });
      expect(await template.text(), name).not.toContain("function");
    }
  });

  it("stored records missing an optional field of that name export an empty cell", async () => {
    const { admin } = await createTenant();
    const name = "toString";
    const response = await call("POST", "/v1/contexts", {
      key: admin,
      body: {
        name: "optional_proto",
        title: "Optional toString",
        category: "Test",
        schema: {
          type: "object",
          properties: { id: { type: "string" }, [name]: { type: "string" } },
          required: ["id"],
          "x-intake-key": ["id"],
        },
      },
    });
    expect(response.status).toBe(201);
    const integrationId = await createIntegration(admin, ["optional_proto"], "Optional");
    const key = await createKey(admin, { integrationId, expiresAt: inDays(30) });
    const base = `/v1/integrations/${integrationId}/contexts/optional_proto`;
    expect((await call("POST", `${base}/records`, { key: key.secret, body: [{ id: "1" }] })).status).toBe(
      201,
    );
    const csv = await call("GET", `${base}/records?format=csv`, { key: key.secret });
    expect(await csv.text()).toBe(`id,${name}\r\n1,\r\n`);
  });
});

describe("names no JSON body may hold", () => {
  it.each(["constructor", "__proto__"])(
    "a field named %s is refused with the definition (400)",
    async (name) => {
      const { admin } = await createTenant();
      const body = `{"name":"reserved","title":"Reserved","category":"Test","schema":{"type":"object","properties":{"${name}":{"type":"string"}},"required":["${name}"],"x-intake-key":["${name}"]}}`;
      const problem = await expectProblem(
        await call("POST", "/v1/contexts", {
          key: admin,
          raw: body,
          headers: { "content-type": "application/json" },
        }),
        400,
      );
      expect(problem.detail).toBe(`The key "${name}" is not allowed anywhere in a request body`);
    },
  );
});
