// The console's context editor, replaying the Worker's recorded answers (its SchemaVer and delete
// rules are tested in test/worker/custom-contexts.test.ts): the tenant's custom contexts listed; a
// context started from a sample CSV (fields, types, formats, allowed values and the key inferred
// with the extension's own reader), reviewed as JSON Schema and created; invalid drafts refused in
// words; a MODEL change explained and confirmed with ?confirm=breaking; a delete explained, and
// refused while an integration uses the context; no serious accessibility violations.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { definitionOf, fieldNameOf } from "../../../extension/console/context-editor/draft.ts";
import { inferFields } from "../../../extension/console/context-editor/infer.ts";
import type { ContextSchema } from "../../../schemas/index.ts";
import { forgetSchemas } from "../../../schemas/index.ts";
import { type Answer, type Faults, jsonOf, problem, type Sent } from "../fake-api.ts";
import {
  ACME,
  type ContextInput,
  catalog,
  customEntry,
  customSaved,
  customSchema,
  served,
} from "../recorded-answers.ts";
import { renderConsole, setFiles } from "./console-helpers.tsx";

beforeEach(() => fakeBrowser.reset());
afterEach(() => {
  cleanup();
  forgetSchemas();
});

const seriousViolations = async () =>
  (await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`);

const SAMPLE = [
  "Badge Number,Holder Email,Floor,Active,Site,Issued On,Rooms",
  "B-001,ann@example.com,3,yes,North,2024-01-02,101;102",
  "B-002,bob@example.com,4,no,South,2024-02-03,201",
  "B-003,carl@example.com,3,yes,North,2024-03-04,301;302",
  "B-004,dina@example.com,,yes,North,2024-04-05,401",
  "B-005,emma@example.com,2,no,South,2024-05-06,501;502",
  "B-006,finn@example.com,5,yes,North,2024-06-07,601",
].join("\n");

const BADGES = {
  type: "object",
  required: ["badgeId"],
  additionalProperties: false,
  "x-intake-key": ["badgeId"],
  properties: {
    badgeId: { type: "string", pattern: "^B-[0-9]+$" },
    floor: { type: "integer" },
  },
};

const BADGES_1 = customSchema({ name: "badges", title: "Badges", category: "Facilities", schema: BADGES });

/** The bodies of the requests sent with `method` to /v1/contexts… */
const sentTo = (api: Faults, method: string) =>
  api.requests.filter((r) => r.method === method && r.path.startsWith("/v1/contexts"));

async function openContexts(answers: Record<string, Answer | Answer[]> = {}) {
  const rendered = await renderConsole({ scope: "admin", answers });
  fireEvent.click(await screen.findByRole("button", { name: "Contexts" }));
  await screen.findByRole("heading", { name: "Contexts" });
  return rendered;
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement & HTMLSelectElement;

describe("inferring fields from a sample", () => {
  it("names fields from headers, keeps the header as an alias, and reads types, formats and the key", async () => {
    const fields = await inferFields(new Blob([SAMPLE]), "badges.csv");
    expect(
      fields.map((f) => ({
        name: f.name,
        type: f.type,
        format: f.format,
        required: f.required,
        key: f.key,
        allowed: f.allowed,
        aliases: f.aliases,
      })),
    ).toEqual([
      {
        name: "badgeNumber",
        type: "string",
        format: "",
        required: true,
        key: true,
        allowed: "",
        aliases: "Badge Number",
      },
      {
        name: "holderEmail",
        type: "string",
        format: "email",
        required: true,
        key: false,
        allowed: "",
        aliases: "Holder Email",
      },
      {
        name: "floor",
        type: "integer",
        format: "",
        required: false,
        key: false,
        allowed: "",
        aliases: "Floor",
      },
      {
        name: "active",
        type: "boolean",
        format: "",
        required: true,
        key: false,
        allowed: "",
        aliases: "Active",
      },
      {
        name: "site",
        type: "string",
        format: "",
        required: true,
        key: false,
        allowed: "North, South",
        aliases: "Site",
      },
      {
        name: "issuedOn",
        type: "string",
        format: "date",
        required: true,
        key: false,
        allowed: "",
        aliases: "Issued On",
      },
      { name: "rooms", type: "array", format: "", required: true, key: false, allowed: "", aliases: "Rooms" },
    ]);
  });

  it("turns any header into a field name", () => {
    expect(fieldNameOf("Badge Number")).toBe("badgeNumber");
    expect(fieldNameOf("MFA Enabled")).toBe("mfaEnabled");
    expect(fieldNameOf("e-mail (work)")).toBe("eMailWork");
    expect(fieldNameOf("Überstunden")).toBe("uberstunden");
    expect(fieldNameOf("2FA")).toBe("field2fa");
    // camelCase of the words, whatever their case: never "badgeID".
    expect(fieldNameOf("Badge ID")).toBe("badgeId");
    expect(fieldNameOf("badgeID")).toBe("badgeId");
    expect(fieldNameOf("HTTPStatus code")).toBe("httpStatusCode");
    expect(fieldNameOf("User ID (SSO)")).toBe("userIdSso");
    expect(fieldNameOf("###")).toBe("field");
  });

  it("marks required only the columns with no empty cell in the whole sample", async () => {
    const rows = ["Badge ID,Holder,Floor"];
    // Floor is filled in the first 1,000 rows and empty further down; Holder once, as "N/A".
    for (let i = 1; i <= 1500; i++) rows.push(`B-${i},${i === 7 ? "N/A" : `H${i}`},${i > 1200 ? "" : i % 9}`);
    const fields = await inferFields(new Blob([rows.join("\n")]), "badges.csv");
    expect(fields.map((f) => [f.name, f.required, f.key])).toEqual([
      ["badgeId", true, true],
      ["holder", false, false],
      ["floor", false, false],
    ]);
  });

  it("refuses a sample without rows, in words", async () => {
    await expect(inferFields(new Blob(["Only,A,Header\n"]), "empty.csv")).rejects.toThrow(
      "The file has no rows to infer fields from: give a sample with a header and some data.",
    );
  });
});

// Axe over the fields table and a sample read take seconds on a busy machine.
describe("context editor", { timeout: 30_000 }, () => {
  it("starts a context from a sample CSV, shows its JSON Schema, and creates it", async () => {
    // The Worker keeps what it is sent, and lists it from then on.
    let made: ContextSchema | undefined;
    const { api, copied } = await openContexts({
      "POST /v1/contexts": (sent: Sent) => {
        const input = jsonOf(sent) as ContextInput;
        made = customSchema(input);
        const saved = customSaved(input.name, made, { kind: "model", from: null, to: "1-0-0", reasons: [] });
        return new Response(JSON.stringify(saved), { status: 201 });
      },
      "GET /v1/contexts": () => catalog(made ? [customEntry("badge_holders", made)] : []),
    });
    expect(await screen.findByText(/No custom contexts yet/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "New context" }));
    await screen.findByRole("heading", { name: "New context" });

    const input = screen.getByLabelText(/Start from a sample file/);
    setFiles(input, [new File([SAMPLE], "badge_holders.csv", { type: "text/csv" })]);
    fireEvent.change(input);
    await screen.findByText(
      "7 fields inferred from badge_holders.csv. Check each type and the record key before you go on.",
    );
    expect(field("Title").value).toBe("Badge holders");
    expect(field("Name").value).toBe("badge_holders");
    expect(field("Type of floor").value).toBe("integer");
    expect(field("Format of holderEmail").value).toBe("email");
    expect(field("Allowed values of site, comma-separated").value).toBe("North, South");
    expect((screen.getByLabelText("badgeNumber is part of the record key") as HTMLInputElement).checked).toBe(
      true,
    );
    fireEvent.input(field("Category"), { target: { value: "Facilities" } });
    // The admin corrects one inference: floors are optional text here.
    fireEvent.change(field("Type of floor"), { target: { value: "string" } });
    expect(await seriousViolations()).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Review the schema of 7 fields" }));
    await screen.findByRole("heading", { name: "Review Badge holders" });
    const code = document.querySelector(".code-block code")?.textContent ?? "";
    const shown = JSON.parse(code);
    expect(shown).toMatchObject({
      type: "object",
      required: ["badgeNumber", "holderEmail", "active", "site", "issuedOn", "rooms"],
      additionalProperties: false,
      "x-intake-key": ["badgeNumber"],
    });
    expect(shown.properties.site).toEqual({
      type: "string",
      enum: ["North", "South"],
      "x-intake-aliases": ["Site"],
    });
    expect(shown.properties.rooms).toEqual({
      type: "array",
      items: { type: "string" },
      "x-intake-aliases": ["Rooms"],
    });
    expect(shown.properties.floor).toEqual({ type: "string", "x-intake-aliases": ["Floor"] });
    fireEvent.click(screen.getByRole("button", { name: "Copy the JSON Schema" }));
    await waitFor(() => expect(copied).toEqual([code]));
    expect(await seriousViolations()).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Create Badge holders" }));
    await screen.findByText(
      "Created Badge holders (version 1-0-0). Add it to an integration to receive its data.",
    );
    expect(sentTo(api, "POST").map(jsonOf)).toEqual([
      {
        name: "badge_holders",
        title: "Badge holders",
        category: "Facilities",
        schema: shown,
      },
    ]);
    const item = (await screen.findByText("Badge holders")).closest("li") as HTMLElement;
    expect(item.textContent).toMatch(/badge_holders · 7 fields · key badgeNumber · version 1-0-0/);
    expect(item.textContent).toMatch(/Not used by any integration yet\./);
  });

  it("says what is wrong with a draft before the review, and accepts it once fixed", async () => {
    const { api } = await openContexts({
      "POST /v1/contexts": (sent: Sent) => {
        const input = jsonOf(sent) as ContextInput;
        const saved = customSaved(input.name, customSchema(input), {
          kind: "model",
          from: null,
          to: "1-0-0",
          reasons: [],
        });
        return new Response(JSON.stringify(saved), { status: 201 });
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "New context" }));
    await screen.findByRole("heading", { name: "New context" });
    fireEvent.input(field("Name"), { target: { value: "Badges!" } });
    fireEvent.input(field("Title"), { target: { value: "Badges" } });
    fireEvent.input(field("Name of field 1"), { target: { value: "floor" } });
    fireEvent.change(field("Type of floor"), { target: { value: "integer" } });
    fireEvent.input(field("Allowed values of floor, comma-separated"), { target: { value: "1, 2, top" } });
    fireEvent.click(screen.getByRole("button", { name: "Review the schema of 1 field" }));
    const problems = within(
      (await screen.findByText("Fix these before the review")).closest(".banner") as HTMLElement,
    ).getAllByRole("listitem");
    expect(problems.map((p) => p.textContent)).toEqual([
      "field floor: allowed value “top” is not a whole number",
      'name must be 2 to 64 lower-case letters, digits or underscores, starting with a letter; got "Badges!"',
      "category must not be empty",
      "x-intake-key must name at least one field",
    ]);
    fireEvent.input(field("Name"), { target: { value: "badges" } });
    fireEvent.input(field("Category"), { target: { value: "Facilities" } });
    fireEvent.input(field("Allowed values of floor, comma-separated"), { target: { value: "1, 2, 3" } });
    fireEvent.click(screen.getByRole("button", { name: "Add a field" }));
    fireEvent.input(field("Name of field 2"), { target: { value: "badgeId" } });
    fireEvent.click(screen.getByLabelText("badgeId is part of the record key"));
    fireEvent.input(field("Aliases of badgeId, comma-separated"), {
      target: { value: "Badge, Badge Number" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Review the schema of 2 fields" }));
    await screen.findByRole("heading", { name: "Review Badges" });
    fireEvent.click(screen.getByRole("button", { name: "Create Badges" }));
    await screen.findByText(/Created Badges/);
    expect(sentTo(api, "POST").map((r) => (jsonOf(r) as ContextInput).schema)).toEqual([
      expect.objectContaining({
        required: ["badgeId"],
        "x-intake-key": ["badgeId"],
        properties: {
          floor: { type: "integer", enum: [1, 2, 3] },
          badgeId: { type: "string", "x-intake-aliases": ["Badge", "Badge Number"] },
        },
      }),
    ]);
  });

  it("saves an added optional field as is, and explains a MODEL change before sending ?confirm=breaking", async () => {
    // The Worker keeps an added optional field as an ADDITION (1-0-1); the next change is a MODEL
    // change it refuses without ?confirm=breaking, in its own words, then saves as 2-0-0.
    const input = (schema: Record<string, unknown>) => ({
      name: "badges",
      title: "Badges",
      category: "Facilities",
      schema,
    });
    const v101 = customSchema(
      input({ ...BADGES, properties: { ...BADGES.properties, site: { type: "string" } } }),
      "1-0-1",
    );
    const v200 = customSchema(
      input({ ...BADGES, properties: { badgeId: BADGES.properties.badgeId, floor: { type: "string" } } }),
      "2-0-0",
    );
    let current = BADGES_1;
    const save = (schema: ContextSchema, change: Parameters<typeof customSaved>[2]) => () => {
      current = schema;
      return customSaved("badges", schema, change);
    };
    const { api } = await openContexts({
      "GET /v1/contexts": () => catalog([customEntry("badges", current)]),
      "GET /v1/contexts/badges/schema": () => served(current),
      "PUT /v1/contexts/badges": [
        save(v101, {
          kind: "addition",
          from: "1-0-0",
          to: "1-0-1",
          reasons: ["site is a new optional field"],
        }),
        problem(409, "This change breaks records valid under badges 1-0-1", {
          type: "https://intake.dev/problems/schema-model-change",
          title: "Breaking schema change",
          change: {
            kind: "model",
            from: "1-0-1",
            to: "2-0-0",
            reasons: ["site was removed", "floor changed type from integer to string"],
          },
        }),
        save(v200, {
          kind: "model",
          from: "1-0-1",
          to: "2-0-0",
          reasons: ["site was removed", "floor changed type from integer to string"],
        }),
      ],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Edit Badges" }));
    await screen.findByRole("heading", { name: "Edit Badges" });
    expect(field("Name").disabled).toBe(true);
    expect(screen.queryByLabelText(/Start from a sample file/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Add a field" }));
    fireEvent.input(field("Name of field 3"), { target: { value: "site" } });
    fireEvent.click(screen.getByRole("button", { name: "Review the schema of 3 fields" }));
    await screen.findByRole("heading", { name: "Review Badges" });
    fireEvent.click(screen.getByRole("button", { name: "Save Badges" }));
    await screen.findByText("Saved Badges: version 1-0-1.");
    // The keyword the editor does not show was kept.
    expect((jsonOf(sentTo(api, "PUT")[0]) as ContextInput).schema.properties).toEqual({
      badgeId: { type: "string", pattern: "^B-[0-9]+$" },
      floor: { type: "integer" },
      site: { type: "string" },
    });

    fireEvent.click(screen.getByRole("button", { name: "Edit Badges" }));
    await screen.findByRole("heading", { name: "Edit Badges" });
    fireEvent.change(field("Type of floor"), { target: { value: "string" } });
    fireEvent.click(screen.getByRole("button", { name: "Remove site" }));
    fireEvent.click(screen.getByRole("button", { name: "Review the schema of 2 fields" }));
    fireEvent.click(await screen.findByRole("button", { name: "Save Badges" }));
    const dialog = await screen.findByRole("dialog", { name: "This change breaks the current shape" });
    expect(dialog.textContent).toMatch(/version 1-0-1 becomes 2-0-0/);
    expect(
      within(dialog)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["site was removed", "floor changed type from integer to string"]);
    expect(dialog.textContent).toMatch(/Versions already committed stay readable\./);
    expect(sentTo(api, "PUT").map((r) => r.search)).toEqual(["", ""]);
    expect(await seriousViolations()).toEqual([]);

    fireEvent.click(within(dialog).getByRole("button", { name: "Save the breaking change" }));
    await screen.findByText("Saved Badges: version 2-0-0.");
    const puts = api.requests.filter((r) => r.method === "PUT").map((r) => `${r.path}${r.search}`);
    expect(puts).toEqual([
      "/v1/contexts/badges",
      "/v1/contexts/badges",
      "/v1/contexts/badges?confirm=breaking",
    ]);
    expect((jsonOf(sentTo(api, "PUT")[2]) as ContextInput).schema.properties).toEqual({
      badgeId: { type: "string", pattern: "^B-[0-9]+$" },
      floor: { type: "string" },
    });
  });

  it("says what deleting does, deletes an unused context, and refuses one an integration uses", async () => {
    const desks = customSchema({ name: "desks", title: "Desks", category: "Facilities", schema: BADGES });
    let deleted = false;
    const { api } = await openContexts({
      "GET /v1/integrations": { data: [{ ...ACME, contexts: [...ACME.contexts, "desks"] }] },
      "GET /v1/contexts": () =>
        catalog([...(deleted ? [] : [customEntry("badges", BADGES_1)]), customEntry("desks", desks)]),
      "DELETE /v1/contexts/badges": [
        // Meanwhile someone added it to an integration: the Worker refuses, naming it.
        problem(
          409,
          'badges is used by integration "Acme CRM" (int_acme); remove it from that integration first',
          {
            type: "https://intake.dev/problems/context-in-use",
            title: "Context in use",
            integrations: [{ id: "int_acme", name: "Acme CRM" }],
          },
        ),
        () => {
          deleted = true;
          return new Response(null, { status: 204 });
        },
      ],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Delete Desks" }));
    const inUse = await screen.findByRole("dialog", { name: "Desks is in use" });
    expect(inUse.textContent).toMatch(
      /Desks cannot be deleted while Acme uses it\. Remove it from that integration first; then delete it here\./,
    );
    expect(within(inUse).queryByRole("button", { name: /Delete Desks/ })).toBeNull();
    fireEvent.click(within(inUse).getByRole("button", { name: "Close" }));

    fireEvent.click(screen.getByRole("button", { name: "Delete Badges" }));
    const confirm = await screen.findByRole("dialog", { name: "Delete Badges?" });
    expect(confirm.textContent).toMatch(/Its schema is removed for good.*This cannot be undone\./);
    expect(await seriousViolations()).toEqual([]);
    // Meanwhile someone added it to an integration: the Worker refuses, and the dialog says why.
    fireEvent.click(within(confirm).getByRole("button", { name: "Delete Badges" }));
    expect((await within(confirm).findByRole("alert")).textContent).toBe(
      "Badges cannot be deleted: Acme CRM uses it. Remove it from that integration first.",
    );
    expect(sentTo(api, "DELETE").map((r) => r.path)).toEqual(["/v1/contexts/badges"]);
    fireEvent.click(within(confirm).getByRole("button", { name: "Close" }));

    fireEvent.click(screen.getByRole("button", { name: "Delete Badges" }));
    fireEvent.click(
      within(await screen.findByRole("dialog", { name: "Delete Badges?" })).getByRole("button", {
        name: "Delete Badges",
      }),
    );
    await screen.findByText("Deleted Badges.");
    expect(sentTo(api, "DELETE")).toHaveLength(2);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Delete Badges" })).toBeNull());
    expect(screen.getByRole("button", { name: "Delete Desks" })).toBeTruthy();
  });

  it("is not offered to an ingest key", async () => {
    await renderConsole({ scope: "ingest" });
    await screen.findByRole("button", { name: "Status" });
    expect(screen.queryByRole("button", { name: "Contexts" })).toBeNull();
  });
});

describe("definitionOf", () => {
  it("makes key fields required and keeps allowed values typed", () => {
    const definition = definitionOf({
      name: "x",
      title: "X",
      category: "C",
      description: "",
      fields: [
        {
          id: 1,
          name: "code",
          type: "integer",
          required: false,
          key: true,
          format: "",
          allowed: "1, 2",
          aliases: "",
          description: "The code",
          rest: {},
        },
      ],
    });
    expect(definition).toEqual({
      type: "object",
      required: ["code"],
      additionalProperties: false,
      "x-intake-key": ["code"],
      properties: { code: { type: "integer", description: "The code", enum: [1, 2] } },
    });
  });
});
