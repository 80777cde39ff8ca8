// Schema changes never corrupt data (issue 29): a commit checks again every batch validated
// against another schema, a MODEL change refuses every open sync of the old model (with or
// without schemaId), a deleted context's data never comes back under a recreated one, a delete
// and an integration update are atomic against each other, and a schemaId names a real revision.
import { describe, expect, it } from "vitest";
import type { CustomContextSaved } from "../../schemas/api-types.ts";
import { getIntegration, insertIntegration, updateIntegration } from "../../worker/db/integrations.ts";
import { commitSync, putBatch } from "./data-helpers.ts";
import { call, createIntegration, createKey, createTenant, expectProblem, inDays, json } from "./helpers.ts";

const definition = (statuses: string[], extra: Record<string, unknown> = {}) => ({
  title: "Door badges",
  category: "Facilities",
  schema: {
    type: "object",
    properties: {
      badgeId: { type: "string" },
      holder: { type: "string", format: "email" },
      status: { type: "string", enum: statuses },
      ...extra,
    },
    required: ["badgeId", "holder"],
    "x-intake-key": ["badgeId"],
  },
});

async function world(statuses = ["A", "B", "C"], extra: Record<string, unknown> = {}) {
  const tenant = await createTenant("Schema integrity");
  const created = await call("POST", "/v1/contexts", {
    key: tenant.admin,
    body: { name: "badges", ...definition(statuses, extra) },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const integrationId = await createIntegration(tenant.admin, ["badges"], "Doors");
  const ingest = (await createKey(tenant.admin, { integrationId, expiresAt: inDays(30) })).secret;
  const base = `/v1/integrations/${integrationId}/contexts/badges`;
  const update = (body: unknown, breaking = false) =>
    call("PUT", `/v1/contexts/badges${breaking ? "?confirm=breaking" : ""}`, { key: tenant.admin, body });
  const start = async (body?: unknown) => {
    const response = await call("POST", `${base}/syncs`, { key: ingest, ...(body ? { body } : {}) });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await json<{ syncId: string }>(response)).syncId;
  };
  const records = async () =>
    json<{ version: number | null; data: Record<string, unknown>[] }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
  return { tenant, integrationId, ingest, base, update, start, records };
}

describe("a commit after the schema changed", () => {
  it("checks staged records again after a REVISION and refuses one the new rules refuse", async () => {
    const w = await world();
    const syncId = await w.start();
    const batch = [
      { badgeId: "B1", holder: "ann@example.com", status: "A" },
      { badgeId: "B2", holder: "bob@example.com", status: "C" },
    ];
    expect((await putBatch(w.base, w.ingest, syncId, 1, batch)).status).toBe(200);
    // C is no longer allowed: a REVISION (records valid before may now fail).
    const revised = await w.update(definition(["A", "B"]));
    expect(revised.status, await revised.clone().text()).toBe(200);
    expect((await json<CustomContextSaved>(revised)).change.kind).toBe("revision");
    const refused = await expectProblem(await commitSync(w.base, w.ingest, syncId), 422);
    expect(refused.detail).toContain(`changed to urn:intake:${w.tenant.tenantId}.badges:1-1-0`);
    const errors = (refused.report as { errors: { row: number; field?: string }[] }).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 2, field: "status" });
    expect((await w.records()).version).toBeNull();
  });

  it("commits records the new revision accepts, labelled with the schema they passed", async () => {
    const w = await world();
    const syncId = await w.start();
    const batch = [{ badgeId: "B1", holder: "ann@example.com", status: "A" }];
    expect((await putBatch(w.base, w.ingest, syncId, 1, batch)).status).toBe(200);
    expect((await w.update(definition(["A", "B"]))).status).toBe(200);
    const committed = await commitSync(w.base, w.ingest, syncId);
    expect(committed.status, await committed.clone().text()).toBe(200);
    const body = await json<{ version: number; schemaChange?: { kind: string } }>(committed);
    expect(body.schemaChange?.kind).toBe("revision");
    const versions = await json<{ data: { version: number; schemaId: string }[] }>(
      await call("GET", `${w.base}/versions`, { key: w.ingest }),
    );
    expect(versions.data).toMatchObject([
      { version: body.version, schemaId: `urn:intake:${w.tenant.tenantId}.badges:1-1-0` },
    ]);
    expect((await w.records()).data).toEqual(batch);
  });

  it("refuses a sync opened without schemaId after a MODEL change, and labels nothing 2-0-0", async () => {
    const w = await world();
    const syncId = await w.start();
    expect(
      (await putBatch(w.base, w.ingest, syncId, 1, [{ badgeId: "B1", holder: "ann@example.com" }])).status,
    ).toBe(200);
    // A new required field: records of the old model lack it.
    const breaking = definition(["A", "B", "C"], { site: { type: "string" } });
    (breaking.schema.required as string[]).push("site");
    const changed = await w.update(breaking, true);
    expect(changed.status, await changed.clone().text()).toBe(200);
    await expectProblem(await commitSync(w.base, w.ingest, syncId), 409, "schema-model-changed");
    expect((await w.records()).version).toBeNull();
    const versions = await json<{ data: unknown[] }>(
      await call("GET", `${w.base}/versions`, { key: w.ingest }),
    );
    expect(versions.data).toEqual([]);
  });

  it("refuses a sync whose batches came before a MODEL change even when later ones came after", async () => {
    const w = await world();
    const syncId = await w.start();
    expect(
      (await putBatch(w.base, w.ingest, syncId, 1, [{ badgeId: "B1", holder: "ann@example.com" }])).status,
    ).toBe(200);
    const breaking = definition(["A", "B", "C"], { site: { type: "string" } });
    (breaking.schema.required as string[]).push("site");
    expect((await w.update(breaking, true)).status).toBe(200);
    const later = [{ badgeId: "B2", holder: "bob@example.com", site: "HQ" }];
    expect((await putBatch(w.base, w.ingest, syncId, 2, later)).status).toBe(200);
    await expectProblem(await commitSync(w.base, w.ingest, syncId), 409, "schema-model-changed");
  });
});

describe("deleting a context ends its data under that name", () => {
  it("a recreated context has a new $id and ETag, and none of the old records, versions or syncs", async () => {
    // The old definition has a field the new one lacks.
    const w = await world(["A"], { ssn: { type: "string" } });
    const old = [{ badgeId: "B1", holder: "ann@example.com", ssn: "123-45-6789" }];
    const posted = await call("POST", `${w.base}/records`, { key: w.ingest, body: old });
    expect(posted.status, await posted.clone().text()).toBe(201);
    const oldSchema = await call("GET", "/v1/contexts/badges/schema", { key: w.tenant.admin });
    const oldTag = oldSchema.headers.get("etag");
    const openSync = await w.start();
    expect((await putBatch(w.base, w.ingest, openSync, 1, old)).status).toBe(200);

    const detach = await call("PATCH", `/v1/integrations/${w.integrationId}`, {
      key: w.tenant.admin,
      body: { contexts: ["saas_users"] },
    });
    expect(detach.status).toBe(200);
    expect((await call("DELETE", "/v1/contexts/badges", { key: w.tenant.admin })).status).toBe(204);
    const again = await call("POST", "/v1/contexts", {
      key: w.tenant.admin,
      body: { name: "badges", ...definition(["X"]) },
    });
    expect(again.status).toBe(201);
    const recreated = await json<CustomContextSaved>(again);
    expect(recreated.schema.$id).toBe(`urn:intake:${w.tenant.tenantId}.badges:2-0-0`);
    expect(recreated.revisions).toEqual(["2-0-0"]);
    const reattach = await call("PATCH", `/v1/integrations/${w.integrationId}`, {
      key: w.tenant.admin,
      body: { contexts: ["badges"] },
    });
    expect(reattach.status).toBe(200);

    // The old ETag is not the new schema's: no 304.
    const revalidated = await call("GET", "/v1/contexts/badges/schema", {
      key: w.tenant.admin,
      headers: { "if-none-match": oldTag ?? "" },
    });
    expect(revalidated.status).toBe(200);
    expect(revalidated.headers.get("etag")).not.toBe(oldTag);
    // No old records, versions or restorable version.
    expect(await w.records()).toMatchObject({ version: null, data: [] });
    const versions = await json<{ data: unknown[] }>(
      await call("GET", `${w.base}/versions`, { key: w.ingest }),
    );
    expect(versions.data).toEqual([]);
    await expectProblem(await call("POST", `${w.base}/versions/1/restore`, { key: w.ingest }), 404);
    // The sync opened before the delete is gone with its data.
    await expectProblem(await commitSync(w.base, w.ingest, openSync), 404);
    expect((await w.records()).version).toBeNull();
  });

  it("a delete racing an update that lists the context never leaves an integration listing a deleted context", async () => {
    const w = await world();
    // The integration stops listing badges; then a delete and a re-listing race.
    expect(
      (
        await call("PATCH", `/v1/integrations/${w.integrationId}`, {
          key: w.tenant.admin,
          body: { contexts: ["saas_users"] },
        })
      ).status,
    ).toBe(200);
    const [deleted, patched] = await Promise.all([
      call("DELETE", "/v1/contexts/badges", { key: w.tenant.admin }),
      call("PATCH", `/v1/integrations/${w.integrationId}`, {
        key: w.tenant.admin,
        body: { contexts: ["saas_users", "badges"] },
      }),
    ]);
    const integration = await json<{ contexts: string[] }>(
      await call("GET", `/v1/integrations/${w.integrationId}`, { key: w.tenant.admin }),
    );
    const context = await call("GET", "/v1/contexts/badges", { key: w.tenant.admin });
    // Exactly one of them won, and the state agrees with it.
    if (deleted.status === 204) {
      expect([409, 422]).toContain(patched.status);
      expect(integration.contexts).toEqual(["saas_users"]);
      expect(context.status).toBe(404);
    } else {
      expect(deleted.status).toBe(409);
      expect(patched.status).toBe(200);
      expect(integration.contexts).toEqual(["saas_users", "badges"]);
      expect(context.status).toBe(200);
    }
  });

  it("the write of an integration refuses a context deleted after the route checked it", async () => {
    const w = await world();
    const detached = await call("PATCH", `/v1/integrations/${w.integrationId}`, {
      key: w.tenant.admin,
      body: { contexts: ["saas_users"] },
    });
    expect(detached.status).toBe(200);
    const integration = await getIntegration(w.tenant.db, w.tenant.tenantId, w.integrationId);
    if (!integration) throw new Error("integration missing");
    expect((await call("DELETE", "/v1/contexts/badges", { key: w.tenant.admin })).status).toBe(204);
    // What PATCH writes after its check passed: the statement itself refuses the gone context.
    const listing = { ...integration, contexts: ["saas_users", "badges"] };
    expect(await updateIntegration(w.tenant.db, listing, ["badges"])).toBeUndefined();
    expect(
      await insertIntegration(w.tenant.db, { ...listing, id: "int_gone", name: "Gone" }, ["badges"]),
    ).toBe(false);
    expect((await getIntegration(w.tenant.db, w.tenant.tenantId, w.integrationId))?.contexts).toEqual([
      "saas_users",
    ]);
  });
});

describe("POST …/syncs schemaId", () => {
  it("must name a released revision, not one that never existed", async () => {
    const w = await world();
    expect((await w.update(definition(["A", "B"]))).status).toBe(200);
    const id = (v: string) => `urn:intake:${w.tenant.tenantId}.badges:${v}`;
    expect(
      (await call("POST", `${w.base}/syncs`, { key: w.ingest, body: { schemaId: id("1-0-0") } })).status,
    ).toBe(201);
    expect(
      (await call("POST", `${w.base}/syncs`, { key: w.ingest, body: { schemaId: id("1-1-0") } })).status,
    ).toBe(201);
    const never = await expectProblem(
      await call("POST", `${w.base}/syncs`, { key: w.ingest, body: { schemaId: id("1-0-7") } }),
      400,
    );
    expect(never.detail).toContain("names no released revision of badges");
  });
});
