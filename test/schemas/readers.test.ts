// The one CSV reader and the one JSON reader of the core (used by the Worker, the extension's
// pipeline and the console): source lines whatever the line breaks, shapes, forbidden keys, depth.
import { describe, expect, it } from "vitest";
import { getSchemaOrThrow, readCsv, readCsvCells, readJsonRecords } from "./helpers.ts";

const users = getSchemaOrThrow("saas_users");

describe("CSV source lines", () => {
  const lines = (text: string) => readCsvCells(text).rows.map((r) => [r.line, r.cells]);

  it.each([
    ["\\n", "\n"],
    ["\\r\\n", "\r\n"],
    ["\\r alone", "\r"],
  ])("counts %s line breaks, blank lines included", (_name, nl) => {
    const text = ["Email,Role", "a@x.co,ADMIN", "", "b@x.co,USER", ""].join(nl);
    expect(lines(text)).toEqual([
      [1, ["Email", "Role"]],
      [2, ["a@x.co", "ADMIN"]],
      [4, ["b@x.co", "USER"]],
    ]);
  });

  it("counts mixed line breaks, each kind ending one line", () => {
    const text = "Email,Role\r\na@x.co,ADMIN\rb@x.co,USER\nc@x.co,USER\r\n\rd@x.co,USER";
    expect(lines(text).map(([line]) => line)).toEqual([1, 2, 3, 4, 6]);
  });

  it.each([
    ["\\n", "\n"],
    ["\\r\\n", "\r\n"],
    ["\\r alone", "\r"],
  ])("counts %s line breaks inside quoted values, which read as \\n", (_name, nl) => {
    const text = `Email,Department${nl}a@x.co,"Research${nl}and${nl}Development"${nl}b@x.co,Sales${nl}`;
    expect(lines(text)).toEqual([
      [1, ["Email", "Department"]],
      [2, ["a@x.co", "Research\nand\nDevelopment"]],
      [5, ["b@x.co", "Sales"]],
    ]);
  });

  it("gives each issue of a CR-only file its exact line and row", () => {
    const text = ["Email,Role", "a@x.co,ADMIN,extra", "", 'b@x.co,"USER', "c@x.co,USER"].join("\r");
    const read = readCsv(text, users, "saas_users");
    expect(read.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(read.issues.map((i) => [i.row, i.line, i.keyword, i.message])).toEqual([
      [1, 2, "ragged-row", "Line 2 has 3 values but the header has 2 columns"],
      [2, 4, "csv", 'Line 4: a quoted value is never closed (missing ")'],
    ]);
  });

  it("names the line of a header problem in a CR-only file below blank lines", () => {
    const read = readCsv("\r\rEmail,Shoe Size\ra@x.co,44\r", users, "saas_users");
    expect(read.issues.map((i) => [i.row, i.line, i.keyword])).toEqual([[0, 3, "unknown-column"]]);
    expect(read.rows).toEqual([{ line: 4, record: { emailId: "a@x.co" } }]);
  });
});

describe("readJsonRecords", () => {
  it.each([
    ["array", '[{"a":1},{"a":2}]', undefined],
    ["data", '{"data":[{"a":1},{"a":2}]}', undefined],
    ["ndjson", '{"a":1}\r\n\r\n{"a":2}\r\n', [1, 3]],
    ["ndjson", '{"a":1}\r\r{"a":2}\r', [1, 3]],
  ])("reads %s with source lines %j", (shape, text, lines) => {
    const read = readJsonRecords(text);
    expect(read).toMatchObject({ ok: true, shape, records: [{ a: 1 }, { a: 2 }] });
    expect(read.ok && read.lines).toEqual(lines);
  });

  it("reads a single object only when allowed (the extension's files)", () => {
    expect(readJsonRecords('{"a":1}', { allowObject: true })).toMatchObject({ ok: true, shape: "object" });
    expect(readJsonRecords('{"a":1}', { source: "request body" })).toEqual({
      ok: false,
      message: 'The body must be {"data":[...records]} or a JSON array of records',
    });
    expect(readJsonRecords('{"a":1}', { source: "file" })).toEqual({
      ok: false,
      message: 'The file must hold {"data":[...records]} or a JSON array of records',
    });
  });

  it("lists the members of a data document, for the Worker's stricter rule", () => {
    expect(readJsonRecords('{"data":[],"extra":1}')).toMatchObject({ ok: true, members: ["data", "extra"] });
  });

  it.each([
    ['[{"emailId":"a@b.co","__proto__":{"admin":true}}]', "__proto__"],
    ['{"data":[{"constructor":{"prototype":{}}}]}', "constructor"],
    ['[{"x":[{"\\u005f_proto__":1}]}]', "__proto__"],
  ])("refuses a forbidden key anywhere: %s", (text, key) => {
    expect(readJsonRecords(text, { source: "request body" })).toEqual({
      ok: false,
      message: `The key "${key}" is not allowed anywhere in a request body`,
    });
    expect(readJsonRecords(text, { source: "file" })).toEqual({
      ok: false,
      message: `The key "${key}" is not allowed anywhere in the file`,
    });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("names the NDJSON line of a forbidden key or broken JSON, whatever the line breaks", () => {
    expect(
      readJsonRecords('{"a":1}\r{"__proto__":1}\r', { format: "ndjson", source: "request body" }),
    ).toEqual({
      ok: false,
      message: 'NDJSON line 2: The key "__proto__" is not allowed anywhere in a request body',
    });
    const broken = readJsonRecords('{"a":1}\r\n{"a":\r\n', { format: "ndjson" });
    expect(broken.ok === false && broken.message).toMatch(/^NDJSON line 2: The file is not valid JSON: /);
  });

  it("refuses a record nested deeper than the limit, and takes the limit itself", () => {
    const nested = (levels: number) => `[{"a":1},{"x":${"[".repeat(levels)}1${"]".repeat(levels)}}]`;
    expect(readJsonRecords(nested(8))).toEqual({
      ok: false,
      message: "Record 2 (record 2) is nested deeper than 8 levels",
    });
    expect(readJsonRecords(nested(7))).toMatchObject({ ok: true });
    expect(readJsonRecords(nested(3), { limits: { maxNestingDepth: 3 } })).toEqual({
      ok: false,
      message: "Record 2 (record 2) is nested deeper than 3 levels",
    });
    expect(readJsonRecords('{"a":1}\n\n{"x":[[[[[[[[[1]]]]]]]]]}', { format: "ndjson" })).toEqual({
      ok: false,
      message: "Record 2 (line 3) is nested deeper than 8 levels",
    });
  });

  it("refuses absurd nesting without overflowing the stack", () => {
    const deep = `[{"a":${"[".repeat(200_000)}"proto"${"]".repeat(200_000)}}]`;
    expect(readJsonRecords(deep)).toEqual({
      ok: false,
      message: "Record 1 (record 1) is nested deeper than 8 levels",
    });
  });

  it("skips a BOM and refuses an empty document", () => {
    expect(readJsonRecords('\uFEFF[{"a":1}]')).toMatchObject({ ok: true, records: [{ a: 1 }] });
    expect(readJsonRecords("  \n")).toEqual({ ok: false, message: "The file is empty" });
  });
});
