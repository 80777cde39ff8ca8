// The integration wizard: details (name required, logo colour or a checked ≤ 5 KB image), contexts
// by category with search or a capability preset, review of the schemas, finish; edit later. The
// Worker's answers are recorded; its rules for integrations are tested in
// test/worker/integrations.test.ts.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import type { Integration } from "../../../schemas/api-types.ts";
import { type Answer, type Faults, jsonOf } from "../fake-api.ts";
import { ACME, ACME_DETAIL, detailOf, readyStatus } from "../recorded-answers.ts";
import { pngOfSize, renderConsole, setFiles } from "./console-helpers.tsx";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

/** The Worker's answers about an integration it created as `int_new`. */
function creating(input: Partial<Integration>): Record<string, Answer> {
  const made: Integration = {
    ...ACME,
    id: "int_new",
    displayName: null,
    description: null,
    createdAt: "2024-06-01T00:00:00Z",
    updatedAt: "2024-06-01T00:00:00Z",
    ...input,
  };
  const detail = detailOf(made, {});
  return {
    "POST /v1/integrations": new Response(JSON.stringify(detail), { status: 201 }),
    "GET /v1/integrations/int_new": detail,
    "GET /v1/integrations/int_new/status": readyStatus(made),
  };
}

async function openWizard(answers: Record<string, Answer> = {}) {
  const ctx = await renderConsole({ scope: "admin", answers });
  fireEvent.click(await screen.findByRole("button", { name: "New integration" }));
  await screen.findByRole("heading", { name: "New integration" });
  return ctx;
}

async function chooseImage(file: File) {
  fireEvent.click(screen.getByLabelText("Image"));
  const input = await screen.findByLabelText(/Logo image/);
  setFiles(input, [file]);
  fireEvent.change(input);
}

const posts = (api: Faults) =>
  api.requests.filter((r) => r.method === "POST" && r.path === "/v1/integrations").map(jsonOf);

describe("integration wizard", () => {
  it("requires a name before moving on", async () => {
    await openWizard();
    fireEvent.click(screen.getByRole("button", { name: "Next: contexts" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/Name is required/);
    expect(screen.getByLabelText("Name (required)").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByLabelText("Search contexts")).toBeNull();
  });

  it("refuses a 6 KB logo with the reason before any upload, then accepts a 4 KB one", async () => {
    const { api } = await openWizard();
    await chooseImage(pngOfSize(6144));
    await waitFor(() =>
      expect(screen.getByText(/logo-6144.png cannot be used as the logo/).textContent).toMatch(
        /the image is 6144 bytes; the limit is 5120 bytes \(5 KB\)/,
      ),
    );
    expect(screen.queryByAltText("Logo preview")).toBeNull();
    expect(posts(api)).toHaveLength(0);

    await chooseImage(pngOfSize(4096));
    await screen.findByAltText("Logo preview");
    expect(screen.queryByText(/cannot be used as the logo/)).toBeNull();
  });

  it("creates an integration: details, contexts by category with search, review, finish", async () => {
    const { api } = await openWizard(
      creating({
        name: "Okta",
        displayName: "Okta (prod)",
        description: "Okta users and apps",
        contexts: ["invoices", "saas_users"],
      }),
    );
    fireEvent.input(screen.getByLabelText("Name (required)"), { target: { value: "Okta" } });
    fireEvent.input(screen.getByLabelText("Display name"), { target: { value: "Okta (prod)" } });
    fireEvent.input(screen.getByLabelText("Description"), { target: { value: "Okta users and apps" } });
    await chooseImage(pngOfSize(4096));
    await screen.findByAltText("Logo preview");
    fireEvent.click(screen.getByRole("button", { name: "Next: contexts" }));

    // categories as groups
    const identity = await screen.findByRole("group", { name: "Identity & Access" });
    expect(within(identity).getByLabelText(/SaaS users/i)).toBeTruthy();
    expect(screen.getByRole("group", { name: "Finance" })).toBeTruthy();
    // no context chosen yet
    fireEvent.click(screen.getByRole("button", { name: "Next: review" }));
    expect((await screen.findByText("Choose at least one context")).getAttribute("role")).toBe("alert");

    // search narrows the list (the Worker's catalog search)
    fireEvent.input(screen.getByLabelText("Search contexts"), { target: { value: "invoice" } });
    await waitFor(() => expect(screen.queryByRole("group", { name: "Identity & Access" })).toBeNull(), {
      timeout: 2000,
    });
    expect(api.requests.some((r) => r.path === "/v1/contexts" && r.search === "?q=invoice")).toBe(true);
    fireEvent.click(screen.getByRole("checkbox", { name: /invoices/ }));
    fireEvent.input(screen.getByLabelText("Search contexts"), { target: { value: "" } });
    fireEvent.click(await screen.findByRole("checkbox", { name: /saas_users/ }));
    expect(screen.getByText(/2 selected/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next: review" }));

    // review of the selected schemas
    await screen.findByRole("heading", { name: "Schemas (2)" });
    expect(screen.getByText(/Record key:.*emailId/s)).toBeTruthy();
    expect(screen.getByRole("link", { name: "JSON Schema of invoices" }).getAttribute("href")).toBe(
      "http://127.0.0.1:8787/v1/contexts/invoices/schema",
    );
    fireEvent.click(screen.getByRole("button", { name: "Create integration" }));

    await screen.findByRole("heading", { name: "Okta (prod)" });
    const body = posts(api)[0] as Record<string, unknown>;
    expect(body).toMatchObject({
      name: "Okta",
      displayName: "Okta (prod)",
      description: "Okta users and apps",
      contexts: ["invoices", "saas_users"],
    });
    expect(body.logo).toMatch(/^data:image\/png;base64,/);
    expect(screen.getByText(/Created Okta \(prod\)/)).toBeTruthy();
  });

  it("takes contexts from a discovery capability preset", async () => {
    const { api } = await openWizard(
      creating({
        name: "Netskope",
        contexts: ["saas_users", "discovered_applications", "application_users"],
      }),
    );
    fireEvent.input(screen.getByLabelText("Name (required)"), { target: { value: "Netskope" } });
    fireEvent.click(screen.getByRole("button", { name: "Next: contexts" }));
    // A context picked by hand stays when a preset is added: presets add, they never replace.
    fireEvent.click(await screen.findByRole("checkbox", { name: /saas_users/ }));
    fireEvent.click(screen.getByRole("button", { name: "A discovery capability" }));
    fireEvent.click(screen.getByRole("button", { name: /^Add .*services and user accounts/i }));
    expect(screen.getByRole("button", { name: /services and user accounts.*: all added/i })).toHaveProperty(
      "disabled",
      true,
    );
    expect(screen.getByText(/· 3 selected/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next: review" }));
    await screen.findByRole("heading", { name: "Schemas (3)" });
    fireEvent.click(screen.getByRole("button", { name: "Create integration" }));
    await screen.findByRole("heading", { name: "Netskope" });
    expect(posts(api)[0]).toMatchObject({
      name: "Netskope",
      logo: "#1f5fbf",
      contexts: ["saas_users", "discovered_applications", "application_users"],
    });
  });

  it("shows the Worker's field errors at the step they belong to", async () => {
    const { api } = await openWizard(creating({ name: "X2", contexts: ["saas_users"] }));
    fireEvent.input(screen.getByLabelText("Name (required)"), { target: { value: "X" } });
    fireEvent.click(screen.getByRole("button", { name: "Next: contexts" }));
    fireEvent.click(await screen.findByRole("checkbox", { name: /saas_users/ }));
    fireEvent.click(screen.getByRole("button", { name: "Next: review" }));
    api.failNext("POST", /^\/v1\/integrations$/, {
      status: 422,
      detail: "/name: is already used by another integration",
      extra: { errors: [{ pointer: "/name", message: "is already used by another integration" }] },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Create integration" }));
    // back at the details step, the message next to the name
    const name = await screen.findByLabelText("Name (required)");
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById("err-name")?.textContent).toBe("is already used by another integration");
    // fixing it and finishing works
    fireEvent.input(name, { target: { value: "X2" } });
    fireEvent.click(screen.getByRole("button", { name: "Next: contexts" }));
    fireEvent.click(await screen.findByRole("button", { name: "Next: review" }));
    fireEvent.click(await screen.findByRole("button", { name: "Create integration" }));
    await screen.findByRole("heading", { name: "X2" });
    expect(posts(api).map((body) => (body as { name: string }).name)).toEqual(["X", "X2"]);
  });

  it("edits an integration later: details and the context selection", async () => {
    // Once saved, the Worker answers with the new selection.
    const saved = detailOf(
      { ...ACME, contexts: ["saas_users", "vendors"], updatedAt: "2024-06-02T00:00:00Z" },
      { saas_users: "SaaS users", vendors: "Vendors" },
    );
    let patched = false;
    const { api } = await renderConsole({
      scope: "admin",
      answers: {
        "PATCH /v1/integrations/int_acme": () => {
          patched = true;
          return saved;
        },
        "GET /v1/integrations/int_acme": () => (patched ? saved : ACME_DETAIL),
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
    fireEvent.click(await screen.findByRole("button", { name: "Edit contexts" }));
    await screen.findByRole("heading", { name: "Edit Acme" });
    const users = await screen.findByRole("checkbox", { name: /saas_users/ });
    expect((users as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole("checkbox", { name: /list_employees/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /vendors/ }));
    // Taking a context away says what happens to its data: kept, hidden until it is added back.
    expect(
      screen.getByText(/Its data is kept, not deleted: the committed versions of list_employees/),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Next: review" }));
    fireEvent.click(await screen.findByRole("button", { name: "Save changes" }));
    await screen.findByText(/^Saved Acme\. The data of list_employees is kept; add it again to see it\.$/);
    const patch = api.requests.find((r) => r.method === "PATCH");
    expect(patch?.path).toBe("/v1/integrations/int_acme");
    expect(jsonOf(patch)).toMatchObject({ name: "Acme CRM", contexts: ["saas_users", "vendors"] });
    await screen.findByRole("heading", { name: /Vendors/ });

    fireEvent.click(screen.getByRole("button", { name: "Edit details" }));
    const name = (await screen.findByLabelText("Display name")) as HTMLInputElement;
    expect(name.value).toBe("Acme");
    fireEvent.input(name, { target: { value: "" } });
    fireEvent.input(screen.getByLabelText("Name (required)"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Next: contexts" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/Name is required/);
  });
});
