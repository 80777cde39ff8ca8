// CSV text -> raw records: delimiters, quoted newlines, source lines, and the malformed cases.
import { describe, expect, it } from "vitest";
import { getSchemaOrThrow, readCsv, resolveHeaders } from "./helpers.ts";

const users = getSchemaOrThrow("saas_users");
const read = (text: string) => readCsv(text, users, "saas_users");

describe("readCsv", () => {
  it("reports the source line of each record across quoted newlines and blank lines", () => {
    const { rows, issues } = read('Email,Department\na@x.co,"Research\nand Development"\n\nb@x.co,Sales\n');
    expect(issues).toEqual([]);
    expect(rows).toEqual([
      { line: 2, record: { emailId: "a@x.co", department: "Research\nand Development" } },
      { line: 5, record: { emailId: "b@x.co", department: "Sales" } },
    ]);
  });

  it.each([
    [";", "Email;Role\na@x.co;ADMIN\n"],
    ["\t", "Email\tRole\na@x.co\tADMIN\n"],
    ["|", "Email|Role\na@x.co|ADMIN\n"],
  ])("sniffs the %j delimiter", (delimiter, text) => {
    const result = read(text);
    expect(result.delimiter).toBe(delimiter);
    expect(result.rows[0]?.record).toEqual({ emailId: "a@x.co", role: "ADMIN" });
  });

  it("strips a UTF-8 BOM", () => {
    expect(read("\uFEFFEmail\na@x.co\n").rows[0]?.record).toEqual({ emailId: "a@x.co" });
  });

  it("reports a ragged row with its line instead of guessing", () => {
    const { issues } = read("Email,Role\na@x.co,ADMIN,extra\nb@x.co\n");
    expect(issues).toEqual([
      {
        row: 1,
        line: 2,
        pointer: "",
        field: "",
        keyword: "ragged-row",
        message: "Line 2 has 3 values but the header has 2 columns",
      },
      {
        row: 2,
        line: 3,
        pointer: "",
        field: "",
        keyword: "ragged-row",
        message: "Line 3 has 1 values but the header has 2 columns",
      },
    ]);
  });

  it("reports an unterminated quote", () => {
    const { issues } = read('Email,Department\na@x.co,"Sales\nb@x.co,HR\n');
    expect(
      issues.some(
        (i) => i.keyword === "csv" && i.message === 'Line 2: a quoted value is never closed (missing ")',
      ),
    ).toBe(true);
  });

  it("reports an empty file", () => {
    expect(read("").issues.map((i) => i.message)).toEqual(["The file is empty: no header row found"]);
  });
});

describe("resolveHeaders", () => {
  it("resolves field names and aliases whatever their case and punctuation", () => {
    expect(
      resolveHeaders(["E-mail", "first_name", "MFA Enrollment Status", ""], users, "saas_users").fields,
    ).toEqual(["emailId", "firstName", "mfaEnrolmentStatus", null]);
  });

  it("rejects unknown and repeated columns, naming them", () => {
    const { fields, issues } = resolveHeaders(["Email", "Shoe Size", "Email Address"], users, "saas_users");
    expect(fields).toEqual(["emailId", null, null]);
    expect(issues.map((i) => i.message)).toEqual([
      'Column 2 ("Shoe Size"): not a field of saas_users nor one of its aliases',
      'Column 3 ("Email Address"): column 1 already holds emailId',
    ]);
  });

  it("does not map a manager's email to the employee's email", () => {
    const employees = getSchemaOrThrow("list_employees");
    expect(resolveHeaders(["Manager Email", "Work Email"], employees, "list_employees").fields).toEqual([
      "manager",
      "email",
    ]);
  });
});
