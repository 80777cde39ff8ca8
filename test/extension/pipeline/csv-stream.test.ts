// The pipeline's streaming CSV reader (the core's scanner into the column store) against the core's
// whole-text reader: the same rows, lines and quoting messages whatever the chunk boundaries
// (inside quotes, between "\r" and "\n", in the BOM), over random quoting at every chunk size; a
// cell spanning many chunks searched once; and the column store giving every cell back, its
// storage growing only with what it holds. The scanner's own tests: test/schemas/csv-scanner.test.ts.
import { describe, expect, it } from "vitest";
import { ColumnStore } from "../../../extension/pipeline/column-store.ts";
import { CsvStream } from "../../../extension/pipeline/csv-stream.ts";
import { type CsvCells, readCsvCells } from "../../../schemas/index.ts";
import { prng } from "../../prng.ts";

function streamed(text: string, size: number, delimiter?: string): CsvCells {
  const out: CsvCells = { delimiter: "", rows: [], issues: [] };
  const store = new ColumnStore(4);
  const stream = new CsvStream(store, (i) => out.issues.push(i), delimiter);
  for (let at = 0; at < text.length; at += size) stream.push(text.slice(at, at + size));
  stream.push("", true);
  for (let row = 0; row < store.count; row++)
    out.rows.push({ line: store.line(row), cells: store.cells(row) });
  out.delimiter = stream.delimiter ?? "";
  return out;
}

const FILES = {
  crlf: '\uFEFFEmail,Note\r\na@x.co,"two\r\nlines"\r\n\r\nb@x.co,plain\r\n',
  lone: "Email;Note\rc@x.co;x\r\rd@x.co;y",
  quotes: 'Email,Note\na@x.co,"said ""hi"""\nb@x.co,"never closed\nc@x.co,z\n',
  invalid: 'Email,Note\na@x.co,"bad"x,y\nb@x.co,ok\n',
  blank: "\n\nEmail\n  \n,\na@x.co\n",
  tabs: "Email\tName\na@x.co\tAnn\n",
};

describe("CsvStream", () => {
  it.each(Object.entries(FILES))("reads %s as readCsvCells does, in chunks of any size", (_, text) => {
    const whole = readCsvCells(text);
    for (const size of [1, 2, 3, 5, 7, 1000]) expect(streamed(text, size)).toEqual(whole);
    expect(streamed(text, 4, ";")).toEqual(readCsvCells(text, { delimiter: ";" }));
  });

  it("reads random text (quotes well and badly formed, blank rows, spaces, CR) as the core does", () => {
    // Mostly well-formed cells, so both the scanner and the fallback to the full parser are taken.
    const rand = prng(7);
    const pieces = [
      "a",
      "b",
      "Ann",
      " ",
      ",",
      ",",
      "\n",
      "\r\n",
      "\r",
      '"',
      '""',
      '"x,y"',
      '"q ""z"""',
      '"l1\nl2"',
      "\u00a0",
      "é",
      ";",
    ];
    for (let file = 0; file < 400; file++) {
      let text = "h1,h2,h3\n";
      const length = 1 + Math.floor(rand() * 60);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(rand() * pieces.length)];
      const whole = readCsvCells(text, { delimiter: "," });
      for (const size of [1, 3, 8, 64])
        expect(streamed(text, size, ","), JSON.stringify(text)).toEqual(whole);
    }
  });

  it("reads repeated values, a value that stops repeating and wide rows back exactly", () => {
    const lines = ["email,role,note"];
    for (let i = 0; i < 30_000; i++)
      lines.push(
        `u${i}@x.co,${["ADMIN", "USER", "", "Lucía"][i % 4]},${i % 3 === 0 ? `"n, ${i % 5}"` : i < 9000 ? "same" : `v${i}`}`,
      );
    lines.push("w@x.co,USER,a,b,c");
    const text = `${lines.join("\n")}\n`;
    expect(streamed(text, 65_536)).toEqual(readCsvCells(text));
  });

  it("reads random quoting (long quoted cells, doubled quotes, line breaks, malformed quotes) as the core does, at every chunk size", () => {
    const rand = prng(25);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const inside = ["x", "yz", ",", ";", "\n", "\r\n", "\r", '""', " ", "é", "\t"];
    const cell = (): string => {
      const kind = rand();
      if (kind < 0.4) return pick(["a", "Ann", " b ", "", "12,5", "é"]);
      if (kind < 0.95) {
        // Mostly short, sometimes long enough to span many chunks.
        const length = rand() < 0.15 ? 50 + Math.floor(rand() * 300) : Math.floor(rand() * 6);
        let text = "";
        for (let i = 0; i < length; i++) text += pick(inside);
        return `"${text}"`;
      }
      return pick(['"a"b', '"x" ', 'a"b', '"never closed', '""""', '"q""']);
    };
    const sizes = [1, 2, 3, 7, 64, 4096];
    for (let file = 0; file < 150; file++) {
      let text = pick(["h1,h2,h3", '"h1","h,2",h3']);
      const rows = 1 + Math.floor(rand() * 12);
      for (let r = 0; r < rows; r++) {
        text += pick(["\n", "\r\n", "\r", "\n\n"]);
        const width = 1 + Math.floor(rand() * 4);
        text += Array.from({ length: width }, cell).join(",");
      }
      if (rand() < 0.5) text += pick(["\n", "\r\n", "\r"]);
      const whole = readCsvCells(text, { delimiter: "," });
      for (const size of sizes)
        expect(streamed(text, size, ","), `${size} ${JSON.stringify(text)}`).toEqual(whole);
      if (file % 10 === 0) expect(streamed(text, 5)).toEqual(readCsvCells(text));
    }
  });

  it("searches a quoted or plain cell spanning many chunks once, not once a chunk", () => {
    // Characters String#indexOf and #includes look at: the work of the scan, counted without a clock.
    const { indexOf, includes } = String.prototype;
    let looked = 0;
    const counted = (found: number, text: string, from = 0) => {
      looked += (found === -1 ? text.length : found + 1) - Math.max(0, from);
    };
    String.prototype.indexOf = function (this: string, search: string, from?: number) {
      const found = indexOf.call(this, search, from);
      counted(found, this, from);
      return found;
    };
    String.prototype.includes = function (this: string, search: string, from?: number) {
      const found = indexOf.call(this, search, from);
      counted(found, this, from);
      return found !== -1;
    };
    try {
      const work = (text: string) => {
        looked = 0;
        const read = streamed(text, 64 * 1024, ",");
        const counting = looked;
        expect(read.rows.map((r) => r.cells[0])).toEqual(["a", "b"]);
        expect(read.rows[0]?.cells[1]).toBe(readCsvCells(text).rows[0]?.cells[1]);
        return counting;
      };
      const quoted = (size: number) => `a,"${'line ""one""\nand more text, '.repeat(size / 32)}"\nb,c\n`;
      const plain = (size: number) => `a,${"plain text without breaks ".repeat(size / 32)}\nb,c\n`;
      for (const cell of [quoted, plain]) {
        // Twice the cell, twice the work (four times, were it scanned again at each chunk).
        const once = work(cell(1024 * 1024));
        const twice = work(cell(2 * 1024 * 1024));
        expect(twice / once, cell(32)).toBeLessThan(2.2);
        expect(twice, cell(32)).toBeLessThan(8 * cell(2 * 1024 * 1024).length);
      }
    } finally {
      String.prototype.indexOf = indexOf;
      String.prototype.includes = includes;
    }
  });

  it('says what happened to "a"b: text after the closing quote, not a quote never closed', () => {
    const after =
      'Line 2: text follows the closing quote of a quoted value (a quote inside a quoted value is written "")';
    const text = 'Email,Note\na@x.co,"bad"x,y\nb@x.co,"ok"\n';
    const whole = readCsvCells(text);
    expect(whole.issues).toEqual([{ line: 2, index: 1, message: after }]);
    for (const size of [1, 4, 1000]) expect(streamed(text, size)).toEqual(whole);
    expect(readCsvCells('Email\n"a"b"\nc\n').issues.map((i) => i.message)).toEqual([after]);
    expect(readCsvCells('Email\n"open\nc\n').issues.map((i) => i.message)).toEqual([
      'Line 2: a quoted value is never closed (missing ")',
    ]);
  });

  it("sniffs the delimiter on the first 64 KB, as the core does", () => {
    const text = `a|b\n${"x|y\n".repeat(20_000)}`;
    expect(streamed(text, 10_000).delimiter).toBe("|");
    expect(streamed(text, 10_000).rows).toHaveLength(20_001);
  });
});

describe("ColumnStore", () => {
  it("lists a column's different values in order of appearance, from its codes or its strings", () => {
    const store = new ColumnStore(4);
    const rows: string[][] = [];
    for (let i = 0; i < 12_000; i++) {
      // column 0 repeats 7 values (a dictionary); column 1 is unique (plain); column 2 only on some rows
      const row = [["b", "a", " a", "", "c", "d", "e"][(i * 5) % 7] as string, `u${i}`];
      if (i % 3 === 0) row.push(i < 6000 ? "x" : "y");
      rows.push(row);
      store.add(row, i + 1);
    }
    const naive = (column: number, from: number, limit: number) => {
      const out: string[] = [];
      for (let r = from; r < rows.length && out.length < limit; r++) {
        const value = rows[r]?.[column];
        if (value !== undefined && value !== "" && !out.includes(value)) out.push(value);
      }
      return out;
    };
    for (const [column, from, limit] of [
      [0, 0, 50],
      [0, 3, 2],
      [1, 10, 5],
      [2, 0, 50],
      [2, 7000, 50],
    ] as const) {
      const seen: string[] = [];
      store.distinct(column, from, (value) => {
        if (value !== "") seen.push(value);
        return seen.length < limit;
      });
      expect(seen, `${column} ${from}`).toEqual(naive(column, from, limit));
    }
  });

  it("reserves storage for what a column holds: a wide row late, a column added to widen the rows", () => {
    const store = new ColumnStore(4);
    for (let i = 0; i < 5000; i++) store.add([`u${i % 7}`, "x"], i + 1);
    const before = store.allocatedBytes;
    // 100,000 cells in row 5000, 99,998 of them new columns: a few bytes each, not 5,000 rows' worth.
    const wide = Array.from({ length: 100_000 }, (_, c) => (c % 1000 === 0 ? `w${c}` : ""));
    store.add(wide, 5001);
    store.widen(120_000);
    expect(store.allocatedBytes - before).toBeLessThan(120_000 * 200);
    expect(store.cell(5000, 99_000)).toBe("w99000");
    expect(store.cell(4999, 99_000)).toBe("");
    expect(store.cell(5000, 119_999)).toBe("");
  });

  it("gives back every cell, short rows and repeated values included", () => {
    const store = new ColumnStore(4);
    const rows: string[][] = [];
    for (let i = 0; i < 20_000; i++) {
      // column 0 unique (ends plain), column 1 repeats (stays a dictionary), column 2 sometimes absent
      const row = [`user${i}@x.co`, ["ACTIVE", "DISABLED", ""][i % 3] as string];
      if (i % 7 !== 0) row.push(`n${i % 5}`);
      rows.push(row);
      store.add(row, i + 2);
    }
    store.add(["wide", "a", "b", "c", "d"], 99_999);
    expect(store.count).toBe(20_001);
    for (let i = 0; i < 20_000; i += 13) {
      expect(store.cells(i)).toEqual(rows[i]);
      expect(store.line(i)).toBe(i + 2);
    }
    expect(store.cell(0, 2)).toBeUndefined();
    expect(store.cell(1, 2)).toBe("n1");
    expect(store.cells(20_000)).toEqual(["wide", "a", "b", "c", "d"]);
    expect(store.cell(5, 4)).toBeUndefined();
  });
});
