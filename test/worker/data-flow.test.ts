// The data plane end to end inside workerd: one-shot submit, sync with batches, reading back.
import { describe, expect, it } from "vitest";
import { call, createIntegration, createKey, createTenant, expectProblem, json } from "./helpers.ts";

const user = (i: number) => ({
  emailId: `user${i}@example.com`,
  firstName: `U${i}`,
  role: "USER",
  mfaEnrolmentStatus: "TRUE",
});

async function setup() {
  const { admin } = await createTenant();
  const integrationId = await createIntegration(admin, ["saas_users", "access_relations"]);
  const ingest = await createKey(admin, { integrationId });
  const base = `/v1/integrations/${integrationId}/contexts/saas_users`;
  return { admin, integrationId, ingest: ingest.secret, base };
}

describe("data flow", () => {
  it("submits a one-shot snapshot and reads it back", async () => {
    const { ingest, base } = await setup();
    const submitted = await call("POST", `${base}/records`, {
      key: ingest,
      body: { data: [user(1), user(2)] },
    });
    expect(submitted.status).toBe(201);
    expect(await json(submitted)).toMatchObject({ version: 1, recordCount: 2, source: "submit" });
    const read = await json<{ version: number; data: unknown[] }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
    expect(read.version).toBe(1);
    expect(read.data).toEqual([
      { emailId: "user1@example.com", firstName: "U1", role: "USER", mfaEnrolmentStatus: true },
      { emailId: "user2@example.com", firstName: "U2", role: "USER", mfaEnrolmentStatus: true },
    ]);
  });

  it("refuses an invalid one-shot with the report and stores nothing", async () => {
    const { ingest, base } = await setup();
    const problem = await expectProblem(
      await call("POST", `${base}/records`, {
        key: ingest,
        body: [user(1), { emailId: "nope", role: "boss" }],
      }),
      422,
      "invalid-records",
    );
    const report = problem.report as { errorCount: number; errors: { row: number; field: string }[] };
    expect(report.errorCount).toBe(2);
    expect(report.errors.map((e) => [e.row, e.field])).toEqual([
      [2, "emailId"],
      [2, "role"],
    ]);
    const read = await json<{ version: number | null }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
    expect(read.version).toBeNull();
  });

  it("commits a sync of several batches atomically", async () => {
    const { ingest, base } = await setup();
    const created = await json<{ syncId: string }>(await call("POST", `${base}/syncs`, { key: ingest }));
    const put = (seq: number, records: unknown[]) =>
      call("PUT", `${base}/syncs/${created.syncId}/batches/${seq}`, { key: ingest, body: { data: records } });
    expect((await put(1, [user(1), user(2)])).status).toBe(200);
    expect((await put(2, [user(3)])).status).toBe(200);
    const before = await json<{ version: number | null }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
    expect(before.version).toBeNull();
    const commit = await call("POST", `${base}/syncs/${created.syncId}/commit`, {
      key: ingest,
      body: { expectedRecords: 3 },
    });
    expect(commit.status).toBe(200);
    expect(await json(commit)).toMatchObject({ version: 1, recordCount: 3 });
    const after = await json<{ data: { emailId: string }[] }>(
      await call("GET", `${base}/records`, { key: ingest }),
    );
    expect(after.data.map((r) => r.emailId)).toEqual([
      "user1@example.com",
      "user2@example.com",
      "user3@example.com",
    ]);
  });

  it("refuses a commit with duplicates across batches, naming both rows", async () => {
    const { ingest, base } = await setup();
    const { syncId } = await json<{ syncId: string }>(await call("POST", `${base}/syncs`, { key: ingest }));
    await call("PUT", `${base}/syncs/${syncId}/batches/1`, { key: ingest, body: [user(1), user(2)] });
    await call("PUT", `${base}/syncs/${syncId}/batches/2`, {
      key: ingest,
      body: [{ ...user(2), emailId: "USER2@example.com" }],
    });
    const problem = await expectProblem(
      await call("POST", `${base}/syncs/${syncId}/commit`, { key: ingest }),
      422,
    );
    const report = problem.report as { errors: { row: number; relatedRow: number; message: string }[] };
    expect(report.errors).toEqual([
      expect.objectContaining({
        row: 3,
        relatedRow: 2,
        message:
          'Duplicate record: rows 2 and 3 have the same emailId "USER2@example.com"; each record must be unique',
      }),
    ]);
  });
});
