// Rate limits: failed authentications per client IP (a blocked IP is refused before its credential
// is checked, so guessing gains nothing), and the per-key budget on GET /v1/me. The bindings count
// in fixed 60-second windows of the wall clock; a loop may straddle one window boundary, so the
// counts below are bounded, not exact.
import { describe, expect, it } from "vitest";
import { newApiKey } from "../../worker/domain/crypto.ts";
import { clientBucket } from "../../worker/middleware/rate-limit.ts";
import { dataWorld } from "./data-helpers.ts";
import { call, createTenant, expectProblem, OPERATOR } from "./helpers.ts";

/** wrangler.toml: AUTH_FAILURE_LIMITER and RATE_LIMITER limits per 60 s. */
const AUTH_FAILURE_BUDGET = 100;
const KEY_BUDGET = 600;

/** An address of its own for this run, so no other test shares its bucket. */
const address = () => `2001:db8:${crypto.randomUUID().slice(0, 4)}::${crypto.randomUUID().slice(0, 4)}`;

/** Sends until the first non-`ok` answer (at most two windows' worth); returns how many were ok and it. */
async function untilRefused(send: () => Promise<Response>, ok: number, budget: number) {
  let passed = 0;
  for (let i = 0; i <= 2 * budget; i++) {
    const response = await send();
    if (response.status !== ok) return { passed, response };
    await response.body?.cancel();
    passed++;
  }
  throw new Error(`never refused after ${passed} requests`);
}

describe("failed authentication, per client IP", () => {
  it("answers 429 with Retry-After once an IP exhausts its budget; other IPs are unaffected", async () => {
    const { admin } = await createTenant();
    const guesser = address();
    const bystander = address();
    const guess = async (ip: string) =>
      call("GET", "/v1/integrations", {
        key: (await newApiKey()).secret,
        headers: { "cf-connecting-ip": ip },
      });

    const { passed, response } = await untilRefused(() => guess(guesser), 401, AUTH_FAILURE_BUDGET);
    expect(passed).toBeGreaterThanOrEqual(AUTH_FAILURE_BUDGET);
    expect(passed).toBeLessThanOrEqual(2 * AUTH_FAILURE_BUDGET);
    const problem = await expectProblem(response, 429, "rate-limited");
    expect(response.headers.get("retry-after")).toBe("60");
    expect(problem.detail).toBe("Too many failed authentications from this address; retry after 60 seconds");

    // Blocked: even a valid key or the operator token from that IP is not checked.
    const fromGuesser = { "cf-connecting-ip": guesser };
    await expectProblem(
      await call("GET", "/v1/me", { key: admin, headers: fromGuesser }),
      429,
      "rate-limited",
    );
    await expectProblem(
      await call("POST", "/v1/tenants", {
        headers: { ...fromGuesser, authorization: `Bearer ${OPERATOR}` },
        body: { name: "Blocked" },
      }),
      429,
      "rate-limited",
    );

    // Another address: its failures are its own, and valid keys work.
    await expectProblem(await guess(bystander), 401, "unauthorized");
    const ok = await call("GET", "/v1/me", { key: admin, headers: { "cf-connecting-ip": bystander } });
    expect(ok.status).toBe(200);
  }, 60_000);

  it("counts wrong operator tokens too", async () => {
    const ip = address();
    const { passed, response } = await untilRefused(
      () =>
        call("POST", "/v1/tenants", {
          headers: { "cf-connecting-ip": ip, authorization: "Bearer not-the-operator-token" },
          body: { name: "Evil" },
        }),
      401,
      AUTH_FAILURE_BUDGET,
    );
    expect(passed).toBeGreaterThanOrEqual(AUTH_FAILURE_BUDGET);
    await expectProblem(response, 429, "rate-limited");
  }, 60_000);

  it("does not count a request without any credential (it guesses nothing)", async () => {
    const ip = address();
    for (let i = 0; i < AUTH_FAILURE_BUDGET + 5; i++) {
      const response = await call("GET", "/v1/integrations", { headers: { "cf-connecting-ip": ip } });
      expect(response.status).toBe(401);
      await response.body?.cancel();
    }
  }, 60_000);

  it("buckets by CF-Connecting-IP, and requests without one share a single bucket", () => {
    expect(clientBucket(new Headers({ "cf-connecting-ip": "203.0.113.7" }))).toBe("ip:203.0.113.7");
    expect(clientBucket(new Headers())).toBe("ip:unknown");
    expect(clientBucket(new Headers({ "cf-connecting-ip": " " }))).toBe("ip:unknown");
  });
});

describe("per-key budget", () => {
  it("GET /v1/me is counted per key: 429 with Retry-After beyond the budget, other keys unaffected", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const { passed, response } = await untilRefused(
      () => call("GET", "/v1/me", { key: a.admin }),
      200,
      KEY_BUDGET,
    );
    expect(passed).toBeGreaterThanOrEqual(KEY_BUDGET);
    const problem = await expectProblem(response, 429, "rate-limited");
    expect(response.headers.get("retry-after")).toBe("60");
    expect(problem.detail).toContain("sent too many requests");
    expect((await call("GET", "/v1/me", { key: b.admin })).status).toBe(200);
  }, 120_000);

  it("counts a data request once (no sub-app authenticates it a second time)", async () => {
    const { base, ingest } = await dataWorld();
    const { passed, response } = await untilRefused(
      () => call("GET", `${base()}/records`, { key: ingest }),
      200,
      KEY_BUDGET,
    );
    expect(passed).toBeGreaterThanOrEqual(KEY_BUDGET);
    await expectProblem(response, 429, "rate-limited");
  }, 120_000);
});
