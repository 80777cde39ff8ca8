// Fixing rows in the pipeline's dataset: its validation equals the core's, then edits,
// suggestions, find/replace and duplicate resolution revalidate only what changed while keeping
// duplicate state consistent.
import { describe, expect, it } from "vitest";
import { type Dataset, WHOLE_ROW } from "../../extension/pipeline/dataset.ts";
import { DatasetValidator } from "../../schemas/index.ts";
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

  it("counts per column and rule, filters, and hands out windows with the cells' current text", () => {
    const view = datasetOf(CSV).view({ column: "emailId", keyword: "" }, 1, 2);
    expect([view.includedCount, view.errorCount, view.shownCount, view.start]).toEqual([6, 7, 3, 1]);
    expect(view.byKeyword).toContainEqual(["duplicate-key", 2]);
    expect(view.byColumn[0]).toEqual(["emailId", 3]);
    expect(view.hasDuplicates).toBe(true);
    expect(view.rows.map((r) => [r.issue.row, r.issue.keyword, r.current])).toEqual([
      [4, "duplicate-key", "ANN@x.co"],
    ]);
    const ragged = datasetOf("Email,Role\na@x.co,ADMIN,extra\n").view(
      { column: WHOLE_ROW, keyword: "" },
      0,
      9,
    );
    expect(ragged.rows.map((r) => [r.issue.keyword, r.current])).toEqual([["ragged-row", undefined]]);
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
    // accept-all over the current filter (the role column only), then one by one
    expect(dataset.edit({ type: "suggest-all", filter: { column: "role", keyword: "" } })).toBe(1);
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
