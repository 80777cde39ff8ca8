// The released revisions of the built-in schemas, kept so that GET /v1/contexts/{ctx}/schema?version=
// serves them and so that the SchemaVer test (test/schemas/schemaver.test.ts) compares each schema
// file with its last release. Releasing a schema: copy it to releases/<context>/<M-R-A>.schema.json
// and add it below (the test fails when a file of this folder is not listed).

import { getSchema, schemaVersion } from "../catalog.ts";
import { compareSchemaVer, parseSchemaVer } from "../schemaver.ts";
import type { ContextSchema } from "../types.ts";
import accessEntities_1_0_0 from "./access_entities/1-0-0.schema.json" with { type: "json" };
import accessEntities_1_1_0 from "./access_entities/1-1-0.schema.json" with { type: "json" };
import accessPairs_1_0_0 from "./access_pairs/1-0-0.schema.json" with { type: "json" };
import accessRelations_1_0_0 from "./access_relations/1-0-0.schema.json" with { type: "json" };
import accessRelations_1_1_0 from "./access_relations/1-1-0.schema.json" with { type: "json" };
import applicationUsers_1_0_0 from "./application_users/1-0-0.schema.json" with { type: "json" };
import applicationUsers_1_1_0 from "./application_users/1-1-0.schema.json" with { type: "json" };
import contracts_1_0_0 from "./contracts/1-0-0.schema.json" with { type: "json" };
import contracts_1_1_0 from "./contracts/1-1-0.schema.json" with { type: "json" };
import discoveredApplications_1_0_0 from "./discovered_applications/1-0-0.schema.json" with { type: "json" };
import invoices_1_0_0 from "./invoices/1-0-0.schema.json" with { type: "json" };
import listEmployees_1_0_1 from "./list_employees/1-0-1.schema.json" with { type: "json" };
import listEmployees_1_1_0 from "./list_employees/1-1-0.schema.json" with { type: "json" };
import listUsers_1_0_1 from "./list_users/1-0-1.schema.json" with { type: "json" };
import listUsers_1_1_0 from "./list_users/1-1-0.schema.json" with { type: "json" };
import saasUsers_1_0_1 from "./saas_users/1-0-1.schema.json" with { type: "json" };
import saasUsers_1_1_0 from "./saas_users/1-1-0.schema.json" with { type: "json" };
import vendors_1_0_0 from "./vendors/1-0-0.schema.json" with { type: "json" };

/** Context name -> its released revisions (M-R-A -> schema), oldest first. */
export const RELEASES: Readonly<Record<string, Readonly<Record<string, ContextSchema>>>> = {
  access_entities: {
    "1-0-0": accessEntities_1_0_0 as ContextSchema,
    "1-1-0": accessEntities_1_1_0 as ContextSchema,
  },
  access_pairs: {
    "1-0-0": accessPairs_1_0_0 as ContextSchema,
  },
  access_relations: {
    "1-0-0": accessRelations_1_0_0 as ContextSchema,
    "1-1-0": accessRelations_1_1_0 as ContextSchema,
  },
  application_users: {
    "1-0-0": applicationUsers_1_0_0 as ContextSchema,
    "1-1-0": applicationUsers_1_1_0 as ContextSchema,
  },
  contracts: {
    "1-0-0": contracts_1_0_0 as ContextSchema,
    "1-1-0": contracts_1_1_0 as ContextSchema,
  },
  discovered_applications: {
    "1-0-0": discoveredApplications_1_0_0 as ContextSchema,
  },
  invoices: {
    "1-0-0": invoices_1_0_0 as ContextSchema,
  },
  list_employees: {
    "1-0-1": listEmployees_1_0_1 as ContextSchema,
    "1-1-0": listEmployees_1_1_0 as ContextSchema,
  },
  list_users: {
    "1-0-1": listUsers_1_0_1 as ContextSchema,
    "1-1-0": listUsers_1_1_0 as ContextSchema,
  },
  saas_users: {
    "1-0-1": saasUsers_1_0_1 as ContextSchema,
    "1-1-0": saasUsers_1_1_0 as ContextSchema,
  },
  vendors: {
    "1-0-0": vendors_1_0_0 as ContextSchema,
  },
};

function ordered(versions: Iterable<string>): string[] {
  const parsed = [...new Set(versions)].flatMap((v) => {
    const p = parseSchemaVer(v);
    return p ? [{ v, p }] : [];
  });
  return parsed.sort((a, b) => compareSchemaVer(a.p, b.p)).map((x) => x.v);
}

/** The revisions of a built-in context served by ?version= (released ones and the current), oldest first. */
export function builtinRevisions(context: string): string[] {
  const current = getSchema(context);
  if (!current) return [];
  return ordered([...Object.keys(RELEASES[context] ?? {}), schemaVersion(current)]);
}

/** A built-in context's schema at `version` (the current file, or a released revision). */
export function builtinRevision(context: string, version: string): ContextSchema | undefined {
  const current = getSchema(context);
  if (!current) return undefined;
  if (schemaVersion(current) === version) return current;
  const released = RELEASES[context];
  return released && Object.hasOwn(released, version) ? released[version] : undefined;
}

/** The last released revision of a built-in context (what its schema file is compared with). */
export function lastRelease(context: string): ContextSchema | undefined {
  const released = RELEASES[context];
  const last = ordered(Object.keys(released ?? {})).at(-1);
  return last && released ? released[last] : undefined;
}
