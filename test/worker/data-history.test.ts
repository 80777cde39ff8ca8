// Ingestion history: every validate, submit, batch, commit, abort and restore, with outcome,
// counts, first errors, key name and time (a controlled clock makes the order exact).
import { afterEach, describe, expect, it, vi } from "vitest";
import { commitSync, dataWorld, putBatch, startSync, user, users } from "./data-helpers.ts";
import { call, expectProblem, json } from "./helpers.ts";

afterEach(() => {
  vi.useRealTimers();
});

interface Entry {
  id: string;
  context: string;
  kind: string;
  outcome: string;
  recordCount: number;
  errorCount: number;
  warningCount: number;
  detail: string | null;
  firstErrors: { row: number; field: string; keyword: string }[];
  syncId: string | null;
  version: number | null;
  keyName: string;
  createdAt: string;
}

describe("ingestion history", () => {
  it("records every attempt with outcome, counts, first errors and key name", async () => {
    let t = Date.now() + 3_600_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    const tick = () => {
      t += 1000;
      vi.setSystemTime(t);
      return new Date(t).toISOString();
    };
    tick();
    const { base, ingest, integrationId } = await dataWorld(["saas_users"], "uploader");
    const b = base();
    const times: string[] = [];
    const step = async (send: () => Promise<Response>, status: number) => {
      times.push(tick());
      expect((await send()).status).toBe(status);
    };
    await step(() => call("POST", `${b}/validate`, { key: ingest, body: users(1, 2) }), 200);
    await step(
      () => call("POST", `${b}/validate`, { key: ingest, body: [user(1), { emailId: "x", role: "boss" }] }),
      200,
    );
    await step(() => call("POST", `${b}/records`, { key: ingest, body: users(1, 3) }), 201);
    await step(() => call("POST", `${b}/records`, { key: ingest, body: [{ emailId: "bad" }] }), 422);
    const syncId = await startSync(b, ingest);
    await step(() => putBatch(b, ingest, syncId, 2, users(5, 6)), 200);
    await step(() => putBatch(b, ingest, syncId, 1, [{ emailId: "nope" }]), 422);
    await step(() => commitSync(b, ingest, syncId), 409);
    await step(() => putBatch(b, ingest, syncId, 1, users(4, 4)), 200);
    await step(() => commitSync(b, ingest, syncId), 200);
    const other = await startSync(b, ingest);
    await step(() => call("DELETE", `${b}/syncs/${other}`, { key: ingest }), 204);
    await step(() => call("POST", `${b}/versions/1/restore`, { key: ingest }), 201);

    const response = await call("GET", `/v1/integrations/${integrationId}/ingestions`, { key: ingest });
    expect(response.status).toBe(200);
    const { data, nextBefore } = await json<{ data: Entry[]; nextBefore: string | null }>(response);
    expect(nextBefore).toBeNull();
    const rows = data.map((e) => [e.kind, e.outcome, e.recordCount, e.errorCount, e.version, e.detail]);
    expect(rows).toEqual([
      ["restore", "success", 3, 0, 3, "restored version 1"],
      ["abort", "success", 0, 0, null, null],
      ["commit", "success", 3, 0, 2, null],
      ["batch", "success", 1, 0, null, "batch 1"],
      ["commit", "failure", 0, 0, null, `Batches 1 of sync ${syncId} were never received`],
      ["batch", "failure", 1, 1, null, "batch 1"],
      ["batch", "success", 2, 0, null, "batch 2"],
      ["submit", "failure", 1, 1, null, null],
      ["submit", "success", 3, 0, 1, null],
      ["validate", "failure", 2, 2, null, null],
      ["validate", "success", 2, 0, null, null],
    ]);
    expect(data.map((e) => e.createdAt)).toEqual([...times].reverse());
    expect(new Set(data.map((e) => e.keyName))).toEqual(new Set(["uploader"]));
    expect(new Set(data.map((e) => e.context))).toEqual(new Set(["saas_users"]));
    expect(
      data
        .filter((e) => e.kind === "batch" || e.kind === "commit" || e.kind === "abort")
        .map((e) => e.syncId),
    ).toEqual([other, syncId, syncId, syncId, syncId, syncId]);
    const failedValidate = data.find((e) => e.kind === "validate" && e.outcome === "failure");
    expect(failedValidate?.firstErrors.map((e) => [e.row, e.field, e.keyword])).toEqual([
      [2, "emailId", "format"],
      [2, "role", "enum"],
    ]);
    const failedSubmit = data.find((e) => e.kind === "submit" && e.outcome === "failure");
    expect(failedSubmit?.firstErrors).toEqual([expect.objectContaining({ row: 1, field: "emailId" })]);
  });

  it("keeps at most 10 first errors but the exact counts", async () => {
    const { base, ingest, integrationId } = await dataWorld();
    const bad = Array.from({ length: 25 }, (_, i) => ({ emailId: `bad-${i}` }));
    await call("POST", `${base()}/records`, { key: ingest, body: bad });
    const { data } = await json<{ data: Entry[] }>(
      await call("GET", `/v1/integrations/${integrationId}/ingestions`, { key: ingest }),
    );
    expect(data[0]).toMatchObject({ kind: "submit", outcome: "failure", recordCount: 25, errorCount: 25 });
    expect(data[0]?.firstErrors).toHaveLength(10);
    expect(data[0]?.firstErrors.map((e) => e.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("filters by context and pages with before/limit", async () => {
    let t = Date.now() + 3_600_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    const tick = () => {
      t += 1000;
      vi.setSystemTime(t);
    };
    tick();
    const { base, ingest, integrationId } = await dataWorld(["saas_users", "vendors"]);
    for (let i = 0; i < 3; i++) {
      tick();
      await call("POST", `${base("saas_users")}/validate`, { key: ingest, body: users(1, 1) });
      tick();
      await call("POST", `${base("vendors")}/validate`, { key: ingest, body: [{ vendorName: "V" }] });
    }
    const path = `/v1/integrations/${integrationId}/ingestions`;
    const vendors = await json<{ data: Entry[] }>(
      await call("GET", `${path}?context=vendors`, { key: ingest }),
    );
    expect(vendors.data.map((e) => e.context)).toEqual(["vendors", "vendors", "vendors"]);
    const page1 = await json<{ data: Entry[]; nextBefore: string }>(
      await call("GET", `${path}?limit=4`, { key: ingest }),
    );
    expect(page1.data).toHaveLength(4);
    expect(page1.nextBefore).toBe(`${page1.data[3]?.createdAt}~${page1.data[3]?.id}`);
    const page2 = await json<{ data: Entry[]; nextBefore: string | null }>(
      await call("GET", `${path}?limit=4&before=${encodeURIComponent(page1.nextBefore)}`, { key: ingest }),
    );
    expect(page2.data).toHaveLength(2);
    expect(page2.nextBefore).toBeNull();
    for (const query of ["context=nope", "before=yesterday", "limit=0", "limit=501"])
      await expectProblem(await call("GET", `${path}?${query}`, { key: ingest }), 400, "bad-request");
  });

  it("pages through entries that share one millisecond without skipping or repeating any", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2031-01-01T00:00:00.000Z"));
    const { base, ingest, integrationId } = await dataWorld(["saas_users"]);
    for (let i = 0; i < 5; i++) {
      await call("POST", `${base("saas_users")}/validate`, { key: ingest, body: users(1, 1) });
    }
    const path = `/v1/integrations/${integrationId}/ingestions?limit=2`;
    const seen: string[] = [];
    let before: string | null = "";
    while (before !== null) {
      const page: { data: Entry[]; nextBefore: string | null } = await json(
        await call("GET", before ? `${path}&before=${encodeURIComponent(before)}` : path, { key: ingest }),
      );
      seen.push(...page.data.map((e) => e.id));
      before = page.nextBefore;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    vi.useRealTimers();
  });
});
