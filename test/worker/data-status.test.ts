// Status per context and integration, computed on read under a controlled clock (the Worker reads
// `new Date()` per request, which vitest's fake Date reaches), and the pure rules in lib/status.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { contextStatus, integrationStatus, keysVisibleTo } from "../../worker/domain/status.ts";
import { commitSync, dataWorld, putBatch, startSync, user, users } from "./data-helpers.ts";
import { call, createIntegration, createKey, json } from "./helpers.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

afterEach(() => {
  vi.useRealTimers();
});

interface StatusBody {
  integrationId: string;
  computedAt: string;
  status: string;
  reasons: string[];
  contexts: { context: string; status: string; reasons: string[]; lastCommitAt: string | null }[];
}

/** A clock under the test's control, starting an hour from now (keys made on it stay valid). */
function clock() {
  let t = Date.now() + HOUR;
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(t);
  return {
    advance(ms: number) {
      t += ms;
      vi.setSystemTime(t);
      return new Date(t).toISOString();
    },
    iso: () => new Date(t).toISOString(),
  };
}

async function status(integrationId: string, key: string): Promise<StatusBody> {
  const response = await call("GET", `/v1/integrations/${integrationId}/status`, { key });
  expect(response.status).toBe(200);
  return json<StatusBody>(response);
}

describe("status transitions", () => {
  it("Ready -> Active -> Warning (24 h) -> Failed -> Active, with reasons", async () => {
    const time = clock();
    const { integrationId, ingest, base } = await dataWorld();
    let s = await status(integrationId, ingest);
    expect(s).toMatchObject({
      integrationId,
      computedAt: time.iso(),
      status: "Ready",
      reasons: ["saas_users: No data yet; a usable key is ready"],
    });
    expect(s.contexts).toEqual([
      {
        context: "saas_users",
        status: "Ready",
        reasons: ["No data yet; a usable key is ready"],
        lastCommitAt: null,
      },
    ]);

    const committedAt = time.advance(60_000);
    expect((await call("POST", `${base()}/records`, { key: ingest, body: users(1, 2) })).status).toBe(201);
    s = await status(integrationId, ingest);
    expect(s.status).toBe("Active");
    expect(s.contexts[0]).toEqual({
      context: "saas_users",
      status: "Active",
      reasons: [`Data committed at ${committedAt}`],
      lastCommitAt: committedAt,
    });

    time.advance(DAY); // exactly 24 h later: still Active
    expect((await status(integrationId, ingest)).status).toBe("Active");
    time.advance(1);
    s = await status(integrationId, ingest);
    expect(s.status).toBe("Warning");
    expect(s.reasons).toEqual([`saas_users: No data in the last 24 hours (last committed ${committedAt})`]);

    // A dry run that fails changes nothing: validation is not an upload.
    time.advance(60_000);
    await call("POST", `${base()}/validate`, { key: ingest, body: [{ emailId: "x" }] });
    expect((await status(integrationId, ingest)).status).toBe("Warning");

    const failedAt = time.advance(60_000);
    expect((await call("POST", `${base()}/records`, { key: ingest, body: [{ emailId: "x" }] })).status).toBe(
      422,
    );
    s = await status(integrationId, ingest);
    expect(s.status).toBe("Failed");
    expect(s.contexts[0]?.reasons).toEqual([
      `An upload failed at ${failedAt}; nothing was committed or restored since`,
    ]);
    expect(s.contexts[0]?.lastCommitAt).toBe(committedAt);

    const again = time.advance(60_000);
    expect((await call("POST", `${base()}/records`, { key: ingest, body: users(1, 3) })).status).toBe(201);
    s = await status(integrationId, ingest);
    expect(s.status).toBe("Active");
    expect(s.contexts[0]?.reasons).toEqual([`Data committed at ${again}`]);
  });

  it("a failed batch or commit of a sync is Failed until the sync commits", async () => {
    const time = clock();
    const { integrationId, ingest, base } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    time.advance(1000);
    expect((await putBatch(base(), ingest, syncId, 2, users(3, 3))).status).toBe(200);
    const commitFailedAt = time.advance(1000);
    expect((await commitSync(base(), ingest, syncId)).status).toBe(409);
    let s = await status(integrationId, ingest);
    expect(s.status).toBe("Failed");
    expect(s.contexts[0]?.reasons).toEqual([
      `An upload failed at ${commitFailedAt} (Batches 1 of sync ${syncId} were never received); nothing was committed or restored since`,
    ]);
    const batchFailedAt = time.advance(1000);
    expect((await putBatch(base(), ingest, syncId, 1, [{ emailId: "broken" }])).status).toBe(422);
    s = await status(integrationId, ingest);
    expect(s.contexts[0]?.reasons).toEqual([
      `An upload failed at ${batchFailedAt} (batch 1); nothing was committed or restored since`,
    ]);
    // An accepted batch is not data yet: only the commit clears Failed.
    time.advance(1000);
    expect((await putBatch(base(), ingest, syncId, 1, users(1, 2))).status).toBe(200);
    s = await status(integrationId, ingest);
    expect(s.status).toBe("Failed");
    expect(s.contexts[0]?.reasons).toEqual([
      `An upload failed at ${batchFailedAt} (batch 1); nothing was committed or restored since`,
    ]);
    const committedAt = time.advance(1000);
    expect((await commitSync(base(), ingest, syncId)).status).toBe(200);
    s = await status(integrationId, ingest);
    expect(s.status).toBe("Active");
    expect(s.contexts[0]?.reasons).toEqual([`Data committed at ${committedAt}`]);
  });

  it("a success in the same millisecond as a failure still counts as 'since' (the later one wins)", async () => {
    clock();
    const { integrationId, ingest, base } = await dataWorld();
    expect((await call("POST", `${base()}/records`, { key: ingest, body: [{ emailId: "x" }] })).status).toBe(
      422,
    );
    expect((await call("POST", `${base()}/records`, { key: ingest, body: users(1, 1) })).status).toBe(201);
    expect((await status(integrationId, ingest)).status).toBe("Active");
    expect((await call("POST", `${base()}/records`, { key: ingest, body: [{ emailId: "y" }] })).status).toBe(
      422,
    );
    expect((await status(integrationId, ingest)).status).toBe("Failed");
  });

  it("a restore counts as data: Warning -> Active", async () => {
    const time = clock();
    const { integrationId, ingest, base } = await dataWorld();
    await call("POST", `${base()}/records`, { key: ingest, body: users(1, 1) });
    time.advance(2 * DAY);
    expect((await status(integrationId, ingest)).status).toBe("Warning");
    const restoredAt = time.advance(1000);
    expect((await call("POST", `${base()}/versions/1/restore`, { key: ingest })).status).toBe(201);
    const s = await status(integrationId, ingest);
    expect(s.status).toBe("Active");
    expect(s.contexts[0]?.lastCommitAt).toBe(restoredAt);
  });

  it("Warning when a usable key expires within 90 days, naming the key", async () => {
    const time = clock();
    const { integrationId, admin, ingest } = await dataWorld();
    expect((await status(integrationId, ingest)).status).toBe("Ready");
    const expiresAt = new Date(Date.now() + 89 * DAY).toISOString();
    await createKey(admin, { integrationId, name: "cron job", expiresAt });
    const s = await status(integrationId, admin);
    expect(s.status).toBe("Warning");
    expect(s.contexts[0]?.reasons).toEqual([
      "No data yet; a usable key is ready",
      `The key "cron job" expires on ${expiresAt}`,
    ]);
    // A key bound to another integration does not count for this one.
    const other = await dataWorld();
    expect((await status(other.integrationId, other.ingest)).status).toBe("Ready");
    // Once that key has expired it is no longer usable, and the warning goes.
    time.advance(89 * DAY + 1);
    expect((await status(integrationId, ingest)).status).toBe("Ready");
  });

  it("a revoked key does not count as usable (its expiry warns no more)", async () => {
    clock();
    const { integrationId, admin, ingest } = await dataWorld();
    const soon = await createKey(admin, {
      integrationId,
      name: "soon",
      expiresAt: new Date(Date.now() + 10 * DAY).toISOString(),
    });
    expect((await status(integrationId, ingest)).status).toBe("Warning");
    expect((await call("DELETE", `/v1/keys/${soon.id}`, { key: admin })).status).toBeLessThan(300);
    expect((await status(integrationId, ingest)).status).toBe("Ready");
  });

  it("a restore clears Failed, and so does a later commit; a dry run or abort does not", async () => {
    const time = clock();
    const { integrationId, ingest, base } = await dataWorld();
    await call("POST", `${base()}/records`, { key: ingest, body: users(1, 1) });
    time.advance(1000);
    expect((await call("POST", `${base()}/records`, { key: ingest, body: [{ emailId: "x" }] })).status).toBe(
      422,
    );
    time.advance(1000);
    expect((await call("POST", `${base()}/validate`, { key: ingest, body: users(1, 1) })).status).toBe(200);
    const syncId = await startSync(base(), ingest);
    expect((await call("DELETE", `${base()}/syncs/${syncId}`, { key: ingest })).status).toBeLessThan(300);
    expect((await status(integrationId, ingest)).status).toBe("Failed");
    const restoredAt = time.advance(1000);
    expect((await call("POST", `${base()}/versions/1/restore`, { key: ingest })).status).toBe(201);
    const s = await status(integrationId, ingest);
    expect(s.status).toBe("Active");
    expect(s.contexts[0]?.reasons).toEqual([`Data committed at ${restoredAt}`]);
  });

  it("counts unbound ingest keys and keys bound to it as usable, not admin keys nor keys bound elsewhere", async () => {
    clock();
    const { integrationId, admin, ingest } = await dataWorld();
    const elsewhere = await createIntegration(admin, ["vendors"], "Elsewhere");
    const soon = (days: number) => new Date(Date.now() + days * DAY).toISOString();
    await createKey(admin, { integrationId: elsewhere, name: "elsewhere", expiresAt: soon(5) });
    expect((await status(integrationId, admin)).status).toBe("Ready");
    const adminSoon = soon(6);
    await createKey(admin, { scope: "admin", name: "ops", expiresAt: adminSoon });
    const unboundSoon = soon(7);
    await createKey(admin, { name: "any integration", expiresAt: unboundSoon });
    const s = await status(integrationId, admin);
    expect(s.status).toBe("Warning");
    expect(s.contexts[0]?.reasons).toEqual([
      "No data yet; a usable key is ready",
      `The key "any integration" expires on ${unboundSoon}`,
    ]);
    expect((await status(integrationId, ingest)).status).toBe("Warning");
  });

  it("an ingest key sees no other key's name, only its own; an admin key sees every name", async () => {
    clock();
    const { integrationId, admin, ingest } = await dataWorld();
    const cronExpiry = new Date(Date.now() + 20 * DAY).toISOString();
    await createKey(admin, { integrationId, name: "cron job", expiresAt: cronExpiry });
    const laptopExpiry = new Date(Date.now() + 30 * DAY).toISOString();
    const laptop = await createKey(admin, { integrationId, name: "laptop", expiresAt: laptopExpiry });

    const byAdmin = await status(integrationId, admin);
    expect(byAdmin.contexts[0]?.reasons).toEqual([
      "No data yet; a usable key is ready",
      `The key "cron job" expires on ${cronExpiry}`,
      `The key "laptop" expires on ${laptopExpiry}`,
    ]);

    const byLaptop = await status(integrationId, laptop.secret);
    expect(byLaptop.status).toBe("Warning");
    expect(byLaptop.contexts[0]?.reasons).toEqual([
      "No data yet; a usable key is ready",
      `Another key for this integration expires on ${cronExpiry}`,
      `The key "laptop" expires on ${laptopExpiry}`,
    ]);
    expect(JSON.stringify(byLaptop)).not.toContain("cron job");

    const byIngest = await status(integrationId, ingest);
    expect(byIngest.status).toBe("Warning");
    expect(byIngest.reasons).toEqual([
      "saas_users: No data yet; a usable key is ready",
      `saas_users: Another key for this integration expires on ${cronExpiry}`,
      `saas_users: Another key for this integration expires on ${laptopExpiry}`,
    ]);
    const text = JSON.stringify(byIngest);
    expect(text).not.toContain("cron job");
    expect(text).not.toContain("laptop");
  });

  it("the integration takes the worst of its contexts, with their reasons", async () => {
    clock();
    const { integrationId, ingest, base } = await dataWorld(["saas_users", "vendors"]);
    await call("POST", `${base("saas_users")}/records`, { key: ingest, body: [user(1)] });
    await call("POST", `${base("vendors")}/records`, { key: ingest, body: [{ vendorName: "" }] });
    const s = await status(integrationId, ingest);
    expect(s.contexts.map((c) => [c.context, c.status])).toEqual([
      ["saas_users", "Active"],
      ["vendors", "Failed"],
    ]);
    expect(s.status).toBe("Failed");
    expect(s.reasons).toHaveLength(1);
    expect(s.reasons[0]).toMatch(
      /^vendors: An upload failed at .+; nothing was committed or restored since$/,
    );
  });
});

describe("contextStatus (pure)", () => {
  const now = new Date("2030-06-01T12:00:00.000Z");
  const key = (days: number, name = "k") => ({
    name,
    expiresAt: new Date(now.getTime() + days * DAY).toISOString(),
  });
  const facts = (over: Partial<Parameters<typeof contextStatus>[0]> = {}) => ({
    context: "saas_users",
    lastCommitAt: null,
    failure: null,
    ...over,
  });

  it("Ready with a usable key and no data", () => {
    expect(contextStatus(facts(), [key(365)], now)).toEqual({
      context: "saas_users",
      status: "Ready",
      reasons: ["No data yet; a usable key is ready"],
      lastCommitAt: null,
    });
  });

  it("Failed with no usable key, whatever else is true", () => {
    const recent = new Date(now.getTime() - HOUR).toISOString();
    const result = contextStatus(facts({ lastCommitAt: recent }), [], now);
    expect(result.status).toBe("Failed");
    expect(result.reasons).toEqual([
      "No usable API key: every key for this integration is revoked or expired",
    ]);
  });

  it("Active up to exactly 24 h after the last commit, Warning after", () => {
    const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
    expect(contextStatus(facts({ lastCommitAt: at(DAY) }), [key(365)], now).status).toBe("Active");
    const late = contextStatus(facts({ lastCommitAt: at(DAY + 1) }), [key(365)], now);
    expect(late.status).toBe("Warning");
    expect(late.reasons).toEqual([`No data in the last 24 hours (last committed ${at(DAY + 1)})`]);
  });

  it("Failed when an upload failed with nothing committed since, with its detail", () => {
    const at = new Date(now.getTime() - 1000).toISOString();
    const result = contextStatus(
      facts({
        lastCommitAt: new Date(now.getTime() - HOUR).toISOString(),
        failure: { at, detail: "batch 3" },
      }),
      [key(10)],
      now,
    );
    expect(result.status).toBe("Failed");
    // Failed already says enough: no key-expiry reason is added.
    expect(result.reasons).toEqual([
      `An upload failed at ${at} (batch 3); nothing was committed or restored since`,
    ]);
  });

  it("warns about keys expiring within 90 days (inclusive), not after", () => {
    const recent = new Date(now.getTime() - HOUR).toISOString();
    const within = contextStatus(facts({ lastCommitAt: recent }), [key(90, "a"), key(91, "b")], now);
    expect(within.status).toBe("Warning");
    expect(within.reasons).toEqual([
      `Data committed at ${recent}`,
      `The key "a" expires on ${key(90).expiresAt}`,
    ]);
    expect(contextStatus(facts({ lastCommitAt: recent }), [key(91)], now).status).toBe("Active");
  });

  it("keysVisibleTo: an ingest key sees its own name only; same name, other expiry stays anonymous", () => {
    const keys = [
      { name: "laptop", expiresAt: key(10).expiresAt },
      { name: "laptop", expiresAt: key(20).expiresAt },
      { name: "cron", expiresAt: key(30).expiresAt },
    ];
    expect(keysVisibleTo(keys, { scope: "ingest", name: "laptop", expiresAt: key(10).expiresAt })).toEqual([
      { name: "laptop", expiresAt: key(10).expiresAt },
      { name: null, expiresAt: key(20).expiresAt },
      { name: null, expiresAt: key(30).expiresAt },
    ]);
    expect(keysVisibleTo(keys, { scope: "admin", name: "root", expiresAt: key(99).expiresAt })).toEqual(keys);
  });

  it("integrationStatus: the worst context wins; no contexts is Ready", () => {
    const ready = contextStatus(facts(), [key(365)], now);
    const failed = contextStatus(facts({ context: "vendors" }), [], now);
    expect(integrationStatus([ready, failed])).toEqual({
      status: "Failed",
      reasons: ["vendors: No usable API key: every key for this integration is revoked or expired"],
    });
    expect(integrationStatus([])).toEqual({ status: "Ready", reasons: [] });
  });

  it("integrationStatus: one context with fresh data and others without any is Active", () => {
    const recent = new Date(now.getTime() - HOUR).toISOString();
    const active = contextStatus(facts({ lastCommitAt: recent }), [key(365)], now);
    const ready = contextStatus(facts({ context: "vendors" }), [key(365)], now);
    expect(integrationStatus([ready, active])).toEqual({
      status: "Active",
      reasons: [`saas_users: Data committed at ${recent}`],
    });
  });
});
