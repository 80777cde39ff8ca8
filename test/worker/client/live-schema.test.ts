// A tenant's own context end to end through the extension's code and the real Worker: its schema
// fetched by the client (ETag, and 304 when asked again with it), handed to the pipeline, which
// suggests, validates and submits with it; the Worker stores the records, told which schema ($id)
// they were validated with.
import { describe, expect, it } from "vitest";
import { createApiClient } from "../../../extension/api-client.ts";
import { mappingFromSuggestions } from "../../../extension/mapping.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";
import type { ContextSchema } from "../../../schemas/index.ts";
import { bodyJson, withFaults } from "../../extension/fake-api.ts";
import { currentData } from "../data-helpers.ts";
import { call, createIntegration, createKey, createTenant, inDays, ORIGIN } from "../helpers.ts";
import { worker } from "./client-world.ts";

const BADGES = {
  name: "badges",
  title: "Badges",
  category: "Facilities",
  schema: {
    type: "object",
    required: ["badgeId", "holderEmail"],
    additionalProperties: false,
    "x-intake-key": ["badgeId"],
    properties: {
      badgeId: { type: "string", "x-intake-aliases": ["Badge Number"] },
      holderEmail: { type: "string", format: "email", "x-intake-aliases": ["Holder"] },
      floor: { type: "integer", "x-intake-aliases": ["Floor"] },
    },
  },
};

/** A tenant with the badges context, an integration of it and a bound ingest key. */
async function badgesWorld() {
  const { tenantId, admin } = await createTenant();
  expect((await call("POST", "/v1/contexts", { key: admin, body: BADGES })).status).toBe(201);
  const integrationId = await createIntegration(admin, ["badges"]);
  const { secret } = await createKey(admin, { integrationId, expiresAt: inDays(365) });
  const api = withFaults(worker);
  const client = createApiClient({
    baseUrl: ORIGIN,
    apiKey: secret,
    fetch: api.fetch,
    sleep: async () => {},
  });
  return { tenantId, integrationId, ingest: secret, api, client };
}

describe("a custom context's live schema", () => {
  it("is fetched with its ETag, and not again while it is unchanged", async () => {
    const { tenantId, client, api } = await badgesWorld();
    const first = await client.contextSchema("badges");
    const id = `urn:intake:${tenantId}.badges:1-0-0`;
    expect(first).toMatchObject({
      notModified: false,
      etag: `"${id}"`,
      schema: { $id: id, title: "Badges" },
    });
    expect(await client.contextSchema("badges", `"${id}"`)).toEqual({ notModified: true });
    expect(api.requests.map((r) => r.headers["if-none-match"])).toEqual([undefined, `"${id}"`]);
  });

  it("suggests, validates and submits with the schema it was handed, and sends its $id", async () => {
    const { tenantId, integrationId, ingest, api, client } = await badgesWorld();
    const fetched = await client.contextSchema("badges");
    if (fetched.notModified) throw new Error("a first request is never answered 304");
    const pipeline = new Pipeline({ fetch: api.fetch, sleep: async () => {} });
    pipeline.registerSchema("badges", fetched.schema as ContextSchema);
    const csv = "Badge Number,Holder,Floor\nB-1,ann@example.com,3\nB-2,bob@example.com,x\n";
    const inspection = await pipeline.inspect(new Blob([csv]), { fileName: "badges.csv" });
    if (inspection.status !== "ready") throw new Error(inspection.status);
    const suggestions = pipeline.suggest("badges");
    // "x" is no integer: Floor is not mapped without asking; the admin maps it.
    expect(suggestions.map((s) => s.field)).toEqual(["badgeId", "holderEmail", null]);
    const mapping = mappingFromSuggestions(inspection.headers, suggestions);
    mapping.columns[2] = "floor";
    pipeline.validate("badges", mapping);
    expect(pipeline.summary().errorCount).toBe(1);
    expect(pipeline.summary().groups[0]).toMatchObject({ column: "floor", keyword: "type" });

    pipeline.edit({ type: "set", row: 2, field: "floor", value: "4" });
    expect(pipeline.summary().errorCount).toBe(0);
    const outcome = await pipeline.submit(
      1,
      { workerUrl: ORIGIN, apiKey: ingest, integrationId, context: "badges" },
      () => {},
    );
    expect(outcome).toMatchObject({ status: "committed", recordCount: 2 });
    const starts = api.requests.filter((r) => r.method === "POST" && r.path.endsWith("/syncs"));
    expect(await Promise.all(starts.map((r) => bodyJson(r)))).toEqual([
      { schemaId: `urn:intake:${tenantId}.badges:1-0-0`, sourceName: "badges.csv" },
    ]);
    expect((await currentData(`/v1/integrations/${integrationId}/contexts/badges`, ingest)).data).toEqual([
      { badgeId: "B-1", holderEmail: "ann@example.com", floor: 3 },
      { badgeId: "B-2", holderEmail: "bob@example.com", floor: 4 },
    ]);
  });
});
