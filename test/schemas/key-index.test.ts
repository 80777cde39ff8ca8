// The duplicate-key tracker (schemas/key-index.ts) against the plain Map of `recordKey` strings it
// replaces: the same "first record of this key" answer for every record, on random keys built to
// collide — case variants, non-ASCII case folding, text vs other values, composite keys and the
// separator trap — and a table grown many times.
import { describe, expect, it } from "vitest";
import { KeyIndex, sameFolded } from "../../schemas/key-index.ts";
import type { ContextSchema, IntakeRecord, JsonValue } from "../../schemas/types.ts";
import { getSchemaOrThrow, recordKey } from "./helpers.ts";

/** mulberry32, so a failure names a reproducible seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "A",
  "b",
  "B",
  "\u0000",
  '"',
  "\\",
  ",",
  "[",
  "]",
  "İ",
  "i",
  "ß",
  "SS",
  "K",
  "k",
  "Σ",
  "σ",
  "ς",
  "é",
  "É",
  "\ud800",
  "😀",
  "1",
];
const OTHERS: JsonValue[] = [
  1,
  1.0,
  -0,
  0,
  true,
  false,
  null,
  [1],
  ["a"],
  { a: 1 },
  "1",
  "true",
  "null",
  "[1]",
];

function randomText(rand: () => number): string {
  const n = Math.floor(rand() * 4);
  let s = "";
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

function randomValue(rand: () => number): JsonValue | undefined {
  const r = rand();
  if (r < 0.05) return undefined;
  if (r < 0.2) return OTHERS[Math.floor(rand() * OTHERS.length)];
  return randomText(rand);
}

/** The tracker beside a Map of recordKey strings: both must name the same first record. */
function compare(schema: ContextSchema, records: IntakeRecord[]): number {
  const index = new KeyIndex(schema);
  const map = new Map<string, number>();
  let duplicates = 0;
  records.forEach((record) => {
    const key = recordKey(record, schema);
    const got = index.firstOf(record);
    if (key === undefined) {
      expect(got, JSON.stringify(record)).toBe(-2);
      return;
    }
    const first = map.get(key);
    if (first === undefined) {
      expect(got, JSON.stringify(record)).toBe(-1);
      map.set(key, map.size);
    } else {
      expect(got, JSON.stringify(record)).toBe(first);
      duplicates++;
    }
    expect(index.size).toBe(map.size);
  });
  return duplicates;
}

const withKey = (fields: string[], fold: boolean): ContextSchema =>
  ({
    ...getSchemaOrThrow("access_pairs"),
    "x-intake-key": fields,
    "x-intake-key-case-insensitive": fold,
  }) as ContextSchema;

describe("KeyIndex", () => {
  for (const fold of [false, true]) {
    for (const fields of [["k"], ["k", "l"], ["k", "l", "m"]]) {
      it(`matches a Map of recordKey on random ${fields.length}-part keys (case-insensitive: ${fold})`, () => {
        const schema = withKey(fields, fold);
        for (const seed of [1, 2, 3]) {
          const rand = prng(seed * 31 + fields.length + (fold ? 7 : 0));
          const records: IntakeRecord[] = [];
          for (let i = 0; i < 3000; i++) {
            const record: IntakeRecord = {};
            for (const field of fields) {
              const value = randomValue(rand);
              if (value !== undefined) record[field] = value;
            }
            records.push(record);
          }
          // Enough repeats that the comparison is about duplicates, not only fresh keys.
          expect(compare(schema, records)).toBeGreaterThan(fields.length === 3 ? 50 : 500);
        }
      });
    }
  }

  it("keeps the separator trap and text vs other values apart", () => {
    const schema = withKey(["k", "l"], false);
    const index = new KeyIndex(schema);
    expect(index.firstOf({ k: "a\u0000b", l: "c" })).toBe(-1);
    expect(index.firstOf({ k: "a", l: "b\u0000c" })).toBe(-1);
    expect(index.firstOf({ k: "ab", l: "c" })).toBe(-1);
    expect(index.firstOf({ k: "a", l: "bc" })).toBe(-1);
    expect(index.firstOf({ k: 1, l: "c" })).toBe(-1);
    expect(index.firstOf({ k: "1", l: "c" })).toBe(-1);
    expect(index.firstOf({ k: "[1]", l: "c" })).toBe(-1);
    expect(index.firstOf({ k: 1.0, l: "c" })).toBe(4);
    expect(index.firstOf({ k: "a", l: "b\u0000c" })).toBe(1);
    expect(index.firstOf({ k: "a" })).toBe(-2);
  });

  it("folds case as toLowerCase does, in and beyond ASCII", () => {
    const index = new KeyIndex(withKey(["k"], true));
    expect(index.firstOf({ k: "Jane@Example.COM" })).toBe(-1);
    expect(index.firstOf({ k: "jane@example.com" })).toBe(0);
    expect(index.firstOf({ k: "ÉMILE" })).toBe(-1);
    expect(index.firstOf({ k: "émile" })).toBe(1);
    // The Kelvin sign lower-cases to an ASCII k; dotted capital I to two characters.
    expect(index.firstOf({ k: "\u212a" })).toBe(-1);
    expect(index.firstOf({ k: "k" })).toBe(2);
    expect(index.firstOf({ k: "İ" })).toBe(-1);
    expect(index.firstOf({ k: "i\u0307" })).toBe(3);
    expect(index.firstOf({ k: "i" })).toBe(-1);
  });

  it("stays right across many growths of its table", () => {
    const schema = withKey(["k"], true);
    const records: IntakeRecord[] = [];
    for (let i = 0; i < 40_000; i++) records.push({ k: `User.${i % 25_000}@Example.com` });
    for (let i = 0; i < 5_000; i++) records.push({ k: `user.${i}@example.COM` });
    expect(compare(schema, records)).toBe(20_000);
  });

  it("sameFolded equals comparing toLowerCase()", () => {
    const rand = prng(9);
    for (let i = 0; i < 20_000; i++) {
      const a = randomText(rand);
      const b = rand() < 0.5 ? randomText(rand) : rand() < 0.5 ? a.toUpperCase() : a.toLowerCase();
      expect(sameFolded(a, b), JSON.stringify([a, b])).toBe(a.toLowerCase() === b.toLowerCase());
    }
  });
});
