// The extension's Worker client against the real Worker: typed answers, problems as ApiErrors with
// the Worker's own words, and retries with backoff that honour Retry-After on 429/503 and network
// errors (faults injected around the real answers), but never retry a 4xx like 409.
import { describe, expect, it, vi } from "vitest";
import {
  ApiError,
  abortableSleep,
  createApiClient,
  gzipText,
  NetworkError,
} from "../../../extension/api-client.ts";
import { bodyJson, withFaults } from "../../extension/fake-api.ts";
import { currentData } from "../data-helpers.ts";
import { ORIGIN } from "../helpers.ts";
import { clientWorld, worker } from "./client-world.ts";

describe("api client", () => {
  it("sends the API key and reads typed answers", async () => {
    const { client, integrationId } = await clientWorld(["saas_users", "list_employees"]);
    expect((await client.me()).tenant.name).toBe("Acme");
    const integrations = await client.listIntegrations();
    expect(integrations.map((i) => i.id)).toEqual([integrationId]);
    expect(integrations[0]?.contexts).toEqual(["saas_users", "list_employees"]);
    expect((await client.listContexts({ q: "employee" })).map((c) => c.name)).toContain("list_employees");
    expect(await client.template("saas_users", "csv")).toMatch(/^Email,/);
  });

  it("turns an error response into an ApiError carrying the problem", async () => {
    const { ingest, ingestKeyId, admin } = await clientWorld();
    await createApiClient({ baseUrl: ORIGIN, apiKey: admin, fetch: worker }).revokeKey(ingestKeyId);
    const revoked = createApiClient({ baseUrl: ORIGIN, apiKey: ingest, fetch: worker });
    const error = await revoked.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).problem.detail).toBe("The API key is not valid");
    const garbled = createApiClient({ baseUrl: ORIGIN, apiKey: "wrong", fetch: worker });
    await expect(garbled.me()).rejects.toMatchObject({
      status: 401,
      problem: { detail: "The API key is malformed; copy the whole key as it was shown when created" },
    });
  });

  it("waits the Retry-After of a 429 before trying again", async () => {
    const { api, client, sleeps } = await clientWorld(undefined, { random: () => 0.5 });
    api.failNext("GET", /\/v1\/me$/, { status: 429, retryAfter: "3" });
    await expect(client.me()).resolves.toMatchObject({ key: { scope: "ingest" } });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[0]).toBeLessThan(3000 + 500);
  });

  it("backs off exponentially with jitter on 503 and network errors", async () => {
    const { api, client, sleeps } = await clientWorld(undefined, { random: () => 1 });
    api.failNext("GET", /\/v1\/integrations$/, { status: 503 });
    api.failNext("GET", /\/v1\/integrations$/, "network");
    api.failNext("GET", /\/v1\/integrations$/, { status: 502 });
    await expect(client.listIntegrations()).resolves.toHaveLength(1);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(api.requests.filter((r) => r.path === "/v1/integrations")).toHaveLength(4);
  });

  it("spreads retries with full jitter", async () => {
    const { api, client, sleeps } = await clientWorld(undefined, { random: () => 0.25 });
    api.failNext("GET", /\/v1\/me$/, { status: 503 }, 2);
    await client.me();
    expect(sleeps).toEqual([125, 250]);
  });

  it("gives up after the last attempt with the last problem or a NetworkError", async () => {
    const { api, client, sleeps } = await clientWorld();
    api.failNext("GET", /\/v1\/me$/, { status: 503 }, 5);
    await expect(client.me()).rejects.toMatchObject({ status: 503 });
    expect(sleeps).toHaveLength(4);
    api.failNext("GET", /\/v1\/me$/, "network", 5);
    await expect(client.me()).rejects.toBeInstanceOf(NetworkError);
  });

  it("does not retry the Worker's 409 for a batch sent again with another payload", async () => {
    const { api, client, sleeps, integrationId } = await clientWorld();
    const { syncId } = await client.startSync(integrationId, "saas_users");
    await client.putBatch(integrationId, "saas_users", syncId, 1, [{ emailId: "a@x.co" }]);
    await expect(
      client.putBatch(integrationId, "saas_users", syncId, 1, [{ emailId: "b@x.co" }]),
    ).rejects.toMatchObject({ status: 409 });
    expect(sleeps).toEqual([]);
    expect(api.requests.filter((r) => r.method === "PUT")).toHaveLength(2);
  });

  it("stops waiting when the caller aborts", async () => {
    const { ingest } = await clientWorld();
    const api = withFaults(worker);
    const controller = new AbortController();
    const client = createApiClient({
      baseUrl: ORIGIN,
      apiKey: ingest,
      fetch: api.fetch,
      sleep: (_ms, signal) => abortableSleep(60_000, signal),
    });
    api.failNext("GET", /\/v1\/me$/, { status: 503 });
    const pending = client.me({ signal: controller.signal });
    await vi.waitFor(() => expect(api.requests).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(api.requests).toHaveLength(1);
  });

  it("speaks the console's routes: integrations, keys, status, history, versions", async () => {
    const { api, client } = await clientWorld(undefined, { key: "admin" });
    const created = await client.createIntegration({ name: "Okta", contexts: ["vendors"], logo: "#112233" });
    expect(created.endpoints.map((e) => e.context)).toEqual(["vendors"]);
    expect((await client.getIntegration(created.id)).name).toBe("Okta");
    expect((await client.updateIntegration(created.id, { displayName: "Okta EU" })).displayName).toBe(
      "Okta EU",
    );
    const { key, secret } = await client.createKey({
      name: "job",
      scope: "ingest",
      integrationId: created.id,
      expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    expect(secret).toMatch(/^intk_/);
    expect((await client.listKeys()).map((k) => k.name)).toContain("job");
    expect((await client.integrationStatus(created.id)).contexts[0]?.status).toBe("Ready");
    expect((await client.revokeKey(key.id)).revokedAt).not.toBeNull();
    await client.listIngestions(created.id, { context: "vendors", before: "2030-01-01T00:00:00Z", limit: 5 });
    expect(api.requests.at(-1)).toMatchObject({
      path: `/v1/integrations/${created.id}/ingestions`,
      search: "?context=vendors&before=2030-01-01T00%3A00%3A00Z&limit=5",
    });
    expect((await client.listVersions(created.id, "vendors")).data).toEqual([]);
    expect((await client.listCapabilities()).length).toBeGreaterThan(0);
    expect((await client.catalog()).categories).toContain("Finance");
    await client.deleteIntegration(created.id);
    await expect(client.getIntegration(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it("carries the Worker's per-field errors on an ApiError", async () => {
    const { client } = await clientWorld(undefined, { key: "admin" });
    const error = await client
      .createIntegration({ name: "X", contexts: [], logo: "data:image/svg+xml;base64,PHN2Zy8+" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.errors).toEqual([
      { pointer: "/logo", message: "SVG images are not accepted; use PNG, JPEG or WebP" },
      { pointer: "/contexts", message: 'must be a non-empty list of context names, e.g. ["saas_users"]' },
    ]);
  });

  it("sends a pre-serialized gzip batch as the same bytes on every attempt", async () => {
    const { api, client, integrationId, base, ingest } = await clientWorld();
    const { syncId } = await client.startSync(integrationId, "saas_users");
    const text = JSON.stringify({ data: [{ emailId: "a@x.co" }, { emailId: "b@x.co" }] });
    const gzipped = await gzipText(text);
    if (!gzipped) throw new Error("CompressionStream is missing");
    api.failNext("PUT", /batches\/1$/, { status: 503 });
    const answer = await client.putBatchBody(
      integrationId,
      "saas_users",
      syncId,
      1,
      { body: gzipped, encoding: "gzip" },
      { firstRow: 7 },
    );
    expect(answer).toMatchObject({ seq: 1, recordCount: 2, firstRow: 7 });
    const sent = api.requests.filter((r) => r.method === "PUT");
    expect(sent).toHaveLength(2);
    for (const r of sent) {
      expect(r.headers).toMatchObject({ "content-encoding": "gzip", "content-type": "application/json" });
      expect(r.body).toEqual(gzipped);
      expect(await bodyJson(r)).toEqual(JSON.parse(text));
    }
    await client.commitSync(integrationId, "saas_users", syncId, { expectedRecords: 2 });
    expect((await currentData(base(), ingest)).data).toEqual([{ emailId: "a@x.co" }, { emailId: "b@x.co" }]);
  });
});
