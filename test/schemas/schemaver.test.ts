// SchemaVer for the built-in schemas: every schema file is compared with its last released revision
// (schemas/releases/) and its `$id` must be bumped as the change requires — ADDITION for a new
// optional field, alias or documentation; REVISION for changed rules; MODEL for breaking changes.
// The same `compareSchemas` decides the bump of a custom context's PUT in the Worker.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { builtinRevision, builtinRevisions, lastRelease, RELEASES } from "../../schemas/releases/index.ts";
import {
  bumpProblem,
  bumpSchemaVer,
  compareSchemas,
  formatSchemaVer,
  parseSchemaId,
  parseSchemaVer,
} from "../../schemas/schemaver.ts";
import type { ContextSchema } from "../../schemas/types.ts";
import { CONTEXT_NAMES, getSchemaOrThrow } from "./helpers.ts";

const RELEASES_DIR = join(import.meta.dirname, "../../schemas/releases");

const clone = (schema: ContextSchema): ContextSchema => structuredClone(schema);
const withVersion = (schema: ContextSchema, version: string): ContextSchema => ({
  ...schema,
  $id: `${schema.$id.slice(0, schema.$id.lastIndexOf(":"))}:${version}`,
});

describe("the built-in schemas against their last release", () => {
  it.each(CONTEXT_NAMES)(
    "%s has a released revision and its $id is bumped as SchemaVer requires",
    (context) => {
      const released = lastRelease(context);
      expect(released, `copy schemas/${context}.schema.json into schemas/releases/${context}/`).toBeDefined();
      expect(bumpProblem(released as ContextSchema, getSchemaOrThrow(context))).toBeUndefined();
    },
  );

  it("lists every file of schemas/releases/ in its index, each named after its own $id", () => {
    const onDisk: string[] = [];
    for (const context of readdirSync(RELEASES_DIR, { withFileTypes: true })) {
      if (!context.isDirectory()) continue;
      for (const file of readdirSync(join(RELEASES_DIR, context.name))) {
        onDisk.push(`${context.name}/${file}`);
        const schema = JSON.parse(
          readFileSync(join(RELEASES_DIR, context.name, file), "utf8"),
        ) as ContextSchema;
        expect(schema.$id).toBe(`urn:intake:${context.name}:${file.replace(".schema.json", "")}`);
      }
    }
    const indexed = Object.entries(RELEASES).flatMap(([context, revisions]) =>
      Object.keys(revisions).map((v) => `${context}/${v}.schema.json`),
    );
    expect(indexed.sort()).toEqual(onDisk.sort());
    expect(Object.keys(RELEASES).sort()).toEqual([...CONTEXT_NAMES].sort());
  });

  it("serves the current file and every released revision by version", () => {
    expect(builtinRevisions("saas_users")).toEqual(["1-0-1", "1-1-0"]);
    expect(builtinRevision("saas_users", "1-1-0")).toBe(getSchemaOrThrow("saas_users"));
    expect(builtinRevision("saas_users", "1-0-1")?.$id).toBe("urn:intake:saas_users:1-0-1");
    expect(builtinRevision("saas_users", "9-0-0")).toBeUndefined();
    expect(builtinRevision("nope", "1-0-0")).toBeUndefined();
  });
});

describe("compareSchemas", () => {
  const base = getSchemaOrThrow("saas_users");
  const changed = (edit: (s: ContextSchema) => void) => {
    const next = clone(base);
    edit(next);
    return compareSchemas(base, next);
  };

  it.each<[string, (s: ContextSchema) => void, string, string]>([
    [
      "a new optional field",
      (s) => Object.assign(s.properties, { badge: { type: "string" } }),
      "addition",
      "badge is a new optional field",
    ],
    [
      "a new alias",
      (s) => s.properties.role?.["x-intake-aliases"]?.push("Access level"),
      "addition",
      'role gained the alias "Access level"',
    ],
    [
      "a description",
      (s) => Object.assign(s.properties.role as object, { description: "Other words" }),
      "addition",
      "role changed its description",
    ],
    [
      "an enum value removed",
      (s) => Object.assign(s.properties.role as object, { enum: ["ADMIN", "USER"] }),
      "revision",
      'role no longer accepts "SUPER ADMIN"',
    ],
    [
      "an enum value added",
      (s) => Object.assign(s.properties.role as object, { enum: ["SUPER ADMIN", "ADMIN", "USER", "GUEST"] }),
      "revision",
      'role now also accepts "GUEST"',
    ],
    [
      "a new maxLength",
      (s) => Object.assign(s.properties.department as object, { maxLength: 10 }),
      "revision",
      "department gained the rule maxLength: 10",
    ],
    [
      "an alias removed",
      (s) => Object.assign(s.properties.emailId as object, { "x-intake-aliases": [] }),
      "revision",
      "emailId lost the alias",
    ],
    ["a field removed", (s) => delete s.properties.department, "model", "department was removed"],
    [
      "a type changed",
      (s) => Object.assign(s.properties.department as object, { type: "integer" }),
      "model",
      "department changed type from string to integer",
    ],
    [
      "a new required field",
      (s) => {
        Object.assign(s.properties, { badge: { type: "string" } });
        s.required = [...(s.required ?? []), "badge"];
      },
      "model",
      "badge is a new required field",
    ],
    [
      "a field made required",
      (s) => {
        s.required = [...(s.required ?? []), "department"];
      },
      "model",
      "department became required",
    ],
    [
      "the record key",
      (s) => {
        s["x-intake-key"] = ["emailId", "role"];
      },
      "model",
      "the record key changed from (emailId) to (emailId, role)",
    ],
    [
      "the key compared case-sensitively",
      (s) => {
        delete s["x-intake-key-case-insensitive"];
      },
      "model",
      "the record key is now compared case-sensitively (it was compared case-insensitively)",
    ],
    [
      "an enum in another order",
      (s) => Object.assign(s.properties.role as object, { enum: ["USER", "ADMIN", "SUPER ADMIN"] }),
      "revision",
      "role lists its values in another order",
    ],
  ])("%s is a %s change", (_what, edit, kind, reason) => {
    const change = changed(edit);
    expect(change.kind).toBe(kind);
    expect(change.reasons.some((r) => r.startsWith(reason))).toBe(true);
  });

  it("the key made case-insensitive is a MODEL change too; false and absent are the same rule", () => {
    expect(base["x-intake-key-case-insensitive"]).toBe(true);
    const plain = clone(base);
    delete plain["x-intake-key-case-insensitive"];
    const folded = compareSchemas(plain, base);
    expect(folded.kind).toBe("model");
    expect(folded.reasons).toEqual([
      "the record key is now compared case-insensitively (it was compared case-sensitively)",
    ]);
    const off = clone(plain);
    off["x-intake-key-case-insensitive"] = false;
    expect(compareSchemas(plain, off).kind).toBe("none");
  });

  it("compares enums of 1,000 values in linear work (JSON of each value made a few times, not per pair)", () => {
    const values = Array.from({ length: 1_000 }, (_, i) => `value ${i}`);
    const before = clone(base);
    Object.assign(before.properties.role as object, { enum: values });
    const after = clone(base);
    // Reversed, one removed and one added: every value must be looked up on the other side.
    Object.assign(after.properties.role as object, { enum: [...values.slice(1).reverse(), "new value"] });
    const stringify = vi.spyOn(JSON, "stringify");
    let change: ReturnType<typeof compareSchemas>;
    let calls: number;
    try {
      change = compareSchemas(before, after);
    } finally {
      calls = stringify.mock.calls.length;
      stringify.mockRestore();
    }
    expect(change.reasons).toEqual(['role no longer accepts "value 0"', 'role now also accepts "new value"']);
    // Pairwise comparison took about 2 × 1,000 × 500 of them.
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(10 * values.length);
  });

  it("finds no change in an identical schema", () => {
    expect(compareSchemas(base, clone(base))).toEqual({
      kind: "none",
      from: "1-1-0",
      to: "1-1-0",
      reasons: [],
    });
  });

  it("takes the largest kind when several changes come together", () => {
    expect(
      changed((s) => {
        Object.assign(s.properties, { badge: { type: "string" } });
        delete s.properties.department;
      }).kind,
    ).toBe("model");
  });
});

describe("bumpProblem", () => {
  const released = getSchemaOrThrow("vendors");
  const addField = (s: ContextSchema) => {
    const next = clone(s);
    Object.assign(next.properties, { region: { type: "string", description: "Sales region" } });
    return next;
  };

  it("accepts an unchanged schema with the same $id and refuses a bump without a change", () => {
    expect(bumpProblem(released, clone(released))).toBeUndefined();
    expect(bumpProblem(released, withVersion(released, "1-0-1"))).toBe(
      "nothing changed since 1-0-0, yet $id says 1-0-1; keep 1-0-0",
    );
  });

  it("refuses a changed schema whose $id was not bumped, naming the versions it may have", () => {
    expect(bumpProblem(released, addField(released))).toBe(
      "the schema changed since 1-0-0 (region is a new optional field): an ADDITION change, so $id must end in 1-0-1 or 1-1-0 or 2-0-0, not 1-0-0",
    );
  });

  it("accepts an ADDITION (or a larger bump) for a new optional field, never a skipped version", () => {
    expect(bumpProblem(released, withVersion(addField(released), "1-0-1"))).toBeUndefined();
    expect(bumpProblem(released, withVersion(addField(released), "1-1-0"))).toBeUndefined();
    expect(bumpProblem(released, withVersion(addField(released), "1-0-2"))).toMatch(/not 1-0-2$/);
  });

  it("refuses an ADDITION bump for a REVISION change and a REVISION bump for a MODEL change", () => {
    const revised = clone(released);
    Object.assign(revised.properties.country as object, { pattern: "^[A-Z]{3}$" });
    expect(bumpProblem(released, withVersion(revised, "1-0-1"))).toMatch(
      /a REVISION change, so \$id must end in 1-1-0 or 2-0-0/,
    );
    expect(bumpProblem(released, withVersion(revised, "1-1-0"))).toBeUndefined();
    const broken = clone(released);
    delete broken.properties.website;
    expect(bumpProblem(released, withVersion(broken, "1-1-0"))).toMatch(
      /a MODEL change, so \$id must end in 2-0-0/,
    );
    expect(bumpProblem(released, withVersion(broken, "2-0-0"))).toBeUndefined();
  });

  it("refuses an $id that names another context or is not SchemaVer", () => {
    expect(bumpProblem(released, { ...released, $id: "urn:intake:invoices:1-0-0" })).toBe(
      '$id names "invoices", the released revision "vendors"',
    );
    expect(bumpProblem(released, { ...released, $id: "urn:intake:vendors:1.0.0" })).toMatch(
      /is not urn:intake/,
    );
  });
});

describe("SchemaVer versions and ids", () => {
  it.each([
    ["1-0-0", "addition", "1-0-1"],
    ["1-2-3", "addition", "1-2-4"],
    ["1-2-3", "revision", "1-3-0"],
    ["1-2-3", "model", "2-0-0"],
    ["1-2-3", "none", "1-2-3"],
  ] as const)("%s after a %s change is %s", (from, kind, to) => {
    expect(
      formatSchemaVer(
        bumpSchemaVer(parseSchemaVer(from) as NonNullable<ReturnType<typeof parseSchemaVer>>, kind),
      ),
    ).toBe(to);
  });

  it.each(["0-1-0", "1-0", "1-0-0-0", "01-0-0", "a-b-c", "1-0-01"])("%s is not a version", (text) => {
    expect(parseSchemaVer(text)).toBeUndefined();
  });

  it("splits built-in and tenant-scoped ids", () => {
    expect(parseSchemaId("urn:intake:saas_users:1-0-1")).toEqual({
      name: "saas_users",
      version: { model: 1, revision: 0, addition: 1 },
    });
    expect(parseSchemaId("urn:intake:ten_0123abcd.badges:2-1-0")?.name).toBe("ten_0123abcd.badges");
    expect(parseSchemaId("urn:intake:saas_users")).toBeUndefined();
    expect(parseSchemaId("https://example.com/saas_users:1-0-0")).toBeUndefined();
  });
});
