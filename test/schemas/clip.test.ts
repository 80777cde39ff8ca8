// Reports quote at most ~200 characters of any user value: a 1 MB value costs a few hundred bytes
// in a message or an issue's `value`, and suggestions are never clipped (they become data).
import { describe, expect, it } from "vitest";
import { clipText, clipValue, offerable, SUGGESTION_LIMIT, show } from "../../schemas/messages.ts";
import { validateRecord } from "../../schemas/validate.ts";
import { getSchemaOrThrow } from "./helpers.ts";

const MB = 1_000_000;

describe("clipText", () => {
  it("keeps text of up to 200 characters as it is", () => {
    expect(clipText("")).toBe("");
    expect(clipText("a".repeat(200))).toBe("a".repeat(200));
  });

  it("keeps the first 200 characters and names the full length with thousands separators", () => {
    expect(clipText("a".repeat(201))).toBe(`${"a".repeat(200)}…(201 characters)`);
    expect(clipText("b".repeat(MB))).toBe(`${"b".repeat(200)}…(1,000,000 characters)`);
    expect(clipText("abcdef", 3)).toBe("abc…(6 characters)");
  });

  it("never splits a surrogate pair", () => {
    const clipped = clipText(`${"a".repeat(199)}😀${"z".repeat(10)}`);
    expect(clipped).toBe(`${"a".repeat(199)}…(211 characters)`);
    expect(clipText(`${"a".repeat(198)}😀${"z".repeat(10)}`)).toBe(`${"a".repeat(198)}😀…(210 characters)`);
  });
});

describe("clipValue and show", () => {
  it("clips long strings, and lists or objects by their JSON", () => {
    expect(clipValue("x".repeat(MB))).toBe(`${"x".repeat(200)}…(1,000,000 characters)`);
    const list = ["y".repeat(MB)];
    expect(clipValue(list)).toBe(`["${"y".repeat(198)}…(1,000,004 characters)`);
    expect(clipValue({ a: 1 })).toEqual({ a: 1 });
    expect(clipValue(["a", "b"])).toEqual(["a", "b"]);
    expect(clipValue(12)).toBe(12);
    expect(clipValue(null)).toBeNull();
    expect(show(list)).toBe(`["${"y".repeat(198)}…(1,000,004 characters)`);
  });

  it("offers a suggestion only when it is short enough to carry whole", () => {
    expect(offerable("s".repeat(SUGGESTION_LIMIT))).toBe(true);
    expect(offerable("s".repeat(SUGGESTION_LIMIT + 1))).toBe(false);
    expect(offerable(12_345)).toBe(true);
  });
});

describe("issues for a 1 MB value", () => {
  const schema = getSchemaOrThrow("saas_users");

  it("a 1,000,000-character email yields issues of a few KB that name its length", () => {
    const issues = validateRecord({ emailId: `${"a@".repeat(MB / 2)}` }, schema, "saas_users");
    expect(issues.map((i) => i.keyword)).toEqual(["maxLength", "format"]);
    expect(JSON.stringify(issues).length).toBeLessThan(2_000);
    expect(issues[1]?.message).toBe(
      `emailId must be an email address, e.g. jane.doe@example.com; got "${"a@".repeat(100)}…(1,000,000 characters)"`,
    );
    for (const issue of issues) expect(issue.value).toBe(`${"a@".repeat(100)}…(1,000,000 characters)`);
  });

  it("clips every kind of issue: enum, type, unknown field (name and value), list item", () => {
    const big = "Z".repeat(MB);
    const issues = validateRecord(
      {
        emailId: "jane@example.com",
        role: big,
        mfaEnrolmentStatus: big,
        [big]: big,
        department: [big],
      },
      schema,
      "saas_users",
    );
    expect(issues.map((i) => i.keyword).sort()).toEqual(["enum", "type", "type", "unknown-field"]);
    const json = JSON.stringify(issues.map(({ field, pointer, ...rest }) => rest));
    expect(json.length).toBeLessThan(4_000);
    for (const issue of issues) {
      expect(issue.message).toContain("…(1,000,00");
      expect(typeof issue.value === "string" && issue.value.length < 240).toBe(true);
    }
  });

  it("leaves out a suggestion that would be too long to carry, instead of clipping it", () => {
    const invoices = getSchemaOrThrow("invoices");
    const amount = ` ${"1".repeat(10_000)} `;
    const issues = validateRecord(
      { vendorName: "Zoom", invoiceId: "INV-1", invoiceDate: "2024-03-31T00:00:00Z", amount },
      invoices,
      "invoices",
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.keyword).toBe("format");
    expect(issues[0]).not.toHaveProperty("suggestion");
    const short = validateRecord(
      { vendorName: "Zoom", invoiceId: "INV-1", invoiceDate: "2024-03-31T00:00:00Z", amount: "1 234.5" },
      invoices,
      "invoices",
    );
    expect(short[0]?.suggestion).toBe("1234.5");
  });
});
