// The public catalog: contexts, schemas and templates from schemas/, cacheable with ETags.
import { describe, expect, it } from "vitest";
import { CONTEXT_NAMES, csvTemplate, getSchema, jsonTemplate } from "../../schemas/index.ts";
import { call, expectProblem, json } from "./helpers.ts";

describe("GET /v1/contexts", () => {
  it("lists every context with links, publicly and cacheably", async () => {
    const response = await call("GET", "/v1/contexts");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(response.headers.get("etag")).toMatch(/^(W\/)?"/);
    const body = await json<{
      data: { name: string; links: Record<string, string> }[];
      categories: string[];
    }>(response);
    expect(body.data.map((c) => c.name)).toEqual(CONTEXT_NAMES);
    expect(body.data[0]?.links).toEqual({
      self: "https://intake.test/v1/contexts/saas_users",
      schema: "https://intake.test/v1/contexts/saas_users/schema",
      templateCsv: "https://intake.test/v1/contexts/saas_users/template.csv",
      templateJson: "https://intake.test/v1/contexts/saas_users/template.json",
    });
    expect(body.categories).toContain("Finance");
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const first = await call("GET", "/v1/contexts");
    const etag = first.headers.get("etag") as string;
    const second = await call("GET", "/v1/contexts", { headers: { "if-none-match": etag } });
    expect(second.status).toBe(304);
  });

  it("searches with q and filters by category", async () => {
    const byQ = await json<{ data: { name: string }[] }>(await call("GET", "/v1/contexts?q=invoice"));
    expect(byQ.data.map((c) => c.name)).toContain("invoices");
    const byCategory = await json<{ data: { name: string }[] }>(
      await call("GET", "/v1/contexts?category=HR"),
    );
    expect(byCategory.data.map((c) => c.name)).toEqual(["list_employees"]);
    const none = await json<{ data: unknown[] }>(await call("GET", "/v1/contexts?q=no-such-thing-anywhere"));
    expect(none.data).toEqual([]);
  });

  it("refuses an absurdly long query", async () => {
    await expectProblem(await call("GET", `/v1/contexts?q=${"a".repeat(201)}`), 400, "bad-request");
  });
});

describe("GET /v1/contexts/{context}", () => {
  it("returns metadata, the schema, links and capabilities", async () => {
    const body = await json<Record<string, unknown>>(await call("GET", "/v1/contexts/invoices"));
    expect(body).toMatchObject({
      name: "invoices",
      category: "Finance",
      version: "1-0-0",
      key: ["vendorName", "invoiceId"],
    });
    expect(body.schema).toEqual(getSchema("invoices"));
    expect((body.capabilities as { id: string }[]).map((c) => c.id)).toEqual(["services-and-spend"]);
  });

  it("serves the schema as application/schema+json", async () => {
    const response = await call("GET", "/v1/contexts/saas_users/schema");
    expect(response.headers.get("content-type")).toBe("application/schema+json");
    expect(await response.json()).toEqual(getSchema("saas_users"));
  });

  it("serves the CSV and JSON templates from schemas/", async () => {
    const csv = await call("GET", "/v1/contexts/access_relations/template.csv");
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="access_relations.csv"');
    expect(await csv.text()).toBe(csvTemplate("access_relations"));
    const js = await call("GET", "/v1/contexts/contracts/template.json");
    expect(await js.json()).toEqual(jsonTemplate("contracts"));
  });

  it.each(["nope", "__proto__", "constructor", "saas_users%00"])(
    "answers 404 for the unknown context %s",
    async (name) => {
      const problem = await expectProblem(await call("GET", `/v1/contexts/${name}/schema`), 404, "not-found");
      expect(problem.detail).toContain("known contexts: saas_users");
    },
  );
});

it("lists discovery capabilities", async () => {
  const body = await json<{ data: { id: string; contexts: string[] }[] }>(
    await call("GET", "/v1/capabilities"),
  );
  expect(body.data.find((c) => c.id === "services-and-user-accounts")?.contexts).toEqual([
    "discovered_applications",
    "application_users",
  ]);
});
