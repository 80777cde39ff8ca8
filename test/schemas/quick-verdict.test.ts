// The fast verdict (per-field checks with remembered verdicts) must equal @cfworker/json-schema's
// verdict on the whole schema, for every context, on many awkward records.
import { expect, it } from "vitest";
import { referenceVerdict } from "../../schemas/validate.ts";
import { CONTEXT_NAMES, getSchemaOrThrow, normalizeRecord, validateRecord } from "./helpers.ts";

const POOL: unknown[] = [
  "",
  "  padded  ",
  0,
  -1,
  1.5,
  245,
  true,
  false,
  "true",
  "FALSE",
  null,
  [],
  ["a", "a"],
  ["a", "b"],
  [1, 2],
  {},
  { nested: { deeper: true } },
  "not-an-email",
  "jane.doe@example.com",
  "29022023",
  "29022024",
  "12,345.60",
  "12345.60",
  "USD",
  "usd",
  "XX",
  "US",
  "2024-03-31T00:00:00Z",
  "2024-03-31",
  "2023-12-14 04:42:12 +0000 UTC",
  "https://example.com",
  "slack.com",
  "ADMIN",
  "identity",
  "x".repeat(400),
];

it.each(CONTEXT_NAMES)("%s: quick verdict equals the whole-schema verdict", (context) => {
  const schema = getSchemaOrThrow(context);
  const example = schema.examples[0] ?? {};
  const fields = Object.keys(schema.properties);
  let checked = 0;
  let invalid = 0;
  // Twice over, so that the second pass is answered from remembered verdicts.
  for (let pass = 0; pass < 2; pass++) {
    for (const field of fields) {
      for (const value of POOL) {
        const raw: Record<string, unknown> = { ...example, [field]: value };
        for (const record of [raw, normalizeRecord(raw, schema)]) {
          const quickValid = validateRecord(record, schema, context).length === 0;
          expect(quickValid, `${field}=${JSON.stringify(value)}`).toBe(referenceVerdict(record, schema));
          checked++;
          if (!quickValid) invalid++;
        }
      }
    }
    for (const field of schema.required ?? []) {
      const raw: Record<string, unknown> = { ...example };
      delete raw[field];
      expect(validateRecord(raw, schema, context).length === 0).toBe(referenceVerdict(raw, schema));
    }
    const extra = { ...example, unexpected: "x" };
    expect(validateRecord(extra, schema, context).length === 0).toBe(referenceVerdict(extra, schema));
  }
  expect(checked).toBe(2 * 2 * fields.length * POOL.length);
  expect(invalid).toBeGreaterThan(0);
});
