// Integration detail: per context endpoint, headers and curl with copy; a JSON or CSV file sent to
// the Worker's dry run, with its report shown. The Worker's answers are recorded
// (recorded-answers.ts; checked against the real Worker in test/worker/client/).
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { type Answer, jsonOf } from "../fake-api.ts";
import { CSV_FILE, VALIDATED_CSV, VALIDATED_JSON, VALIDATED_OK } from "../recorded-answers.ts";
import { renderConsole, setFiles } from "./console-helpers.tsx";

const VALIDATE = "POST /v1/integrations/int_acme/contexts/saas_users/validate";

beforeEach(() => fakeBrowser.reset());
afterEach(cleanup);

async function openAcme(scope: "admin" | "ingest" = "admin", answers: Record<string, Answer> = {}) {
  const ctx = await renderConsole({ scope, answers });
  fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
  await screen.findByRole("heading", { name: "Endpoints" });
  return ctx;
}

const endpoint = (name: RegExp) => screen.getByRole("article", { name });

describe("integration detail", () => {
  it("shows each context's endpoint, required headers and curl, and copies them", async () => {
    const { copied } = await openAcme();
    const users = endpoint(/saas_users/);
    expect(
      within(users).getByText("http://127.0.0.1:8787/v1/integrations/int_acme/contexts/saas_users/records"),
    ).toBeTruthy();
    expect(within(users).getByText("x-api-key: <your ingest key>")).toBeTruthy();
    expect(within(users).getByText("content-type: application/json")).toBeTruthy();
    expect(within(users).getByText(/^curl -X POST/).textContent).toContain("--data-binary @saas_users.json");
    fireEvent.click(within(users).getByRole("button", { name: "Copy curl for saas_users" }));
    await within(users).findByText("Copied");
    expect(copied[0]).toMatch(/^curl -X POST 'http:\/\/127\.0\.0\.1:8787\/v1\/integrations\/int_acme/);
    fireEvent.click(within(users).getByRole("button", { name: "Copy URL of the saas_users endpoint" }));
    await waitFor(() => expect(copied[1]).toMatch(/contexts\/saas_users\/records$/));
    expect(endpoint(/list_employees/)).toBeTruthy();
  });

  it("says so when copying is refused", async () => {
    await renderConsole({
      scope: "admin",
      copy: async () => {
        throw new Error("denied");
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Acme", exact: true }));
    const users = await screen.findByRole("article", { name: /saas_users/ });
    fireEvent.click(within(users).getByRole("button", { name: "Copy curl for saas_users" }));
    await within(users).findByText("Could not copy; select the text instead");
  });

  it('validates a {"data":[...]} JSON file against the schema and shows the error report', async () => {
    const { api } = await openAcme("ingest", { [VALIDATE]: VALIDATED_JSON });
    const input = within(endpoint(/saas_users/)).getByLabelText(/Validate a JSON file against saas_users/);
    const file = new File(
      [JSON.stringify({ data: [{ emailId: "a@x.co" }, { emailId: "nope", createdOn: "29022023" }] })],
      "users.json",
      { type: "application/json" },
    );
    setFiles(input, [file]);
    fireEvent.change(input);
    const summary = await screen.findByText(/users.json: not valid — 2 records · 2 errors/);
    expect(summary).toBeTruthy();
    const report = screen.getByRole("table", { name: "Validation report for users.json" });
    const rows = within(report).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^2emailIderror.*email.*"nope"$/),
      expect.stringMatching(/^2createdOnerror.*real date.*"29022023"$/),
    ]);
    const sent = api.requests.find((r) => r.path.endsWith("/contexts/saas_users/validate"));
    expect(jsonOf(sent)).toEqual({
      data: [{ emailId: "a@x.co" }, { emailId: "nope", createdOn: "29022023" }],
    });
  });

  it("sends a CSV file as text/csv and shows the Worker's report with its file problems and source lines", async () => {
    const { api } = await openAcme("ingest", { [VALIDATE]: VALIDATED_CSV });
    const input = within(endpoint(/saas_users/)).getByLabelText(/Validate a JSON file against saas_users/);
    const csv = CSV_FILE;
    setFiles(input, [new File([csv], "users.csv", { type: "text/csv" })]);
    fireEvent.change(input);
    await screen.findByText(/users.csv: not valid — 2 records · 2 errors/);
    const sent = api.requests.find((r) => r.path.endsWith("/contexts/saas_users/validate"));
    expect(sent?.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(sent?.body).toBe(csv);
    const report = screen.getByRole("table", { name: "Validation report for users.csv" });
    const rows = within(report).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^0 \(line 1\)Shoe Size.*not a field of saas_users/),
      expect.stringMatching(/^2 \(line 4\)emailIderror.*"nope"$/),
    ]);
  });

  it("reports a valid file, and a file that is not JSON without calling the Worker", async () => {
    const { api } = await openAcme("admin", { [VALIDATE]: VALIDATED_OK });
    const input = within(endpoint(/saas_users/)).getByLabelText(/Validate a JSON file/);
    setFiles(input, [new File(['[{"emailId":"a@x.co"}]'], "ok.json")]);
    fireEvent.change(input);
    await screen.findByText(/ok.json: valid — 1 record · 0 errors/);
    expect(jsonOf(api.requests.at(-1))).toEqual({ data: [{ emailId: "a@x.co" }] });

    const before = api.requests.length;
    setFiles(input, [new File(["{oops"], "bad.json")]);
    fireEvent.change(input);
    expect(
      (await screen.findByText(/bad.json: The file is not valid JSON/)).closest('[role="alert"]'),
    ).toBeTruthy();
    setFiles(input, [new File(['{"rows":[]}'], "shape.json")]);
    fireEvent.change(input);
    await screen.findByText(/shape.json: The file must hold \{"data":\[/);
    expect(api.requests.length).toBe(before);
  });
});
