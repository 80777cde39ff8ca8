// Fixing rows in the pipeline's dataset: its validation equals the core's, then edits,
// suggestions, find/replace and duplicate resolution revalidate only what changed while keeping
// duplicate state consistent.
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../../extension/pipeline/dataset.ts";
import { DatasetValidator } from "../../../schemas/index.ts";
import { datasetOf } from "./dataset-helpers.ts";

const CSV = [
  "Email,First Name,Status,Created On,Role",
  "ann@x.co,Ann,ACTIVE,01012024,ADMIN", // 1 ok
  "bob@x.co,Bob,active,2024-01-31,USER", // 2 enum case + date format
  "Carol <carol@x.co>,Carol,DISABLED,01022024,USER", // 3 email in <...>
  "ANN@x.co,Annie,ACTIVE,01012024,USER", // 4 duplicate of 1 (case-insensitive key)
  "dan@x.co,Dan,ACTIVE,29022023,superadmin", // 5 not a real date + enum
  "ann@x.co,Ann 2,ACTIVE,01012024,USER", // 6 duplicate of 1 again
].join("\n");

const summary = (d: Dataset) => d.errors().map((e) => `${e.row}:${e.field}:${e.keyword}`);
const raws = (d: Dataset) => Array.from({ length: d.count }, (_, i) => d.raw(i) as Record<string, string>);
const excludedRows = (d: Dataset) => {
  const included = new Set([...d.includedRaws()].map((r) => r.firstName));
  return raws(d)
    .map((r, i) => (included.has(r.firstName) ? 0 : i + 1))
    .filter((n) => n > 0);
};

describe("pipeline validation", () => {
  it("finds exactly what the core's validateDataset finds, with source lines", () => {
    const dataset = datasetOf(CSV);
    const core = new DatasetValidator("saas_users");
    for (let i = 0; i < dataset.count; i++) core.add(dataset.raw(i), dataset.source.line(i));
    const report = core.finish();
    expect(report.errorCount).toBe(7);
    expect(dataset.errors()).toEqual(report.errors);
    expect(dataset.errors().find((e) => e.row === 5 && e.field === "createdOn")?.line).toBe(6);
  });

  it("groups problems by column and rule with counts, fixes and examples", () => {
    const summary = datasetOf(CSV).views.summary();
    expect([summary.rowCount, summary.includedCount, summary.errorCount, summary.problemRowCount]).toEqual([
      6, 6, 7, 5,
    ]);
    // The file's column order.
    expect(summary.columns).toEqual(["emailId", "firstName", "userStatus", "createdOn", "role"]);
    expect(summary.hasDuplicates).toBe(true);
    const group = (column: string, keyword: string) =>
      summary.groups.find((g) => g.column === column && g.keyword === keyword);
    expect(group("emailId", "duplicate-key")).toMatchObject({
      count: 2,
      rows: 2,
      fixable: 0,
      level: "error",
    });
    expect(group("createdOn", "format")).toMatchObject({
      count: 2,
      fixable: 1,
      examples: [["2024-01-31", "31012024"]],
    });
    // "superadmin" has the core's case fix; the mapping's synonyms would fix "Administrator" too
    expect(group("role", "enum")).toMatchObject({
      count: 1,
      fixable: 1,
      examples: [["superadmin", "SUPER ADMIN"]],
    });
    expect(summary.groups[0]?.count).toBeGreaterThanOrEqual(summary.groups.at(-1)?.count ?? 0);
  });

  it("hands out grid windows of all rows or of the rows with problems, cells marked", () => {
    const dataset = datasetOf(CSV);
    const all = dataset.views.grid({ problems: false, column: "", keyword: "" }, 1, 3);
    expect([all.total, all.start, all.rows.map((r) => r.row)]).toEqual([6, 1, [2, 3]]);
    const bob = all.rows[0];
    expect(bob?.line).toBe(3);
    expect(bob?.cells.map((c) => c.text)).toEqual(["bob@x.co", "Bob", "active", "2024-01-31", "USER"]);
    expect(bob?.cells.map((c) => c.level ?? "")).toEqual(["", "", "error", "error", ""]);
    expect(bob?.cells[3]?.errors?.[0]?.message).toContain("createdOn must be a real date in DDMMYYYY form");
    const problems = dataset.views.grid({ problems: true, column: "", keyword: "" }, 0, 10);
    expect(problems.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
    const dupes = dataset.views.grid({ problems: true, column: "emailId", keyword: "duplicate-key" }, 0, 10);
    expect(dupes.rows.map((r) => r.row)).toEqual([4, 6]);
    const ragged = datasetOf("Email,Role\na@x.co,ADMIN,extra\n").views.grid(
      { problems: true, column: "", keyword: "" },
      0,
      9,
    );
    expect(ragged.rows[0]?.errors.map((i) => i.keyword)).toEqual(["ragged-row"]);
  });

  it("finds the first, next and previous problem of a kind, wrapping, with its place in the grid", () => {
    const dataset = datasetOf(CSV);
    const kind = { column: "emailId", keyword: "duplicate-key", level: "error" } as const;
    const all = { problems: false, column: "", keyword: "" };
    const problems = { problems: true, column: "", keyword: "" };
    expect(dataset.views.locate(all, kind, 0, 1)).toEqual({
      row: 4,
      field: "emailId",
      position: 3,
      index: 0,
      count: 2,
    });
    expect(dataset.views.locate(problems, kind, 4, 1)).toMatchObject({ row: 6, position: 4, index: 1 });
    expect(dataset.views.locate(problems, kind, 6, 1)).toMatchObject({ row: 4, position: 2, index: 0 });
    expect(dataset.views.locate(problems, kind, 4, -1)).toMatchObject({ row: 6, index: 1 });
    expect(dataset.views.locate(all, { ...kind, keyword: "nope" }, 0, 1)).toBeUndefined();
    expect(dataset.views.positionOf(problems, 1)).toBe(0);
    expect(dataset.views.positionOf(problems, 5)).toBe(3);
  });
});

describe("edits", () => {
  it("revalidates an edited row only and clears its error", () => {
    const dataset = datasetOf(CSV);
    const before = dataset.errors().filter((e) => e.row === 5);
    expect(dataset.edit({ type: "set", row: 2, field: "userStatus", value: "ACTIVE" })).toBe(1);
    expect(summary(dataset)).not.toContain("2:userStatus:enum");
    expect(summary(dataset)).toContain("2:createdOn:format");
    // untouched rows keep their very issue objects: they were not revalidated
    const after = dataset.errors().filter((e) => e.row === 5);
    expect(after).toHaveLength(2);
    for (const [i, issue] of after.entries()) expect(issue).toBe(before[i]);
  });

  it("accepts the core's suggestions: enum case, date format, <...> around an email", () => {
    const dataset = datasetOf(CSV);
    const suggested = dataset.errors().filter((e) => e.suggestion !== undefined);
    expect(suggested.map((e) => [e.row, e.field, e.suggestion])).toEqual([
      [2, "createdOn", "31012024"],
      [2, "userStatus", "ACTIVE"],
      [3, "emailId", "carol@x.co"],
      [5, "role", "SUPER ADMIN"],
    ]);
    // fix all of one kind (the role column's), then one by one
    expect(
      dataset.edit({ type: "fix-kind", kind: { column: "role", keyword: "enum", level: "error" } }),
    ).toBe(1);
    expect(summary(dataset)).not.toContain("5:role:enum");
    const fixes = dataset
      .errors()
      .flatMap((e) =>
        e.suggestion === undefined ? [] : [{ row: e.row, field: e.field, suggestion: e.suggestion }],
      );
    expect(dataset.edit({ type: "suggest", fixes })).toBe(2);
    expect(summary(dataset)).toEqual([
      "4:emailId:duplicate-key",
      "5:createdOn:format",
      "6:emailId:duplicate-key",
    ]);
  });

  it("keeps duplicate state consistent when a key is edited away and back", () => {
    const dataset = datasetOf(CSV);
    dataset.edit({ type: "set", row: 1, field: "emailId", value: "ann.smith@x.co" });
    // row 4 is now the first of its key; row 6 duplicates row 4
    const dupes = () =>
      dataset
        .errors()
        .filter((e) => e.keyword === "duplicate-key")
        .map((e) => [e.row, e.relatedRow, e.message]);
    expect(dupes()).toEqual([
      [
        6,
        4,
        'Duplicate record: rows 4 and 6 (lines 5 and 7) have the same emailId "ann@x.co"; each record must be unique',
      ],
    ]);
    dataset.edit({ type: "set", row: 1, field: "emailId", value: "ann@x.co" });
    expect(dupes().map(([row, related]) => [row, related])).toEqual([
      [4, 1],
      [6, 1],
    ]);
  });

  it.each([
    ["first", [4, 6]],
    ["last", [1, 4]],
  ] as const)("resolves duplicates keeping the %s row", (keep, dropped) => {
    const dataset = datasetOf(CSV);
    expect(dataset.edit({ type: "keep", keep, row: 4 })).toBe(2);
    expect(excludedRows(dataset)).toEqual(dropped);
    expect(summary(dataset).filter((s) => s.endsWith("duplicate-key"))).toEqual([]);
    expect(dataset.includedCount).toBe(4);
    // putting one back brings its duplicate error back
    dataset.edit({ type: "exclude", row: dropped[1], excluded: false });
    expect(summary(dataset).filter((s) => s.endsWith("duplicate-key"))).toHaveLength(1);
  });

  it("resolves every duplicate group at once", () => {
    const dataset = datasetOf(`${CSV}\nbob@x.co,Bobby,ACTIVE,01012024,USER`);
    expect(dataset.edit({ type: "keep", keep: "first" })).toBe(3);
    expect(excludedRows(dataset)).toEqual([4, 6, 7]);
  });

  it("finds and replaces within one column only", () => {
    const dataset = datasetOf(CSV);
    const replace = (field: string, find: string, replacement: string, options = {}) =>
      dataset.edit({ type: "replace", field, find, replacement, options });
    expect(replace("userStatus", "active", "ACTIVE", { matchCase: true })).toBe(1);
    expect(dataset.raw(1)).toMatchObject({ userStatus: "ACTIVE" });
    expect(replace("firstName", "ann", "Anne")).toBe(3); // case-insensitive substring
    expect(raws(dataset).map((r) => r.firstName)).toEqual([
      "Anne",
      "Bob",
      "Carol",
      "Anneie",
      "Dan",
      "Anne 2",
    ]);
    expect(replace("role", "USER", "ADMIN", { wholeCell: true, matchCase: true })).toBe(4);
  });

  it("fills empty cells with a whole-cell replace of nothing", () => {
    const dataset = datasetOf("Email,Department\na@x.co,\nb@x.co,Sales\n");
    expect(
      dataset.edit({
        type: "replace",
        field: "department",
        find: "",
        replacement: "Unknown",
        options: { wholeCell: true },
      }),
    ).toBe(1);
    expect(raws(dataset).map((r) => r.department)).toEqual(["Unknown", "Sales"]);
  });

  it("shows ragged rows as errors until the row is kept or excluded", () => {
    const dataset = datasetOf("Email,Role\na@x.co,ADMIN,extra\nb@x.co,USER\nc@x.co\n");
    expect(summary(dataset)).toEqual(["1::ragged-row", "3::ragged-row"]);
    dataset.edit({ type: "keep-row", row: 1 });
    dataset.edit({ type: "exclude", row: 3, excluded: true });
    expect(summary(dataset)).toEqual([]);
  });

  it("gives normalized records of included rows for the upload", () => {
    const dataset = datasetOf("Email,MFA\na@x.co,TRUE\nb@x.co,false\n");
    dataset.edit({ type: "exclude", row: 2, excluded: true });
    expect([...dataset.records()]).toEqual([{ emailId: "a@x.co", mfaEnrolmentStatus: true }]);
    expect(dataset.placesOf([1])).toEqual(new Map([[1, { row: 1, line: 2 }]]));
  });
});

describe("announced limits", () => {
  it("validates with the Worker's field length in the pipeline and after an edit", () => {
    const dataset = datasetOf("Email,First Name\nann@x.co,Annabelle\nbob@x.co,Bob\n", "saas_users", {
      maxFieldLength: 5,
    });
    // Every email is over 5 characters too: one maxLength error per over-long field, nothing else.
    expect(summary(dataset)).toEqual(["1:emailId:maxLength", "1:firstName:maxLength", "2:emailId:maxLength"]);
    dataset.edit({ type: "set", row: 2, field: "firstName", value: "Robert" });
    expect(summary(dataset)).toContain("2:firstName:maxLength");
    expect(dataset.errors().find((e) => e.row === 2 && e.field === "firstName")?.message).toBe(
      "firstName is longer than 5 characters",
    );
  });
});
