// The fixing step's CSV downloads escape spreadsheet formulas with the core's one rule: any cell
// whose first character is = + - @ tab or CR, whatever follows (line breaks, U+2028).
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../../extension/pipeline/dataset.ts";
import { correctedCsvParts, correctedJsonParts, errorReportCsv } from "../../../extension/pipeline/export.ts";
import { datasetOf } from "./dataset-helpers.ts";

const editorOf = datasetOf;
const correctedCsv = (dataset: Dataset) => correctedCsvParts(dataset.schema, dataset.includedRaws()).join("");
const correctedJson = (dataset: Dataset) => correctedJsonParts(dataset.records()).join("");

const parse = (csv: string) => Papa.parse<string[]>(csv, { newline: "\r\n", skipEmptyLines: true }).data;

describe("correctedCsv", () => {
  it("escapes formula-looking values, including ones with a line break, and leaves the rest", () => {
    const editor = editorOf(
      [
        "Email,First Name,Last Name,Department",
        'ann@x.co,"=HYPERLINK(""https://evil.example"",\n""click"")","@SUM(1;1)\nx",-2',
        'bob@x.co,Bob,"-2+3\u2028x",Sales',
      ].join("\r\n"),
    );
    const rows = parse(correctedCsv(editor));
    const header = rows[0] as string[];
    const cell = (row: number, column: string) => rows[row]?.[header.indexOf(column)];
    expect(cell(1, "First Name")).toBe(`'=HYPERLINK("https://evil.example",\n"click")`);
    expect(cell(1, "Last Name")).toBe("'@SUM(1;1)\nx");
    // A plain negative number is not a formula and stays a number.
    expect(cell(1, "Department")).toBe("-2");
    expect(cell(2, "First Name")).toBe("Bob");
    expect(cell(2, "Last Name")).toBe("'-2+3\u2028x");
    expect(cell(2, "Department")).toBe("Sales");
    expect(cell(2, "Email")).toBe("bob@x.co");
  });
});

describe("errorReportCsv", () => {
  it("escapes values, messages and suggestions whatever follows the first character", () => {
    const csv = errorReportCsv([
      {
        row: 1,
        line: 2,
        pointer: "/firstName",
        field: "firstName",
        keyword: "format",
        message: "=msg",
        value: '=HYPERLINK("x",\n"click")',
        suggestion: "+1+1",
      },
      { row: 2, pointer: "/lastName", field: "lastName", keyword: "type", message: "ok", value: "\tx\u2028" },
    ]);
    expect(parse(csv)).toEqual([
      ["row", "line", "column", "value", "message", "rule", "suggestion"],
      ["1", "2", "firstName", `'=HYPERLINK("x",\n"click")`, "'=msg", "format", "'+1+1"],
      ["2", "", "lastName", "'\tx\u2028", "ok", "type", ""],
    ]);
  });
});

describe("corrected files", () => {
  const CSV = [
    "Email,First Name,Status,Created On,Role",
    "ann@x.co,Ann,ACTIVE,01012024,ADMIN",
    "bob@x.co,Bob,active,2024-01-31,USER",
    "Carol <carol@x.co>,Carol,DISABLED,01022024,USER",
    "ANN@x.co,Annie,ACTIVE,01012024,USER",
    "dan@x.co,Dan,ACTIVE,29022023,superadmin",
    "ann@x.co,Ann 2,ACTIVE,01012024,USER",
  ].join("\n");

  it("writes CSV with template headers and JSON without excluded rows, as JSON.stringify lays it out", () => {
    const dataset = datasetOf(CSV);
    const fixes = dataset
      .errors()
      .flatMap((e) =>
        e.suggestion === undefined ? [] : [{ row: e.row, field: e.field, suggestion: e.suggestion }],
      );
    dataset.edit({ type: "suggest", fixes });
    dataset.edit({ type: "keep", keep: "first" });
    const csv = correctedCsv(dataset).split("\r\n");
    expect(csv[0]).toBe(
      "Email,First Name,Last Name,Role,Created On,User Status,Account Type,Department,MFA Enrolment Status,Account Payment Status",
    );
    expect(csv[2]).toBe("bob@x.co,Bob,,USER,31012024,ACTIVE,,,,");
    expect(csv).toHaveLength(2 + 4);
    const records = [...dataset.records()];
    expect(correctedJson(dataset)).toBe(`${JSON.stringify({ data: records }, null, 2)}\n`);
    expect(records[2]).toEqual({
      emailId: "carol@x.co",
      firstName: "Carol",
      userStatus: "DISABLED",
      createdOn: "01022024",
      role: "USER",
    });
  });

  it("writes large files in pieces that join into the one file", () => {
    const records = Array.from({ length: 12_345 }, (_, i) => ({ emailId: `u${i}@x.co`, tags: ["a", i] }));
    const parts = correctedJsonParts(records);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join("")).toBe(`${JSON.stringify({ data: records }, null, 2)}\n`);
    expect(correctedJsonParts([]).join("")).toBe(`${JSON.stringify({ data: [] }, null, 2)}\n`);
    const rows = records.map((r) => ({ emailId: r.emailId }));
    const csv = correctedCsvParts(datasetOf("Email\n").schema, rows);
    expect(csv.length).toBeGreaterThan(2);
    expect(parse(csv.join(""))).toHaveLength(12_346);
  });
});
