// Dataset-wide checks: duplicate keys, cross-field order rules and access_relations warnings.
import { describe, expect, it } from "vitest";
import {
  connectionTargetIssue,
  DatasetValidator,
  duplicateKeyIssue,
  getSchemaOrThrow,
  keyValues,
  recordKey,
  validateDataset,
} from "./helpers.ts";

describe("recordKey", () => {
  const pairs = getSchemaOrThrow("access_pairs"); // key: identityId, entitlementName
  const users = getSchemaOrThrow("saas_users"); // key: emailId, case-insensitive
  const employees = getSchemaOrThrow("list_employees"); // key: id, exact

  it("cannot be forged through a separator in a value", () => {
    const a = recordKey({ identityId: "a\u0000b", entitlementName: "c" }, pairs);
    const b = recordKey({ identityId: "a", entitlementName: "b\u0000c" }, pairs);
    expect(a).not.toBe(b);
    expect(recordKey({ identityId: 'a","b', entitlementName: "c" }, pairs)).not.toBe(
      recordKey({ identityId: "a", entitlementName: 'b","c' }, pairs),
    );
    const { report } = validateDataset("access_pairs", [
      { identityName: "x", identityId: "a\u0000b", entitlementName: "c" },
      { identityName: "x", identityId: "a", entitlementName: "b\u0000c" },
    ]);
    expect(report.errors).toEqual([]);
  });

  it("folds case only where the schema says so", () => {
    expect(recordKey({ emailId: "Jane@X.co" }, users)).toBe(recordKey({ emailId: "jane@x.co" }, users));
    expect(recordKey({ id: "E1" }, employees)).not.toBe(recordKey({ id: "e1" }, employees));
  });

  it('keeps 1 and "1" apart, and is undefined when a key field is missing', () => {
    expect(recordKey({ id: 1 }, employees)).not.toBe(recordKey({ id: "1" }, employees));
    expect(recordKey({ identityId: 1, entitlementName: "e" }, pairs)).not.toBe(
      recordKey({ identityId: "1", entitlementName: "e" }, pairs),
    );
    expect(recordKey({ identityId: "u" }, pairs)).toBeUndefined();
  });

  it("is a JSON array of the parts, which keyValues reads back", () => {
    const key = recordKey({ identityId: 7, entitlementName: "Admin" }, pairs) as string;
    expect(JSON.parse(key)).toEqual([[7], "Admin"]);
    expect(keyValues(key, pairs)).toEqual({ identityId: 7, entitlementName: "Admin" });
    expect(keyValues(recordKey({ emailId: "Jane@X.co" }, users) as string, users)).toEqual({
      emailId: "jane@x.co",
    });
  });
});

describe("dataset-wide issue words", () => {
  it("writes a duplicate from the key values and both places, lines when both are known", () => {
    const pairs = getSchemaOrThrow("access_pairs");
    const values = { identityId: "u1", entitlementName: "admin" };
    expect(duplicateKeyIssue(pairs, values, { row: 1 }, { row: 4 })).toEqual({
      row: 4,
      pointer: "/identityId",
      field: "identityId",
      keyword: "duplicate-key",
      message:
        'Duplicate record: rows 1 and 4 have the same identityId "u1", entitlementName "admin"; each record must be unique',
      value: "u1",
      relatedRow: 1,
    });
    expect(duplicateKeyIssue(pairs, values, { row: 1, line: 2 }, { row: 4, line: 9 }).message).toContain(
      "rows 1 and 4 (lines 2 and 9) have",
    );
  });

  it("writes the unknown connection target warning", () => {
    expect(connectionTargetIssue({ id: "g2", name: "Finance" }, { row: 3, line: 4 })).toEqual({
      row: 3,
      line: 4,
      pointer: "/accessSourceId",
      field: "accessSourceId",
      keyword: "connection-target-known",
      message:
        'Connection "Finance" (g2) is an access target but never appears as an entity, so what it grants is unknown',
      value: "g2",
    });
  });
});

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
