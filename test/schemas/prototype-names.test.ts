// Field and key names that are also names of Object.prototype members (toString, valueOf,
// hasOwnProperty, …) are ordinary fields everywhere in the core: a definition naming them is
// accepted (or, for the keys no JSON body may hold, refused by name), a record without such a
// required key field gets a normal `required` error, and templates print the field, never a
// function. Every member of Object.prototype is tried.
import { describe, expect, it } from "vitest";
import { readCsv } from "../../schemas/csv.ts";
import { checkCustomContext, type DefinitionResult } from "../../schemas/custom-context.ts";
import { DatasetValidator, validateDataset } from "../../schemas/dataset.ts";
import { DatasetChecks, keyValues, recordKey } from "../../schemas/dataset-checks.ts";
import { keyHash } from "../../schemas/key-index.ts";
import { FORBIDDEN_KEYS } from "../../schemas/limits.ts";
import { checkLogo } from "../../schemas/logo.ts";
import { normalizeRecord } from "../../schemas/normalize.ts";
import { compareSchemas } from "../../schemas/schemaver.ts";
import { csvHeaderOf, csvTemplate, jsonTemplate } from "../../schemas/templates.ts";
import type { ContextSchema } from "../../schemas/types.ts";
import { validateRecord } from "../../schemas/validate.ts";

const NAMES = Object.getOwnPropertyNames(Object.prototype);

const scopedName = (name: string) => `ten_test.${name}`;

/** A definition with a key field named `name` (required) and an optional text field `note`. */
function definition(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  // Built with defineProperty so that even "__proto__" is an own key, as JSON.parse would make it.
  const properties: Record<string, unknown> = {};
  Object.defineProperty(properties, name, {
    value: { type: "string", "x-intake-aliases": [`${name} column`] },
    enumerable: true,
    writable: true,
    configurable: true,
  });
  properties.note = { type: "string" };
  return {
    name: "widgets",
    title: "Widgets",
    category: "Test",
    schema: { type: "object", properties, required: [name], "x-intake-key": [name], ...extra },
  };
}

function schemaOf(result: DefinitionResult): ContextSchema {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return { ...result.value.schema, $id: "urn:intake:ten_test.widgets:1-0-0" } as ContextSchema;
}

it("tries every member of Object.prototype", () => {
  expect(NAMES).toEqual(
    expect.arrayContaining([
      "constructor",
      "__proto__",
      "toString",
      "toLocaleString",
      "valueOf",
      "hasOwnProperty",
      "isPrototypeOf",
      "propertyIsEnumerable",
      "__defineGetter__",
      "__defineSetter__",
      "__lookupGetter__",
      "__lookupSetter__",
    ]),
  );
});

describe.each(NAMES.filter((name) => FORBIDDEN_KEYS.has(name)))("a field named %s", (name) => {
  it("is refused by name, saying why (no JSON body or file may hold the key)", () => {
    const result = checkCustomContext(definition(name), { scopedName });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({
      pointer: `/schema/properties/${name}`,
      message: `field name "${name}" is reserved: no JSON request body or file may use the key "${name}" (it could pollute prototypes), so no record could hold this field; choose another name`,
    });
  });
});

describe.each(NAMES.filter((name) => !FORBIDDEN_KEYS.has(name)))("a field named %s", (name) => {
  const schema = schemaOf(checkCustomContext(definition(name), { scopedName }));
  const folded = schemaOf(
    checkCustomContext(definition(name, { "x-intake-key-case-insensitive": true }), { scopedName }),
  );

  it("is accepted as a key field, an own property of the schema", () => {
    expect(Object.hasOwn(schema.properties, name)).toBe(true);
    expect(Object.keys(schema.properties)).toEqual([name, "note"]);
    expect(schema["x-intake-key"]).toEqual([name]);
  });

  it.each([
    ["case-sensitive", schema],
    ["case-insensitive", folded],
  ])("a record without it gets a required error, not a crash (%s key)", (_label, s) => {
    const { report } = validateDataset("widgets", [{ note: "a" }, { note: "b" }, { [name]: "X" }], {
      schema: s,
    });
    expect(report.errorCount).toBe(2);
    expect(report.errors.map((e) => [e.row, e.field, e.keyword, e.message])).toEqual([
      [1, name, "required", `${name} is required but missing`],
      [2, name, "required", `${name} is required but missing`],
    ]);
    // One record at a time, its key found at once.
    const validator = new DatasetValidator("widgets", { schema: s });
    expect(validator.add({ note: "a" }).errors.map((e) => e.keyword)).toEqual(["required"]);
    expect(validator.add({ [name]: "x" }).valid).toBe(true);
    expect(validator.finish().errorCount).toBe(1);
  });

  it("finds duplicate keys in it, and says which", () => {
    const { report } = validateDataset("widgets", [{ [name]: "a" }, { [name]: "A" }, { [name]: "a" }], {
      schema: folded,
    });
    expect(report.errors.map((e) => [e.row, e.keyword, e.message])).toEqual([
      [
        2,
        "duplicate-key",
        `Duplicate record: rows 1 and 2 have the same ${name} "A"; each record must be unique`,
      ],
      [
        3,
        "duplicate-key",
        `Duplicate record: rows 1 and 3 have the same ${name} "a"; each record must be unique`,
      ],
    ]);
    const checks = new DatasetChecks(schema);
    expect(checks.check({ note: "x" }, 1).errors).toEqual([]);
    expect(checks.check({ [name]: "a" }, 2).errors).toEqual([]);
    expect(checks.check({ [name]: "a" }, 3).errors.map((e) => e.relatedRow)).toEqual([2]);
  });

  it("keys of records: none without the field, the field's own value with it", () => {
    expect(recordKey({ note: "x" }, schema)).toBeUndefined();
    expect(keyHash({ note: "x" }, [name], false)).toBeUndefined();
    expect(keyHash({ note: "x" }, [name], true)).toBeUndefined();
    const key = recordKey({ [name]: "Q" }, folded);
    expect(key).toBe('["q"]');
    const values = keyValues(key as string, folded);
    expect(Object.hasOwn(values, name)).toBe(true);
    expect(values[name]).toBe("q");
  });

  it("validates its values and names it when it is not a field", () => {
    expect(validateRecord({ [name]: 5 }, schema, "widgets").map((i) => i.message)).toEqual([
      `${name} must be text; got 5`,
    ]);
    const other = schemaOf(
      checkCustomContext(
        {
          ...definition("id"),
        },
        { scopedName },
      ),
    );
    expect(validateRecord(normalizeRecord({ id: "1", [name]: "x" }, other), other, "widgets")).toEqual([
      {
        pointer: `/${name}`,
        field: name,
        keyword: "unknown-field",
        message: `"${name}" is not a field of widgets; map it to one of its fields or leave it out`,
        value: "x",
      },
    ]);
  });

  it("templates print the field, never a function", () => {
    const csv = csvTemplate(schema);
    expect(csv).toBe(`${name} column,note\r\n,\r\n`);
    expect(csv).not.toContain("function");
    expect(csvHeaderOf(schema, name)).toBe(`${name} column`);
    expect(csvHeaderOf(schema, "nothing")).toBe("nothing");
    expect(JSON.stringify(jsonTemplate(schema))).toBe('{"data":[{}]}');
  });

  it("a CSV column of that name (or its alias) reads into the field", () => {
    for (const header of [name, `${name} column`]) {
      const read = readCsv(`${header},note\nv1,n1\n`, schema, "widgets");
      expect(read.issues).toEqual([]);
      expect(read.rows[0]?.record).toEqual({ [name]: "v1", note: "n1" });
      expect(Object.hasOwn(read.rows[0]?.record ?? {}, name)).toBe(true);
    }
  });

  it("schema changes name it: a new required field is a MODEL change, its removal too", () => {
    const without = schemaOf(checkCustomContext(definition("note2"), { scopedName }));
    expect(compareSchemas(without, schema).reasons).toContain(`${name} is a new required field`);
    expect(compareSchemas(schema, without).reasons).toContain(`${name} was removed`);
    expect(compareSchemas(schema, schema).kind).toBe("none");
  });
});

it("a logo claiming a type named like an Object.prototype member is refused", () => {
  for (const name of NAMES)
    expect(checkLogo(`data:${name.toLowerCase()};base64,AAAA`)).toMatch(
      /^(images must be PNG, JPEG or WebP; got |must be a colour like)/,
    );
  expect(checkLogo("data:constructor;base64,AAAA")).toBe("images must be PNG, JPEG or WebP; got constructor");
});
