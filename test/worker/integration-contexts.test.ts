// Removing a context from an integration keeps its data: its committed versions stay stored but
// are neither served nor accepted while the context is off, and adding the context back serves
// them again, unchanged. (Deleting the integration is what deletes data.) The console says so.
import { describe, expect, it } from "vitest";
import { currentData, dataWorld, submit, user } from "./data-helpers.ts";
import { call, json } from "./helpers.ts";

const setContexts = (admin: string, integrationId: string, contexts: string[]) =>
  call("PATCH", `/v1/integrations/${integrationId}`, { key: admin, body: { contexts } });

describe("removing a context from an integration", () => {
  it("stops serving its data, and adding it back serves the same versions again", async () => {
    const { admin, integrationId, ingest, base } = await dataWorld(["saas_users", "list_employees"]);
    await submit(base("saas_users"), ingest, [user(1), user(2)]);
    const before = await currentData(base("saas_users"), ingest);
    expect(before.version).toBe(1);

    expect((await setContexts(admin, integrationId, ["list_employees"])).status).toBe(200);
    for (const path of ["/records", "/versions"])
      expect((await call("GET", `${base("saas_users")}${path}`, { key: admin })).status).toBe(404);
    const refused = await call("POST", `${base("saas_users")}/records`, {
      key: ingest,
      body: { data: [user(3)] },
    });
    expect(refused.status).toBe(404);

    expect((await setContexts(admin, integrationId, ["list_employees", "saas_users"])).status).toBe(200);
    const after = await currentData(base("saas_users"), ingest);
    expect(after).toEqual(before);
    const versions = await json<{ data: { version: number }[] }>(
      await call("GET", `${base("saas_users")}/versions`, { key: admin }),
    );
    expect(versions.data.map((v) => v.version)).toEqual([1]);
  });

  it("leaves another tenant's data of the same context alone", async () => {
    const mine = await dataWorld(["saas_users", "list_employees"]);
    const theirs = await dataWorld(["saas_users"]);
    await submit(theirs.base(), theirs.ingest, [user(9)]);
    await submit(mine.base("saas_users"), mine.ingest, [user(1)]);
    expect((await setContexts(mine.admin, mine.integrationId, ["list_employees"])).status).toBe(200);
    expect((await currentData(theirs.base(), theirs.ingest)).data).toEqual([user(9)]);
  });
});
