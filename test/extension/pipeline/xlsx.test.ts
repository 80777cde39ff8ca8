// Excel workbooks through the pipeline: a workbook built here with SheetJS (a title row, a merged
// header, Excel dates, a formula with its cached value, two sheets) read, mapped and validated;
// dates reach each field in its own form (DDMMYYYY, ISO date-time). Then the streaming .xlsx
// reader on workbooks whose XML is written here (test/fixtures/xlsx/): shared, inline and
// rich-text strings, entities, custom date formats, the 1904 date system, merged cells, errors,
// sparse cells, a stored entry, broken archives; the conformance corpus, each case against the
// value Excel shows and, where SheetJS reads it right, against SheetJS; a workbook declaring the
// whole grid; and the XML scanner fed a byte at a time, in UTF-8 and UTF-16.
import { constants, deflateRawSync } from "node:zlib";
import * as XLSX from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import {
  elapsedFormat,
  elapsedText,
  isDateFormat,
  serialToIso,
} from "../../../extension/pipeline/parse/excel-numbers.ts";
import { InflateError, Inflater } from "../../../extension/pipeline/parse/inflate.ts";
import {
  WORKBOOK_EMPTY,
  WORKBOOK_OUTSIDE_GRID,
  WORKBOOK_UNREADABLE,
} from "../../../extension/pipeline/parse/sheet.ts";
import { dateInFieldForm, isWorkbook, readWorkbook } from "../../../extension/pipeline/parse/xlsx.ts";
import { type XmlHandler, XmlScanner } from "../../../extension/pipeline/parse/xml-scan.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";
import { utf16, wholeGridWorkbook, xlsx, zip } from "../../fixtures/xlsx/build.ts";
import { CORPUS } from "../../fixtures/xlsx/corpus.ts";

const DATE = "yyyy-mm-dd";

/** 2024-01-31 and 2023-12-05 10:30 as Excel serials (1900 date system). */
const JAN31 = 45_322;
const DEC05_1030 = 45_265 + 10.5 / 24;

function workbook(): File {
  const ws: XLSX.WorkSheet = {};
  const set = (addr: string, cell: XLSX.CellObject) => {
    ws[addr] = cell;
  };
  set("A1", { t: "s", v: "Users export (June)" });
  // Row 2: "Name" merged over two columns (first and last name): each column gets a name.
  set("A2", { t: "s", v: "Email" });
  set("B2", { t: "s", v: "Name" });
  set("D2", { t: "s", v: "Created on" });
  set("E2", { t: "s", v: "Hired" });
  set("F2", { t: "s", v: "Seats" });
  set("A3", { t: "s", v: "ann@example.com" });
  set("B3", { t: "s", v: "Ann" });
  set("C3", { t: "s", v: "Lee" });
  set("D3", { t: "n", v: JAN31, z: DATE });
  set("E3", { t: "n", v: DEC05_1030, z: "yyyy-mm-dd hh:mm" });
  set("F3", { t: "n", v: 6, f: "2*3" });
  set("A4", { t: "s", v: "bob@example.com" });
  set("B4", { t: "s", v: "Bob" });
  set("C4", { t: "s", v: "Ray" });
  set("D4", { t: "n", v: JAN31 + 1, z: DATE });
  set("E4", { t: "n", v: JAN31, z: DATE });
  set("F4", { t: "n", v: 12, f: "F3*2" });
  ws["!ref"] = "A1:F4";
  ws["!merges"] = [{ s: { r: 1, c: 1 }, e: { r: 1, c: 2 } }];
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([["Notes"], ["nothing here"]]), "Read me");
  XLSX.utils.book_append_sheet(book, ws, "Users");
  const bytes = XLSX.write(book, { type: "array", bookType: "xlsx" }) as ArrayBuffer;
  return new File([bytes], "users.xlsx");
}

describe("Excel workbooks", () => {
  it("lists the sheets, reads the chosen one with its header row, merged header and cached formula values", async () => {
    const pipeline = new Pipeline();
    const file = workbook();
    const first = await pipeline.inspect(file, { fileName: file.name });
    expect(first.status === "ready" && first.sheets).toEqual(["Read me", "Users"]);
    // It opens on the sheet with the data, not on the "Read me" in front of it (issue 27).
    expect(first.status === "ready" && first.sheet).toBe("Users");

    const users = await pipeline.inspect(file, { fileName: file.name, sheet: "Users" });
    if (users.status !== "ready") throw new Error(JSON.stringify(users));
    expect(users.sheet).toBe("Users");
    // The title row is skipped by the same detection as a CSV's; the merged "Name" names both columns.
    expect(users.headerRow).toBe(1);
    expect(users.headers).toEqual(["Email", "Name", "Name (2)", "Created on", "Hired", "Seats"]);
    expect(users.rowCount).toBe(2);
    expect(await pipeline.columnValues(5, 10)).toEqual(["6", "12"]);
    expect(await pipeline.columnValues(3, 10)).toEqual(["2024-01-31", "2024-02-01"]);
    expect(await pipeline.columnValues(4, 10)).toEqual(["2023-12-05T10:30:00Z", "2024-01-31"]);

    // Read again without naming the sheet (as the flow does when the header row changes): same sheet.
    const again = await pipeline.inspect(file, { fileName: file.name, headerRow: 1 });
    expect(again.status === "ready" && again.sheet).toBe("Users");
  });

  it("converts Excel dates to the mapped field's form when the rows are validated", async () => {
    const pipeline = new Pipeline();
    const file = workbook();
    await pipeline.inspect(file, { fileName: file.name, sheet: "Users" });
    pipeline.validate("saas_users", {
      columns: ["emailId", "firstName", "lastName", "createdOn", null, null],
      constants: {},
      valueMaps: {},
    });
    const users = JSON.parse(await pipeline.download("json").text()).data;
    expect(users.map((u: { createdOn: string }) => u.createdOn)).toEqual(["31012024", "01022024"]);

    pipeline.validate("list_employees", {
      columns: ["email", "first_name", "id", null, "hiring_date", null],
      constants: {},
      valueMaps: {},
    });
    const employees = JSON.parse(await pipeline.download("json").text()).data;
    expect(employees.map((e: { hiring_date: string }) => e.hiring_date)).toEqual([
      "2023-12-05T10:30:00Z",
      "2024-01-31T00:00:00Z",
    ]);
  });

  it("recognises workbooks by name or by their first bytes, and refuses a broken one clearly", async () => {
    expect(isWorkbook("a.xlsx", new Uint8Array())).toBe(true);
    expect(isWorkbook("export", new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe(true);
    expect(isWorkbook("users.csv", new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe(false);
    expect(isWorkbook("export", new TextEncoder().encode("email,name"))).toBe(false);
    const broken = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])], "broken.xlsx");
    await expect(new Pipeline().inspect(broken, { fileName: broken.name })).rejects.toThrow(
      WORKBOOK_UNREADABLE,
    );
  });

  it("writes serial dates as ISO text and puts them in each date format", () => {
    expect(serialToIso(JAN31)).toBe("2024-01-31");
    expect(serialToIso(DEC05_1030)).toBe("2023-12-05T10:30:00Z");
    expect(serialToIso(0.75)).toBe("18:00:00");
    expect(serialToIso(JAN31 - 1462, true)).toBe("2024-01-31");
    expect(dateInFieldForm("2024-01-31", "ddmmyyyy")).toBe("31012024");
    expect(dateInFieldForm("2024-01-31", "date-time")).toBe("2024-01-31T00:00:00Z");
    expect(dateInFieldForm("2023-12-05T10:30:00Z", "date")).toBe("2023-12-05");
    expect(dateInFieldForm("2023-12-05T10:30:00Z", undefined)).toBe("2023-12-05T10:30:00Z");
    expect(dateInFieldForm("not a date", "ddmmyyyy")).toBe("not a date");
  });

  it("X7: counts serials 1-60 as Excel does (its 29 February 1900 included), and the 1904 system from its own start", () => {
    expect(serialToIso(1)).toBe("1900-01-01");
    expect(serialToIso(31)).toBe("1900-01-31");
    expect(serialToIso(59)).toBe("1900-02-28");
    expect(serialToIso(60)).toBe("1900-02-29");
    expect(serialToIso(60.25)).toBe("1900-02-29T06:00:00Z");
    expect(serialToIso(61)).toBe("1900-03-01");
    expect(serialToIso(59.999999)).toBe("1900-02-29");
    expect(serialToIso(1, true)).toBe("1904-01-02");
    expect(serialToIso(60, true)).toBe("1904-03-01");
    expect(serialToIso(45_322.000_004)).toBe("2024-01-31");
  });

  it("X7: shows elapsed times ([h]:mm:ss, [mm]:ss, [s]) as durations, as Excel does, never as dates", () => {
    const day = 97_810 / 86_400; // 27:10:10
    const shown = (code: string, serial: number) => {
      const format = elapsedFormat(code);
      if (!format) throw new Error(`${code} is not an elapsed format`);
      return elapsedText(serial, format);
    };
    expect(shown("[h]:mm:ss", day)).toBe("27:10:10");
    expect(shown("[hh]:mm", 0.25)).toBe("06:00");
    expect(shown("[mm]:ss", day)).toBe("1630:10");
    expect(shown("[ss]", day)).toBe("97810");
    expect(shown('[h]" h "mm" min"', day)).toBe("27 h 10 min");
    expect(shown("[h]:mm:ss.00", 1.5 / 86_400)).toBe("0:00:01.50");
    expect(shown("[h]:mm:ss;@", -day)).toBe("-27:10:10");
    expect(shown("[Red][h]:mm", day)).toBe("27:10");
    expect(elapsedFormat("hh:mm:ss")).toBeUndefined();
    expect(elapsedFormat('"[h]" 0')).toBeUndefined();
    expect(isDateFormat("[mm]:ss")).toBe(false);
    expect(isDateFormat("[$-409]h:mm AM/PM")).toBe(true);
  });
});

/** A sheet of one row holding `cells`. */
const one = (cells: string) => `<sheetData><row r="1">${cells}</row></sheetData>`;

async function rows(bytes: Uint8Array, sheet?: string) {
  const read = await readWorkbook(bytes, sheet);
  const out: { line: number; cells: string[] }[] = [];
  for (let r = 0; r < read.store.count; r++)
    out.push({ line: read.store.line(r), cells: read.store.cells(r) });
  return { ...read, rows: out };
}

describe("Reading an .xlsx as a stream", () => {
  it("reads shared, inline and rich-text strings, entities, booleans, errors and cached formula values", async () => {
    const book = xlsx({
      strings: [
        "<si><t>Email</t></si>",
        '<si><r><rPr><b/></rPr><t>Full</t></r><r><t xml:space="preserve"> name</t></r></si>',
        "<si><t>Tom &amp; Jerry &lt;tj@example.com&gt; &quot;TJ&quot; &apos;x&apos; &#233;&#xE9;</t></si>",
        '<si><t>Kanji</t><rPh sb="0" eb="1"><t>KANA</t></rPh></si>',
        "<si><t>line_x000D_break</t></si>",
      ],
      sheets: {
        People: `<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Admin</t></is></c><c r="D1" t="inlineStr"><is><r><t>Sea</t></r><r><t>ts</t></r></is></c><c r="E1" t="str"><v>Total</v></c><c r="F1" t="inlineStr"><is><t>Check</t></is></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c><c r="C2" t="b"><v>1</v></c><c r="D2"><v>3</v></c><c r="E2"><f>D2*2</f><v>6</v></c><c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C3" t="b"><v>0</v></c><c r="D3"><v>1.5E-3</v></c><c r="E3" t="inlineStr"><is><t>  padded  </t></is></c><c r="F3" t="e"><v>#N/A</v></c></row>
</sheetData>`,
      },
    });
    const read = await rows(book);
    expect(read.sheets).toEqual(["People"]);
    expect(read.dateColumns).toEqual([]);
    expect(read.rows).toEqual([
      { line: 1, cells: ["Email", "Full name", "Admin", "Seats", "Total", "Check"] },
      { line: 2, cells: [`Tom & Jerry <tj@example.com> "TJ" 'x' éé`, "Kanji", "TRUE", "3", "6", "#DIV/0!"] },
      { line: 3, cells: ["line\nbreak", "xy", "FALSE", "0.0015", "padded", "#N/A"] },
    ]);
  });

  it("places sparse cells by their reference, skips empty rows and gives every row the sheet's width", async () => {
    const read = await rows(
      xlsx({
        sheets: {
          Sparse: `<dimension ref="A1:E9"/><sheetData>
<row r="2"><c r="B2" t="inlineStr"><is><t>b</t></is></c><c r="D2"><v>4</v></c></row>
<row r="4" spans="1:5"><c r="A4" s="0"/><c r="C4" t="inlineStr"><is><t>c</t></is></c></row>
<row r="5"><c r="A5" s="0"/></row>
<row><c t="inlineStr"><is><t>next</t></is></c><c><v>7</v></c><c r="E6"><v>9</v></c></row>
</sheetData>`,
        },
      }),
    );
    expect(read.rows).toEqual([
      { line: 2, cells: ["", "b", "", "4", ""] },
      { line: 4, cells: ["", "", "c", "", ""] },
      { line: 6, cells: ["next", "7", "", "", "9"] },
    ]);
  });

  it("writes dates from built-in and custom date formats, in the 1900 and 1904 systems, and leaves other numbers", async () => {
    const styles = `<numFmts count="3"><numFmt numFmtId="164" formatCode="[$-409]d\\-mmm\\-yyyy;@"/><numFmt numFmtId="165" formatCode="&quot;Day &quot;0.00"/><numFmt numFmtId="166" formatCode="[Red]#,##0;[Blue]\\-#,##0"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/></cellXfs>`;
    const sheet = `<sheetData><row r="1"><c r="A1" s="1"><v>45322</v></c><c r="B1" s="2"><v>45323</v></c><c r="C1" s="3"><v>45322</v></c><c r="D1" s="4"><v>45322</v></c><c r="E1" s="5"><v>45265.4375</v></c><c r="F1" s="0"><v>45322</v></c></row></sheetData>`;
    const read1900 = await rows(xlsx({ styles, sheets: { Dates: sheet } }));
    expect(read1900.rows[0]?.cells).toEqual([
      "2024-01-31",
      "2024-02-01",
      "45322",
      "45322",
      "2023-12-05T10:30:00Z",
      "45322",
    ]);
    expect(read1900.dateColumns.sort()).toEqual([0, 1, 4]);
    const read1904 = await rows(xlsx({ styles, sheets: { Dates: sheet }, date1904: true }));
    expect(read1904.rows[0]?.cells.slice(0, 2)).toEqual(["2028-02-01", "2028-02-02"]);

    expect(isDateFormat("yyyy-mm-dd hh:mm")).toBe(true);
    expect(isDateFormat("[h]:mm:ss")).toBe(false);
    expect(isDateFormat('"Days: "0')).toBe(false);
    expect(isDateFormat("[Red]0.00")).toBe(false);
    expect(isDateFormat("\\d0")).toBe(false);
    expect(isDateFormat("General")).toBe(false);
  });

  it("fills merged cells across their range (making no row of their own), names each column under a merged header, and reads a stored entry", async () => {
    const read = await rows(
      xlsx({
        strings: ["<si><t>Name</t></si>", "<si><t>Team</t></si>"],
        stored: ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"],
        sheets: {
          Teams: `<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"/><c r="C1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>Ann</t></is></c><c r="B2" t="inlineStr"><is><t>Lee</t></is></c><c r="C2" t="inlineStr"><is><t>Red</t></is></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>Bob</t></is></c><c r="B3" t="inlineStr"><is><t>Ray</t></is></c></row>
</sheetData><mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C2:C4"/></mergeCells>`,
        },
      }),
    );
    expect(read.rows).toEqual([
      { line: 1, cells: ["Name", "Name (2)", "Team"] },
      { line: 2, cells: ["Ann", "Lee", "Red"] },
      { line: 3, cells: ["Bob", "Ray", "Red"] },
    ]);
  });

  it("lists only the sheets with data and picks the one asked for", async () => {
    const book = xlsx({
      sheets: {
        Cover: "<sheetData/>",
        Blank: '<sheetData><row r="1"><c r="A1" s="0"/></row></sheetData>',
        Data: '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>',
        More: '<sheetData><row r="3"><c r="B3" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
      },
    });
    const first = await rows(book);
    expect(first.sheets).toEqual(["Data", "More"]);
    // Unless one is asked for, the sheet holding the most (its XML part's size) is read.
    expect(first.sheet).toBe("More");
    const data = await rows(book, "Data");
    expect(data.rows).toEqual([{ line: 1, cells: ["1"] }]);
    const more = await rows(book, "More");
    expect(more.rows).toEqual([{ line: 3, cells: ["", "x"] }]);
    expect((await rows(book, "Cover")).sheet).toBe("More");
    await expect(readWorkbook(xlsx({ sheets: { Cover: "<sheetData/>" } }))).rejects.toThrow(WORKBOOK_EMPTY);
  });

  it("refuses a cut-off archive, corrupt compressed data and a missing workbook part with the workbook message", async () => {
    const good = xlsx({ sheets: { A: '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' } });
    await expect(readWorkbook(good.slice(0, good.length - 30))).rejects.toThrow(WORKBOOK_UNREADABLE);
    // The sheet's deflated bytes overwritten with garbage (the directory still points at them).
    const corrupt = xlsx({
      sheets: { A: `<sheetData>${"<row><c><v>1</v></c></row>".repeat(200)}</sheetData>` },
    });
    const name = new TextEncoder().encode("xl/worksheets/sheet1.xml");
    const at = corrupt.findIndex((_, i) => name.every((b, k) => corrupt[i + k] === b));
    corrupt.fill(0xff, at + name.length, at + name.length + 40);
    await expect(readWorkbook(corrupt)).rejects.toThrow(WORKBOOK_UNREADABLE);
    await expect(readWorkbook(zip({ "docProps/app.xml": "<Properties/>" }))).rejects.toThrow(
      WORKBOOK_UNREADABLE,
    );
  });

  it("reads a ZIP64 archive", async () => {
    const read = await rows(
      xlsx({
        zip64: true,
        sheets: {
          Big: '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>zip64</t></is></c></row></sheetData>',
        },
      }),
    );
    expect(read.rows).toEqual([{ line: 1, cells: ["zip64"] }]);
  });

  it("still reads a legacy .xls (through SheetJS)", async () => {
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([
        ["Email", "Seats"],
        ["ann@example.com", 3],
      ]),
      "Old",
    );
    const bytes = new Uint8Array(XLSX.write(book, { type: "array", bookType: "biff8" }) as ArrayBuffer);
    expect(isWorkbook("export", bytes.slice(0, 8))).toBe(true);
    const read = await rows(bytes);
    expect(read.sheets).toEqual(["Old"]);
    expect(read.rows.map((r) => r.cells)).toEqual([
      ["Email", "Seats"],
      ["ann@example.com", "3"],
    ]);
  });
});

describe("The XML scanner", () => {
  it("reads tags, attributes and text cut anywhere between chunks", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment with <tags> inside --><x:root xmlns:x="urn:x"><x:item id="1" note='a > b &amp; "c"'>café &lt;ok&gt; &#x1F600;</x:item><![CDATA[raw <b>&amp;</b>]]><empty flag="y"/><item id="2">ünïcode</item></x:root>`;
    const bytes = new TextEncoder().encode(xml);
    const events: string[] = [];
    const handler: XmlHandler = {
      wantsText: true,
      open(name, scan) {
        events.push(
          `<${name} id=${scan.attribute("id")} note=${scan.attribute("note")} flag=${scan.attribute("flag")}>`,
        );
      },
      close(name) {
        events.push(`</${name}>`);
      },
      text(value) {
        events.push(value);
      },
    };
    const whole = new XmlScanner(handler);
    whole.push(bytes);
    whole.end();
    const once = events.splice(0);
    expect(once).toEqual([
      "\n",
      "<root id=undefined note=undefined flag=undefined>",
      '<item id=1 note=a > b & "c" flag=undefined>',
      "café <ok> 😀",
      "</item>",
      "raw <b>&amp;</b>",
      "<empty id=undefined note=undefined flag=y>",
      "</empty>",
      "<item id=2 note=undefined flag=undefined>",
      "ünïcode",
      "</item>",
      "</root>",
    ]);
    // A byte at a time: tags, attribute values, entities and UTF-8 characters all split.
    const split = new XmlScanner(handler);
    for (let i = 0; i < bytes.length; i++) split.push(bytes.subarray(i, i + 1));
    split.end();
    expect(events).toEqual(once);
    // A document cut inside a tag is refused.
    const cut = new XmlScanner(handler);
    cut.push(bytes.subarray(0, 80));
    expect(() => cut.end()).toThrow("The XML ends inside a tag");
  });
});

/** What a handler hears from `bytes` fed `size` bytes at a time: texts, and tags with their `id`. */
function scanned(bytes: Uint8Array, size: number): string[] {
  const events: string[] = [];
  const scanner = new XmlScanner({
    wantsText: true,
    open: (name, scan) => events.push(`<${name} id=${scan.attribute("id")}>`),
    close: (name) => events.push(`</${name}>`),
    text: (value) => events.push(value),
  });
  for (let at = 0; at < bytes.length; at += size) scanner.push(bytes.subarray(at, at + size));
  scanner.end();
  // Texts cut between chunks come in pieces: joined, as a handler joins them.
  return events.reduce<string[]>((out, e) => {
    if (!e.startsWith("<") && out.length > 0 && !(out.at(-1) as string).startsWith("<"))
      out.push(`${out.pop()}${e}`);
    else out.push(e);
    return out;
  }, []);
}

describe("The XML scanner's text", () => {
  it("X4: reads a line end in text (CR LF or a lone CR) as \\n, keeping a CR written as a reference", () => {
    const xml = '<t id="a\r\nb">one\r\ntwo\rthree\nfour&#13;&#xD;\r\n</t><![CDATA[x\r\ny]]>';
    const bytes = new TextEncoder().encode(xml);
    for (const size of [1, 2, 5, bytes.length])
      expect(scanned(bytes, size)).toEqual(["<t id=a\nb>", "one\ntwo\nthree\nfour\r\r\n", "</t>", "x\ny"]);
  });

  it("X5: reads parts in UTF-16 (by byte order mark, either byte order, or by their first bytes) and declared encodings", () => {
    const xml = '<?xml version="1.0" encoding="UTF-16"?><si id="é">Zoë 東京 😀</si>';
    const expected = ["<si id=é>", "Zoë 東京 😀", "</si>"];
    const cases: [Uint8Array, string[]][] = [
      [utf16(xml), expected],
      [utf16(xml, { bigEndian: true }), expected],
      [utf16(xml, { bom: false }), expected],
      [utf16(xml, { bigEndian: true, bom: false }), expected],
      [
        new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(xml.replace("UTF-16", "UTF-8"))]),
        expected,
      ],
      // A declaration claiming UTF-16 over bytes that are not: read as they are.
      [new TextEncoder().encode(xml), expected],
      [
        new Uint8Array([
          ...new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><si id="'),
          0xe9,
          ...new TextEncoder().encode('">Zo'),
          0xeb,
          ...new TextEncoder().encode("</si>"),
        ]),
        ["<si id=é>", "Zoë", "</si>"],
      ],
    ];
    for (const [bytes, want] of cases)
      for (const size of [1, 3, 7, bytes.length])
        expect(scanned(bytes, size), `${bytes.slice(0, 4)} by ${size}`).toEqual(want);
  });
});

describe("Inflating", () => {
  const text = new TextEncoder().encode(
    Array.from(
      { length: 3000 },
      (_, i) => `<row r="${i}"><c t="str"><v>user${(i * 7919) % 500}@example.com</v></c></row>`,
    ).join(""),
  );
  const noise = new Uint8Array(70_000).map((_, i) => (i * 2_654_435_761) >>> 24);
  const sample = new Uint8Array([...noise.subarray(0, 1000), ...text, ...noise, ...text]);

  function inflate(compressed: Uint8Array, piece: number): Uint8Array {
    const parts: Uint8Array[] = [];
    const inflater = new Inflater((bytes) => parts.push(bytes.slice()));
    for (let at = 0; at < compressed.length || at === 0; at += piece)
      inflater.push(compressed.subarray(at, at + piece), at + piece >= compressed.length);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  it("gives back what zlib compressed, with stored, fixed and dynamic blocks, fed in pieces of any size", () => {
    for (const options of [
      {},
      { level: 0 },
      { level: 1 },
      { strategy: constants.Z_FIXED },
      { strategy: constants.Z_RLE },
    ]) {
      const compressed = new Uint8Array(deflateRawSync(sample, options));
      for (const piece of [13, 4096, compressed.length])
        expect(Buffer.from(inflate(compressed, piece)).equals(sample)).toBe(true);
    }
    expect(inflate(new Uint8Array(deflateRawSync(new Uint8Array(0))), 1)).toEqual(new Uint8Array(0));
  });

  it("refuses cut-off and corrupt data", () => {
    const compressed = new Uint8Array(deflateRawSync(sample));
    expect(() => inflate(compressed.subarray(0, compressed.length - 10), 4096)).toThrow(InflateError);
    expect(() => inflate(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 4)).toThrow(InflateError);
  });
});

describe("The conformance corpus (test/fixtures/xlsx/corpus.ts)", () => {
  it.each(CORPUS.map((c) => [c.name, c] as const))("%s: reads what Excel shows", async (_, c) => {
    const read = await rows(c.bytes);
    expect({ sheet: read.sheet, sheets: read.sheets, rows: read.rows }).toEqual({
      sheet: c.sheet,
      sheets: c.sheets,
      rows: c.rows,
    });
  });

  /** A sheet's rows as SheetJS reads them, in the reader's form (dates by SheetJS's own date code). */
  function sheetJsRows(bytes: Uint8Array, sheet: string) {
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    const book = XLSX.read(bytes, { type: "array", dense: true, cellNF: true });
    const date1904 = Boolean(book.Workbook?.WBProps?.date1904);
    const ws = book.Sheets[sheet] as XLSX.WorkSheet;
    const data = (ws as { "!data"?: (XLSX.CellObject | undefined)[][] })["!data"] ?? [];
    const text = (cell: XLSX.CellObject | undefined): string => {
      if (!cell || cell.v === undefined) return "";
      if (cell.t === "b") return cell.v ? "TRUE" : "FALSE";
      if (cell.t !== "n" || typeof cell.z !== "string") return String(cell.v).trim();
      if (/\[[hms]+\]/i.test(cell.z)) return XLSX.SSF.format(cell.z, cell.v);
      if (!XLSX.SSF.is_date(cell.z)) return String(cell.v);
      const d = XLSX.SSF.parse_date_code(cell.v as number, { date1904 });
      const date = `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
      return d.H || d.M || d.S ? `${date}T${pad(d.H)}:${pad(d.M)}:${pad(d.S)}Z` : date;
    };
    const out: { line: number; cells: string[] }[] = [];
    data.forEach((row, r) => {
      const cells = Array.from(row ?? [], text);
      while (cells.at(-1) === "") cells.pop();
      if (cells.length > 0) out.push({ line: r + 1, cells });
    });
    const width = Math.max(0, ...out.map((row) => row.cells.length));
    for (const row of out) while (row.cells.length < width) row.cells.push("");
    return out;
  }

  it.each(CORPUS.filter((c) => c.sheetJs === true).map((c) => [c.name, c] as const))(
    "%s: SheetJS reads the same",
    (_, c) => {
      expect(sheetJsRows(c.bytes, c.sheet)).toEqual(c.rows);
    },
  );
});

describe("Sizes a workbook declares", () => {
  it("M1: reads a workbook declaring A1:XFD1048576 with one row, its storage grown from the cells read", async () => {
    const bytes = wholeGridWorkbook();
    const read = await readWorkbook(bytes);
    expect(read.store.count).toBe(1);
    expect(read.store.width(0)).toBe(16_384);
    expect(read.store.cell(0, 16_383)).toBe("3");
    // 16,384 columns of one cell each: some 100 bytes a column, where 2 MB each (32 GB) were reserved.
    expect(read.store.allocatedBytes).toBeLessThan(4 * 1024 * 1024);
  });

  it("M1: refuses a cell, a row or a merged range beyond Excel's grid with a clear message", async () => {
    for (const sheet of [
      one('<c r="XFE1"><v>1</v></c>'),
      '<sheetData><row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>',
      `${one('<c r="A1"><v>1</v></c>')}<mergeCells count="1"><mergeCell ref="A1:A2000000"/></mergeCells>`,
      one('<c r="ZZZZZZZZZZZZ1"><v>1</v></c>'),
    ])
      await expect(readWorkbook(xlsx({ sheets: { Big: sheet } })), sheet).rejects.toThrow(
        WORKBOOK_OUTSIDE_GRID,
      );
    // The last row and column are within it.
    const edge = await rows(
      xlsx({
        sheets: { Edge: '<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>' },
      }),
    );
    expect(edge.rows.map((r) => [r.line, r.cells.length, r.cells.at(-1)])).toEqual([
      [1_048_576, 16_384, "1"],
    ]);
    expect(edge.store.allocatedBytes).toBeLessThan(4 * 1024 * 1024);
  });
});
