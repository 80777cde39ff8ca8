// /health and /openapi.json, and the OpenAPI document kept in sync with the app's routes.
import { expect, it } from "vitest";
import { app } from "../../worker/index.ts";
import { OPERATIONS } from "../../worker/openapi.ts";
import { call, json } from "./helpers.ts";

it("GET /health answers ok after a database round trip", async () => {
  const response = await call("GET", "/health");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});

it("sets secure headers", async () => {
  const response = await call("GET", "/health");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
});

it("describes exactly the app's routes in /openapi.json", async () => {
  const described = new Set(
    Object.entries(OPERATIONS).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
  const routed = new Set(
    app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "") || "/"}`),
  );
  expect([...routed].sort()).toEqual([...described].sort());
  const doc = await json<{ openapi: string; paths: Record<string, unknown>; servers: { url: string }[] }>(
    await call("GET", "/openapi.json"),
  );
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(OPERATIONS).sort());
  expect(doc.servers[0]?.url).toBe("https://intake.test");
});

it("answers an unknown route with a 404 problem", async () => {
  const response = await call("GET", "/v1/nope");
  expect(response.status).toBe(404);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect((await json(response)).detail).toBe("No route for GET /v1/nope");
});

it("allows CORS from extension origins and configured ones only", async () => {
  const preflight = (origin: string) =>
    call("OPTIONS", "/v1/integrations", {
      headers: {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "x-api-key",
      },
    });
  const chrome = await preflight("chrome-extension://abcdefghijklmnopabcdefghijklmnop");
  expect(chrome.headers.get("access-control-allow-origin")).toBe(
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
  );
  expect(chrome.headers.get("access-control-allow-headers")).toContain("x-api-key");
  const firefox = await preflight("moz-extension://0b4a0b2e-1111-4c3a-9d6e-2f6c1a0e9f11");
  expect(firefox.headers.get("access-control-allow-origin")).toBe(
    "moz-extension://0b4a0b2e-1111-4c3a-9d6e-2f6c1a0e9f11",
  );
  const evil = await preflight("https://evil.example");
  expect(evil.headers.get("access-control-allow-origin")).toBeNull();
});
