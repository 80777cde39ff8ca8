// The compiled quick verdict must equal @cfworker/json-schema's verdict on the whole schema: for
// every context on awkward records built from every keyword of every property (boundaries,
// unicode, wrong types, nested list items), and for keywords of the supported subset that no
// built-in schema uses yet. Schemas outside the subset are left to the reference.
import { format, Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { compileVerdict, IMPLIED_PATTERNS } from "../../schemas/quick-verdict.ts";
import type { JsonValue, PropertySchema } from "../../schemas/types.ts";
import { referenceVerdict } from "../../schemas/validate.ts";
import { CONTEXT_NAMES, getSchemaOrThrow, normalizeRecord, validateRecord } from "./helpers.ts";

const POOL: unknown[] = [
  "",
  " ",
  "  padded  ",
  0,
  -0,
  -1,
  1.5,
  245,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  "true",
  "FALSE",
  null,
  [],
  [""],
  ["a", "a"],
  ["a", "b"],
  ["a", 1],
  [1, 2],
  [null],
  [["a"]],
  [{ a: 1 }, { a: 1 }],
  [{ a: 1 }, { a: "1" }],
  {},
  { nested: { deeper: true } },
  "not-an-email",
  "jane.doe@example.com",
  "JANE.DOE@EXAMPLE.COM",
  '"quoted local"@example.com',
  "a..b@example.com",
  ".a@example.com",
  "a@[127.0.0.1]",
  "a@[IPv6:::1]",
  "a@example.com\n",
  `${"a".repeat(65)}@example.com`,
  `a@${"b".repeat(250)}.com`,
  "jané@exämple.com",
  "29022023",
  "29022024",
  "31022023",
  "00012024",
  "01132024",
  "０１０１２０２４",
  "١٢٣٤٥٦٧٨",
  "0101202",
  "010120245",
  "12,345.60",
  "12345.60",
  "-0.5",
  ".5",
  "1.",
  "USD",
  "usd",
  "XXX",
  "XX",
  "US",
  "us",
  "ＵＳ",
  "2024-03-31T00:00:00Z",
  "2024-03-31t00:00:00z",
  "2024-03-31T23:59:60Z",
  "2024-02-30T00:00:00Z",
  "2024-03-31T00:00:00+25:00",
  "2024-03-31T00:00:00.123456+05:30",
  "2024-03-31",
  "2024-13-01",
  "2023-12-14 04:42:12 +0000 UTC",
  "2023-12-14 04:42:12.5 -0130 UTC",
  "2023-12-14 24:42:12 +0000 UTC",
  "https://example.com",
  "https://example.com/a b",
  "example.com",
  "slack.com",
  "-slack.com",
  `${"a".repeat(64)}.com`,
  "ADMIN",
  "admin",
  "ADMIN ",
  "SUPER ADMIN",
  "identity",
  "İ",
  "ß",
  "\u2028",
  "\ud83d\ude00",
  "\ud83d",
  "x".repeat(400),
];

/** Values at and around each keyword's bounds, so both sides of every boundary are seen. */
function boundaryValues(prop: PropertySchema): unknown[] {
  const values: unknown[] = [...(prop.examples ?? [])];
  for (const member of prop.enum ?? []) {
    values.push(member);
    if (typeof member === "string") values.push(member.toLowerCase(), ` ${member}`, `${member}\u0000`);
  }
  if (prop.maxLength !== undefined) {
    const n = prop.maxLength;
    const emailish = (length: number) => `${"a".repeat(Math.max(1, length - 12))}@example.com`;
    values.push("a".repeat(n), "a".repeat(n + 1), emailish(n), emailish(n + 1));
    // Astral characters count once: n of them are 2n UTF-16 units and still within the limit.
    values.push("\ud83d\ude00".repeat(n), "\ud83d\ude00".repeat(n + 1), `${"a".repeat(n - 1)}\ud83d\ude00`);
    values.push("\ud83d".repeat(n + 1));
  }
  if (prop.minimum !== undefined) {
    const m = prop.minimum;
    values.push(m, m - 1, m - 0.5, m + 0.5, m + 1, -Number.MIN_VALUE, String(m));
  }
  for (const example of prop.examples ?? []) {
    if (typeof example !== "string" || example.length === 0) continue;
    values.push(`${example.slice(0, -1)}x`, `${example} `, example.toLowerCase(), example.toUpperCase());
  }
  if (prop.type === "array") {
    values.push(
      ["a"],
      ["a", "b", "a"],
      ["a", ""],
      ["a", 1],
      ["a", null],
      ["a", ["a"]],
      [{ a: [1] }, { a: [1] }],
    );
  }
  return values;
}

/** A record per value per field (on top of the schema's example), plus whole-record oddities. */
function corpus(context: string): Record<string, unknown>[] {
  const schema = getSchemaOrThrow(context);
  const example = (schema.examples[0] ?? {}) as Record<string, unknown>;
  const records: Record<string, unknown>[] = [];
  for (const [field, prop] of Object.entries(schema.properties)) {
    for (const value of [...POOL, ...boundaryValues(prop)]) records.push({ ...example, [field]: value });
  }
  for (const field of schema.required ?? []) {
    const { [field]: _missing, ...rest } = example;
    records.push(rest);
  }
  records.push(
    {},
    { ...example, unexpected: "x" },
    { ...example, "": 1 },
    JSON.parse(`{"__proto__": 1, ${JSON.stringify(example).slice(1)}`),
    Object.fromEntries(Object.entries(example).reverse()),
  );
  return records;
}

describe.each(CONTEXT_NAMES)("%s", (context) => {
  const schema = getSchemaOrThrow(context);
  const verdict = compileVerdict(schema);

  it("compiles (every keyword of the built-in schemas is in the compiled subset)", () => {
    expect(verdict).toBeDefined();
  });

  it("gives the reference verdict on every record of the corpus, raw and normalized", () => {
    let valid = 0;
    let invalid = 0;
    for (const raw of corpus(context)) {
      for (const record of [raw, normalizeRecord(raw, schema)]) {
        const expected = referenceVerdict(record, schema);
        const label = JSON.stringify(record).slice(0, 300);
        expect(verdict?.(record), label).toBe(expected);
        // validateRecord answers from the quick verdict, and lists issues exactly when it says invalid.
        expect(validateRecord(record, schema, context).length === 0, label).toBe(expected);
        if (expected) valid++;
        else invalid++;
      }
    }
    expect(valid).toBeGreaterThan(50);
    expect(invalid).toBeGreaterThan(50);
  });
});

describe("keywords of the subset that no built-in schema uses yet", () => {
  const schema = {
    type: "object",
    required: ["a"],
    properties: {
      a: { type: ["string", "integer"], minLength: 2, maxLength: 3, minimum: -1, maximum: 10 },
      b: { const: { x: [1, 2] } },
      c: { enum: [null, 1, "1", [1], { y: 2 }] },
      d: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      e: {
        type: "array",
        minItems: 1,
        maxItems: 2,
        items: { type: "object", properties: { f: { type: "null" } } },
      },
      g: { type: "array", items: false },
      h: true,
      i: false,
      j: { type: "object", required: ["k"], additionalProperties: { type: "boolean" } },
      k: { format: "not-a-known-format", pattern: "^\\p{Lu}" },
    },
    additionalProperties: { type: "string", maxLength: 1 },
  };
  const values: unknown[] = [
    ...POOL,
    "ab",
    "abcd",
    "\ud83d\ude00\ud83d\ude00",
    2,
    10,
    11,
    -2,
    1.5,
    Number.POSITIVE_INFINITY,
    { x: [1, 2] },
    { x: [2, 1] },
    [1],
    { y: 2 },
    { y: 2, z: 3 },
    0.5,
    1,
    [{}],
    [{ f: null }],
    [{ f: 1 }],
    [{}, {}, {}],
    { k: true },
    { k: true, l: "x" },
    {},
    "Émile",
    "émile",
  ];

  it("gives the reference verdict for every value of every property and of unknown fields", () => {
    const verdict = compileVerdict(schema);
    const reference = new Validator(schema as never, "2020-12", true);
    let checked = 0;
    for (const field of [...Object.keys(schema.properties), "zz"]) {
      for (const value of values) {
        const record = field === "a" ? { a: value } : { a: "ab", [field]: value };
        expect(verdict?.(record), `${field}=${JSON.stringify(value)}`).toBe(
          reference.validate(record as JsonValue).valid,
        );
        checked++;
      }
    }
    expect(checked).toBe(11 * values.length);
    expect(verdict?.({})).toBe(false);
    expect(verdict?.("not an object")).toBe(false);
    expect(compileVerdict({ properties: { a: { type: "string" } } })?.("not an object")).toBe(true);
  });
});

describe("schemas outside the compiled subset", () => {
  it.each([
    { allOf: [{ required: ["a"] }] },
    { properties: { a: { multipleOf: 2 } } },
    { properties: { a: { type: "strin" } } },
    { properties: { a: { items: [{ type: "string" }] } } },
    { properties: { a: { $ref: "#/$defs/x" } }, $defs: { x: { type: "string" } } },
  ])("%j is left to the reference", (schema) => {
    expect(compileVerdict(schema)).toBeUndefined();
  });

  it("validateRecord still answers with the reference's verdict for them", () => {
    const base = getSchemaOrThrow("saas_users");
    const schema = {
      ...base,
      properties: { ...base.properties, seats: { type: "integer", multipleOf: 5 } },
    } as unknown as typeof base;
    expect(validateRecord({ emailId: "a@b.co", seats: 10 }, schema, "saas_users")).toEqual([]);
    expect(validateRecord({ emailId: "a@b.co", seats: 7 }, schema, "saas_users").length).toBeGreaterThan(0);
  });
});

describe("patterns a format implies", () => {
  /** Texts near each format: every 8-digit day/month/year mix, decimals, codes, and junk. */
  function candidates(): string[] {
    const out: string[] = [
      "",
      " ",
      "-",
      ".",
      "1.",
      ".5",
      "-0",
      "1e3",
      "٣",
      "ＵＳＤ",
      "usd",
      "De",
      "DE ",
      "12,5",
    ];
    for (let d = 0; d <= 39; d++)
      for (let m = 0; m <= 19; m++)
        for (const y of ["0000", "1999", "2000", "2023", "2024", "9999", "20x4", "202"])
          out.push(`${String(d).padStart(2, "0")}${String(m).padStart(2, "0")}${y}`);
    const alphabet = "-0123456789.eAZaz+ ";
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      let s = "";
      for (let n = i % 9; n > 0; n--) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        s += alphabet[seed % alphabet.length];
      }
      out.push(s);
    }
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        out.push(String.fromCharCode(a, b));
        for (const c of [65, 68, 82, 85, 90]) out.push(String.fromCharCode(a, b, c));
      }
    return out;
  }

  it("every text the format accepts matches each pattern it stands for", () => {
    const texts = candidates();
    for (const [name, patterns] of Object.entries(IMPLIED_PATTERNS)) {
      const accepts = format[name] as (value: string) => boolean;
      const accepted = texts.filter((t) => accepts(t));
      // Enough accepted texts that the implication is tested, not vacuous.
      expect(accepted.length, name).toBeGreaterThan(10);
      for (const pattern of patterns) {
        const regex = new RegExp(pattern, "u");
        expect(
          accepted.filter((t) => !regex.test(t)),
          `${name} ${pattern}`,
        ).toEqual([]);
      }
    }
  });

  it("is listed only for patterns the built-in schemas pair with that format", () => {
    const pairs = new Set<string>();
    for (const context of CONTEXT_NAMES)
      for (const prop of Object.values(getSchemaOrThrow(context).properties))
        if (typeof prop.format === "string" && typeof prop.pattern === "string")
          pairs.add(`${prop.format} ${prop.pattern}`);
    for (const [name, patterns] of Object.entries(IMPLIED_PATTERNS))
      for (const pattern of patterns)
        expect(pairs.has(`${name} ${pattern}`), `${name} ${pattern}`).toBe(true);
  });
});
