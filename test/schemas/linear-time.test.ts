// No super-linear work on user input. The email suggestion no longer uses a backtracking regex
// (proved equal to the old one on every short string over its alphabet, and right on 10k/20k
// hostile inputs); every built-in schema `pattern` is anchored with each choice decided by the
// next character, so RegExp (which runs them) cannot backtrack (any other pattern runs on RE2, see
// pattern-matcher.test.ts); `uniqueItems` is checked with a set, not pairwise.
// Cost per record is measured by `npm run bench -- hostile`.
import { format } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import {
  suggestDateTime,
  suggestDdmmyyyy,
  suggestDecimal,
  suggestEmail,
  toIsoUtc,
} from "../../schemas/formats.ts";
import { suggestFix } from "../../schemas/messages.ts";
import { backtrackingProblem, patternMatcher } from "../../schemas/pattern-matcher.ts";
import type { JsonValue } from "../../schemas/types.ts";
import { hasDuplicateItems, referenceVerdict, validateRecord } from "../../schemas/validate.ts";
import { CONTEXT_NAMES, getSchemaOrThrow } from "./helpers.ts";

/** The suggestion as it was written before, with the quadratic regexes. */
function regexSuggestEmail(value: string): string | undefined {
  const m = /<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(value) ?? /^mailto:(\S+@\S+)$/i.exec(value);
  const candidate = m?.[1];
  return candidate && format.email?.(candidate) ? candidate : undefined;
}

function* strings(alphabet: readonly string[], maxLength: number): Generator<string> {
  let level = [""];
  for (let n = 1; n <= maxLength; n++) {
    const next: string[] = [];
    for (const prefix of level) for (const c of alphabet) next.push(prefix + c);
    yield* next;
    level = next;
  }
}

describe("suggestEmail", () => {
  it("equals the regex it replaces on every string of up to 6 characters over < > a @ space", () => {
    let compared = 0;
    for (const s of strings(["<", ">", "a", "@", " "], 6)) {
      for (const value of [s, `b<${s}>`, `mailto:${s}`, `MailTo:${s}`]) {
        expect(suggestEmail(value), JSON.stringify(value)).toBe(regexSuggestEmail(value));
        compared++;
      }
    }
    expect(compared).toBe(4 * 19_530);
  });

  it.each([
    ["Jane Doe <jane@example.com>", "jane@example.com"],
    ["<  jane@example.com\t>", "jane@example.com"],
    ["<x> <y@> <jane@example.com>", "jane@example.com"],
    ["<<jane@example.com>", "jane@example.com"],
    ["<jane@example.com", undefined],
    ["< jane @example.com>", undefined],
    ["mailto:jane@example.com", "jane@example.com"],
    ["MAILTO:jane@example.com", "jane@example.com"],
    ["mailto:jane@example.com ", undefined],
    ["mailto: jane@example.com", undefined],
  ])("%j -> %j", (value, expected) => {
    expect(suggestEmail(value)).toBe(expected);
  });

  it.each([10_000, 20_000])("answers right on hostile %i-character inputs", (n) => {
    expect(suggestEmail(`<${"a@".repeat(n / 2)}`)).toBeUndefined();
    expect(suggestEmail(`<${"a@".repeat(n / 2)}>`)).toBeUndefined();
    expect(suggestEmail(`${"<a@".repeat(n / 3)}`)).toBeUndefined();
    expect(suggestEmail(`${"<".repeat(n)}jane@example.com>`)).toBe("jane@example.com");
    expect(suggestEmail(`${"x".repeat(n)} <jane@example.com>`)).toBe("jane@example.com");
    expect(suggestEmail(`<${" ".repeat(n)}jane@example.com${" ".repeat(n)}>`)).toBe("jane@example.com");
    expect(suggestEmail(`mailto:${"a@".repeat(n / 2)} `)).toBeUndefined();
    expect(suggestEmail(`mailto:${"a@".repeat(n / 2)}`)).toBeUndefined();
  });
});

describe("other suggestions and formats on hostile inputs", () => {
  it.each([10_000, 20_000])("answer right on %i-character values", (n) => {
    expect(suggestDecimal(`${"1,".repeat(n / 2)}x`)).toBeUndefined();
    expect(suggestDecimal(`1${",234".repeat(n / 4)}`)).toBe(`1${"234".repeat(n / 4)}`);
    expect(suggestDecimal(`1${".234".repeat(n / 4)},5`)).toBe(`1${"234".repeat(n / 4)}.5`);
    expect(suggestDecimal(`${" ".repeat(n)}1,5`)).toBe("1.5");
    expect(suggestDdmmyyyy(`2024-01-31T${"0".repeat(n)}`)).toBe("31012024");
    expect(suggestDdmmyyyy(`2024-01-31T${"0".repeat(n)}\n`)).toBeUndefined();
    expect(suggestDateTime(`2024-01-31 10:00:00${".0".repeat(n / 2)}`)).toBeUndefined();
    expect(toIsoUtc(`2024-01-31T10:00:00.${"0".repeat(n)}Z`)).toBe("2024-01-31T10:00:00.000Z");
    expect(toIsoUtc(`2024-01-31T10:00:00.${"0".repeat(n)}`)).toBeUndefined();
    expect(format.email?.(`${"a".repeat(n)}@example.com`)).toBe(false);
    expect(format.email?.(`a@${"a@".repeat(n / 2)}`)).toBe(false);
    expect(format.uri?.(`https://${"a".repeat(n)} `)).toBe(false);
    expect(format.hostname?.(`${"a.".repeat(n / 2)}-`)).toBe(false);
    expect(format["date-time"]?.(`${" ".repeat(n)}x`)).toBe(false);
    const role = getSchemaOrThrow("saas_users").properties.role;
    expect(suggestFix(`${" _-".repeat(n / 3)}admin`, role)).toBe("ADMIN");
  });
});

describe("schema patterns", () => {
  it.each([
    ["(a+)+$", "is not anchored at both ends (^…$)"],
    ["^(\\d+)*$", "repeats a group with a choice inside"],
    ["^(\\d+){2}x$", "repeats a group with a choice inside"],
    ["^(a|ab)*c$", "repeats a group with a choice inside"],
    ["^(?:x[0-9]*)+$", "repeats a group with a choice inside"],
    ["^(a|ab)c$", "has alternatives that can start alike"],
    ["^(a|)c$", "has an alternative that can be empty"],
    ["^[a-z]*[a-z]*!$", "followed by what can start alike"],
    ["^\\d+\\d+$", "followed by what can start alike"],
    ["^a*a$", "followed by what can start alike"],
    ["^.*x.*y$", "followed by what can start alike"],
    ["^\\p{L}*a$", "followed by what can start alike"],
    ["^\\ba$", "uses \\b or \\B"],
    ["^[0-9]{4}(\\.[0-9]+)?$", undefined],
    ["^(0[1-9]|1[0-2])[0-9]{4}$", undefined],
    ["^[a(+)*]+$", undefined],
    ["^a*b*c$", undefined],
  ])("RegExp may backtrack on %s: %s", (pattern, expected) => {
    const problem = backtrackingProblem(pattern);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });

  const patterns = CONTEXT_NAMES.flatMap((context) =>
    Object.entries(getSchemaOrThrow(context).properties)
      .filter(([, prop]) => prop.pattern !== undefined)
      .map(([field, prop]) => [`${context}.${field}`, prop.pattern as string]),
  );

  it("covers every pattern of the built-in contexts", () => {
    expect(patterns.length).toBeGreaterThanOrEqual(13);
  });

  it.each(patterns)("%s cannot make RegExp backtrack, so RegExp runs it", (_name, pattern) => {
    expect(backtrackingProblem(pattern)).toBeUndefined();
    expect(patternMatcher(pattern).engine).toBe("native");
  });
});

describe("uniqueItems", () => {
  const schema = getSchemaOrThrow("list_users");
  const base = { account_project_id: "p1", identifier: "u1", username: "ann" };

  it.each([
    [["a", "b", "c"], false],
    [["a", "b", "a"], true],
    [[1, "1", true, "true", null, "null"], false],
    [
      [
        { a: 1, b: [1, 2] },
        { b: [1, 2], a: 1 },
      ],
      true,
    ],
    [[{ a: 1 }, { a: "1" }], false],
    [
      [
        [1, [2]],
        [1, [2]],
      ],
      true,
    ],
    [
      [
        [1, 2],
        [2, 1],
      ],
      false,
    ],
  ])("hasDuplicateItems(%j) is %s, as @cfworker/json-schema's uniqueItems says", (items, expected) => {
    expect(hasDuplicateItems(items as JsonValue[])).toBe(expected);
    expect(referenceVerdict({ ...base, role: items }, schema)).toBe(
      !expected && (items as unknown[]).every((i) => typeof i === "string"),
    );
  });

  it("answers long lists of texts (checked by a table of their own) as a Set of the items does", () => {
    let seed = 3;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const bySet = (items: JsonValue[]) => new Set(items).size !== items.length;
    let repeated = 0;
    for (let n = 0; n < 400; n++) {
      const length = 10 + rand(300);
      // Short texts from a small alphabet: repeats and colliding hashes both happen.
      const items: JsonValue[] = Array.from({ length }, () =>
        Array.from({ length: 1 + rand(3) }, () => "ab\u00e9;"[rand(4)]).join(""),
      );
      if (n % 3 === 0) items.splice(0, items.length, ...new Set(items)); // distinct
      if (n % 7 === 0) items.push(1, "1"); // not all texts: the general check
      if (bySet(items)) repeated++;
      expect(hasDuplicateItems(items), JSON.stringify(items)).toBe(bySet(items));
    }
    expect(repeated).toBeGreaterThan(100);
    expect(repeated).toBeLessThan(400);
  });

  it("reports a repeated list item where the validator did, after the field's other issues", () => {
    const issues = validateRecord(
      { ...base, role: ["a", 1, "a"], groups: ["x", "x"], is_admin: "maybe", email: "bad", extra: 1 },
      schema,
      "list_users",
    );
    expect(issues.map((i) => `${i.pointer} ${i.keyword}`)).toEqual([
      "/role/1 items",
      "/role uniqueItems",
      "/groups uniqueItems",
      "/is_admin type",
      "/email format",
      "/extra unknown-field",
    ]);
    expect(issues[1]?.message).toBe('role must not list the same value twice; got ["a",1,"a"]');
  });

  it.each([10_000, 20_000])("answers right on a list of %i distinct items, then with one repeated", (n) => {
    const items = Array.from({ length: n }, (_, i) => `g${i}`);
    expect(validateRecord({ ...base, groups: items }, schema, "list_users")).toEqual([]);
    const issues = validateRecord({ ...base, groups: [...items, `g${n - 1}`] }, schema, "list_users");
    expect(issues.map((i) => i.keyword)).toEqual(["uniqueItems"]);
    expect(JSON.stringify(issues).length).toBeLessThan(1_000);
  });
});
