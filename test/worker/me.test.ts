// GET /v1/me: the tenant and key behind the presented key, and the limits the Worker announces
// (the same the extension validates and batches with).
import { expect, it } from "vitest";
import { call, createIntegration, createKey, createTenant, json } from "./helpers.ts";

it("answers who the key is and the Worker's limits", async () => {
  const { tenantId, admin } = await createTenant("Acme");
  const integrationId = await createIntegration(admin);
  const ingest = await createKey(admin, { integrationId, name: "laptop" });
  const response = await call("GET", "/v1/me", { key: ingest.secret });
  expect(response.status).toBe(200);
  const body = await json<Record<string, Record<string, unknown>>>(response);
  expect(body.tenant).toEqual({ id: tenantId, name: "Acme" });
  expect(body.key).toMatchObject({ id: ingest.id, name: "laptop", scope: "ingest", integrationId });
  expect(body.key).not.toHaveProperty("secretHash");
  expect(body.limits).toEqual({
    maxRecordsPerBatch: 5000,
    maxBodyBytes: 10_485_760,
    maxFieldLength: 10_000,
    maxNestingDepth: 8,
  });
});
