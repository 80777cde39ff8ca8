// Dataset-wide checks: duplicate keys, cross-field order rules and access_relations warnings.
import { describe, expect, it } from "vitest";
import { DatasetValidator, getSchemaOrThrow, validateDataset } from "./helpers.ts";

describe("duplicate keys", () => {
  it("compares saas_users emails case-insensitively and names both rows and lines", () => {
    const validator = new DatasetValidator("saas_users");
    validator.add({ emailId: "Jane@Example.com" }, 2);
    validator.add({ emailId: "john@example.com" }, 3);
    validator.add({ emailId: "jane@example.com" }, 5);
    const report = validator.finish();
    expect(report.errors).toEqual([
      {
        row: 3,
        line: 5,
        pointer: "/emailId",
        field: "emailId",
        keyword: "duplicate-key",
        message:
          'Duplicate record: rows 1 and 3 (lines 2 and 5) have the same emailId "jane@example.com"; each record must be unique',
        value: "jane@example.com",
        relatedRow: 1,
      },
    ]);
  });

  it("compares other keys exactly", () => {
    const { report } = validateDataset("list_employees", [{ id: "E1" }, { id: "e1" }]);
    expect(report.valid).toBe(true);
  });

  it("uses the whole composite key", () => {
    const pair = (identityId: string, entitlementName: string) => ({
      identityName: "x",
      identityId,
      entitlementName,
    });
    const { report } = validateDataset("access_pairs", [
      pair("u1", "admin"),
      pair("u1", "read"),
      pair("u2", "admin"),
      pair("u1", "admin"),
    ]);
    expect(report.errors.map((e) => [e.row, e.relatedRow])).toEqual([[4, 1]]);
  });

  it("counts every duplicate of a key against its first row", () => {
    const { report } = validateDataset("vendors", [
      { vendorName: "A" },
      { vendorName: "A" },
      { vendorName: "A" },
    ]);
    expect(report.errors.map((e) => [e.row, e.relatedRow])).toEqual([
      [2, 1],
      [3, 1],
    ]);
  });
});

describe("contracts", () => {
  const contract = (startDate: string, endDate: string) => ({
    vendorName: "Zoom",
    contractId: "C1",
    startDate,
    endDate,
  });

  it("rejects an endDate before its startDate", () => {
    const { report } = validateDataset("contracts", [contract("2024-06-01", "2024-05-31")]);
    expect(report.errors).toEqual([
      {
        row: 1,
        pointer: "/endDate",
        field: "endDate",
        keyword: "order",
        message: "endDate (2024-05-31) must not be before startDate (2024-06-01)",
        value: "2024-05-31",
      },
    ]);
  });

  it("accepts an endDate equal to the startDate", () => {
    expect(validateDataset("contracts", [contract("2024-06-01", "2024-06-01")]).report.valid).toBe(true);
  });
});

describe("list_employees", () => {
  it("warns, but does not fail, when termination_date is before hiring_date", () => {
    const { report } = validateDataset("list_employees", [
      { id: "E1", hiring_date: "2024-01-10T00:00:00Z", termination_date: "2023-12-31T00:00:00Z" },
    ]);
    expect(report.valid).toBe(true);
    expect(report.warningCount).toBe(1);
    expect(report.warnings[0]).toMatchObject({
      row: 1,
      field: "termination_date",
      keyword: "order",
      message:
        "termination_date (2023-12-31T00:00:00Z) is before hiring_date (2024-01-10T00:00:00Z); check both dates",
    });
  });
});

describe("access_relations warnings", () => {
  const base = getSchemaOrThrow("access_relations").examples[0] ?? {};
  const row = (over: Record<string, unknown>) => ({ ...base, ...over });

  it("warns about a connection target that never appears as an entity", () => {
    const { report } = validateDataset("access_relations", [
      row({ entitySourceId: "u1", accessSourceId: "g1", accessName: "Engineering" }),
      row({ entitySourceId: "u2", accessSourceId: "g2", accessName: "Finance" }),
      row({
        entityName: "Engineering",
        entityType: "connection",
        entitySourceType: "group",
        entitySourceId: "g1",
        entityUsername: undefined,
        entityEmail: undefined,
        accessName: "Slack",
        accessSourceId: "app1",
        accessEntityType: "resource",
        accessSourceType: "application",
      }),
    ]);
    expect(report.valid).toBe(true);
    expect(report.warnings).toEqual([
      {
        row: 2,
        pointer: "/accessSourceId",
        field: "accessSourceId",
        keyword: "connection-target-known",
        message:
          'Connection "Finance" (g2) is an access target but never appears as an entity, so what it grants is unknown',
        value: "g2",
      },
    ]);
  });

  it("warns about an identity with neither username nor email", () => {
    const { report } = validateDataset("access_relations", [
      row({
        entitySourceId: "u1",
        entityName: "svc-backup",
        entityUsername: undefined,
        entityEmail: undefined,
        accessEntityType: "resource",
      }),
    ]);
    expect(report.valid).toBe(true);
    expect(report.warnings).toEqual([
      expect.objectContaining({
        row: 1,
        field: "entityUsername",
        keyword: "any-present",
        message:
          '"svc-backup" has none of entityUsername, entityEmail, so it cannot be matched to a person automatically',
      }),
    ]);
  });

  it("does not ask a connection for a username", () => {
    const { report } = validateDataset("access_relations", [
      row({
        entityType: "connection",
        entityUsername: undefined,
        entityEmail: undefined,
        accessEntityType: "resource",
      }),
    ]);
    expect(report.warnings).toEqual([]);
  });
});
