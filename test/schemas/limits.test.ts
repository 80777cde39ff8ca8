// Record limits of the core, the same in the Worker and the extension: field length is checked
// first, and an over-long field gets one clipped issue and no other work.
import { describe, expect, it } from "vitest";
import { checkRecord, DatasetValidator, DEFAULT_LIMITS, validateDataset } from "./helpers.ts";

describe("field length", () => {
  it("gives a 1 MB value one maxLength error, clipped, and no other check on that field", () => {
    const huge = `${"<a@".repeat(333_334)}`; // 1,000,002 characters, an invalid email
    const outcome = checkRecord({ emailId: huge, role: "nope" }, "saas_users", 7, 9);
    expect(outcome.valid).toBe(false);
    expect(outcome.record).toEqual({ role: "nope" }); // never normalized into the record
    const [long, ...rest] = outcome.errors;
    expect(long).toEqual({
      row: 7,
      line: 9,
      pointer: "/emailId",
      field: "emailId",
      keyword: "maxLength",
      message: "emailId is longer than 10000 characters",
      value: `${huge.slice(0, 200)}…(1,000,002 characters)`,
    });
    // emailId is required: it is not also "missing"; the other field is still checked.
    expect(rest.map((i) => [i.field, i.keyword])).toEqual([["role", "enum"]]);
    expect(JSON.stringify(outcome.errors).length).toBeLessThan(1000);
  });

  it("takes a field of exactly the limit and flags one character more, in a list item too", () => {
    const max = DEFAULT_LIMITS.maxFieldLength;
    expect(checkRecord({ emailId: "a@b.co", department: "d".repeat(max) }, "saas_users").valid).toBe(true);
    const over = checkRecord({ emailId: "a@b.co", department: "d".repeat(max + 1) }, "saas_users");
    expect(over.errors.map((i) => [i.field, i.keyword])).toEqual([["department", "maxLength"]]);
    const item = checkRecord(
      { identityId: "u", identityName: "n", entitlementName: "e", x: ["a", "b".repeat(max + 1)] },
      "access_pairs",
    );
    expect(item.errors.map((i) => [i.field, i.keyword])).toEqual([["x", "maxLength"]]);
  });

  it("uses the limits it is given (the Worker's configured, the extension's announced)", () => {
    const validator = new DatasetValidator("saas_users", { limits: { maxFieldLength: 5 } });
    validator.add({ emailId: "a@b.co", firstName: "Ann" });
    const report = validator.finish();
    expect(report.errors.map((i) => [i.row, i.field, i.keyword, i.message])).toEqual([
      [1, "emailId", "maxLength", "emailId is longer than 5 characters"],
    ]);
    expect(validateDataset("saas_users", [{ emailId: "a@b.co" }]).report.valid).toBe(true);
  });

  it("numbers rows from firstRow (a sync batch's place in its file)", () => {
    const validator = new DatasetValidator("saas_users", { firstRow: 51 });
    validator.add({ emailId: "a@b.co" }, 52);
    validator.add({ emailId: "nope" }, 53);
    expect(validator.finish().errors.map((i) => [i.row, i.line])).toEqual([[52, 53]]);
  });
});
