// The Worker client's own arithmetic. Its calls, problems and retries against the real Worker (with
// faults injected around it) are tested in the worker project: test/worker/client/api-client.test.ts.
import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../extension/api-client.ts";

describe("api client", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(
      parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
    ).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
