// Record limits of the core, the same in the Worker and the extension: field length is checked
// first, and an over-long field gets one clipped issue and no other work.
import { describe, expect, it } from "vitest";
import { clipSourceName, sourceNameProblem } from "../../schemas/limits.ts";
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

describe("source names", () => {
  it.each([
    ["U+061C arabic letter mark", "a\u061Cb"],
    ["U+200B zero width space", "a\u200Bb"],
    ["U+200E left-to-right mark", "a\u200Eb"],
    ["U+200F right-to-left mark", "a\u200Fb"],
    ["U+202A–E embeddings and overrides", "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef"],
    ["U+2060 word joiner", "a\u2060b"],
    ["U+2061–4 invisible operators", "a\u2061b\u2064c"],
    ["U+2066–9 isolates", "a\u2066b\u2067c\u2068d\u2069e"],
    ["U+00AD soft hyphen", "a\u00ADb"],
    ["U+FEFF byte order mark", "a\uFEFFb"],
    ["U+FFF9 interlinear annotation", "a\uFFF9b"],
    ["U+E0041 tag letter", "a\u{E0041}b"],
    ["U+0085 next line, U+2028, U+2029", "a\u0085b\u2028c\u2029d"],
  ])("shows no %s", (_what, name) => {
    const clipped = clipSourceName(name) as string;
    expect(clipped).not.toMatch(/[\p{Cf}\p{Cc}\u2028\u2029]/u);
    expect(clipped.replace(/ /g, "")).toBe(name.replace(/[^a-f]/gu, ""));
  });

  it("names a lone surrogate as a problem (the Worker refuses it), and never stores one", () => {
    for (const [name, at, unit] of [
      ["report\uD800.csv", 7, "D800"],
      ["\uDC00", 1, "DC00"],
      ["ok \uD83D\uDE00 then \uDBFF", 12, "DBFF"],
    ] as const) {
      expect(sourceNameProblem(name)).toBe(
        `sourceName holds half of a character (the lone surrogate \\u${unit} at position ${at}); send it as valid Unicode text`,
      );
    }
    expect(sourceNameProblem("ok \uD83D\uDE00 report.csv")).toBeUndefined();
    // Replaced, one U+FFFD each, where a client cleans a name before sending it.
    expect(clipSourceName("a\uD800b\uDC00\uDC00c")).toBe("a\uFFFDb\uFFFD\uFFFDc");
    expect(clipSourceName("ok \uD83D\uDE00")).toBe("ok \uD83D\uDE00");
  });
});
