// "Test connection" ends within its deadline whatever the server does, and says what to do.
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import type { ConnectDeps } from "../../../extension/connect.ts";
import { ConnectStep } from "../../../extension/ui/ConnectStep.tsx";
import { problem, recorded } from "../fake-api.ts";
import { me } from "../recorded-answers.ts";

afterEach(cleanup);

function mount(fetch: typeof globalThis.fetch, key = "ik_test_key") {
  const connected: string[] = [];
  const deps: ConnectDeps = { fetch, sleep: async () => {}, requestHostPermission: async () => true };
  render(
    <ConnectStep
      deps={deps}
      initial={{ workerUrl: "http://intake.test", apiKey: key }}
      onConnected={(_c, me) => connected.push(me.tenant.name)}
      timeoutMs={50}
    />,
  );
  fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
  return connected;
}

describe("ConnectStep", () => {
  it("calls the server the Intake server, and connects with a good key", async () => {
    const connected = mount(recorded({ "GET /v1/me": me() }));
    expect(screen.getByLabelText("Intake server URL")).toBeTruthy();
    await expect.poll(() => connected).toEqual(["Acme Corp"]);
  });

  it("gives up on a server that never answers at its deadline, saying what to do", async () => {
    const hanging = ((_url: string, init: RequestInit = {}) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }),
      )) as typeof fetch;
    mount(hanging);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(
      "Intake could not reach http://intake.test within 50 ms. Check the address and that the server is running (npm start prints it), then try again.",
    );
    expect((screen.getByRole("button", { name: "Test connection" }) as HTMLButtonElement).disabled).toBe(
      false,
    );
  });

  it("tells a refused key and a server that is not Intake apart", async () => {
    mount(recorded({ "GET /v1/me": problem(401, "The API key is not valid") }), "wrong-key");
    // The server's own words, not a guess at the cause.
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The Intake server refused this API key: “The API key is not valid”. Paste the whole key again, or ask your administrator for a new one.",
    );
    cleanup();
    const notIntake = (async () => new Response("not found", { status: 404 })) as typeof fetch;
    mount(notIntake);
    expect((await screen.findByRole("alert")).textContent).toBe(
      "http://intake.test answered, but it is not an Intake server (it has no /v1/me). Check the address.",
    );
  });
});
