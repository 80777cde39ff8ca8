// Fixtures for the custom context tests: a tenant's own context (door badges), made and edited
// through the API, and a world of two tenants where only the first has it.
import { expect } from "vitest";
import type { CustomContextSaved } from "../../schemas/api-types.ts";
import {
  call,
  createIntegration,
  createKey,
  createTenant,
  inDays,
  json,
  type TenantFixture,
} from "./helpers.ts";

/** A tenant's own context of door badges, as an admin defines it. */
export const BADGES = {
  name: "badges",
  title: "Door badges",
  category: "Facilities",
  schema: {
    type: "object",
    properties: {
      badgeId: { type: "string", "x-intake-aliases": ["Badge ID"], examples: ["B-0001"] },
      holder: { type: "string", format: "email", examples: ["ann@example.com"] },
      level: { type: "integer", minimum: 0, maximum: 9 },
      status: { type: "string", enum: ["ACTIVE", "LOST"] },
    },
    required: ["badgeId", "holder"],
    "x-intake-key": ["badgeId"],
  },
};

export type Definition = typeof BADGES;

/** The badges definition (its name left out) with its schema edited. */
export const withSchema = (edit: (schema: Record<string, unknown>) => void): Omit<Definition, "name"> => {
  const { name: _name, ...rest } = structuredClone(BADGES);
  edit(rest.schema as unknown as Record<string, unknown>);
  return rest;
};

/** Creates a context with `admin`'s key (the badges one by default), asserting 201. */
export async function createContext(admin: string, body: unknown = BADGES): Promise<CustomContextSaved> {
  const response = await call("POST", "/v1/contexts", { key: admin, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<CustomContextSaved>(response);
}

export interface World {
  a: TenantFixture;
  b: TenantFixture;
  integrationId: string;
  ingest: string;
  base: string;
}

/** Tenant A with the badges context and an integration (badges, saas_users) with an ingest key; tenant B without. */
export async function world(): Promise<World> {
  const a = await createTenant("Tenant A");
  const b = await createTenant("Tenant B");
  await createContext(a.admin);
  const integrationId = await createIntegration(a.admin, ["badges", "saas_users"], "Door system");
  const key = await createKey(a.admin, { integrationId, expiresAt: inDays(365) });
  return {
    a,
    b,
    integrationId,
    ingest: key.secret,
    base: `/v1/integrations/${integrationId}/contexts/badges`,
  };
}
