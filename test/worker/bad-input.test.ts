// Bad input on every control-plane body: a precise 4xx problem, never a 500.
import { describe, expect, it } from "vitest";
import { call, createIntegration, createTenant, expectProblem, OPERATOR } from "./helpers.ts";

interface BodyRoute {
  name: string;
  method: string;
  path: (integrationId: string) => string;
  auth: (admin: string) => Record<string, string>;
}

const BODY_ROUTES: BodyRoute[] = [
  {
    name: "POST /v1/tenants",
    method: "POST",
    path: () => "/v1/tenants",
    auth: () => ({ authorization: `Bearer ${OPERATOR}` }),
  },
  {
    name: "POST /v1/keys",
    method: "POST",
    path: () => "/v1/keys",
    auth: (admin) => ({ "x-api-key": admin }),
  },
  {
    name: "POST /v1/integrations",
    method: "POST",
    path: () => "/v1/integrations",
    auth: (admin) => ({ "x-api-key": admin }),
  },
  {
    name: "PATCH /v1/integrations/{id}",
    method: "PATCH",
    path: (id) => `/v1/integrations/${id}`,
    auth: (admin) => ({ "x-api-key": admin }),
  },
];

describe.each(BODY_ROUTES.map((r) => [r.name, r] as const))("%s", (_name, route) => {
  async function send(raw: BodyInit | undefined, contentType?: string) {
    const { admin } = await createTenant();
    const id = await createIntegration(admin);
    const headers: Record<string, string> = { ...route.auth(admin) };
    if (contentType) headers["content-type"] = contentType;
    return call(route.method, route.path(id), { raw, headers });
  }

  it("refuses invalid JSON, saying where", async () => {
    const problem = await expectProblem(await send('{"name": "x",', "application/json"), 400, "bad-request");
    expect(problem.detail).toMatch(/^The request body is not valid JSON: /);
  });

  it("refuses a wrong content type", async () => {
    const problem = await expectProblem(
      await send("name=x", "application/x-www-form-urlencoded"),
      415,
      "unsupported-media-type",
    );
    expect(problem.detail).toBe(
      'Content-Type must be application/json; got "application/x-www-form-urlencoded"',
    );
  });

  it("refuses JSON sent as text/plain (what fetch sends when no content type is set)", async () => {
    const problem = await expectProblem(await send('{"name":"x"}'), 415);
    expect(problem.detail).toBe('Content-Type must be application/json; got "text/plain"');
  });

  it("refuses an empty body", async () => {
    const problem = await expectProblem(await send("", "application/json"), 400);
    expect(problem.detail).toBe("The request body is empty; send a JSON document");
  });

  it.each([["[]"], ['"text"'], ["null"], ["42"]])("refuses the non-object body %s", async (raw) => {
    const problem = await expectProblem(await send(raw, "application/json"), 400);
    expect(problem.detail).toBe("The request body must be a JSON object");
  });

  it.each([
    ['{"__proto__": {"admin": true}, "name": "x"}', "__proto__"],
    ['{"name": "x", "contexts": [{"constructor": {"prototype": 1}}]}', "constructor"],
  ])("refuses prototype-polluting keys in %s", async (raw, key) => {
    const problem = await expectProblem(await send(raw, "application/json"), 400);
    expect(problem.detail).toBe(`The key "${key}" is not allowed anywhere in a request body`);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("refuses a body over the size limit with 413", async () => {
    const big = JSON.stringify({ name: "x".repeat(10 * 1024 * 1024) });
    const problem = await expectProblem(await send(big, "application/json"), 413, "payload-too-large");
    expect(problem.detail).toBe("The request body is larger than 10485760 bytes");
  });

  it("refuses oversized fields precisely", async () => {
    const problem = await expectProblem(
      await send(JSON.stringify({ name: "n".repeat(5000) }), "application/json"),
      422,
    );
    expect(problem.errors).toContainEqual({
      pointer: "/name",
      message: expect.stringMatching(/^must be at most \d+ characters$/),
    });
  });
});
