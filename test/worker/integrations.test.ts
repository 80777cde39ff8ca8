// Integrations: CRUD, logos checked by magic bytes and size, known contexts, endpoints with curl.
import { describe, expect, it } from "vitest";
import { call, createIntegration, createKey, createTenant, expectProblem, json } from "./helpers.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff, 0xe0];
const WEBP_SIGNATURE = [...new TextEncoder().encode("RIFF"), 0, 0, 0, 0, ...new TextEncoder().encode("WEBP")];

function dataUrl(type: string, signature: number[], size: number): string {
  const bytes = new Uint8Array(size);
  bytes.set(signature);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:${type};base64,${btoa(binary)}`;
}

const create = async (admin: string, body: Record<string, unknown>) =>
  call("POST", "/v1/integrations", { key: admin, body });

describe("integrations", () => {
  it("creates, lists, reads, updates and deletes", async () => {
    const { admin } = await createTenant();
    const created = await create(admin, {
      name: "Slack",
      displayName: "Slack (EU workspace)",
      description: "Users exported from the Slack admin console",
      logo: "#4A154B",
      contexts: ["saas_users", "access_pairs"],
    });
    expect(created.status).toBe(201);
    const integration = await json<{ id: string; endpoints: Record<string, unknown>[] }>(created);
    expect(integration).toMatchObject({
      name: "Slack",
      displayName: "Slack (EU workspace)",
      logo: "#4A154B",
    });
    expect(integration.endpoints[0]).toEqual({
      context: "saas_users",
      title: "SaaS users",
      records: `https://intake.test/v1/integrations/${integration.id}/contexts/saas_users/records`,
      validate: `https://intake.test/v1/integrations/${integration.id}/contexts/saas_users/validate`,
      syncs: `https://intake.test/v1/integrations/${integration.id}/contexts/saas_users/syncs`,
      schema: "https://intake.test/v1/contexts/saas_users/schema",
      headers: { "x-api-key": "<your ingest key>", "content-type": "application/json" },
      curl: `curl -X POST 'https://intake.test/v1/integrations/${integration.id}/contexts/saas_users/records' -H 'x-api-key: <your ingest key>' -H 'content-type: application/json' --data-binary @saas_users.json`,
    });

    const list = await json<{ data: { id: string }[] }>(
      await call("GET", "/v1/integrations", { key: admin }),
    );
    expect(list.data.map((i) => i.id)).toEqual([integration.id]);

    const patched = await call("PATCH", `/v1/integrations/${integration.id}`, {
      key: admin,
      body: { contexts: ["saas_users"], description: null },
    });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({ contexts: ["saas_users"], description: null, name: "Slack" });

    expect((await call("DELETE", `/v1/integrations/${integration.id}`, { key: admin })).status).toBe(204);
    await expectProblem(
      await call("GET", `/v1/integrations/${integration.id}`, { key: admin }),
      404,
      "not-found",
    );
  });

  it("revokes the keys bound to a deleted integration", async () => {
    const { admin } = await createTenant();
    const id = await createIntegration(admin);
    const bound = await createKey(admin, { integrationId: id });
    await call("DELETE", `/v1/integrations/${id}`, { key: admin });
    await expectProblem(await call("GET", "/v1/me", { key: bound.secret }), 401);
  });

  it("shows an ingest key bound to one integration only that one", async () => {
    const { admin } = await createTenant();
    const mine = await createIntegration(admin, ["saas_users"], "Mine");
    const other = await createIntegration(admin, ["vendors"], "Other");
    const bound = await createKey(admin, { integrationId: mine });
    const list = await json<{ data: { id: string }[] }>(
      await call("GET", "/v1/integrations", { key: bound.secret }),
    );
    expect(list.data.map((i) => i.id)).toEqual([mine]);
    await expectProblem(await call("GET", `/v1/integrations/${other}`, { key: bound.secret }), 404);
    const unbound = await createKey(admin);
    const all = await json<{ data: unknown[] }>(
      await call("GET", "/v1/integrations", { key: unbound.secret }),
    );
    expect(all.data).toHaveLength(2);
  });

  it.each([
    ["PNG", dataUrl("image/png", PNG_SIGNATURE, 4096)],
    ["JPEG", dataUrl("image/jpeg", JPEG_SIGNATURE, 5120)],
    ["WebP", dataUrl("image/webp", WEBP_SIGNATURE, 1024)],
  ])("accepts a %s logo up to 5 KB", async (_type, logo) => {
    const { admin } = await createTenant();
    const response = await create(admin, { name: "Okta", contexts: ["list_users"], logo });
    expect(response.status).toBe(201);
    expect((await json<{ logo: string }>(response)).logo).toBe(logo);
  });

  it.each([
    [
      "a 6 KB PNG",
      dataUrl("image/png", PNG_SIGNATURE, 6144),
      "the image is 6144 bytes; the limit is 5120 bytes (5 KB)",
    ],
    [
      "an SVG disguised as PNG",
      `data:image/png;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')}`,
      "the data is not a PNG image (its first bytes do not match)",
    ],
    [
      "an honest SVG",
      `data:image/svg+xml;base64,${btoa("<svg/>")}`,
      "SVG images are not accepted; use PNG, JPEG or WebP",
    ],
    [
      "a GIF",
      dataUrl("image/gif", [0x47, 0x49, 0x46], 100),
      "images must be PNG, JPEG or WebP; got image/gif",
    ],
    ["a bad colour", "#12345G", "must be a colour like #1A73E8"],
    [
      "a URL",
      "https://example.com/logo.png",
      "must be a colour like #1A73E8 or an image as a data URL (data:image/png;base64,...)",
    ],
  ])("refuses %s as a logo, saying why", async (_label, logo, message) => {
    const { admin } = await createTenant();
    const problem = await expectProblem(
      await create(admin, { name: "X", contexts: ["vendors"], logo }),
      422,
      "invalid-body",
    );
    expect(problem.errors).toEqual([{ pointer: "/logo", message }]);
  });

  it.each([
    [{ contexts: ["saas_users"] }, "/name", "is required"],
    [{ name: "  ", contexts: ["saas_users"] }, "/name", "must not be empty"],
    [{ name: "X" }, "/contexts", 'is required: at least one context, e.g. ["saas_users"]'],
    [
      { name: "X", contexts: [] },
      "/contexts",
      'must be a non-empty list of context names, e.g. ["saas_users"]',
    ],
    [
      { name: "X", contexts: "saas_users" },
      "/contexts",
      'must be a non-empty list of context names, e.g. ["saas_users"]',
    ],
    [{ name: "X", contexts: ["saas_users", "payroll", 7] }, "/contexts", 'unknown context(s): "payroll", 7'],
    [{ name: 42, contexts: ["saas_users"] }, "/name", "must be a string"],
    [
      { name: "X", contexts: ["saas_users"], description: "d".repeat(2001) },
      "/description",
      "must be at most 2000 characters",
    ],
    [
      { name: "X", contexts: ["saas_users"], tenantId: "ten_other" },
      "/tenantId",
      "unknown field; allowed: name, displayName, description, logo, contexts",
    ],
  ])("refuses %j with a precise error", async (body, pointer, message) => {
    const { admin } = await createTenant();
    const problem = await expectProblem(await create(admin, body), 422, "invalid-body");
    expect(problem.errors).toContainEqual({ pointer, message });
  });

  it("de-duplicates contexts", async () => {
    const { admin } = await createTenant();
    const response = await create(admin, { name: "X", contexts: ["vendors", "vendors", "invoices"] });
    expect((await json<{ contexts: string[] }>(response)).contexts).toEqual(["vendors", "invoices"]);
  });
});
