// The duplicate-key tracker (schemas/key-index.ts) against the plain Map of `recordKey` strings it
// replaces: the same "first record of this key" answer for every record, on random keys built to
// collide — case variants, non-ASCII case folding, text vs other values, composite keys and the
// separator trap — and a table grown many times.
import { describe, expect, it } from "vitest";
import { usualEmail } from "../../schemas/email-scan.ts";
import { KeyIndex, keyHash, sameFolded } from "../../schemas/key-index.ts";
import type { ContextSchema, IntakeRecord, JsonValue } from "../../schemas/types.ts";
import { prng } from "../prng.ts";
import { getSchemaOrThrow, recordKey } from "./helpers.ts";

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
  // Answers collected and compared once: an expect per record costs more than the tracker.
  const answers: number[] = [];
  const expected: number[] = [];
  let entries = 0;
  let duplicates = 0;
  for (const record of records) {
    const key = recordKey(record, schema);
    answers.push(index.firstOf(record));
    if (key === undefined) {
      expected.push(-2);
      continue;
    }
    const first = map.get(key);
    if (first === undefined) map.set(key, entries);
    else duplicates++;
    expected.push(first ?? -1);
    entries++;
  }
  expect(answers).toEqual(expected);
  expect(index.size).toBe(entries);
  return duplicates;
}

/**
 * The (entry, first entry) pairs a Map of recordKey strings gives, beside the tracker's: records
 * added with `add` and settled every `every` records (the rest of the time, one in `immediateEvery`
 * records is asked at once with `firstOf`, after settling).
 */
function compareLater(
  schema: ContextSchema,
  records: IntakeRecord[],
  every: number,
  immediateEvery = 0,
): number[] {
  const index = new KeyIndex(schema);
  const map = new Map<string, number>();
  const expected: number[] = [];
  const got: number[] = [];
  const answers: number[] = [];
  const expectedAnswers: number[] = [];
  let entries = 0;
  records.forEach((record, i) => {
    const key = recordKey(record, schema);
    let first: number | undefined;
    if (key !== undefined) {
      first = map.get(key);
      if (first === undefined) map.set(key, entries);
      else expected.push(entries, first);
    }
    if (immediateEvery > 0 && i % immediateEvery === immediateEvery - 1) {
      got.push(...index.settle());
      const answer = index.firstOf(record);
      if (answer >= 0) got.push(entries, answer);
      answers.push(answer);
      expectedAnswers.push(key === undefined ? -2 : (first ?? -1));
    } else {
      answers.push(index.add(record));
      expectedAnswers.push(key === undefined ? -1 : entries);
      if (i % 101 === 0 && index.unsettled > 0)
        expect(() => index.firstOf(record)).toThrow("KeyIndex.firstOf() before settle()");
    }
    if (key !== undefined) entries++;
    if (i % every === every - 1) got.push(...index.settle());
  });
  got.push(...index.settle());
  expect(index.settle()).toEqual([]);
  expect(answers).toEqual(expectedAnswers);
  expect(got).toEqual(expected);
  expect(index.size).toBe(entries);
  return expected;
}

/** Two keys found (by a search) to have the same 32-bit hash in KeyIndex. */
const COLLIDING = ["udunxnaz9tb@example.com", "u1dq2xol7jx6@example.com"] as const;

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
          // Settled at the end (one bucket pass), in runs, and mixed with answers at once.
          expect(compareLater(schema, records, records.length).length).toBeGreaterThan(
            fields.length === 3 ? 100 : 1000,
          );
          compareLater(schema, records, 97);
          compareLater(schema, records, 500, 7);
        }
      });
    }
  }

  it("keyHash gives records with the same recordKey the same hash (the dataset's key groups rely on it)", () => {
    for (const fold of [false, true]) {
      const schema = withKey(["k", "l"], fold);
      const rand = prng(fold ? 11 : 12);
      const byKey = new Map<string, number>();
      let repeats = 0;
      for (let i = 0; i < 5000; i++) {
        const record: IntakeRecord = {};
        for (const field of ["k", "l"]) {
          const value = randomValue(rand);
          if (value !== undefined) record[field] = value;
        }
        const key = recordKey(record, schema);
        const hash = keyHash(record, ["k", "l"], fold);
        expect(hash === undefined).toBe(key === undefined);
        if (key === undefined) continue;
        const seen = byKey.get(key);
        if (seen !== undefined) repeats++;
        expect(seen ?? hash, key).toBe(hash);
        byKey.set(key, hash as number);
      }
      expect(repeats).toBeGreaterThan(500);
    }
  });

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
    expect(index.firstOf({ k: "émile" })).toBe(2);
    // The Kelvin sign lower-cases to an ASCII k; dotted capital I to two characters.
    expect(index.firstOf({ k: "\u212a" })).toBe(-1);
    expect(index.firstOf({ k: "k" })).toBe(4);
    expect(index.firstOf({ k: "İ" })).toBe(-1);
    expect(index.firstOf({ k: "i\u0307" })).toBe(6);
    expect(index.firstOf({ k: "i" })).toBe(-1);
  });

  it("stays right across many growths of its table", () => {
    const schema = withKey(["k"], true);
    const records: IntakeRecord[] = [];
    for (let i = 0; i < 40_000; i++) records.push({ k: `User.${i % 25_000}@Example.com` });
    for (let i = 0; i < 5_000; i++) records.push({ k: `user.${i}@example.COM` });
    expect(compare(schema, records)).toBe(20_000);
  });

  it("tells apart different keys whose hashes are equal, at once and later", () => {
    const [a, b] = COLLIDING;
    for (const fold of [false, true]) {
      const schema = withKey(["k"], fold);
      const probe = new KeyIndex(schema);
      probe.add({ k: a });
      probe.add({ k: b });
      expect(probe.hashOf(0)).toBe(probe.hashOf(1));
      const records = [{ k: a }, { k: b }, { k: b.toUpperCase() }, { k: a }, { k: b }];
      const index = new KeyIndex(schema);
      expect(records.map((r) => index.firstOf(r))).toEqual(fold ? [-1, -1, 1, 0, 1] : [-1, -1, -1, 0, 1]);
      const later = new KeyIndex(schema);
      for (const r of records) later.add(r);
      expect(later.settle()).toEqual(fold ? [2, 1, 3, 0, 4, 1] : [3, 0, 4, 1]);
    }
  });

  it("settles a large run with many repeats in one bucket pass as the table answers", () => {
    const schema = withKey(["k"], true);
    const records: IntakeRecord[] = [];
    for (let i = 0; i < 30_000; i++) records.push({ k: `User.${(i * 7919) % 20_000}@Example.com` });
    for (let i = 0; i < 2_000; i++) records.push({ k: "same@example.com" });
    const expected = compareLater(schema, records, records.length);
    expect(expected.length / 2).toBe(10_000 + 1_999);
  });

  it("takes the hash an email check noted as the hash it would compute", () => {
    const schema = withKey(["k"], true);
    const rand = prng(5);
    const chars = "abcXYZ019.-_+";
    let noted = 0;
    for (let n = 0; n < 2_000; n++) {
      let local = "";
      for (let i = 0, len = 1 + Math.floor(rand() * 12); i < len; i++)
        local += chars[Math.floor(rand() * chars.length)];
      const email = `${local}@Ex${"a".repeat(n % 4)}mple.COM`;
      const computed = new KeyIndex(schema);
      usualEmail("someone.else@example.com");
      computed.add({ k: email });
      const fromNote = new KeyIndex(schema);
      if (!usualEmail(email)) continue;
      noted++;
      fromNote.add({ k: email });
      expect(fromNote.hashOf(0), email).toBe(computed.hashOf(0));
    }
    expect(noted).toBeGreaterThan(1_000);
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
