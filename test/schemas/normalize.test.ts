// Values arriving as text: exactly the conversions SPEC §1 allows, and nothing silent beyond them.
import { describe, expect, it } from "vitest";
import { getSchema, getSchemaOrThrow, normalizeRecord, readCsv, validateDataset } from "./helpers.ts";

describe("normalizeRecord", () => {
  const users = getSchemaOrThrow("saas_users");

  it("trims values and treats empty cells and null as absent", () => {
    expect(
      normalizeRecord({ emailId: "  a@b.co  ", firstName: "   ", lastName: "", department: null }, users),
    ).toEqual({
      emailId: "a@b.co",
    });
  });

  it.each([
    ["True", true],
    ["true", true],
    ["TRUE", true],
    ["FALSE", false],
    ["false", false],
    [" False ", false],
  ])("reads the boolean %j in any case", (text, value) => {
    expect(normalizeRecord({ mfaEnrolmentStatus: text }, users).mfaEnrolmentStatus).toBe(value);
  });

  it("leaves other truthy words as text so validation names them", () => {
    expect(normalizeRecord({ mfaEnrolmentStatus: "yes" }, users).mfaEnrolmentStatus).toBe("yes");
    expect(normalizeRecord({ mfaEnrolmentStatus: "1" }, users).mfaEnrolmentStatus).toBe("1");
  });

  it("does not fix enum case, dates or emails silently", () => {
    const record = normalizeRecord({ emailId: "<a@b.co>", role: "admin", createdOn: "2024-01-01" }, users);
    expect(record).toEqual({ emailId: "<a@b.co>", role: "admin", createdOn: "2024-01-01" });
  });

  it("reads integers per schema and keeps thousands separators as text", () => {
    const apps = getSchemaOrThrow("discovered_applications");
    expect(normalizeRecord({ userCount: " 245 " }, apps).userCount).toBe(245);
    expect(normalizeRecord({ userCount: "1,245" }, apps).userCount).toBe("1,245");
    expect(normalizeRecord({ userCount: "12.5" }, apps).userCount).toBe("12.5");
  });

  it("reads any a;b;c text as trimming the split items and dropping the empty ones", () => {
    const schema = getSchemaOrThrow("list_users");
    let seed = 11;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pieces = ["a", "bc", ";", ";", " ", "\u00a0", "\t", "[", "x]", "é"];
    for (let n = 0; n < 500; n++) {
      let text = "";
      for (let i = rand(20); i > 0; i--) text += pieces[rand(pieces.length)];
      const t = text.trim();
      if (t === "" || (t.startsWith("[") && t.endsWith("]"))) continue;
      const expected = t
        .split(";")
        .map((item) => item.trim())
        .filter((item) => item !== "");
      expect(normalizeRecord({ role: text }, schema).role, JSON.stringify(text)).toEqual(expected);
    }
  });

  it("reads a;b;c lists and JSON list literals, dropping empty items", () => {
    const listUsers = getSchemaOrThrow("list_users");
    expect(normalizeRecord({ role: "admin; billing ;;" }, listUsers).role).toEqual(["admin", "billing"]);
    expect(normalizeRecord({ groups: '["dev", " oncall "]' }, listUsers).groups).toEqual(["dev", "oncall"]);
    expect(normalizeRecord({ groups: "solo" }, listUsers).groups).toEqual(["solo"]);
  });

  it("keeps decimals as text and writes JSON numbers for decimal fields as text", () => {
    const invoices = getSchemaOrThrow("invoices");
    expect(normalizeRecord({ amount: "12345.60" }, invoices).amount).toBe("12345.60");
    expect(normalizeRecord({ amount: 99.5 }, invoices).amount).toBe("99.5");
  });

  it("stores both timestamp forms of access_relations as ISO 8601 UTC", () => {
    const relations = getSchemaOrThrow("access_relations");
    const record = normalizeRecord(
      {
        lastLoginTime: "2023-12-14 04:42:12 +0000 UTC",
        lastPasswordChangedTime: "2023-12-14T06:42:12+02:00",
      },
      relations,
    );
    expect(record.lastLoginTime).toBe("2023-12-14T04:42:12Z");
    expect(record.lastPasswordChangedTime).toBe("2023-12-14T04:42:12Z");
    expect(normalizeRecord({ lastLoginTime: "2024-01-01 00:30:00 +0130 UTC" }, relations).lastLoginTime).toBe(
      "2023-12-31T23:00:00Z",
    );
    expect(normalizeRecord({ lastLoginTime: "2023-02-29 04:42:12 +0000 UTC" }, relations).lastLoginTime).toBe(
      "2023-02-29 04:42:12 +0000 UTC",
    );
  });

  it("applies defaults, with permissionName depending on the target type", () => {
    const relations = getSchemaOrThrow("access_relations");
    expect(normalizeRecord({ accessEntityType: "connection" }, relations)).toMatchObject({
      permissionName: "member",
      permissionValue: true,
    });
    expect(normalizeRecord({ accessEntityType: "resource" }, relations).permissionName).toBe("access");
    expect(
      normalizeRecord(
        { accessEntityType: "resource", permissionName: "admin", permissionValue: "FALSE" },
        relations,
      ),
    ).toMatchObject({
      permissionName: "admin",
      permissionValue: false,
    });
  });

  it("keeps a __proto__ key as a plain field without touching any prototype", () => {
    const raw = JSON.parse('{"emailId":"a@b.co","__proto__":{"polluted":true},"constructor":{"x":1}}');
    const record = normalizeRecord(raw, users);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const { report } = validateDataset("saas_users", [raw]);
    expect(report.errors.map((e) => [e.field, e.keyword])).toEqual([
      ["__proto__", "unknown-field"],
      ["constructor", "unknown-field"],
    ]);
  });
});

describe("a CSV row with spaces after the commas", () => {
  it("validates once trimmed", () => {
    const csv =
      "Email, First Name, Role, Created On, MFA Enabled\njane@example.com, Jane, ADMIN, 29022024, True\n";
    const { rows, issues } = readCsv(csv, getSchemaOrThrow("saas_users"), "saas_users");
    expect(issues).toEqual([]);
    const { report, records } = validateDataset(
      "saas_users",
      rows.map((r) => r.record),
    );
    expect(report.valid).toBe(true);
    expect(records[0]).toEqual({
      emailId: "jane@example.com",
      firstName: "Jane",
      role: "ADMIN",
      createdOn: "29022024",
      mfaEnrolmentStatus: true,
    });
    expect(getSchema("saas_users")).toBeDefined();
  });
});
