// Request bodies: one middleware reads every body to its end. A truncated or broken body is a 400
// problem (never a 500, never an unhandled error in the log); gzip bodies are decoded with the
// size limit applied to the decoded bytes; other content codings are a 415.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/index.ts";
import { dataWorld, putBatch, snapshot, startSync, users } from "./data-helpers.ts";
import { call, env, expectProblem, json, ORIGIN } from "./helpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const encoder = new TextEncoder();

async function gzip(data: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A body stream that sends `first` and then closes or errors, whatever it declared. */
function brokenStream(first: string, end: "close" | "error"): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(encoder.encode(first));
        return;
      }
      if (end === "close") controller.close();
      else controller.error(new Error("connection reset by peer"));
    },
  });
}

const recordsBody = JSON.stringify({ data: users(1, 3) });

describe("truncated and aborted bodies", () => {
  it("a body shorter than its Content-Length is a 400 problem, logged nowhere", async () => {
    const errors = vi.spyOn(console, "error");
    const { base, ingest } = await dataWorld();
    const partial = recordsBody.slice(0, 20);
    const request = new Request(`${ORIGIN}${base()}/records`, {
      method: "POST",
      headers: { "x-api-key": ingest, "content-type": "application/json", "content-length": "5000" },
      body: brokenStream(partial, "close"),
    });
    const problem = await expectProblem(await app.request(request, undefined, env), 400, "body-incomplete");
    expect(problem.detail).toBe(
      "The request body ended before its declared length (20 of 5000 bytes); nothing was stored",
    );
    expect(errors).not.toHaveBeenCalled();
    expect(JSON.parse((await snapshot(base(), ingest)).records)).toMatchObject({ version: null, data: [] });
  });

  it("a body stream that breaks off is a 400 problem, logged nowhere", async () => {
    const errors = vi.spyOn(console, "error");
    const { base, ingest } = await dataWorld();
    const request = new Request(`${ORIGIN}${base()}/records`, {
      method: "POST",
      headers: { "x-api-key": ingest, "content-type": "application/json" },
      body: brokenStream(recordsBody.slice(0, 30), "error"),
    });
    const problem = await expectProblem(await app.request(request, undefined, env), 400, "body-incomplete");
    expect(problem.detail).toBe("The request body broke off after 30 bytes; nothing was stored");
    expect(errors).not.toHaveBeenCalled();
    expect(JSON.parse((await snapshot(base(), ingest)).records)).toMatchObject({ version: null, data: [] });
  });

  it("through the Worker's entrypoint too: a client that hangs up early gets a 400, not a 500", async () => {
    const errors = vi.spyOn(console, "error");
    const { base, ingest } = await dataWorld();
    const response = await exports.default.fetch(
      new Request(`${ORIGIN}${base()}/records`, {
        method: "POST",
        headers: { "x-api-key": ingest, "content-type": "application/json", "content-length": "5000" },
        body: brokenStream(recordsBody.slice(0, 30), "close"),
      }),
    );
    const problem = await expectProblem(response, 400, "body-incomplete");
    expect(problem.detail).toBe(
      "The request body ended before its declared length (30 of 5000 bytes); nothing was stored",
    );
    expect(errors).not.toHaveBeenCalled();
  });

  it("a body longer than its Content-Length is a 400 problem", async () => {
    const { base, ingest } = await dataWorld();
    const request = new Request(`${ORIGIN}${base()}/validate`, {
      method: "POST",
      headers: { "x-api-key": ingest, "content-type": "application/json", "content-length": "10" },
      body: brokenStream(recordsBody, "close"),
    });
    const problem = await expectProblem(await app.request(request, undefined, env), 400, "body-incomplete");
    expect(problem.detail).toBe(
      `The request body is longer than its declared length (${recordsBody.length} of 10 bytes); nothing was stored`,
    );
  });

  it("a declared length over the limit is a 413 before anything is read", async () => {
    const { base, ingest } = await dataWorld();
    const request = new Request(`${ORIGIN}${base()}/records`, {
      method: "POST",
      headers: { "x-api-key": ingest, "content-type": "application/json", "content-length": "10485761" },
      body: brokenStream("{", "error"),
    });
    const problem = await expectProblem(await app.request(request, undefined, env), 413, "payload-too-large");
    expect(problem.detail).toBe("The request body is larger than 10485760 bytes");
  });
});

describe("Content-Encoding", () => {
  it("stores a gzip JSON submit exactly as the plain one", async () => {
    const plain = await dataWorld();
    const zipped = await dataWorld();
    expect(
      (
        await call("POST", `${plain.base()}/records`, {
          key: plain.ingest,
          raw: recordsBody,
          headers: { "content-type": "application/json" },
        })
      ).status,
    ).toBe(201);
    const response = await call("POST", `${zipped.base()}/records`, {
      key: zipped.ingest,
      raw: await gzip(recordsBody),
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(response.status).toBe(201);
    expect((await json<{ recordCount: number }>(response)).recordCount).toBe(3);
    const [a, b] = [await snapshot(plain.base(), plain.ingest), await snapshot(zipped.base(), zipped.ingest)];
    expect(JSON.parse(b.records).data).toEqual(JSON.parse(a.records).data);
    expect(b.csv).toBe(a.csv);
  });

  it("accepts a gzip CSV batch of a sync and commits it like a plain one", async () => {
    const { base, ingest } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const csv = "emailId,firstName,role\nuser1@example.com,U1,USER\nuser2@example.com,U2,USER\n";
    const batch = await call("PUT", `${base()}/syncs/${syncId}/batches/1`, {
      key: ingest,
      raw: await gzip(csv),
      headers: { "content-type": "text/csv", "content-encoding": "GZIP" },
    });
    expect(batch.status).toBe(200);
    expect((await putBatch(base(), ingest, syncId, 2, users(3, 3))).status).toBe(200);
    const commit = await call("POST", `${base()}/syncs/${syncId}/commit`, { key: ingest });
    expect(commit.status).toBe(200);
    const data = JSON.parse((await snapshot(base(), ingest)).records).data as { emailId: string }[];
    expect(data.map((r) => r.emailId)).toEqual([
      "user1@example.com",
      "user2@example.com",
      "user3@example.com",
    ]);
  });

  it("accepts Content-Encoding: identity", async () => {
    const { base, ingest } = await dataWorld();
    const response = await call("POST", `${base()}/validate`, {
      key: ingest,
      raw: recordsBody,
      headers: { "content-type": "application/json", "content-encoding": "identity" },
    });
    expect(response.status).toBe(200);
    expect((await json<{ valid: boolean; recordCount: number }>(response)).recordCount).toBe(3);
  });

  it("refuses a zip bomb (20 MB of zeros in ~20 KB) with 413, counting the decoded bytes", async () => {
    const { base, ingest } = await dataWorld();
    const bomb = await gzip(new Uint8Array(20 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const problem = await expectProblem(
      await call("POST", `${base()}/records`, {
        key: ingest,
        raw: bomb,
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      }),
      413,
      "payload-too-large",
    );
    expect(problem.detail).toBe(
      "The request body is larger than 10485760 bytes once gzip is decoded; nothing was stored",
    );
  });

  it("decodes gzip only after authentication: a bomb without a valid key is a 401, never inflated", async () => {
    const { base } = await dataWorld();
    const bomb = await gzip(new Uint8Array(64 * 1024 * 1024));
    for (const key of [undefined, "ik_not-a-real-key"]) {
      const problem = await expectProblem(
        await call("POST", `${base()}/records`, {
          ...(key ? { key } : {}),
          raw: bomb,
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        }),
        401,
      );
      expect(String(problem.detail)).toMatch(/API key/);
    }
  });

  it("stops a 64 MB bomb at the decoded limit for an operator request too", async () => {
    const bomb = await gzip(new Uint8Array(64 * 1024 * 1024));
    await expectProblem(
      await call("POST", "/v1/tenants", {
        raw: bomb,
        headers: {
          authorization: "Bearer test-operator-token-0123456789",
          "content-type": "application/json",
          "content-encoding": "gzip",
        },
      }),
      413,
      "payload-too-large",
    );
  });

  it("refuses a corrupt gzip body with 400", async () => {
    const { base, ingest } = await dataWorld();
    const good = await gzip(recordsBody);
    const corrupt = good.slice();
    corrupt.fill(0x41, 10, 40);
    for (const raw of [corrupt, encoder.encode(recordsBody)]) {
      const problem = await expectProblem(
        await call("POST", `${base()}/records`, {
          key: ingest,
          raw,
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        }),
        400,
        "bad-request",
      );
      expect(problem.detail).toBe(
        "The request body is not valid gzip (Content-Encoding: gzip); nothing was stored",
      );
    }
  });

  it.each(["br", "deflate", "x-foo", "gzip, gzip", "gzip, br"])(
    "refuses Content-Encoding: %s with 415 and says what is accepted",
    async (coding) => {
      const { base, ingest } = await dataWorld();
      const response = await call("POST", `${base()}/records`, {
        key: ingest,
        raw: await gzip(recordsBody),
        headers: { "content-type": "application/json", "content-encoding": coding },
      });
      const problem = await expectProblem(response, 415, "unsupported-content-encoding");
      expect(problem.detail).toBe(`Content-Encoding must be gzip (or none); got "${coding}"`);
      expect(response.headers.get("accept-encoding")).toBe("gzip, identity");
    },
  );

  it("allows content-encoding in CORS preflights", async () => {
    const response = await call("OPTIONS", "/v1/integrations", {
      headers: {
        origin: "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-encoding",
      },
    });
    expect(response.headers.get("access-control-allow-headers")).toContain("content-encoding");
  });
});
