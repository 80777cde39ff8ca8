// The review's bulk fixes over the pipeline's dataset — "fix all like this" per column and rule
// (dates, yes/no to booleans and to yes/no-like enums, enum case and synonyms, <…>/mailto: around
// emails), find/replace and fill with a preview count, leaving out matching rows, duplicates — and
// undo/redo of every one of them.
import { afterEach, describe, expect, it } from "vitest";
import type { Dataset } from "../../../extension/pipeline/dataset.ts";
import type { ProblemKind } from "../../../extension/pipeline/review-types.ts";
import {
  type ContextSchema,
  forgetSchemas,
  type PropertySchema,
  registerSchema,
  suggestFix,
} from "../../../schemas/index.ts";
import { PLANTED, plantedCsv, plantedFixed } from "../../fixtures/planted-errors.ts";
import { datasetOf } from "./dataset-helpers.ts";

afterEach(forgetSchemas);

const kinds = (d: Dataset) =>
  Object.fromEntries(d.views.summary().groups.map((g) => [`${g.column}:${g.keyword}`, [g.count, g.fixable]]));
const err = (column: string, keyword: string): ProblemKind => ({ column, keyword, level: "error" });
const texts = (d: Dataset, field: string) => [...d.includedRaws()].map((r) => r[field]);

describe("fix all like this", () => {
  it("fixes the 30 planted errors of a 200-row file with four fixes and one leave-out", () => {
    const dataset = datasetOf(plantedCsv());
    expect(dataset.errors()).toHaveLength(30);
    expect(kinds(dataset)).toEqual({
      "createdOn:format": [PLANTED.dates, PLANTED.dates],
      "mfaEnrolmentStatus:type": [PLANTED.mfa, PLANTED.mfa],
      "emailId:format": [PLANTED.emails, PLANTED.emails],
      "userStatus:enum": [PLANTED.status, PLANTED.status],
      "emailId:required": [PLANTED.blank, 0],
    });
    const mfa = dataset.views.summary().groups.find((g) => g.column === "mfaEnrolmentStatus");
    expect(mfa?.examples).toEqual([
      ["yes", "true"],
      ["no", "false"],
      ["Y", "true"],
    ]);
    expect(dataset.preview({ type: "fix-kind", kind: err("createdOn", "format") })).toMatchObject({
      rows: PLANTED.dates,
      cells: PLANTED.dates,
    });
    expect(dataset.edit({ type: "fix-kind", kind: err("createdOn", "format") })).toBe(PLANTED.dates);
    expect(dataset.edit({ type: "fix-kind", kind: err("mfaEnrolmentStatus", "type") })).toBe(PLANTED.mfa);
    expect(dataset.edit({ type: "fix-kind", kind: err("emailId", "format") })).toBe(PLANTED.emails);
    expect(dataset.edit({ type: "fix-kind", kind: err("userStatus", "enum") })).toBe(PLANTED.status);
    expect(dataset.edit({ type: "exclude-kind", kind: err("emailId", "required") })).toBe(PLANTED.blank);
    expect(dataset.errors()).toEqual([]);
    expect(dataset.views.summary()).toMatchObject({ includedCount: 196, errorCount: 0, problemRowCount: 0 });
    expect([...dataset.records()]).toEqual(plantedFixed());
  });

  it("reads yes/no spellings as the option meaning yes or no in a yes/no-like enum", () => {
    const prop: PropertySchema = { type: "string", enum: ["ENROLLED", "NOT ENROLLED"] };
    expect(["yes", "N", "1", "off", "maybe"].map((v) => suggestFix(v, prop))).toEqual([
      "ENROLLED",
      "NOT ENROLLED",
      "ENROLLED",
      "NOT ENROLLED",
      undefined,
    ]);
    // Not a yes/no pair: no guess.
    expect(suggestFix("yes", { type: "string", enum: ["USER", "SERVICE"] })).toBeUndefined();
    const schema = {
      $id: "urn:intake:schema:mfa_users",
      type: "object",
      properties: {
        email: { type: "string", format: "email" },
        mfa: { type: "string", enum: ["ENROLLED", "NOT ENROLLED"] },
      },
      required: ["email"],
      "x-intake-key": ["email"],
    } as unknown as ContextSchema;
    registerSchema("mfa_users", schema);
    const dataset = datasetOf("Email,MFA\na@x.co,yes\nb@x.co,No\nc@x.co,ENROLLED\n", "mfa_users", {}, [
      "email",
      "mfa",
    ]);
    expect(dataset.edit({ type: "fix-kind", kind: err("mfa", "enum") })).toBe(2);
    expect(texts(dataset, "mfa")).toEqual(["ENROLLED", "NOT ENROLLED", "ENROLLED"]);
  });

  it("fixes enum synonyms the mapping step knows, beyond case", () => {
    const dataset = datasetOf(
      "Email,Role\na@x.co,Administrator\nb@x.co,end user\nc@x.co,Wizard\n",
      "saas_users",
      {},
      ["emailId", "role"],
    );
    expect(kinds(dataset)).toEqual({ "role:enum": [3, 2] });
    dataset.edit({ type: "fix-kind", kind: err("role", "enum") });
    expect(texts(dataset, "role")).toEqual(["ADMIN", "USER", "Wizard"]);
  });
});

describe("column-wide fixes", () => {
  const CSV =
    "Email,Department,Role\na@x.co,  Sales   team ,ADMIN\nb@x.co,,USER\nc@x.co,Ops,USER\nd@x.co,,ADMIN\n";

  it("previews, then replaces, fills, trims and leaves out matching rows", () => {
    const dataset = datasetOf(CSV);
    const replace = {
      type: "replace",
      field: "role",
      find: "user",
      replacement: "ADMIN",
      options: {},
    } as const;
    expect(dataset.preview(replace)).toEqual({ rows: 2, cells: 2, examples: [["USER", "ADMIN"]] });
    expect(dataset.version).toBe(1);
    expect(dataset.edit(replace)).toBe(2);
    expect(dataset.preview({ type: "fill", field: "department", value: "Unknown" }).rows).toBe(2);
    expect(dataset.edit({ type: "fill", field: "department", value: "Unknown" })).toBe(2);
    expect(dataset.edit({ type: "trim", field: "department" })).toBe(1);
    expect(texts(dataset, "department")).toEqual(["Sales team", "Unknown", "Ops", "Unknown"]);
    const where = {
      type: "exclude-where",
      field: "department",
      find: "unknown",
      options: { wholeCell: true },
    } as const;
    expect(dataset.preview(where).rows).toBe(2);
    expect(dataset.edit(where)).toBe(2);
    expect(texts(dataset, "emailId")).toEqual(["a@x.co", "c@x.co"]);
  });

  it("a fill with nothing, or a find of nothing in part of a cell, changes nothing", () => {
    const dataset = datasetOf(CSV);
    expect(dataset.edit({ type: "fill", field: "department", value: "  " })).toBe(0);
    expect(dataset.edit({ type: "replace", field: "role", find: "", replacement: "X", options: {} })).toBe(0);
    expect(dataset.views.summary().undo).toBeUndefined();
  });
});

describe("undo and redo", () => {
  const CSV = [
    "Email,First Name,Created On",
    "ann@x.co,Ann,2024-01-31",
    "bob@x.co,Bob,2024-02-01",
    "ANN@x.co,Annie,01012024",
  ].join("\n");

  it("reverts and repeats edits, bulk fixes and leave-outs, revalidating what they touched", () => {
    const dataset = datasetOf(CSV);
    const state = () => [
      texts(dataset, "createdOn").join(" "),
      dataset.errors().map((e) => `${e.row}:${e.keyword}`),
    ];
    const start = state();
    expect(start).toEqual(["2024-01-31 2024-02-01 01012024", ["1:format", "2:format", "3:duplicate-key"]]);

    dataset.edit({ type: "fix-kind", kind: err("createdOn", "format") });
    dataset.edit({ type: "set", row: 3, field: "emailId", value: "annie@x.co" });
    dataset.edit({ type: "exclude", row: 2, excluded: true });
    const end = state();
    expect(end).toEqual(["31012024 01012024", []]);
    expect(dataset.views.summary().undo).toBe("leaving out row 2");

    expect(dataset.undo()).toBe(1);
    expect(dataset.undo()).toBe(1);
    expect(state()).toEqual(["31012024 01022024 01012024", ["3:duplicate-key"]]);
    expect(dataset.views.summary()).toMatchObject({
      undo: "fix of createdOn",
      redo: "edit of emailId in row 3",
    });
    expect(dataset.undo()).toBe(2);
    expect(state()).toEqual(start);
    expect(dataset.undo()).toBe(0);
    expect(dataset.views.summary().undo).toBeUndefined();

    dataset.redo();
    dataset.redo();
    dataset.redo();
    expect(state()).toEqual(end);
    expect(dataset.redo()).toBe(0);
  });

  it("a new edit forgets what was undone", () => {
    const dataset = datasetOf(CSV);
    dataset.edit({ type: "set", row: 1, field: "firstName", value: "Anna" });
    dataset.undo();
    expect(dataset.views.summary().redo).toBe("edit of firstName in row 1");
    dataset.edit({ type: "set", row: 2, field: "firstName", value: "Robert" });
    expect(dataset.views.summary().redo).toBeUndefined();
    expect(texts(dataset, "firstName")).toEqual(["Ann", "Robert", "Annie"]);
  });

  it("undoes keeping duplicates and keeping a ragged row as read", () => {
    const dataset = datasetOf(`${CSV}\nzed@x.co,Zed,01012024,extra`);
    const summary = () => dataset.errors().map((e) => `${e.row}:${e.keyword}`);
    const before = summary();
    expect(before).toContain("4:ragged-row");
    dataset.edit({ type: "keep", keep: "last" });
    dataset.edit({ type: "keep-row", row: 4 });
    expect(summary()).toEqual(["2:format"]);
    dataset.undo();
    dataset.undo();
    expect(summary()).toEqual(before);
    expect(dataset.includedCount).toBe(4);
  });
});

describe("at scale", () => {
  it("answers windows and look-ups of 100k problems without walking them again", () => {
    const rows = Array.from(
      { length: 100_000 },
      (_, i) => `u${i}@x.co,2024-01-${String((i % 28) + 1).padStart(2, "0")}`,
    );
    const dataset = datasetOf(`Email,Created On\n${rows.join("\n")}`);
    const summary = dataset.views.summary();
    expect(summary.errorCount).toBe(100_000);
    expect(summary.groups).toHaveLength(1);
    expect(summary.groups[0]).toMatchObject({ fixable: 100_000 });
    const query = { problems: true, column: "", keyword: "" };
    const window = dataset.views.grid(query, 50_000, 50_040);
    expect(window.rows).toHaveLength(40);
    expect(window.rows[0]?.row).toBe(50_001);
    expect(dataset.views.locate(query, err("createdOn", "format"), 70_000, 1)).toMatchObject({
      row: 70_001,
      position: 70_000,
    });
    expect(dataset.edit({ type: "fix-kind", kind: err("createdOn", "format") })).toBe(100_000);
    expect(dataset.views.summary().errorCount).toBe(0);
    dataset.undo();
    expect(dataset.views.summary().errorCount).toBe(100_000);
  }, 120_000);
});
