// The mapping step shows suggestMapping's reasons (a value-based match, a refused generic alias),
// proposes value maps that the admin can edit and that are saved with the mapping, and offers
// "No header row" when the first line looks like data.
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MappingStep } from "../../extension/flow/MappingStep.tsx";
import type { ReadyInspection } from "../../extension/flow/SourceStep.tsx";
import { type Mapping, mappingFromSuggestions, suggestMapping } from "../../extension/mapping.ts";
import { type ContextSchema, getSchema } from "../../schemas/index.ts";

afterEach(cleanup);

const schema = getSchema("saas_users") as ContextSchema;
const headers = ["User Principal Name", "status", "accountEnabled"];
const rows = Array.from({ length: 24 }, (_, i) => [
  `user${i}@acme.com`,
  ["Member", "Admin", "Primary Owner", "Deactivated"][i % 4] as string,
  i % 3 === 0 ? "False" : "True",
]);
const inspection = {
  status: "ready",
  kind: "csv",
  encoding: "utf-8",
  headers,
  columns: headers,
  rowCount: rows.length,
  samples: headers.map((_, c) => rows.slice(0, 3).map((r) => r[c] as string)),
  distinct: headers.map((_, c) => [...new Set(rows.map((r) => r[c] as string))]),
  issues: [],
} as unknown as ReadyInspection;

function renderStep(
  onValidate: (m: Mapping) => void,
  headerRow?: Parameters<typeof MappingStep>[0]["headerRow"],
) {
  const suggestions = suggestMapping({ headers, rows, context: "saas_users" });
  render(
    <MappingStep
      schema={schema}
      inspection={inspection}
      suggestions={suggestions}
      initial={mappingFromSuggestions(headers, suggestions)}
      headerRow={headerRow}
      onBack={() => {}}
      onValidate={onValidate}
    />,
  );
}

describe("MappingStep", () => {
  it("explains a value-based match and a refused generic alias", () => {
    renderStep(() => {});
    const row = (name: string) => screen.getByRole("rowheader", { name }).closest("tr")?.textContent ?? "";
    expect((screen.getByLabelText("Field for column User Principal Name") as HTMLSelectElement).value).toBe(
      "emailId",
    );
    expect(row("User Principal Name")).toMatch(/values are unique emails/);
    expect((screen.getByLabelText("Field for column status") as HTMLSelectElement).value).toBe("");
    expect(row("status")).toMatch(
      /alias 'Status', but values \(Member, Admin, Primary Owner\) don't fit ACTIVE, DISABLED, DELETED/,
    );
  });

  it("offers a likely value without choosing it, lets the admin accept or edit it, and saves it with the mapping", () => {
    const onValidate = vi.fn();
    renderStep(onValidate);
    const falseTo = screen.getByLabelText("Value for “False” in userStatus") as HTMLSelectElement;
    const trueTo = screen.getByLabelText("Value for “True” in userStatus") as HTMLSelectElement;
    // A flag read as a status is a guess: offered, kept as is until accepted.
    expect(falseTo.value).toBe("");
    expect(trueTo.value).toBe("");
    expect([...falseTo.options].map((o) => o.text)).toEqual([
      "(keep as is)",
      "ACTIVE",
      "DISABLED (suggested)",
      "DELETED",
    ]);
    fireEvent.change(falseTo, { target: { value: "DELETED" } });
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    expect(onValidate).toHaveBeenLastCalledWith(
      expect.objectContaining({
        columns: ["emailId", null, "userStatus"],
        valueMaps: { userStatus: { False: "DELETED" } },
        headers,
      }),
    );
    fireEvent.click(screen.getByRole("button", { name: "Use suggested values for userStatus" }));
    expect(trueTo.value).toBe("ACTIVE");
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    expect(onValidate).toHaveBeenLastCalledWith(
      expect.objectContaining({ valueMaps: { userStatus: { True: "ACTIVE", False: "DISABLED" } } }),
    );
  });

  it("offers 'No header row' when the first line looks like data", () => {
    const onChange = vi.fn();
    renderStep(() => {}, { noHeader: false, looksHeaderless: true, onChange });
    fireEvent.click(screen.getByLabelText("No header row"));
    expect(onChange).toHaveBeenCalledWith(true);
  });
});
