// Fixing rows: the pipeline's validation equals the core's, then edits, suggestions, find/replace
// and duplicate resolution revalidate only what changed while keeping duplicate state consistent.
import { describe, expect, it } from "vitest";
import { DatasetEditor } from "../../extension/dataset-editor.ts";
import { correctedCsv, correctedJson, errorReportCsv } from "../../extension/export.ts";
import { autoMap, mappingFromGuesses } from "../../extension/mapping.ts";
import { Pipeline } from "../../extension/pipeline/pipeline.ts";
import type { RowState } from "../../extension/row-validation.ts";
import { DatasetValidator, getSchema } from "../../schemas/index.ts";

const CSV = [
  "Email,First Name,Status,Created On,Role",
  "ann@x.co,Ann,ACTIVE,01012024,ADMIN", // 1 ok
  "bob@x.co,Bob,active,2024-01-31,USER", // 2 enum case + date format
  "Carol <carol@x.co>,Carol,DISABLED,01022024,USER", // 3 email in <...>
  "ANN@x.co,Annie,ACTIVE,01012024,USER", // 4 duplicate of 1 (case-insensitive key)
  "dan@x.co,Dan,ACTIVE,29022023,superadmin", // 5 not a real date + enum
  "ann@x.co,Ann 2,ACTIVE,01012024,USER", // 6 duplicate of 1 again
].join("\n");

function load(csv = CSV, context = "saas_users") {
  const pipeline = new Pipeline();
  const inspection = pipeline.inspect(new TextEncoder().encode(csv), { fileName: "users.csv" });
  if (inspection.status !== "ready") throw new Error(inspection.status);
  const mapping = mappingFromGuesses(autoMap(inspection.headers, getSchema(context) as never));
  const editor = new DatasetEditor(context);
  const rows: RowState[] = [];
  const done = pipeline.validate(context, mapping, (chunk) => rows.push(...chunk));
  editor.append(rows);
  editor.finalWarnings = done.warnings;
  return { editor, rows };
}

const summary = (editor: DatasetEditor) => editor.errors().map((e) => `${e.row}:${e.field}:${e.keyword}`);

describe("pipeline validation", () => {
  it("finds exactly what the core's validateDataset finds, with source lines", () => {
    const { editor } = load();
    const core = new DatasetValidator("saas_users");
    for (const state of editor.rows) core.add(state.raw, state.line);
    const report = core.finish();
    expect(report.errorCount).toBe(7);
    expect(editor.errors()).toEqual(report.errors);
    expect(editor.errors().find((e) => e.row === 5 && e.field === "createdOn")?.line).toBe(6);
  });
});

describe("DatasetEditor", () => {
  it("revalidates an edited row only and clears its error", () => {
    const { editor } = load();
    const before = editor.rows.map((r) => r.recordIssues);
    editor.setValue(2, "userStatus", "ACTIVE");
    expect(summary(editor)).not.toContain("2:userStatus:enum");
    expect(summary(editor)).toContain("2:createdOn:format");
    // untouched rows keep their very issue objects: they were not revalidated
    expect(editor.rows[4]?.recordIssues).toBe(before[4]);
  });

  it("accepts the core's suggestions: enum case, date format, <...> around an email", () => {
    const { editor } = load();
    const suggested = editor.errors().filter((e) => e.suggestion !== undefined);
    expect(suggested.map((e) => [e.row, e.field, e.suggestion])).toEqual([
      [2, "createdOn", "31012024"],
      [2, "userStatus", "ACTIVE"],
      [3, "emailId", "carol@x.co"],
      [5, "role", "SUPER ADMIN"],
    ]);
    expect(editor.applySuggestions(suggested)).toBe(3);
    expect(summary(editor)).toEqual([
      "4:emailId:duplicate-key",
      "5:createdOn:format",
      "6:emailId:duplicate-key",
    ]);
  });

  it("keeps duplicate state consistent when a key is edited away and back", () => {
    const { editor } = load();
    editor.setValue(1, "emailId", "ann.smith@x.co");
    // row 4 is now the first of its key; row 6 duplicates row 4
    const dupes = editor.errors().filter((e) => e.keyword === "duplicate-key");
    expect(dupes.map((e) => [e.row, e.relatedRow])).toEqual([[6, 4]]);
    editor.setValue(1, "emailId", "ann@x.co");
    expect(
      editor
        .errors()
        .filter((e) => e.keyword === "duplicate-key")
        .map((e) => [e.row, e.relatedRow]),
    ).toEqual([
      [4, 1],
      [6, 1],
    ]);
  });

  it.each([
    ["first", [1], [4, 6]],
    ["last", [6], [1, 4]],
  ] as const)("resolves duplicates keeping the %s row", (keep, kept, dropped) => {
    const { editor } = load();
    expect(editor.keepDuplicates(keep, 4)).toBe(2);
    expect(editor.rows.filter((r) => r.excluded).map((r) => r.row)).toEqual(dropped);
    expect(editor.rows.filter((r) => [1, 4, 6].includes(r.row) && !r.excluded).map((r) => r.row)).toEqual(
      kept,
    );
    expect(summary(editor).filter((s) => s.endsWith("duplicate-key"))).toEqual([]);
    expect(editor.includedCount).toBe(4);
  });

  it("finds and replaces within one column only", () => {
    const { editor } = load();
    expect(editor.replaceInColumn("userStatus", "active", "ACTIVE", { matchCase: true })).toBe(1);
    expect(editor.row(2)?.raw).toMatchObject({ userStatus: "ACTIVE" });
    expect(editor.replaceInColumn("firstName", "ann", "Anne")).toBe(3); // case-insensitive substring
    expect(editor.rows.map((r) => (r.raw as Record<string, string>).firstName)).toEqual([
      "Anne",
      "Bob",
      "Carol",
      "Anneie",
      "Dan",
      "Anne 2",
    ]);
    expect(editor.replaceInColumn("role", "USER", "ADMIN", { wholeCell: true, matchCase: true })).toBe(4);
  });

  it("fills empty cells with a whole-cell replace of nothing", () => {
    const { editor } = load("Email,Department\na@x.co,\nb@x.co,Sales\n");
    expect(editor.replaceInColumn("department", "", "Unknown", { wholeCell: true })).toBe(1);
    expect(editor.rows.map((r) => (r.raw as Record<string, string>).department)).toEqual([
      "Unknown",
      "Sales",
    ]);
  });

  it("shows ragged rows as errors until the row is kept or excluded", () => {
    const { editor } = load("Email,Role\na@x.co,ADMIN,extra\nb@x.co,USER\n");
    expect(summary(editor)).toEqual(["1::ragged-row"]);
    editor.acceptSourceIssues(1);
    expect(summary(editor)).toEqual([]);
  });

  it("gives normalized records of included rows for the upload", () => {
    const { editor } = load("Email,MFA\na@x.co,TRUE\nb@x.co,false\n");
    editor.setExcluded(2, true);
    expect([...editor.records()]).toEqual([{ emailId: "a@x.co", mfaEnrolmentStatus: true }]);
  });
});

describe("exports", () => {
  it("escapes spreadsheet formulas in the error report", () => {
    const csv = errorReportCsv([
      {
        row: 1,
        line: 2,
        pointer: "/emailId",
        field: "emailId",
        keyword: "format",
        message: "bad",
        value: "=HYPERLINK(1)",
      },
      {
        row: 2,
        pointer: "/role",
        field: "role",
        keyword: "enum",
        message: "-x",
        value: "@SUM",
        suggestion: "+1+1",
      },
    ]);
    expect(csv.split("\r\n")).toEqual([
      "row,line,column,value,message,rule,suggestion",
      `1,2,emailId,"'=HYPERLINK(1)",bad,format,`,
      `2,,role,"'@SUM","'-x",enum,"'+1+1"`,
      "",
    ]);
  });

  it("writes the corrected file as CSV with template headers and as JSON without excluded rows", () => {
    const { editor } = load();
    editor.applySuggestions(editor.errors());
    editor.keepDuplicates("first");
    const csv = correctedCsv(editor).split("\r\n");
    expect(csv[0]).toBe(
      "Email,First Name,Last Name,Role,Created On,User Status,Account Type,Department,MFA Enrolment Status,Account Payment Status",
    );
    expect(csv[2]).toBe("bob@x.co,Bob,,USER,31012024,ACTIVE,,,,");
    expect(csv).toHaveLength(2 + 4);
    const json = JSON.parse(correctedJson(editor)) as { data: unknown[] };
    expect(json.data).toHaveLength(4);
    expect(json.data[2]).toEqual({
      emailId: "carol@x.co",
      firstName: "Carol",
      userStatus: "DISABLED",
      createdOn: "01022024",
      role: "USER",
    });
  });
});

describe("announced limits", () => {
  it("validates with the Worker's field length in the pipeline and after an edit", () => {
    const csv = "Email,First Name\nann@x.co,Annabelle\nbob@x.co,Bob\n";
    const pipeline = new Pipeline();
    const limits = { maxFieldLength: 5 };
    const inspection = pipeline.inspect(new TextEncoder().encode(csv), { fileName: "u.csv", limits });
    if (inspection.status !== "ready") throw new Error(inspection.status);
    const mapping = mappingFromGuesses(autoMap(inspection.headers, getSchema("saas_users") as never));
    const editor = new DatasetEditor("saas_users", limits);
    const rows: RowState[] = [];
    pipeline.validate("saas_users", mapping, (chunk) => rows.push(...chunk));
    editor.append(rows);
    // Every email is over 5 characters too: one maxLength error per over-long field, nothing else.
    expect(summary(editor)).toEqual(["1:emailId:maxLength", "1:firstName:maxLength", "2:emailId:maxLength"]);
    editor.setValue(2, "firstName", "Robert");
    expect(summary(editor)).toContain("2:firstName:maxLength");
    expect(editor.errors().find((e) => e.row === 2 && e.field === "firstName")?.message).toBe(
      "firstName is longer than 5 characters",
    );
  });
});
