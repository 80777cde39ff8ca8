// API keys: create with name, scope, optional integration and expiry; the secret shown once with
// show/hide and copy, gone when the dialog closes; list with created/expires/last used; revoke
// only after a confirmation. The Worker's answers are recorded; its key rules are tested in
// test/worker/tenants-keys.test.ts.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { formatTime } from "../../../extension/ui/format.ts";
import type { ApiKeyInfo } from "../../../schemas/api-types.ts";
import { type Answer, jsonOf } from "../fake-api.ts";
import { LAPTOP } from "../recorded-answers.ts";
import { renderConsole } from "./console-helpers.tsx";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

/** A key the Worker created: its info, and its secret shown once. */
const created = (key: Partial<ApiKeyInfo>) => ({
  key: { ...LAPTOP, id: "key_2", lastUsedAt: null, createdAt: "2024-06-01T00:00:00Z", ...key },
  secret: "intk_key_2_s3cr3t",
});

async function openKeys(answers: Record<string, Answer | Answer[]> = {}) {
  const ctx = await renderConsole({ scope: "admin", answers });
  fireEvent.click(await screen.findByRole("button", { name: "API keys" }));
  await screen.findByRole("table", { name: "API keys" });
  return ctx;
}

const keyRows = () =>
  within(screen.getByRole("table", { name: "API keys" }))
    .getAllByRole("row")
    .slice(1);

describe("API keys", () => {
  it("lists keys with scope, integration, created, expires and last used", async () => {
    await openKeys();
    const [row] = keyRows();
    const cells = within(row as HTMLElement)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells.slice(0, 3)).toEqual(["laptop (this console)", "ingest", "Any"]);
    // One local format everywhere, the ISO value on hover.
    expect(cells[3]).toBe(formatTime("2024-01-01T00:00:00Z"));
    expect(cells[3]).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    expect(cells[4]).toBe(formatTime("2030-01-01T00:00:00Z"));
    expect(cells[5]).toBe(formatTime("2024-05-01T00:00:00Z"));
    expect(document.querySelector("time[title='2030-01-01T00:00:00Z']")).toBeTruthy();
    expect(cells[6]).toBe("Active");
  });

  it("creates a key and shows its secret once, with show/hide and copy", async () => {
    const job = created({ name: "Okta job", integrationId: "int_acme", expiresAt: "2025-12-31T23:59:59Z" });
    const { api, copied } = await openKeys({
      "POST /v1/keys": job,
      "GET /v1/keys": [{ data: [LAPTOP] }, { data: [job.key, LAPTOP] }],
    });
    fireEvent.click(screen.getByRole("button", { name: "Create API key" }));
    const dialog = await screen.findByRole("dialog", { name: "Create API key" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Key name"));
    // the default expiry is a year from now
    expect((within(dialog).getByLabelText("Expires on") as HTMLInputElement).value).toBe("2025-06-01");
    fireEvent.click(within(dialog).getByRole("button", { name: "Create key" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Name is required");
    expect(api.requests.some((r) => r.method === "POST" && r.path === "/v1/keys")).toBe(false);

    fireEvent.input(within(dialog).getByLabelText("Key name"), { target: { value: "Okta job" } });
    fireEvent.change(within(dialog).getByLabelText("Integration"), { target: { value: "int_acme" } });
    fireEvent.input(within(dialog).getByLabelText("Expires on"), { target: { value: "2025-12-31" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create key" }));

    const shown = await screen.findByRole("dialog", { name: "API key “Okta job” created" });
    expect(jsonOf(api.requests.find((r) => r.method === "POST" && r.path === "/v1/keys"))).toEqual({
      name: "Okta job",
      scope: "ingest",
      integrationId: "int_acme",
      expiresAt: "2025-12-31T23:59:59Z",
    });
    const secret = within(shown).getByLabelText("Secret of “Okta job”") as HTMLInputElement;
    expect(secret.type).toBe("password");
    expect(secret.value).toBe(job.secret);
    fireEvent.click(within(shown).getByRole("button", { name: "Show secret" }));
    expect(secret.type).toBe("text");
    expect(within(shown).getByRole("button", { name: "Hide secret" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
    fireEvent.click(within(shown).getByRole("button", { name: "Copy secret" }));
    await within(shown).findByText("Copied");
    expect(copied).toEqual([secret.value]);
    const value = secret.value;

    fireEvent.click(within(shown).getByRole("button", { name: "Done, I have copied it" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    // the list has it, the secret is nowhere on the page any more
    await waitFor(() => expect(keyRows()[0]?.textContent).toMatch(/^Okta jobingestAcme/));
    expect(document.body.innerHTML).not.toContain(value);
    expect([...document.querySelectorAll("input")].some((i) => i.value === value)).toBe(false);
  });

  it("does not bind admin keys to an integration, and closes with Escape", async () => {
    const { api } = await openKeys({ "POST /v1/keys": created({ name: "Ops", scope: "admin" }) });
    fireEvent.click(screen.getByRole("button", { name: "Create API key" }));
    const dialog = await screen.findByRole("dialog", { name: "Create API key" });
    fireEvent.change(within(dialog).getByLabelText("Integration"), { target: { value: "int_acme" } });
    fireEvent.change(within(dialog).getByLabelText("Scope"), { target: { value: "admin" } });
    expect((within(dialog).getByLabelText("Integration") as HTMLSelectElement).disabled).toBe(true);
    fireEvent.input(within(dialog).getByLabelText("Key name"), { target: { value: "Ops" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create key" }));
    await screen.findByRole("dialog", { name: "API key “Ops” created" });
    expect(jsonOf(api.requests.find((r) => r.method === "POST"))).toMatchObject({
      scope: "admin",
      integrationId: null,
    });
    fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("revokes a key only after confirming", async () => {
    const revoked = { ...LAPTOP, revokedAt: "2024-06-03T00:00:00Z" };
    const { api } = await openKeys({
      "DELETE /v1/keys/key_1": revoked,
      "GET /v1/keys": [{ data: [LAPTOP] }, { data: [revoked] }],
    });
    fireEvent.click(screen.getByRole("button", { name: "Revoke key laptop" }));
    let dialog = await screen.findByRole("dialog", { name: "Revoke the key “laptop”?" });
    expect(dialog.textContent).toMatch(/This is the key this console uses/);
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(api.requests.some((r) => r.method === "DELETE")).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Revoke key laptop" }));
    dialog = await screen.findByRole("dialog", { name: "Revoke the key “laptop”?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke key" }));
    await screen.findByText("The key “laptop” was revoked.");
    expect(api.requests.find((r) => r.method === "DELETE")?.path).toBe("/v1/keys/key_1");
    await waitFor(() => expect(keyRows()[0]?.textContent).toMatch(/Revoked/));
    expect(screen.queryByRole("button", { name: "Revoke key laptop" })).toBeNull();
  });

  it("has no serious accessibility violations with the secret dialog open", async () => {
    await openKeys({ "POST /v1/keys": created({ name: "A" }) });
    fireEvent.click(screen.getByRole("button", { name: "Create API key" }));
    const dialog = await screen.findByRole("dialog", { name: "Create API key" });
    fireEvent.input(within(dialog).getByLabelText("Key name"), { target: { value: "A" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create key" }));
    await screen.findByRole("dialog", { name: "API key “A” created" });
    const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
    expect(
      results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);
  });
});
