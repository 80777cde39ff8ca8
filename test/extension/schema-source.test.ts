// Live schemas: the Worker's schema fetched with If-None-Match and kept per Worker URL, reused on
// 304, the saved copy offline, the bundled one when there is none, custom contexts through the one
// registry, and the words the flow shows about which copy it uses. The Worker's answers are
// recorded (recorded-answers.ts); the real Worker's ETag and 304, and the pipeline submitting a
// custom context with its live schema, are tested in test/worker/client/live-schema.test.ts.
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { h } from "preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { createApiClient } from "../../extension/api-client.ts";
import { UploadFlow } from "../../extension/flow/UploadFlow.tsx";
import { suggestMapping } from "../../extension/mapping/suggest.ts";
import { createPipelineClient, inlineTransport } from "../../extension/pipeline/client.ts";
import {
  loadCatalog,
  loadSchema,
  MAX_SAVED_SCHEMAS,
  revisionOf,
  schemaCacheKey,
  schemaNote,
} from "../../extension/schema-source.ts";
import { connectionItem, schemasItem } from "../../extension/storage.ts";
import {
  type ContextSchema,
  checkRecord,
  forgetSchemas,
  getSchema,
  registerSchema,
  resolveSchema,
  summarizeContext,
} from "../../schemas/index.ts";
import { type Answer, type Faults, recorded, withFaults } from "./fake-api.ts";
import { ACME, catalog, me, notModified, served, WORKER } from "./recorded-answers.ts";

const NOW = () => new Date("2026-11-27T10:00:00Z");
const VENDORS = getSchema("vendors") as ContextSchema;

/** A client of a Worker answering the vendors schema with `answers`, in turn. */
function setup(answers: Answer[] = [served(VENDORS)], baseUrl = WORKER) {
  const api = withFaults(recorded({ "GET /v1/contexts/*/schema": answers }));
  const client = createApiClient({
    baseUrl,
    apiKey: "ik_laptop",
    fetch: api.fetch,
    sleep: async () => {},
    retry: { attempts: 1 },
  });
  const schemaRequests = () => api.requests.filter((r) => r.path.endsWith("/schema"));
  return { api, client, schemaRequests };
}

/** The tenant's badges context as the Worker serves its schema. */
const BADGES = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:intake:ten_1.badges:1-0-0",
  title: "Badges",
  description: "",
  type: "object",
  "x-intake-category": "Facilities",
  examples: [],
  required: ["badgeId", "holderEmail"],
  additionalProperties: false,
  "x-intake-key": ["badgeId"],
  properties: {
    badgeId: { type: "string", "x-intake-aliases": ["Badge Number"] },
    holderEmail: { type: "string", format: "email", "x-intake-aliases": ["Holder"] },
    floor: { type: "integer", "x-intake-aliases": ["Floor"] },
  },
} as unknown as ContextSchema;

beforeEach(() => fakeBrowser.reset());
afterEach(() => {
  cleanup();
  forgetSchemas();
});

describe("loadSchema", () => {
  it("fetches the Worker's schema, validates with it and saves it with its ETag for this Worker URL", async () => {
    const newer = { ...VENDORS, $id: "urn:intake:vendors:1-0-1" };
    const { client, schemaRequests } = setup([served(newer)]);
    const live = await loadSchema(client, "vendors", NOW);
    expect(live).toMatchObject({ origin: "worker", savedAt: "2026-11-27T10:00:00.000Z" });
    expect(live.schema.$id).toBe("urn:intake:vendors:1-0-1");
    expect(schemaRequests()[0]?.headers["if-none-match"]).toBeUndefined();
    const saved = (await schemasItem.getValue())[schemaCacheKey(WORKER, "vendors")];
    expect(saved).toEqual({
      value: JSON.stringify(newer),
      etag: '"urn:intake:vendors:1-0-1"',
      savedAt: live.savedAt,
    });
    expect(schemaNote(live)).toEqual({ tone: "muted", text: "Schema version 1-0-1" });
  });

  it("asks with If-None-Match and reuses the saved copy on 304; a changed schema replaces it", async () => {
    const changed = { ...VENDORS, $id: "urn:intake:vendors:1-1-0" };
    const { client, schemaRequests } = setup([served(VENDORS), notModified(VENDORS), served(changed)]);
    await loadSchema(client, "vendors", NOW);
    // Marked, to tell the saved copy from a fresh download.
    const key = schemaCacheKey(WORKER, "vendors");
    const all = await schemasItem.getValue();
    const saved = all[key] as NonNullable<(typeof all)[string]>;
    await schemasItem.setValue({
      [key]: { ...saved, value: JSON.stringify({ ...JSON.parse(saved.value), title: "Saved copy" }) },
    });

    const again = await loadSchema(client, "vendors", () => new Date("2026-11-28T10:00:00Z"));
    expect(schemaRequests()[1]?.headers["if-none-match"]).toBe('"urn:intake:vendors:1-0-0"');
    expect(again.origin).toBe("worker");
    expect(again.schema.title).toBe("Saved copy");
    expect(again.savedAt).toBe("2026-11-27T10:00:00.000Z");

    const fresh = await loadSchema(client, "vendors", () => new Date("2026-11-29T10:00:00Z"));
    expect(schemaRequests()[2]?.headers["if-none-match"]).toBe('"urn:intake:vendors:1-0-0"');
    expect(fresh.schema.$id).toBe("urn:intake:vendors:1-1-0");
    expect(fresh.schema.title).toBe("Vendors");
    expect((await schemasItem.getValue())[key]?.etag).toBe('"urn:intake:vendors:1-1-0"');
  });

  it("gives the saved copy back with its fields in their order, though chrome.storage sorts object keys", async () => {
    const { client } = setup([served(VENDORS), notModified(VENDORS)]);
    await loadSchema(client, "vendors", NOW);
    // What Chrome does to a stored object: its keys come back sorted, at every depth.
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    await schemasItem.setValue(sorted(await schemasItem.getValue()) as never);
    const again = await loadSchema(client, "vendors", NOW);
    expect(again.origin).toBe("worker");
    expect(Object.keys(again.schema.properties)).toEqual(Object.keys(VENDORS.properties));
    expect(Object.keys(VENDORS.properties)).not.toEqual(Object.keys(VENDORS.properties).sort());
  });

  it("reads a schema saved by an earlier version (an object) as text", async () => {
    const { client } = setup();
    const key = schemaCacheKey(WORKER, "vendors");
    await fakeBrowser.storage.local.set({
      schemas: { [key]: { value: getSchema("vendors"), etag: '"x"', savedAt: "2026-01-01T00:00:00.000Z" } },
      schemas$: { v: 1 },
    });
    await schemasItem.migrate();
    expect((await schemasItem.getValue())[key]?.value).toBe(JSON.stringify(getSchema("vendors")));
    expect((await loadSchema(client, "vendors", NOW)).schema.$id).toBe(getSchema("vendors")?.$id);
  });

  it("uses the saved copy when the Worker cannot be reached, and says from when", async () => {
    const { api, client } = setup();
    await loadSchema(client, "vendors", NOW);
    api.failNext("GET", /\/schema$/, "network");
    const live = await loadSchema(client, "vendors", NOW);
    expect(live).toMatchObject({ origin: "saved", savedAt: "2026-11-27T10:00:00.000Z" });
    expect(live.problem).toBe(`Could not reach the Intake Worker at ${WORKER}`);
    expect(schemaNote(live)).toEqual({
      tone: "warning",
      title: "Using the schema saved on 27 Nov 2026",
      text: "The Intake server's current schema could not be read, so the file is checked against the copy saved then (version 1-0-0).",
      details: `Could not reach the Intake Worker at ${WORKER}`,
    });
  });

  it("keeps each Worker URL's copies apart", async () => {
    await loadSchema(setup().client, "vendors", NOW);
    const other = setup(undefined, "http://intake.example.test");
    other.api.failNext("GET", /\/schema$/, "network");
    expect((await loadSchema(other.client, "vendors", NOW)).origin).toBe("bundled");
  });

  it("falls back to the bundled schema when nothing was saved, and says so", async () => {
    const { api, client } = setup();
    api.failNext("GET", /\/schema$/, { status: 503, detail: "Down for maintenance" });
    const live = await loadSchema(client, "saas_users", NOW);
    expect(live.origin).toBe("bundled");
    expect(live.schema).toBe(getSchema("saas_users"));
    expect(schemaNote(live)).toEqual({
      tone: "warning",
      title: "Using the schema built into this extension",
      text: `The Intake server's current schema could not be read, so the file is checked against this extension's own copy (version ${revisionOf(getSchema("saas_users")?.$id ?? "")}); the server may expect a newer one.`,
      details: "Service Unavailable: Down for maintenance",
    });
    expect(await schemasItem.getValue()).toEqual({});
  });

  it("does not use an answer that is not a context schema", async () => {
    const { client } = setup([
      served({ $id: "urn:intake:vendors:9-0-0", type: "object" } as unknown as ContextSchema),
    ]);
    const live = await loadSchema(client, "vendors", NOW);
    expect(live.origin).toBe("bundled");
    expect(live.problem).toBe(
      `The Intake server's schema for vendors cannot be used: its "properties" is not an object`,
    );
  });

  it("serves a custom context end to end: fetched, mapped by its aliases, validated, and refused offline without a copy", async () => {
    const { client } = setup([served(BADGES)]);
    // What the extension knows of it comes from the fetch below.
    expect(resolveSchema("badges")).toBeUndefined();

    const live = await loadSchema(client, "badges", NOW);
    expect(live.origin).toBe("worker");
    expect(live.schema.$id).toBe("urn:intake:ten_1.badges:1-0-0");
    registerSchema("badges", live.schema);

    const suggestions = suggestMapping({
      headers: ["Badge Number", "Holder", "Floor"],
      rows: [
        ["B-1", "ann@example.com", "3"],
        ["B-2", "bob@example.com", "4"],
      ],
      context: "badges",
    });
    expect(suggestions.map((s) => s.field)).toEqual(["badgeId", "holderEmail", "floor"]);
    expect(
      checkRecord({ badgeId: "B-1", holderEmail: "ann@example.com", floor: "3" }, "badges"),
    ).toMatchObject({
      valid: true,
      record: { badgeId: "B-1", holderEmail: "ann@example.com", floor: 3 },
    });
    expect(checkRecord({ badgeId: "B-2", holderEmail: "nope" }, "badges").errors.map((e) => e.field)).toEqual(
      ["holderEmail"],
    );

    const offline = setup(undefined, "http://offline.example.test");
    offline.api.failNext("GET", /\/schema$/, "network");
    await expect(loadSchema(offline.client, "badges", NOW)).rejects.toThrow(
      "The schema of badges could not be loaded from the Intake server, and this extension has no copy of it: " +
        "Could not reach the Intake Worker at http://offline.example.test",
    );
  });

  it(`keeps at most ${MAX_SAVED_SCHEMAS} schemas, dropping the least recently fetched`, async () => {
    const { client } = setup();
    const filler: Record<string, { value: string; savedAt: string }> = {};
    for (let i = 0; i < MAX_SAVED_SCHEMAS; i++)
      filler[`w${i} vendors`] = {
        value: JSON.stringify(getSchema("vendors")),
        savedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      };
    await schemasItem.setValue(filler);
    await loadSchema(client, "vendors", NOW);
    const keys = Object.keys(await schemasItem.getValue());
    expect(keys).toHaveLength(MAX_SAVED_SCHEMAS);
    expect(keys).not.toContain("w0 vendors");
    expect(keys).toContain("w1 vendors");
    expect(keys).toContain(schemaCacheKey(WORKER, "vendors"));
  });
});

describe("loadCatalog", () => {
  const catalogSetup = (answers: Answer[], baseUrl = WORKER) => {
    const api = withFaults(recorded({ "GET /v1/contexts": answers }));
    const client = createApiClient({
      baseUrl,
      apiKey: "ik_laptop",
      fetch: api.fetch,
      retry: { attempts: 1 },
    });
    return { api, client };
  };

  it("lists the tenant's custom contexts with the built-ins, and falls back to the saved list, then the bundled one", async () => {
    const badges = { ...summarizeContext("badges", BADGES), custom: true as const };
    const { api, client } = catalogSetup([catalog([badges])]);
    const live = await loadCatalog(client, NOW);
    expect(live.origin).toBe("worker");
    expect(live.contexts.find((c) => c.name === "badges")).toMatchObject({
      custom: true,
      title: "Badges",
      schemaId: "urn:intake:ten_1.badges:1-0-0",
    });

    api.failNext("GET", /\/v1\/contexts$/, "network");
    const saved = await loadCatalog(client, NOW);
    expect(saved).toMatchObject({ origin: "saved", savedAt: "2026-11-27T10:00:00.000Z" });
    expect(saved.contexts.map((c) => c.name)).toContain("badges");

    const fresh = catalogSetup([catalog()], "http://other.example.test");
    fresh.api.failNext("GET", /\/v1\/contexts$/, "network");
    const bundled = await loadCatalog(fresh.client, NOW);
    expect(bundled.origin).toBe("bundled");
    expect(bundled.contexts.map((c) => c.name)).toHaveLength(11);
  });
});

describe("the schema registry", () => {
  it("resolves a registered schema over the bundled one, and refuses what is not a context schema", () => {
    const newer = { ...(getSchema("vendors") as ContextSchema), $id: "urn:intake:vendors:1-0-5" };
    registerSchema("vendors", newer);
    expect(resolveSchema("vendors")).toBe(newer);
    expect(resolveSchema("saas_users")).toBe(getSchema("saas_users"));
    expect(() => registerSchema("vendors", { ...newer, "x-intake-key": ["nope"] } as ContextSchema)).toThrow(
      'The schema for "vendors" cannot be used: its "x-intake-key" does not name its own fields',
    );
    forgetSchemas();
    expect(resolveSchema("vendors")).toBe(getSchema("vendors"));
  });
});

describe("the upload flow with live schemas", () => {
  /** The flow, connected, with `context` chosen; the Worker answers its schema with `schema`. */
  async function openFlow({
    schema,
    context = "saas_users",
    custom = [],
    faults = () => {},
  }: {
    schema: Answer;
    context?: string;
    custom?: ReturnType<typeof summarizeContext>[];
    faults?: (api: Faults) => void;
  }) {
    const api = withFaults(
      recorded({
        "GET /v1/me": me(),
        "GET /v1/integrations": {
          data: [{ ...ACME, contexts: [...ACME.contexts, ...custom.map((c) => c.name)] }],
        },
        "GET /v1/contexts": catalog(custom.map((c) => ({ ...c, custom: true as const }))),
        "GET /v1/contexts/*/schema": schema,
      }),
    );
    faults(api);
    await connectionItem.setValue({ workerUrl: WORKER, apiKey: "ik_laptop" });
    const sleep = async () => {};
    render(
      h(UploadFlow, {
        deps: {
          fetch: api.fetch,
          sleep,
          createPipeline: () => createPipelineClient(inlineTransport({ fetch: api.fetch, sleep })),
          requestHostPermission: vi.fn(async () => true),
          download: () => {},
        },
      }),
      { container: document.body.appendChild(document.createElement("main")) },
    );
    fireEvent.change(await screen.findByLabelText("Data"), { target: { value: context } });
    fireEvent.click(screen.getByRole("button", { name: "Continue" }));
    return api;
  }

  it("shows the revision it validates with, and maps a field the Worker's schema gained", async () => {
    const bundled = getSchema("saas_users") as ContextSchema;
    const api = await openFlow({
      schema: served({
        ...bundled,
        $id: "urn:intake:saas_users:1-2-0",
        properties: {
          ...bundled.properties,
          badgeColour: { type: "string", "x-intake-aliases": ["Badge Colour"] },
        },
      }),
    });
    expect(await screen.findByText("Schema version 1-2-0")).toBeTruthy();
    expect(api.requests.find((r) => r.path.endsWith("/schema"))?.path).toBe("/v1/contexts/saas_users/schema");
    const input = await screen.findByLabelText(/CSV or JSON file/);
    Object.defineProperty(input, "files", {
      value: [new File(["Email,Badge Colour\nann@x.co,Red\nbob@x.co,Blue\n"], "users.csv")],
      configurable: true,
    });
    fireEvent.change(input);
    fireEvent.click(await screen.findByRole("button", { name: "Continue to mapping" }));
    const colour = (await screen.findByLabelText("Field for column Badge Colour")) as HTMLSelectElement;
    expect(colour.value).toBe("badgeColour");
  });

  it("keeps a custom context's internal id out of view: it names its version", async () => {
    await openFlow({
      schema: served(BADGES),
      context: "badges",
      custom: [summarizeContext("badges", BADGES)],
    });
    expect(await screen.findByText("Schema version 1-0-0")).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/urn:intake|ten_1/);
  });

  it("says it uses the built-in schema when the Worker's cannot be read", async () => {
    const saasUsers = getSchema("saas_users") as ContextSchema;
    await openFlow({
      schema: served(saasUsers),
      faults: (api) => api.failNext("GET", /\/schema$/, "network", 5),
    });
    const banner = (await screen.findByText("Using the schema built into this extension")).closest(".banner");
    expect(banner?.getAttribute("role")).toBe("status");
    expect(banner?.textContent).toMatch(/checked against this extension's own copy \(version \d+-\d+-\d+\)/);
    expect(screen.queryByText(/^Schema version/)).toBeNull();
  });
});
