// The custom formats and their suggested fixes.
import { describe, expect, it } from "vitest";
import { getSchemaOrThrow, isDdmmyyyy, suggestFix, toIsoUtc, validateDataset } from "./helpers.ts";

const invoice = (amount: string) => ({
  vendorName: "Zoom",
  invoiceId: "INV-1",
  invoiceDate: "2024-03-31T00:00:00Z",
  amount,
});

describe("DDMMYYYY", () => {
  it("accepts 29022024 and rejects 29022023 (not a leap year)", () => {
    expect(isDdmmyyyy("29022024")).toBe(true);
    expect(isDdmmyyyy("29022023")).toBe(false);
    expect(validateDataset("saas_users", [{ emailId: "a@b.co", createdOn: "29022024" }]).report.valid).toBe(
      true,
    );
    const { report } = validateDataset("saas_users", [{ emailId: "a@b.co", createdOn: "29022023" }]);
    expect(report.errors[0]?.message).toBe(
      'createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got "29022023"',
    );
  });

  it.each(["31042024", "00012024", "01132024", "1012024", "2024-01-01", "29021900"])(
    "rejects %s",
    (value) => {
      expect(isDdmmyyyy(value)).toBe(false);
    },
  );

  it("accepts 29022000 (divisible by 400)", () => {
    expect(isDdmmyyyy("29022000")).toBe(true);
  });

  it("suggests DDMMYYYY for ISO and D/M/Y dates", () => {
    const prop = getSchemaOrThrow("saas_users").properties.createdOn;
    expect(suggestFix("2024-01-31", prop)).toBe("31012024");
    expect(suggestFix("31/01/2024", prop)).toBe("31012024");
    expect(suggestFix("1.2.2024", prop)).toBe("01022024");
    expect(suggestFix("31/02/2024", prop)).toBeUndefined();
  });
});

describe("decimals", () => {
  it("accepts 12345.60 and rejects 12,345.60 with the fix suggested", () => {
    expect(validateDataset("invoices", [invoice("12345.60")]).report.valid).toBe(true);
    const { report } = validateDataset("invoices", [invoice("12,345.60")]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      pointer: "/amount",
      keyword: "format",
      value: "12,345.60",
      suggestion: "12345.60",
    });
  });

  it("rejects 12345,60 and suggests 12345.60", () => {
    const { report } = validateDataset("invoices", [invoice("12345,60")]);
    expect(report.errors[0]).toMatchObject({ keyword: "format", suggestion: "12345.60" });
  });

  it("suggests 1234.56 for the European 1.234,56", () => {
    const { report } = validateDataset("invoices", [invoice("1.234,56")]);
    expect(report.errors[0]?.suggestion).toBe("1234.56");
  });

  it("offers no suggestion for text that is not a number", () => {
    const { report } = validateDataset("invoices", [invoice("twelve")]);
    expect(report.errors[0]).toMatchObject({ keyword: "format" });
    expect(report.errors[0]?.suggestion).toBeUndefined();
  });
});

describe("invoiceDate", () => {
  it("must be exactly YYYY-MM-DDThh:mm:ssZ", () => {
    for (const date of ["2024-03-31T00:00:00.000Z", "2024-03-31T00:00:00+00:00", "2024-03-31"]) {
      const { report } = validateDataset("invoices", [{ ...invoice("1.00"), invoiceDate: date }]);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]?.message).toBe(
        `invoiceDate must be a date and time exactly as YYYY-MM-DDThh:mm:ssZ, e.g. 2024-03-31T00:00:00Z; got "${date}"`,
      );
    }
    const { report } = validateDataset("invoices", [{ ...invoice("1.00"), invoiceDate: "2024-03-31" }]);
    expect(report.errors[0]?.suggestion).toBe("2024-03-31T00:00:00Z");
  });
});

describe("timestamps", () => {
  it("converts the Go-style UTC form and ISO offsets to ISO UTC", () => {
    expect(toIsoUtc("2023-12-14 04:42:12 +0000 UTC")).toBe("2023-12-14T04:42:12Z");
    expect(toIsoUtc("2023-12-14 04:42:12.5 -0100 UTC")).toBe("2023-12-14T05:42:12.500Z");
    expect(toIsoUtc("2023-12-14T04:42:12Z")).toBe("2023-12-14T04:42:12Z");
    expect(toIsoUtc("2023-12-14t04:42:12z")).toBeUndefined();
    expect(toIsoUtc("2023-13-14 04:42:12 +0000 UTC")).toBeUndefined();
    expect(toIsoUtc("14/12/2023")).toBeUndefined();
  });

  it("accepts the UTC form in an access_relations record", () => {
    const record = {
      ...getSchemaOrThrow("access_relations").examples[0],
      lastLoginTime: "2023-12-14 04:42:12 +0000 UTC",
    };
    const { report, records } = validateDataset("access_relations", [record]);
    expect(report.errors).toEqual([]);
    expect(records[0]?.lastLoginTime).toBe("2023-12-14T04:42:12Z");
  });
});

describe("codes and emails", () => {
  it("checks ISO 4217 and ISO 3166-1 codes against the lists, suggesting capitals", () => {
    const vendor = (country: string) => ({ vendorName: "Acme", country });
    expect(validateDataset("vendors", [vendor("DE")]).report.valid).toBe(true);
    expect(validateDataset("vendors", [vendor("QQ")]).report.errors[0]?.keyword).toBe("format");
    expect(validateDataset("vendors", [vendor("de")]).report.errors[0]?.suggestion).toBe("DE");
    expect(validateDataset("invoices", [{ ...invoice("1.00"), currency: "EUR" }]).report.valid).toBe(true);
    expect(validateDataset("invoices", [{ ...invoice("1.00"), currency: "EUX" }]).report.valid).toBe(false);
  });

  it("suggests the address inside <...>", () => {
    const { report } = validateDataset("saas_users", [{ emailId: "Jane Doe <jane@example.com>" }]);
    expect(report.errors[0]).toMatchObject({ keyword: "format", suggestion: "jane@example.com" });
  });

  it("suggests the enum value in its exact case and spacing", () => {
    const { report } = validateDataset("saas_users", [
      { emailId: "a@example.com", userStatus: "active", role: "SUPERADMIN" },
    ]);
    expect(report.errors.map((e) => [e.field, e.suggestion])).toEqual([
      ["role", "SUPER ADMIN"],
      ["userStatus", "ACTIVE"],
    ]);
  });
});
