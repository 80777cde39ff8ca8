// Names of Object.prototype members in the extension's own tables and records: a header word, an
// enum option, a cell value or a field named like toString, constructor or valueOf is an ordinary
// text, never a function found on the prototype.
import { afterEach, describe, expect, it } from "vitest";
import { headerTokens } from "../../../extension/mapping/header.ts";
import { enumTarget } from "../../../extension/mapping/vocabulary.ts";
import { compileMapping, suggestMapping } from "../../../extension/mapping.ts";
import {
  type ContextSchema,
  checkCustomContext,
  forgetSchemas,
  registerSchema,
} from "../../../schemas/index.ts";
import { datasetOf } from "../pipeline/dataset-helpers.ts";

const NAMES = Object.getOwnPropertyNames(Object.prototype);

function register(properties: Record<string, unknown>, key: string): void {
  const result = checkCustomContext(
    {
      name: "widgets",
      title: "Widgets",
      category: "Test",
      schema: { type: "object", properties, required: [key], "x-intake-key": [key] },
    },
    { scopedName: (n) => `ten_test.${n}` },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  registerSchema("widgets", {
    ...result.value.schema,
    $id: "urn:intake:ten_test.widgets:1-0-0",
  } as ContextSchema);
}

afterEach(() => forgetSchemas());

describe("the mapping's word tables", () => {
  it.each(NAMES)("a header %s is read as words", (name) => {
    for (const token of headerTokens(name)) expect(typeof token).toBe("string");
    for (const token of headerTokens(name.toLowerCase())) expect(typeof token).toBe("string");
  });

  it("an enum whose options are named like Object.prototype members has no synonym for them", () => {
    expect(enumTarget("active", NAMES)).toBeUndefined();
    expect(enumTarget("tostring", NAMES)).toBe("toString");
  });

  it("a boolean column holding constructor or __proto__ is not read as booleans", () => {
    register({ id: { type: "string" }, active: { type: "boolean" } }, "id");
    const rows = [
      ["1", "yes"],
      ["2", "no"],
      ["3", "constructor"],
      ["4", "__proto__"],
    ];
    const [, active] = suggestMapping({ headers: ["id", "active"], rows, context: "widgets" });
    for (const target of Object.values(active?.valueMap ?? {})) expect(["true", "false"]).toContain(target);
    expect(active?.reason).toContain("are not yes/no");
  });
});

describe("editing rows without a field named like an Object.prototype member", () => {
  it.each(NAMES.filter((name) => name !== "__proto__" && name !== "constructor"))(
    "fills the empty %s cells and undoes it",
    (name) => {
      register({ id: { type: "string" }, [name]: { type: "string" } }, "id");
      const dataset = datasetOf(`id,${name}\n1,\n2,x\n3,\n`, "widgets", {}, ["id", name]);
      expect(dataset.edit({ type: "fill", field: name, value: "filled" })).toBe(2);
      expect([0, 1, 2].map((i) => (dataset.raw(i) as Record<string, unknown>)[name])).toEqual([
        "filled",
        "x",
        "filled",
      ]);
      dataset.undo();
      const first = dataset.raw(0) as Record<string, unknown>;
      expect(Object.hasOwn(first, name)).toBe(false);
      expect(dataset.edit({ type: "set", row: 1, field: name, value: "y" })).toBe(1);
      dataset.undo();
      expect(Object.hasOwn(dataset.raw(0) as object, name)).toBe(false);
    },
  );
});

describe("a mapping with a field named like an Object.prototype member", () => {
  it.each(NAMES.filter((n) => n !== "constructor" && n !== "__proto__"))(
    "%s: a cell is stored as read, with no value map found on the prototype",
    (name) => {
      register({ id: { type: "string" }, [name]: { type: "string" } }, "id");
      const schema = {
        properties: { id: { type: "string" }, [name]: { type: "string" } },
      } as unknown as ContextSchema;
      const mapping = { columns: ["id", name], constants: {}, valueMaps: {} };
      // "name" is a property of every function: a prototype lookup would map it to the method's name.
      expect(compileMapping(mapping, schema)({ line: 2, cells: ["1", "name"] })).toEqual({
        id: "1",
        [name]: "name",
      });
    },
  );
});
