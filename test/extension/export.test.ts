// The fixing step's CSV downloads escape spreadsheet formulas with the core's one rule: any cell
// whose first character is = + - @ tab or CR, whatever follows (line breaks, U+2028).
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { DatasetEditor } from "../../extension/dataset-editor.ts";
import { correctedCsv, errorReportCsv } from "../../extension/export.ts";
import { autoMap, mappingFromGuesses } from "../../extension/mapping.ts";
import { Pipeline } from "../../extension/pipeline/pipeline.ts";
import type { RowState } from "../../extension/row-validation.ts";
import { getSchema } from "../../schemas/index.ts";

function editorOf(csv: string, context = "saas_users"): DatasetEditor {
  const pipeline = new Pipeline();
  const inspection = pipeline.inspect(new TextEncoder().encode(csv), { fileName: "users.csv" });
  if (inspection.status !== "ready") throw new Error(inspection.status);
  const mapping = mappingFromGuesses(autoMap(inspection.headers, getSchema(context) as never));
  const editor = new DatasetEditor(context);
  const rows: RowState[] = [];
  pipeline.validate(context, mapping, (chunk) => rows.push(...chunk));
  editor.append(rows);
  return editor;
}

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
