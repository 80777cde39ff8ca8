// The console shell: connecting with its own stored connection, what an admin key and an ingest
// key may see, and no serious accessibility violations.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { connectionItem, consoleConnectionItem } from "../../../extension/storage.ts";
import { problem } from "../fake-api.ts";
import { KEY, renderConsole, WORKER } from "./console-helpers.tsx";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

const seriousViolations = async () =>
  (await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`);

describe("console", () => {
  it("connects with its own connection, prefilled from the upload flow's, and asks for permission", async () => {
    await connectionItem.setValue({ workerUrl: "http://127.0.0.1:8787", apiKey: "ik_popup" });
    const { api, deps } = await renderConsole({ connected: false });
    const key = (await screen.findByLabelText("API key")) as HTMLInputElement;
    expect(key.value).toBe("ik_popup");
    expect(screen.getByRole("heading", { name: "Connect the console" })).toBeTruthy();
    fireEvent.input(key, { target: { value: KEY } });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    await screen.findByRole("heading", { name: "Integrations" });
    expect(deps.requestHostPermission).toHaveBeenCalledWith("http://127.0.0.1/*");
    expect(api.requests[0]).toMatchObject({ path: "/v1/me", headers: { "x-api-key": KEY } });
    expect(await consoleConnectionItem.getValue()).toEqual({ workerUrl: WORKER, apiKey: KEY });
    // the upload flow keeps its own (ingest) key
    expect((await connectionItem.getValue())?.apiKey).toBe("ik_popup");
  });

  it("asks to reconnect when the saved key is refused", async () => {
    await consoleConnectionItem.setValue({ workerUrl: WORKER, apiKey: "ik_revoked" });
    await renderConsole({
      connected: false,
      answers: { "GET /v1/me": problem(401, "The API key is not valid") },
    });
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /The saved connection no longer works: The API key is not valid/,
    );
    expect(screen.getByRole("button", { name: "Test connection" })).toBeTruthy();
  });

  it("gives an admin key integrations, status and API keys", async () => {
    await renderConsole({ scope: "admin" });
    await screen.findByRole("button", { name: "Acme", exact: true });
    const nav = screen.getByRole("navigation", { name: "Console sections" });
    expect([...nav.querySelectorAll("button")].map((b) => b.textContent)).toEqual([
      "Integrations",
      "Status",
      "Contexts",
      "API keys",
    ]);
    expect(screen.getByRole("button", { name: "New integration" })).toBeTruthy();
    expect(screen.getByText(/admin key “laptop”/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Change connection" }));
    await screen.findByRole("heading", { name: "Connect the console" });
    fireEvent.click(screen.getByRole("button", { name: "Back to the console" }));
    await screen.findByRole("button", { name: "Acme", exact: true });
    fireEvent.click(screen.getByRole("button", { name: "Acme", exact: true }));
    await screen.findByRole("button", { name: "Edit contexts" });
    expect(screen.getByRole("button", { name: "Edit details" })).toBeTruthy();
    expect(await seriousViolations()).toEqual([]);
  });

  it("shows an ingest key only what it may do: its integration, status and history", async () => {
    // The Worker lists a bound key only its integration (test/worker/integrations.test.ts).
    const { api } = await renderConsole({ scope: "ingest", bound: "int_acme" });
    await screen.findByRole("button", { name: "Acme", exact: true });
    expect(screen.queryByRole("button", { name: "API keys" })).toBeNull();
    expect(screen.queryByRole("button", { name: "New integration" })).toBeNull();
    expect(screen.getByRole("note").textContent).toMatch(/ingest key.*needs an admin key/);

    fireEvent.click(screen.getByRole("button", { name: "Acme", exact: true }));
    await screen.findByRole("heading", { name: "Endpoints" });
    expect(screen.queryByRole("button", { name: "Edit details" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Edit contexts" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete integration" })).toBeNull();
    expect(screen.getByRole("heading", { name: "Ingestion history" })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Status" }));
    await screen.findByRole("table", { name: "Status of every integration and context" });
    await waitFor(() => expect(screen.getAllByText("Ready").length).toBeGreaterThan(0));
    expect(api.requests.some((r) => r.path.startsWith("/v1/keys"))).toBe(false);
    expect(await seriousViolations()).toEqual([]);
  });
});
