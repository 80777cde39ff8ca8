// The catalog: eleven contexts, their annotations, search and capabilities.
import { describe, expect, it } from "vitest";
import {
  CONTEXT_NAMES,
  getContext,
  getSchemaOrThrow,
  listCapabilities,
  listCategories,
  listContexts,
} from "./helpers.ts";

const SCHEMAVER = /^urn:intake:([a-z_]+):(\d+)-(\d+)-(\d+)$/;

describe("schemas", () => {
  it("holds the eleven built-in contexts", () => {
    expect(CONTEXT_NAMES).toEqual([
      "saas_users",
      "list_employees",
      "list_users",
      "access_relations",
      "access_pairs",
      "access_entities",
      "discovered_applications",
      "application_users",
      "vendors",
      "invoices",
      "contracts",
    ]);
  });

  it.each(CONTEXT_NAMES)("%s is a self-standing, documented 2020-12 schema", (context) => {
    const schema = getSchemaOrThrow(context);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id.match(SCHEMAVER)?.[1]).toBe(context);
    expect(schema.title.length).toBeGreaterThan(0);
    expect(schema.description.length).toBeGreaterThan(0);
    expect(schema.additionalProperties).toBe(false);
    for (const field of [...schema["x-intake-key"], ...(schema.required ?? [])]) {
      expect(Object.keys(schema.properties)).toContain(field);
    }
    for (const [field, prop] of Object.entries(schema.properties)) {
      expect(prop.description, field).toBeTruthy();
      expect(prop.examples?.length, field).toBeGreaterThan(0);
      expect(prop["x-intake-aliases"]?.length, field).toBeGreaterThan(0);
      const custom = ["ddmmyyyy", "decimal", "iso4217", "iso3166-alpha2", "intake-timestamp"];
      if (prop.format && custom.includes(prop.format))
        expect(prop.pattern, `${field} needs a pattern`).toBeTruthy();
    }
  });
});

describe("listContexts", () => {
  it("filters by category", () => {
    expect(listContexts({ category: "finance" }).map((c) => c.name)).toEqual(["vendors", "invoices"]);
    expect(listContexts({ category: "Nope" })).toEqual([]);
  });

  it("searches names, titles, descriptions and field aliases with every word", () => {
    expect(listContexts({ q: "invoice" }).map((c) => c.name)).toContain("invoices");
    expect(listContexts({ q: "employee hire" }).map((c) => c.name)).toEqual(["list_employees"]);
    expect(listContexts({ q: "zzzz-no-such" })).toEqual([]);
  });

  it("summarizes a context with its version and key", () => {
    expect(getContext("saas_users")).toMatchObject({
      name: "saas_users",
      category: "Identity & Access",
      version: "1-1-0",
      key: ["emailId"],
      required: ["emailId"],
    });
    expect(getContext("__proto__")).toBeUndefined();
    expect(getContext("constructor")).toBeUndefined();
  });

  it("lists the five categories", () => {
    expect(listCategories().sort()).toEqual([
      "Contracts",
      "Finance",
      "HR",
      "Identity & Access",
      "SaaS Discovery (SSO & CASB)",
    ]);
  });
});

describe("capabilities", () => {
  it("are presets over known contexts", () => {
    const capabilities = listCapabilities();
    expect(capabilities.map((c) => c.contexts)).toEqual([
      ["discovered_applications"],
      ["discovered_applications", "application_users"],
      ["vendors"],
      ["vendors", "invoices"],
      ["contracts"],
    ]);
    for (const c of capabilities) expect(c.title && c.description && c.id).toBeTruthy();
  });
});
