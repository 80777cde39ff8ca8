// An email needs a domain that can receive mail (issue 27): `frank@example` and `x@y` are refused by
// the Worker, with the same words as the extension gives, and a real address passes.
import { describe, expect, it } from "vitest";
import { dataWorld, user } from "./data-helpers.ts";
import { call, json } from "./helpers.ts";

interface Report {
  valid: boolean;
  errors: { row: number; field?: string; keyword: string; message: string }[];
}

describe("the email format on the Worker", () => {
  it("refuses an address without a dotted domain and a top-level label", async () => {
    const { base, ingest } = await dataWorld();
    const records = [
      user(1, { emailId: "frank@example" }),
      user(2, { emailId: "x@y" }),
      user(3, { emailId: "ann@example.com" }),
    ];
    const report = await json<Report>(
      await call("POST", `${base()}/validate`, { key: ingest, body: records }),
    );
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => [e.row, e.field, e.keyword])).toEqual([
      [1, "emailId", "format"],
      [2, "emailId", "format"],
    ]);
    expect(report.errors[0]?.message).toContain("must be an email address");
  });
});
