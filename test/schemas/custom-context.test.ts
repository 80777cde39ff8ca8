// A tenant's context definition against the meta-schema: a good one becomes a context schema like
// the built-ins; every mistake and every hostile input gets one precise problem, cheaply.
import { describe, expect, it } from "vitest";
import { checkCustomContext, type DefinitionResult } from "../../schemas/custom-context.ts";
import { DatasetValidator } from "../../schemas/dataset.ts";
import { patternProblem } from "../../schemas/pattern-audit.ts";
import type { ContextSchema } from "../../schemas/types.ts";
import { getSchemaOrThrow } from "./helpers.ts";

const scopedName = (name: string) => `ten_test.${name}`;

const definition = (schema: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: "badges",
  title: "Badges",
  category: "Facilities",
  schema: {
    type: "object",
    properties: {
      badgeId: { type: "string", description: "Badge number", "x-intake-aliases": ["Badge ID"] },
      holder: { type: "string", format: "email" },
      floors: { type: "array", items: { type: "string" }, uniqueItems: true },
      level: { type: "integer", minimum: 0, maximum: 9 },
      issued: { type: "string", format: "ddmmyyyy" },
      status: { type: "string", enum: ["ACTIVE", "LOST"] },
    },
    required: ["badgeId", "holder"],
    "x-intake-key": ["badgeId"],
    ...schema,
  },
  ...extra,
});

const check = (body: unknown, name?: string) => checkCustomContext(body, { scopedName, name });

function problems(result: DefinitionResult): string[] {
  if (result.ok) throw new Error("expected problems");
  return result.errors.map((e) => `${e.pointer} ${e.message}`);
}

const withField = (field: Record<string, unknown>) =>
  definition({
    properties: { badgeId: { type: "string" }, x: field },
    required: ["badgeId"],
  });

describe("a good definition", () => {
  it("becomes a context schema with the Intake annotations, and validates records", () => {
    const result = check(definition());
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { schema } = result.value;
    expect(result.value).toMatchObject({
      name: "badges",
      title: "Badges",
      category: "Facilities",
      description: "",
    });
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Badges",
      type: "object",
      additionalProperties: false,
      "x-intake-category": "Facilities",
      "x-intake-key": ["badgeId"],
      required: ["badgeId", "holder"],
    });
    // A custom format is written out as a pattern too, as the built-ins do, for stock validators.
    expect(schema.properties.issued?.pattern).toBe(
      getSchemaOrThrow("saas_users").properties.createdOn?.pattern,
    );
    const full = { ...schema, $id: "urn:intake:ten_test.badges:1-0-0" } as ContextSchema;
    const validator = new DatasetValidator("badges", { schema: full });
    validator.addRecord({
      badgeId: "B1",
      holder: "ann@example.com",
      floors: "1;2",
      level: "3",
      issued: "01012024",
    });
    validator.addRecord({ badgeId: "B1", holder: "nope", level: "12", status: "active" });
    const report = validator.finish();
    expect(report.errors.map((e) => `${e.row} ${e.field} ${e.keyword}`)).toEqual([
      "2 holder format",
      "2 level maximum",
      "2 status enum",
      "2 badgeId duplicate-key",
    ]);
  });

  it("checks its examples against itself", () => {
    expect(problems(check(definition({ examples: [{ badgeId: "B1", holder: "not an email" }] })))).toEqual([
      expect.stringMatching(/^\/schema\/examples\/0\/holder example 1: holder must be an email address/),
    ]);
    const ok = check(definition({ examples: [{ badgeId: "B1", holder: "a@example.com", level: "2" }] }));
    expect(ok.ok && ok.value.schema.examples).toEqual([{ badgeId: "B1", holder: "a@example.com", level: 2 }]);
  });

  it("on update takes the name from the URL and refuses another one", () => {
    const { name: _name, ...body } = definition();
    expect(check(body, "badges").ok).toBe(true);
    expect(problems(check({ ...body, name: "other" }, "badges"))).toEqual([
      '/name name "other" differs from the context in the URL (badges); a context cannot be renamed',
    ]);
  });
});

describe("precise problems", () => {
  it.each<[string, unknown, string]>([
    [
      "a built-in name",
      definition({}, { name: "saas_users" }),
      '/name name "saas_users" is a built-in context; choose another name',
    ],
    ["a bad name", definition({}, { name: "Badges!" }), "/name name must be 2 to 64 lower-case letters"],
    ["an unknown member", definition({}, { owner: "x" }), '/owner unknown member "owner"'],
    [
      "an unknown keyword",
      definition({ allOf: [] }),
      '/schema/allOf unknown keyword "allOf" in schema; allowed: $schema',
    ],
    [
      "an unknown field keyword",
      withField({ type: "string", const: "x" }),
      '/schema/properties/x/const unknown keyword "const" in field x',
    ],
    [
      "a remote $ref",
      withField({ $ref: "https://evil.example/schema.json" }),
      '/schema/properties/x/$ref remote $ref "https://evil.example/schema.json" is not allowed: the Worker never fetches other documents',
    ],
    [
      "a local $ref",
      definition({ $ref: "#/$defs/x" }),
      "/schema/$ref $ref is not supported: a custom context schema is self-contained",
    ],
    ["$defs", definition({ $defs: {} }), "/schema/$defs $defs is not supported"],
    [
      "a nested object",
      withField({ type: "object", properties: {} }),
      "/schema/properties/x/type field x: nested objects are not supported",
    ],
    [
      "an array of objects",
      withField({ type: "array", items: { type: "object" } }),
      '/schema/properties/x/items field x: an array field must have "items": {"type":"string"}',
    ],
    [
      "a key field not required",
      definition({ required: ["holder"] }),
      '/schema/x-intake-key/0 key field badgeId is not required: add it to "required"',
    ],
    ["no key", definition({ "x-intake-key": undefined }), "/schema/x-intake-key x-intake-key is required"],
    [
      "a key that is not a field",
      definition({ "x-intake-key": ["nope"] }),
      '/schema/x-intake-key/0 key field "nope" is not a field',
    ],
    [
      "required naming no field",
      definition({ required: ["badgeId", "ghost"] }),
      '/schema/required/1 required names "ghost", which is not a field',
    ],
    [
      "an unknown format",
      withField({ type: "string", format: "ipv4" }),
      "/schema/properties/x/format field x: format must be one of email, date, date-time, uri, ddmmyyyy",
    ],
    [
      "a format on a number",
      withField({ type: "number", format: "email" }),
      "/schema/properties/x/format field x: format applies only to string fields, not number",
    ],
    [
      "minimum over maximum",
      withField({ type: "number", minimum: 5, maximum: 1 }),
      "/schema/properties/x/minimum field x: minimum 5 is more than maximum 1",
    ],
    [
      "an enum value of the wrong type",
      withField({ type: "integer", enum: [1, 2.5] }),
      "/schema/properties/x/enum/1 field x: enum value 2.5 is not an integer",
    ],
    [
      "an enum value twice",
      withField({ type: "string", enum: ["A", "A"] }),
      '/schema/properties/x/enum/1 field x: enum lists "A" twice',
    ],
    [
      "a type list",
      withField({ type: ["string", "null"] }),
      "/schema/properties/x/type field x: type must be one of string, number, integer, boolean, array; got a list of 2",
    ],
    [
      "another draft",
      definition({ $schema: "http://json-schema.org/draft-07/schema#" }),
      "/schema/$schema $schema must be https://json-schema.org/draft/2020-12/schema",
    ],
    [
      "a foreign $id",
      definition({ $id: "urn:intake:saas_users:1-0-0" }),
      "/schema/$id $id is given by the Worker (urn:intake:ten_test.badges:M-R-A)",
    ],
    [
      "an alias naming another field",
      definition({
        properties: { a: { type: "string" }, b: { type: "string", "x-intake-aliases": ["A"] } },
        required: ["a"],
        "x-intake-key": ["a"],
      }),
      '/schema/properties/b field b: the header "A" already names field a',
    ],
    [
      "aliases of two fields that are the same text composed and decomposed (NFC/NFD)",
      definition({
        properties: {
          a: { type: "string", "x-intake-aliases": ["Caf\u00e9"] },
          b: { type: "string", "x-intake-aliases": ["Cafe\u0301"] },
        },
        required: ["a"],
        "x-intake-key": ["a"],
      }),
      '/schema/properties/b field b: the header "Cafe\u0301" already names field a',
    ],
    [
      "aliases of two fields in a script CSV headers keep whole, composed and decomposed",
      definition({
        properties: {
          a: { type: "string", "x-intake-aliases": ["\u30ac\u30b9"] },
          b: { type: "string", "x-intake-aliases": ["\u30ab\u3099\u30b9"] },
        },
        required: ["a"],
        "x-intake-key": ["a"],
      }),
      '/schema/properties/b field b: the header "\u30ab\u3099\u30b9" already names field a',
    ],
    [
      "aliases of two fields that CSV header resolution cannot tell apart",
      definition({
        properties: {
          a: { type: "string", "x-intake-aliases": ["E-mail (work)"] },
          b: { type: "string", "x-intake-aliases": ["email.work"] },
        },
        required: ["a"],
        "x-intake-key": ["a"],
      }),
      '/schema/properties/b field b: the header "email.work" already names field a',
    ],
  ])("%s", (_what, body, message) => {
    const found = problems(check(body));
    expect(
      found.some((p) => p.startsWith(message)),
      found.join("\n"),
    ).toBe(true);
  });

  it("lists every problem of a definition at once", () => {
    const found = problems(
      check(
        definition({
          required: ["holder"],
          allOf: [],
          properties: { badgeId: { type: "object" }, holder: { type: "string" } },
        }),
      ),
    );
    expect(found.length).toBe(3);
  });
});

describe("hostile definitions", () => {
  it("refuses a 10,000-value enum with one problem", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => `v${i}`);
    expect(problems(check(withField({ type: "string", enum: values })))).toEqual([
      "/schema/properties/x/enum field x: enum has 10,000 values; at most 1,000 (use a pattern or leave the values open)",
    ]);
  });

  it("refuses too many fields", () => {
    const properties = Object.fromEntries(
      Array.from({ length: 201 }, (_, i) => [`f${i}`, { type: "string" }]),
    );
    expect(problems(check(definition({ properties, required: ["f0"], "x-intake-key": ["f0"] })))).toEqual([
      "/schema/properties the schema has 201 fields; at most 200",
    ]);
  });

  it("refuses deep nesting before looking at it, at any depth", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(problems(check(withField({ type: "string", examples: deep })))).toEqual([
      " The definition is nested deeper than 8 levels; a context definition needs 5 at most (body, schema, properties, field, enum)",
    ]);
  });

  it.each([
    ["^(a)\\1$", "uses a backreference (\\1), which no linear-time engine can run"],
    ["^(?<x>a)\\k<x>$", "uses a backreference (\\k<x>), which no linear-time engine can run"],
    ["^(?=a)a$", "uses a lookaround ((?=…), which no linear-time engine can run"],
    ["^(?<!a)b$", "uses a lookaround ((?<!…), which no linear-time engine can run"],
    ["(a{1,100}){1,100}$", "repeats more than the linear-time engine allows"],
    ["x{1,200}", "could cost 4,010,000 steps on one value (up to 401 per character it reads)"],
    [
      "^(?:a{0,20}){0,20}b$",
      "could cost 331,248 steps on one value (up to 824 per character it reads), more than the 250,000 allowed; give the field a maxLength of at most 303",
    ],
    ["^\\p{Emoji}$", "uses \\p{Emoji}, which is not supported"],
    ["^\\p{sc=Grek}$", "uses \\p{Grek}, which the linear-time engine does not know"],
    ["^[a-", "is not a valid regular expression"],
    [`^${"a".repeat(300)}$`, "is 302 characters long; at most 200 are allowed"],
  ])("refuses the pattern %s", (pattern, message) => {
    const found = problems(check(withField({ type: "string", pattern })));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`/schema/properties/x/pattern field x: the pattern ${message}`);
  });

  it.each([
    "^[A-Z]{2}-[0-9]{4}$",
    "^[a-z0-9._-]+@[a-z0-9.-]+$",
    "^(0[1-9]|1[0-2])/[0-9]{4}$",
    "^B[0-9]+(-[A-Z])?$",
    // Shapes that backtrack in RegExp; the linear-time engine runs them in one pass.
    "(a+)+$",
    "^(\\d+)*$",
    "^(a|ab)*c$",
    "^.*x.*y$",
    "^(?:a{0,9}){0,9}b$",
    "^[a-z]*[a-z]*[a-z]*[a-z]*!$",
    "a*a*a*a*a*a*a*a*b",
    "\\d+\\d+\\d+\\d+",
    "^[a-z]{1,64}$",
  ])("accepts the pattern %s", (pattern) => {
    expect(patternProblem(pattern)).toBeUndefined();
    expect(check(withField({ type: "string", pattern })).ok).toBe(true);
  });
});
