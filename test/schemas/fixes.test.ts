// Yes/no spellings: the core suggests the boolean a spelling means for a boolean field, and the
// option meaning yes or no for an enum whose options are a yes/no pair — in every report, the
// Worker's included, so the extension's "fix all" and the API agree.
import { describe, expect, it } from "vitest";
import {
  BOOLEAN_SPELLINGS,
  booleanSpelling,
  enumOptionForBoolean,
  getSchema,
  normalizeRecord,
  validateRecord,
} from "../../schemas/index.ts";

describe("yes/no spellings", () => {
  it("reads the spellings in any case and with spaces, and nothing else", () => {
    expect(["yes", " Y ", "ON", "1", "t", "TRUE"].map(booleanSpelling)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["no", "n", "Off", "0", "F", "false"].map(booleanSpelling)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["", "maybe", "yes!", "2", "constructor"].map(booleanSpelling)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(Object.keys(BOOLEAN_SPELLINGS)).toHaveLength(12);
  });

  it("maps them onto yes/no-like enum options only", () => {
    expect(enumOptionForBoolean("yes", ["YES", "NO"])).toBe("YES");
    expect(enumOptionForBoolean("0", ["Enrolled", "Not enrolled"])).toBe("Not enrolled");
    expect(enumOptionForBoolean("off", ["ENABLED", "DISABLED", "UNKNOWN"])).toBe("DISABLED");
    expect(enumOptionForBoolean("yes", ["ACTIVE", "DELETED"])).toBeUndefined();
    expect(enumOptionForBoolean("perhaps", ["YES", "NO"])).toBeUndefined();
  });

  it("suggests true or false for yes/no in a boolean field of a report", () => {
    const schema = getSchema("saas_users");
    if (!schema) throw new Error("saas_users is bundled");
    const record = normalizeRecord({ emailId: "a@x.co", mfaEnrolmentStatus: "Yes" }, schema);
    const issues = validateRecord(record, schema, "saas_users");
    expect(issues.map((i) => [i.field, i.keyword, i.suggestion])).toEqual([
      ["mfaEnrolmentStatus", "type", true],
    ]);
  });
});
