// Reading files: encodings (BOM, UTF-16, invalid UTF-8 -> Windows-1252 offered), CSV delimiters,
// quoted newlines, ragged rows, duplicate headers, header-row detection, and JSON shapes.
import { describe, expect, it } from "vitest";
import { recordsOfJson } from "../../../extension/console/ValidateFile.tsx";
import { suggestMapping } from "../../../extension/mapping.ts";
import { decodeBytes } from "../../../extension/pipeline/parse/decode.ts";
import { detectHeaderRow } from "../../../extension/pipeline/parse/header-row.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";
import { jsonSource } from "../../../extension/pipeline/source.ts";
import { detectKind, readCsvCells, readJsonRecords } from "../../../schemas/index.ts";
import { csvSourceOf, rowsOf } from "./dataset-helpers.ts";

// The readers are the core's (test/schemas/readers.test.ts); here, as the extension's pipeline uses them.
const FILE = { source: "file", allowObject: true } as const;

const utf8 = (text: string) => new TextEncoder().encode(text);

function utf16(text: string, endian: "le" | "be"): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(endian === "le" ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const [hi, lo] = [c >> 8, c & 0xff];
    out.set(endian === "le" ? [lo, hi] : [hi, lo], 2 + i * 2);
  }
  return out;
}

describe("decodeBytes", () => {
  it("reads UTF-8 with and without a BOM", () => {
    expect(decodeBytes(utf8("Email\nzoë@x.co\n"))).toMatchObject({
      ok: true,
      text: "Email\nzoë@x.co\n",
      bom: false,
    });
    const withBom = decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("Email\n")]));
    expect(withBom).toEqual({ ok: true, text: "Email\n", encoding: "utf-8", bom: true });
  });

  it.each(["le", "be"] as const)("reads UTF-16 %s by its BOM", (endian) => {
    const decoded = decodeBytes(utf16("Email;Name\na@x.co;Zoë\n", endian));
    expect(decoded).toEqual({
      ok: true,
      text: "Email;Name\na@x.co;Zoë\n",
      encoding: `utf-16${endian}`,
      bom: true,
    });
  });

  it("offers Windows-1252 with a preview of the first bad line instead of guessing", () => {
    // "Müller" and "€" written by Excel in Windows-1252: 0xFC and 0x80 are not UTF-8.
    const bytes = new Uint8Array([
      ...utf8("Email,Last Name\na@x.co,Smith\nb@x.co,M"),
      0xfc,
      ...utf8("ller "),
      0x80,
      0x0a,
    ]);
    const decoded = decodeBytes(bytes);
    expect(decoded).toMatchObject({ ok: false, line: 3 });
    if (decoded.ok) throw new Error("expected a preview");
    expect(decoded.preview).toContainEqual({ line: 3, text: "b@x.co,Müller €" });
    const forced = decodeBytes(bytes, "windows-1252");
    expect(forced).toMatchObject({ ok: true, encoding: "windows-1252" });
    expect(forced.ok && forced.text.split("\n")[2]).toBe("b@x.co,Müller €");
  });
});

describe("reading CSV rows", () => {
  it.each([
    [",", "Email,Role\na@x.co,ADMIN\n"],
    [";", "Email;Role;Amount\na@x.co;ADMIN;12,50\n"],
    ["\t", "Email\tRole\na@x.co\tADMIN\n"],
    ["|", "Email|Role\na@x.co|ADMIN\n"],
  ])("sniffs the %j delimiter", (delimiter, text) => {
    const csv = readCsvCells(text);
    expect(csv.delimiter).toBe(delimiter);
    expect(csv.rows[1]?.cells.slice(0, 2)).toEqual(["a@x.co", "ADMIN"]);
  });

  it("keeps a decimal comma inside a ;-separated cell", () => {
    expect(readCsvCells("Email;Amount\na@x.co;12,50\n").rows[1]?.cells).toEqual(["a@x.co", "12,50"]);
  });

  it("keeps quoted newlines in one cell and counts source lines across them", () => {
    const csv = readCsvCells('Email,Department\na@x.co,"Research\nand Development"\n\nb@x.co,Sales\n');
    expect(csv.rows).toEqual([
      { line: 1, cells: ["Email", "Department"] },
      { line: 2, cells: ["a@x.co", "Research\nand Development"] },
      { line: 5, cells: ["b@x.co", "Sales"] },
    ]);
  });

  it("reports an unterminated quote with its line", () => {
    const text = 'Email,Department\na@x.co,"Sales\n';
    expect(readCsvCells(text).issues).toEqual([
      { line: 2, index: 1, message: 'Line 2: a quoted value is never closed (missing ")' },
    ]);
    expect(csvSourceOf(text).issues).toContainEqual({
      row: 1,
      line: 2,
      keyword: "csv",
      message: 'Line 2: a quoted value is never closed (missing ")',
    });
  });
});

describe("the CSV table under the header", () => {
  it("reports ragged rows with their row and line, keeping their cells", () => {
    const table = csvSourceOf("Email,Role\na@x.co,ADMIN,extra\nb@x.co\nc@x.co,USER\n");
    expect(rowsOf(table).map((r) => r.cells)).toEqual([
      ["a@x.co", "ADMIN", "extra"],
      ["b@x.co"],
      ["c@x.co", "USER"],
    ]);
    expect(table.issues).toEqual([
      { row: 1, line: 2, keyword: "ragged-row", message: "Line 2 has 3 values but the header has 2 columns" },
      { row: 2, line: 3, keyword: "ragged-row", message: "Line 3 has 1 values but the header has 2 columns" },
    ]);
  });

  it("gives duplicate headers distinct names and says so", () => {
    const table = csvSourceOf("Email,Name,email\na@x.co,Ann,b@x.co\n");
    expect(table.columns).toEqual(["Email", "Name", "email (2)"]);
    expect(table.issues).toEqual([
      expect.objectContaining({
        keyword: "duplicate-column",
        message: expect.stringContaining('repeats the header "email"'),
      }),
    ]);
  });

  it("finds the header below a title block, and lets the admin choose another row", () => {
    const text =
      "User export\nGenerated 2024-05-01,by admin@x.co\n\nEmail,First Name,Status\na@x.co,Ann,active\n";
    expect(detectHeaderRow(readCsvCells(text).rows)).toBe(2);
    const table = csvSourceOf(text);
    expect(table.headerRow).toBe(2);
    expect(table.headers).toEqual(["Email", "First Name", "Status"]);
    expect(rowsOf(table)).toEqual([{ line: 5, cells: ["a@x.co", "Ann", "active"] }]);
    expect(csvSourceOf(text, 0).headers).toEqual(["User export"]);
  });

  it("takes the first row when it already looks like a header", () => {
    expect(detectHeaderRow(readCsvCells("Email,Role\na@x.co,ADMIN\nb@x.co,USER\n").rows)).toBe(0);
  });
});

describe("JSON sources", () => {
  it.each([
    ["array", '[{"emailId":"a@x.co"},{"emailId":"b@x.co","role":"ADMIN"}]', 2],
    ["data", '{"data":[{"emailId":"a@x.co"}]}', 1],
    ["object", '{"emailId":"a@x.co","role":"USER"}', 1],
    ["ndjson", '{"emailId":"a@x.co"}\n\n{"emailId":"b@x.co"}\n', 2],
  ])("reads %s", (shape, text, count) => {
    const parsed = readJsonRecords(text, FILE);
    expect(parsed).toMatchObject({ ok: true, shape });
    expect(parsed.ok && parsed.records).toHaveLength(count);
  });

  it("keeps NDJSON source lines, and refuses a broken line as the Worker does", () => {
    const parsed = readJsonRecords('{"emailId":"a@x.co"}\n\n{"emailId":"b@x.co"}\n', FILE);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(rowsOf(jsonSource(parsed)).map((r) => r.line)).toEqual([1, 3]);
    expect(parsed.lines).toEqual([1, 3]);
    expect(readJsonRecords('{"emailId":"a@x.co"}\n{oops\n{"emailId":"b@x.co"}\n', FILE)).toEqual({
      ok: false,
      message: expect.stringMatching(/^NDJSON line 2: The file is not valid JSON: /),
    });
  });

  it("spreads records over the union of their keys and keeps non-objects for validation", () => {
    const parsed = readJsonRecords('[{"emailId":"a@x.co","mfa":true},{"role":"USER"},42]', FILE);
    if (!parsed.ok) throw new Error(parsed.message);
    const table = jsonSource(parsed);
    expect(table.columns).toEqual(["emailId", "mfa", "role"]);
    expect(rowsOf(table).map((r) => r.cells)).toEqual([
      ["a@x.co", true, undefined],
      [undefined, undefined, "USER"],
      [],
    ]);
    expect(table.row(2).notObject).toBe(42);
  });

  it("rejects broken JSON with a message", () => {
    expect(readJsonRecords('[{"a":1},', FILE)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it("tells JSON from CSV by name, then by content", () => {
    expect(detectKind("users.ndjson", "")).toBe("json");
    expect(detectKind("users.csv", "[x]")).toBe("csv");
    expect(detectKind("export", ' [{"a":1}]')).toBe("json");
    expect(detectKind("export", "Email,Role")).toBe("csv");
  });
});

describe("the console's dry run", () => {
  it("refuses a JSON file the Worker would refuse, with its words", () => {
    expect(() => recordsOfJson('[{"emailId":"a@x.co","__proto__":{}}]')).toThrow(
      'The key "__proto__" is not allowed anywhere in the file',
    );
    expect(recordsOfJson('{"emailId":"a@x.co"}\r{"emailId":"b@x.co"}\r')).toHaveLength(2);
  });
});

describe("the pipeline's JSON rules are the Worker's", () => {
  it.each([
    ['[{"emailId":"a@x.co","x":[[[[[[[[1]]]]]]]]}]', "Record 1 (record 1) is nested deeper than 8 levels"],
    [
      '{"emailId":"a@x.co"}\n{"emailId":"b@x.co","x":[[[[[[[[[]]]]]]]]]}',
      "Record 2 (line 2) is nested deeper than 8 levels",
    ],
    ['[{"emailId":"a@x.co","constructor":1}]', 'The key "constructor" is not allowed anywhere in the file'],
  ])("refuses %s", async (text, message) => {
    expect(await new Pipeline().inspect(new Blob([text]), { fileName: "u.json" })).toEqual({
      status: "error",
      message,
    });
  });

  it("applies the announced nesting depth", async () => {
    const bytes = new Blob(['[{"emailId":"a@x.co","x":[[1]]}]']);
    expect(
      await new Pipeline().inspect(bytes, { fileName: "u.json", limits: { maxNestingDepth: 2 } }),
    ).toEqual({
      status: "error",
      message: "Record 1 (record 1) is nested deeper than 2 levels",
    });
    expect(await new Pipeline().inspect(bytes, { fileName: "u.json" })).toMatchObject({ status: "ready" });
  });
});

describe("the pipeline's streaming read", () => {
  it("reads a CSV as the core's reader does, and suggests the mapping from its first rows", async () => {
    const text = `Title line\nEmail,Status\n${Array.from({ length: 1200 }, (_, i) => `u${i}@x.co,${i % 2 ? "ACTIVE" : "active"}`).join("\n")}\nlast@x.co,ACTIVE,extra\n`;
    const pipeline = new Pipeline();
    const file = new Blob([text]);
    const inspection = await pipeline.inspect(file, { fileName: "u.csv" });
    // The core's reading of the whole text: a title, the header, 1,201 rows (the last ragged).
    const rows = readCsvCells(text).rows;
    const headers = rows[1]?.cells ?? [];
    expect(inspection).toMatchObject({
      status: "ready",
      headerRow: 1,
      headers,
      columns: ["Email", "Status"],
      rowCount: rows.length - 2,
      issues: [
        {
          row: 1201,
          line: 1203,
          keyword: "ragged-row",
          message: "Line 1203 has 3 values but the header has 2 columns",
        },
      ],
      issueCount: 1,
      samples: [
        ["u0@x.co", "u1@x.co", "u2@x.co"],
        ["active", "ACTIVE", "active"],
      ],
      distinct: [expect.any(Array), ["active", "ACTIVE"]],
    });
    if (inspection.status !== "ready") throw new Error(inspection.status);
    // The first rows stay in the pipeline: the page gets the suggestions, not 1,000 rows of text.
    expect(inspection).not.toHaveProperty("rows");
    expect(inspection.looksHeaderless).toBe(false);
    const firstRows = rows.slice(2, 1002).map((r) => r.cells);
    const history = [{ header: "Status", field: "userStatus" }];
    expect(pipeline.suggest("saas_users", history)).toEqual(
      suggestMapping({ headers, rows: firstRows, context: "saas_users", history }),
    );
    expect(pipeline.suggest("saas_users")[0]).toMatchObject({ field: "emailId", auto: true });
    expect(await pipeline.columnValues(1, 3)).toEqual(["active", "ACTIVE", "active"]);
    // another header row re-reads nothing
    const again = await pipeline.inspect(file, { fileName: "u.csv", headerRow: 0 });
    expect(again).toMatchObject({ status: "ready", headers: ["Title line"], rowCount: 1202 });
  });

  it("offers Windows-1252 for a file that is not UTF-8, with the line of the first bad byte", async () => {
    const bytes = new Uint8Array([...utf8("Email,Name\na@x.co,x\nb@x.co,M"), 0xfc, 0x6c, 0x0a]);
    expect(await new Pipeline().inspect(new Blob([bytes]), { fileName: "u.csv" })).toMatchObject({
      status: "needs-encoding",
      line: 3,
    });
    expect(
      await new Pipeline().inspect(new Blob([bytes]), { fileName: "u.csv", encoding: "windows-1252" }),
    ).toMatchObject({
      status: "ready",
      samples: [
        ["a@x.co", "b@x.co"],
        ["x", "Mül"],
      ],
    });
  });

  it("judges a first row of data as no header, from the rows it holds", async () => {
    const text = `a@x.co,2024-01-02\n${Array.from({ length: 20 }, (_, i) => `u${i}@x.co,2024-02-${10 + i}`).join("\n")}\n`;
    const pipeline = new Pipeline();
    const file = new Blob([text]);
    expect(await pipeline.inspect(file, { fileName: "u.csv", headerRow: 0 })).toMatchObject({
      headers: ["a@x.co", "2024-01-02"],
      looksHeaderless: true,
    });
    expect(await pipeline.inspect(file, { fileName: "u.csv", headerRow: -1 })).toMatchObject({
      headers: ["Column 1", "Column 2"],
      looksHeaderless: true,
    });
    const titled = new Blob([`Email,Created\n${text}`]);
    expect(await pipeline.inspect(titled, { fileName: "u.csv" })).toMatchObject({ looksHeaderless: false });
  });
});
