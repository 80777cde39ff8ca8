// Helpers for Worker tests: requests through the real Worker entrypoint, and fixtures made
// through the API itself (tenants, keys, integrations).
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { databaseOf } from "../../worker/domain/databases.ts";

export const OPERATOR = "test-operator-token-0123456789";
export const ORIGIN = "https://intake.test";

export interface CallOptions {
  key?: string;
  body?: unknown;
  raw?: BodyInit;
  headers?: Record<string, string>;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.key !== undefined) headers.set("x-api-key", options.key);
  let body: BodyInit | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body }));
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Asserts a problem response: status, content type and the problem's type slug. */
export async function expectProblem(
  response: Response,
  status: number,
  slug?: string,
): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = await json(response);
  expect(problem.status).toBe(status);
  expect(typeof problem.title).toBe("string");
  expect(typeof problem.detail).toBe("string");
  if (slug) expect(problem.type).toBe(`https://intake.dev/problems/${slug}`);
  return problem;
}

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export interface TenantFixture {
  tenantId: string;
  admin: string;
  adminKeyId: string;
  /** The data database the tenant was placed on, and its handle (its data's tables live there). */
  database: string;
  db: D1Database;
}

/**
 * A tenant made through the API (placed by the Worker); `on` places it on another database before
 * it holds any data (for tests that need two tenants in one database).
 */
export async function createTenant(name = "Acme", on?: string): Promise<TenantFixture> {
  const response = await call("POST", "/v1/tenants", {
    headers: { authorization: `Bearer ${OPERATOR}` },
    body: { name },
  });
  expect(response.status).toBe(201);
  const body = await json<{ tenant: { id: string; database: string }; key: { id: string }; secret: string }>(
    response,
  );
  const database = on ?? body.tenant.database;
  if (on) {
    await env.DB.prepare("UPDATE tenants SET data_db = ?2 WHERE id = ?1").bind(body.tenant.id, on).run();
    await databaseOf(env, on)
      .prepare("INSERT OR IGNORE INTO tenants (id, name, created_at, data_db) VALUES (?1, ?2, ?3, ?4)")
      .bind(body.tenant.id, name, new Date().toISOString(), on)
      .run();
  }
  return {
    tenantId: body.tenant.id,
    admin: body.secret,
    adminKeyId: body.key.id,
    database,
    db: databaseOf(env, database),
  };
}

export async function createIntegration(
  admin: string,
  contexts = ["saas_users"],
  name = "Slack",
): Promise<string> {
  const response = await call("POST", "/v1/integrations", { key: admin, body: { name, contexts } });
  expect(response.status).toBe(201);
  return (await json<{ id: string }>(response)).id;
}

export async function createKey(
  admin: string,
  options: { scope?: "admin" | "ingest"; integrationId?: string; name?: string; expiresAt?: string } = {},
): Promise<{ id: string; secret: string }> {
  const response = await call("POST", "/v1/keys", {
    key: admin,
    body: {
      name: options.name ?? "test key",
      scope: options.scope ?? "ingest",
      expiresAt: options.expiresAt ?? inDays(30),
      ...(options.integrationId ? { integrationId: options.integrationId } : {}),
    },
  });
  expect(response.status).toBe(201);
  const body = await json<{ key: { id: string }; secret: string }>(response);
  return { id: body.key.id, secret: body.secret };
}

export { env };
