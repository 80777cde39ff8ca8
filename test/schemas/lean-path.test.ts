// The lean paths of the core against the careful ones they stand beside: `DatasetValidator.addRecord`
// (normalization, the quick verdict and the over-long scan in one walk; no outcome per record)
// against `add`; `validateRecord`'s field-by-field reference run against the whole-record one; the
// one-scan email check against @cfworker/json-schema's. Same records, reports, issues, order.
import { format } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { DatasetValidator, validateDataset } from "../../schemas/dataset.ts";
import { isEmailQuick, usualEmail } from "../../schemas/email-scan.ts";
import { isEmailSyntax } from "../../schemas/formats.ts";
import type { ContextSchema } from "../../schemas/types.ts";
import { CONTEXT_NAMES, getSchemaOrThrow, normalizeRecord, validateRecord } from "./helpers.ts";

const referenceEmail = format.email as (value: string) => boolean;

const POOL: unknown[] = [
  "",
  "  ",
  " x ",
  "x",
  "\u00a0x",
  "x\u00a0",
  0,
  1,
  -1,
  1.5,
  Number.NaN,
  true,
  false,
  "true",
  "FALSE",
  " TRUE ",
  "12",
  " 12 ",
  "1e3",
  null,
  [],
  [" a ", "b"],
  ["a", "a"],
  "a;b; c",
  '["a","b"]',
  {},
  "not-an-email",
  "jane.doe@example.com",
  " jane.doe@example.com ",
  "JANE.DOE@EXAMPLE.COM",
  "a..b@example.com",
  "a@[127.0.0.1]",
  "jané@exämple.com",
  "31022023",
  "01012024",
  "2024-03-31T00:00:00Z",
  "2023-12-14 04:42:12 +0000 UTC",
  "2024-02-30T00:00:00Z",
  "12345.60",
  "USD",
  "ADMIN",
  "admin",
  "ACTIVE",
  "x".repeat(400),
  "y".repeat(20),
  ["z".repeat(20)],
];

function corpus(schema: ContextSchema): unknown[] {
  const example = (schema.examples[0] ?? {}) as Record<string, unknown>;
  const records: unknown[] = [];
  for (const [field, prop] of Object.entries(schema.properties)) {
    const values = [...POOL, ...(prop.examples ?? []), ...(prop.enum ?? [])];
    for (const value of values) records.push({ ...example, [field]: value });
  }
  for (const field of schema.required ?? []) {
    const { [field]: _missing, ...rest } = example;
    records.push(rest);
  }
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, example);
  records.push(
    {},
    null,
    [example],
    "record",
    7,
    nullProto,
    { ...example, unexpected: "x" },
    { ...example, "": 1 },
    { ...example, "a/b~c": " x " },
    JSON.parse(`{"__proto__": 1, ${JSON.stringify(example).slice(1)}`),
    Object.fromEntries(Object.entries(example).reverse()),
    Object.fromEntries(Object.entries(example).map(([k, v]) => [k, typeof v === "string" ? ` ${v} ` : v])),
    Object.fromEntries(Object.entries(example).map(([k, v]) => [k, String(v)])),
    example,
    example,
  );
  return records;
}

/** The report and records `add` gives, one outcome per record (the careful path). */
function carefully(context: string, records: readonly unknown[], options = {}) {
  const validator = new DatasetValidator(context, options);
  const out = records.map((raw, i) => validator.add(raw, i % 3 === 0 ? undefined : 10 + i).record);
  return { report: validator.finish(), records: out };
}

function leanly(context: string, records: readonly unknown[], options = {}) {
  const validator = new DatasetValidator(context, options);
  const out = records.map((raw, i) => validator.addRecord(raw, i % 3 === 0 ? undefined : 10 + i));
  return { report: validator.finish(), records: out };
}

describe.each(CONTEXT_NAMES)("%s", (context) => {
  const schema = getSchemaOrThrow(context);
  const records = corpus(schema);

  it("addRecord gives add's records and report, issue for issue", () => {
    expect(leanly(context, records)).toEqual(carefully(context, records));
    expect(leanly(context, records, { maxIssues: 5, firstRow: 40 })).toEqual(
      carefully(context, records, { maxIssues: 5, firstRow: 40 }),
    );
  });

  it("addRecord gives add's records and report with over-long fields", () => {
    const limits = { maxFieldLength: 16 };
    expect(leanly(context, records, { limits })).toEqual(carefully(context, records, { limits }));
  });

  it("addRecord and add taken in turns report as add alone (duplicate keys found later or at once)", () => {
    for (const options of [{}, { maxIssues: 5 }]) {
      const validator = new DatasetValidator(context, options);
      const out = records.map((raw, i) =>
        i % 7 < 4 ? validator.addRecord(raw, 10 + i) : validator.add(raw, 10 + i).record,
      );
      const careful = new DatasetValidator(context, options);
      const expected = records.map((raw, i) => careful.add(raw, 10 + i).record);
      expect({ report: validator.finish(), records: out }).toEqual({
        report: careful.finish(),
        records: expected,
      });
    }
  });

  it("validateDataset reports as add does", () => {
    const lean = validateDataset(context, records);
    const validator = new DatasetValidator(context);
    const out = records.map((raw) => validator.add(raw).record);
    expect(lean).toEqual({ report: validator.finish(), records: out });
  });

  it("sees an inherited enumerable field as the reference does", () => {
    const example = schema.examples[0] as Record<string, unknown>;
    const proto = Object.prototype as Record<string, unknown>;
    proto.inheritedField = "x";
    try {
      const some = [{ ...example }, { ...example, [Object.keys(example)[0] as string]: " padded " }];
      expect(leanly(context, some)).toEqual(carefully(context, some));
    } finally {
      delete proto.inheritedField;
    }
  });

  it("finds the same issues field by field as the reference on the whole record", () => {
    // A root keyword outside the usual shape sends validateRecord to the whole-record reference.
    const reference = { ...schema, minProperties: 0 } as ContextSchema;
    for (const raw of records) {
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) continue;
      const normalized = normalizeRecord(raw as Record<string, unknown>, schema);
      for (const record of [raw, normalized]) {
        expect(validateRecord(record, schema, context)).toEqual(validateRecord(record, reference, context));
      }
    }
  });
});

function* strings(alphabet: readonly string[], maxLength: number): Generator<string> {
  let level = [""];
  yield "";
  for (let n = 1; n <= maxLength; n++) {
    const next: string[] = [];
    for (const prefix of level) for (const c of alphabet) next.push(prefix + c);
    yield* next;
    level = next;
  }
}

describe("isEmailQuick", () => {
  it("equals @cfworker's email on every string of up to 5 characters over its tricky alphabet", () => {
    // Differences collected and compared once: an expect per string costs more than the checks.
    const wrong: string[] = [];
    let usual = 0;
    for (const s of strings(["a", "Z", "1", ".", "-", "@", '"', "[", "\n", "ä"], 5)) {
      const reference = referenceEmail(s);
      if (isEmailQuick(s) !== reference) wrong.push(s);
      // The scan reads the syntax of the usual form; the mail domain is checked after it.
      if (usualEmail(s)) {
        usual++;
        if (!isEmailSyntax(s)) wrong.push(s);
      }
    }
    expect(wrong).toEqual([]);
    expect(usual).toBeGreaterThan(100);
  });

  it("equals it on long labels, long local parts and long hosts", () => {
    const cases = [
      `${"a".repeat(64)}@b.c`,
      `${"a".repeat(65)}@b.c`,
      `a@${"b".repeat(63)}.c`,
      `a@${"b".repeat(64)}.c`,
      `a@b.${"c".repeat(63)}`,
      `a@b.${"c".repeat(64)}`,
      `a@${"b.".repeat(126)}c`,
      `a@${"b.".repeat(127)}c`,
      "a@b-c.d",
      "a@-b.c",
      "a@b-.c",
      "a@b.c-",
      "a@b..c",
      "a@.b",
      "a@b.",
      "jane.doe+tag@example.co.uk",
      "JANE.DOE@EXAMPLE.COM",
      "a@\u212a.com",
    ];
    for (const s of cases) {
      expect([s, isEmailQuick(s)]).toEqual([s, referenceEmail(s)]);
      if (usualEmail(s)) expect([s, isEmailSyntax(s)]).toEqual([s, true]);
    }
  });
});
