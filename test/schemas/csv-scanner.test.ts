// The one CSV scanner: the same rows, lines and quoting messages however the text is cut into
// chunks (at every position of tricky texts: inside quotes, inside a doubled quote, between "\r"
// and "\n", right after the BOM), and the same as PapaParse reading the whole text at once (the
// reader before the scanner, kept here as the reference).
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { prng } from "../prng.ts";
import {
  CSV_SNIFF_CHARS,
  type CsvCells,
  CsvScanner,
  csvErrorMessages,
  readCsvCells,
  rowCells,
  sniffDelimiter,
  toLf,
} from "./helpers.ts";

/** The pieces pushed one after the other, the last one final. */
function scanned(pieces: readonly string[], delimiter?: string): CsvCells {
  const out: CsvCells = { delimiter: "", rows: [], issues: [] };
  const scanner = new CsvScanner(
    {
      row: (row) => out.rows.push({ line: row.line, cells: rowCells(row) }),
      issue: (issue) => out.issues.push(issue),
    },
    delimiter,
  );
  pieces.forEach((piece, i) => {
    scanner.push(piece, i === pieces.length - 1);
  });
  out.delimiter = scanner.delimiter ?? "";
  return out;
}

/** PapaParse over the whole text, lines counted from where each row ends. */
function papaRead(text: string, delimiter?: string): CsvCells {
  const body = toLf(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const out: CsvCells = { delimiter: delimiter ?? sniffDelimiter(body), rows: [], issues: [] };
  let offset = 0;
  let line = 1;
  Papa.parse<string[]>(body, {
    delimiter: out.delimiter,
    newline: "\n",
    step: (step) => {
      const start = line;
      for (
        let i = body.indexOf("\n", offset);
        i !== -1 && i < step.meta.cursor;
        i = body.indexOf("\n", i + 1)
      )
        line++;
      offset = step.meta.cursor;
      for (const message of csvErrorMessages(start, step.errors))
        out.issues.push({ line: start, index: out.rows.length, message });
      if (step.data.every((cell) => cell.trim() === "")) return;
      out.rows.push({ line: start, cells: step.data });
    },
  });
  return out;
}

const TRICKY = {
  crlf: '\uFEFFEmail,Note\r\na@x.co,"said ""hi""\r\nthere"\r\n\r\nb@x.co,plain\r\n',
  "lone cr": 'a,"b"\r"c""",d\r\r,\r e,"f"',
  "doubled quotes": '"""",""\n"a""""b","""x"""\n"",x""\n',
  "quote after text": 'Email;Note\na@x.co;"bad"x;y\nb;c"d\ne;"never\nclosed',
  "space after quote": '"a" ,b\n"q\n\n"\n,\n',
  pipes: 'Email|Name\n"a|b"|"""q"""\n|\n  |\u00a0\nc|d|',
  "trailing delimiter": "a,b,\nc,\n,\n\n",
};

describe("CsvScanner", () => {
  it.each(Object.entries(TRICKY))("reads %s as PapaParse reads the whole text", (_, text) => {
    expect(readCsvCells(text)).toEqual(papaRead(text));
    expect(readCsvCells(text, { delimiter: "," })).toEqual(papaRead(text, ","));
    expect(readCsvCells(text, { delimiter: "::" })).toEqual(papaRead(text, "::"));
  });

  it.each(Object.entries(TRICKY))("reads %s the same cut into two chunks anywhere", (_, text) => {
    const whole = readCsvCells(text);
    for (let i = 0; i <= text.length; i++) {
      const [a, b] = [text.slice(0, i), text.slice(i)];
      expect(scanned([a, b]), `${i} ${JSON.stringify(a)}`).toEqual(whole);
      expect(scanned([a, b, ""]), `${i} ${JSON.stringify(a)}`).toEqual(whole);
    }
  });

  it.each(Object.entries(TRICKY))("reads %s the same cut into three chunks anywhere", (_, text) => {
    const whole = readCsvCells(text, { delimiter: "," });
    for (let i = 0; i <= text.length; i++)
      for (let j = i; j <= text.length; j++) {
        const pieces = [text.slice(0, i), text.slice(i, j), text.slice(j)];
        expect(scanned(pieces, ","), JSON.stringify(pieces)).toEqual(whole);
      }
  });

  it.each(Object.entries(TRICKY))("reads %s the same a character at a time", (_, text) => {
    expect(scanned([...text, ""])).toEqual(readCsvCells(text));
    expect(scanned([...text, ""], "::")).toEqual(readCsvCells(text, { delimiter: "::" }));
  });

  it("reads random text cut at random places as PapaParse reads it whole", () => {
    const rand = prng(24);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const pieces = ["a", "Ann", " ", "", ",", ";", "|", "\n", "\r\n", "\r", '"', '""', '"x,y"', '"q ""z"""'];
    const quoted = () =>
      `"${Array.from({ length: Math.floor(rand() * 8) }, () => pick(['""', "\r\n", "x", ","])).join("")}"`;
    for (let file = 0; file < 300; file++) {
      let text = pick(["", "\uFEFF"]) + pick(["h1,h2,h3\n", "h1;h2\r\n", "h1|h2\r"]);
      const length = 1 + Math.floor(rand() * 50);
      for (let i = 0; i < length; i++) text += rand() < 0.2 ? quoted() : pick(pieces);
      const whole = papaRead(text);
      expect(readCsvCells(text), JSON.stringify(text)).toEqual(whole);
      const cuts: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = Math.floor(rand() * 6);
        cuts.push(text.slice(at, at + size));
        at += size;
      }
      expect(scanned([...cuts, ""]), `${JSON.stringify(cuts)}`).toEqual(whole);
    }
  });

  it("sniffs the delimiter once, on the first CSV_SNIFF_CHARS, however the text is cut", () => {
    // ; splits a long first line and the rows under it: in the window, though not in its first KB.
    const near = `${"x".repeat(CSV_SNIFF_CHARS / 2)};y\n${"a;b\n".repeat(20_000)}`;
    // ; only after the window: nothing splits in it, so ",", even when the first chunk holds it all.
    const late = `${"x".repeat(CSV_SNIFF_CHARS)};y\n${"a;b\n".repeat(30)}`;
    for (const [text, delimiter] of [
      [near, ";"],
      [late, ","],
    ] as const) {
      const whole = readCsvCells(text);
      expect(whole.delimiter).toBe(delimiter);
      for (const size of [1000, CSV_SNIFF_CHARS - 1, CSV_SNIFF_CHARS + 1, 200_000]) {
        const pieces: string[] = [];
        for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
        expect(scanned([...pieces, ""])).toEqual(whole);
      }
    }
    expect(readCsvCells(late).rows.at(-1)?.cells).toEqual(["a;b"]);
  });

  it("hands a row's cells as slices of the text, and values apart where quotes were doubled", () => {
    const seen: { text: string; bounds: number[]; values: string[] }[] = [];
    new CsvScanner(
      {
        row: (row) =>
          seen.push({
            text: row.text,
            bounds: [...row.bounds.slice(0, 2 * row.width)],
            values: [...row.values].slice(0, row.width),
          }),
        issue: () => {},
      },
      ",",
    ).push('ab,"c""d","e"\n', true);
    expect(seen).toHaveLength(1);
    const [row] = seen;
    expect(row?.bounds[0]).toBe(0);
    expect(row?.bounds[1]).toBe(2);
    expect(row?.bounds[2]).toBe(-1);
    expect(row?.values[1]).toBe('c"d');
    expect(row?.text.slice(row.bounds[4], row.bounds[5])).toBe("e");
  });
});
