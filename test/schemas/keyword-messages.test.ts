// A failed rule is named in its message: a text that misses its pattern or its length bounds is
// never told it "must be text". One custom context with a field per keyword, each failed once.
import { describe, expect, it } from "vitest";
import { checkCustomContext } from "../../schemas/custom-context.ts";
import { validateDataset } from "../../schemas/dataset.ts";
import type { ContextSchema } from "../../schemas/types.ts";

const result = checkCustomContext(
  {
    name: "rules",
    title: "Rules",
    category: "Test",
    schema: {
      type: "object",
      properties: {
        id: { type: "string" },
        code: { type: "string", pattern: "^[A-Z]{2}-[0-9]{4}$", examples: ["AB-1234"] },
        pin: { type: "string", minLength: 4, maxLength: 6 },
        tag: { type: "string", maxLength: 3 },
        level: { type: "integer", minimum: 1, maximum: 9 },
        score: { type: "number", maximum: 10 },
        both: { type: "string", minLength: 3, pattern: "^[a-z]+$" },
      },
      required: ["id"],
      "x-intake-key": ["id"],
    },
  },
  { scopedName: (n) => `ten_test.${n}` },
);
if (!result.ok) throw new Error(JSON.stringify(result.errors));
const schema = { ...result.value.schema, $id: "urn:intake:ten_test.rules:1-0-0" } as ContextSchema;

function messages(record: Record<string, unknown>): string[] {
  return validateDataset("rules", [{ id: "1", ...record }], { schema }).report.errors.map(
    (e) => `${e.keyword}: ${e.message}`,
  );
}

describe("messages name the keyword that failed", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "a pattern",
      { code: "ab-12" },
      ['pattern: code must match the pattern ^[A-Z]{2}-[0-9]{4}$, e.g. AB-1234; got "ab-12"'],
    ],
    ["a minLength", { pin: "12" }, ['minLength: pin must be at least 4 characters long; got "12"']],
    ["a maxLength", { pin: "1234567" }, ["maxLength: pin must be at most 6 characters long"]],
    ["a maxLength of 3", { tag: "four" }, ["maxLength: tag must be at most 3 characters long"]],
    ["a minimum", { level: 0 }, ["minimum: level must be 1 or more; got 0"]],
    ["a maximum", { level: "12" }, ["maximum: level must be 9 or less; got 12"]],
    ["a number's maximum", { score: 10.5 }, ["maximum: score must be 10 or less; got 10.5"]],
    [
      "a minLength and a pattern on one value, in the validator's order",
      { both: "A" },
      [
        'minLength: both must be at least 3 characters long; got "A"',
        'pattern: both must match the pattern ^[a-z]+$; got "A"',
      ],
    ],
    ["a type, still", { level: "high" }, ['type: level must be a whole number; got "high"']],
  ])("%s", (_what, record, expected) => {
    const found = messages(record);
    expect(found).toEqual(expected);
    for (const message of found)
      if (!message.startsWith("type:")) expect(message).not.toContain("must be text");
  });
});
