// The report: capped lists, exact counts, and never a throw on hostile input.
import { expect, it } from "vitest";
import { DatasetValidator, validateDataset } from "./helpers.ts";

it("caps the error list and keeps exact counts", () => {
  const records = Array.from({ length: 2500 }, (_, i) => ({ emailId: `user${i}`, role: "nobody" }));
  const { report } = validateDataset("saas_users", records, { maxIssues: 1000 });
  expect(report.recordCount).toBe(2500);
  expect(report.errorCount).toBe(5000);
  expect(report.errors).toHaveLength(1000);
  expect(report.truncated).toBe(true);
  expect(report.errors[0]?.row).toBe(1);
  expect(report.errors[999]?.row).toBe(500);
});

it("reports non-object records without throwing", () => {
  const { report } = validateDataset("saas_users", [null, 7, "text", [], { emailId: "a@b.co" }]);
  expect(report.errors.map((e) => [e.row, e.message])).toEqual([
    [1, "each record must be an object with named fields; got null"],
    [2, "each record must be an object with named fields; got number"],
    [3, "each record must be an object with named fields; got string"],
    [4, "each record must be an object with named fields; got a list"],
  ]);
});

it("reports nested objects in a text field as a type error", () => {
  const { report } = validateDataset("saas_users", [{ emailId: { deep: { deeper: [1, 2] } } }]);
  expect(report.errors[0]).toMatchObject({ pointer: "/emailId", keyword: "type" });
});

it("refuses an unknown context loudly rather than validating against nothing", () => {
  expect(() => new DatasetValidator("no_such_context")).toThrow('Unknown context "no_such_context"');
});
