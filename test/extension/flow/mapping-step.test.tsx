// The mapping step shows suggestMapping's reasons (a value-based match, a refused generic alias),
// proposes value maps that the admin can edit and that are saved with the mapping, offers
// "No header row" when the first line looks like data, and splits a full-name column into first
// and last name with a preview of what the rule makes of the first values.
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MappingStep, SPLIT_CHOICE } from "../../../extension/flow/MappingStep.tsx";
import type { ReadyInspection } from "../../../extension/flow/SourceStep.tsx";
import { type Mapping, mappingFromSuggestions, suggestMapping } from "../../../extension/mapping.ts";
import { type ContextSchema, getSchema } from "../../../schemas/index.ts";

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

describe("MappingStep: a full-name column", () => {
  const nameHeaders = ["Email", "Name", "Team"];
  const nameRows = [
    ["ann@acme.com", "Jane Doe", "Sales"],
    ["bob@acme.com", "Mary Ann Smith", "IT"],
    ["cy@acme.com", "Okafor, Chidi", "IT"],
    ["dee@acme.com", "Cher", "Sales"],
    ["eve@acme.com", "Eve Ray", "IT"],
  ];
  const nameInspection = {
    ...inspection,
    headers: nameHeaders,
    columns: nameHeaders,
    rowCount: nameRows.length,
    samples: nameHeaders.map((_, c) => nameRows.slice(0, 3).map((r) => r[c] as string)),
    distinct: nameHeaders.map((_, c) => [...new Set(nameRows.map((r) => r[c] as string))]),
  } as unknown as ReadyInspection;

  function renderNames(onValidate: (m: Mapping) => void, initial?: Mapping) {
    const suggestions = suggestMapping({ headers: nameHeaders, rows: nameRows, context: "saas_users" });
    render(
      <MappingStep
        schema={schema}
        inspection={nameInspection}
        suggestions={suggestions}
        initial={initial ?? mappingFromSuggestions(nameHeaders, suggestions)}
        onBack={() => {}}
        onValidate={onValidate}
      />,
    );
  }
  const nameSelect = () => screen.getByLabelText("Field for column Name") as HTMLSelectElement;
  const preview = () => document.querySelector(".split-preview")?.textContent ?? "";

  it("splits a Name column into firstName + lastName on its own, shows what the rule makes of it, and sends it", () => {
    const onValidate = vi.fn();
    renderNames(onValidate);
    expect(nameSelect().value).toBe(SPLIT_CHOICE);
    expect(nameSelect().selectedOptions[0]?.text).toBe("Split: firstName + lastName");
    expect(preview()).toContain("Jane Doe → firstName “Jane”, lastName “Doe”");
    expect(preview()).toContain("Mary Ann Smith → firstName “Mary Ann”, lastName “Smith”");
    expect(preview()).toContain("Okafor, Chidi → firstName “Chidi”, lastName “Okafor”");
    expect(preview()).toMatch(
      /The last word becomes the last name.*“Doe, Jane” is read as last name, first name/,
    );
    // The preview is the select's description; the fields count as mapped (no other column offers them free).
    expect(nameSelect().getAttribute("aria-describedby")).toBe(document.querySelector(".split-preview")?.id);
    expect(document.querySelector(".step-lede")?.textContent).toMatch(/^3 of 3 columns mapped/);
    const team = screen.getByLabelText("Field for column Team") as HTMLSelectElement;
    expect([...team.options].find((o) => o.value === "firstName")?.text).toBe("firstName (mapped)");
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    expect(onValidate).toHaveBeenLastCalledWith(
      expect.objectContaining({
        columns: ["emailId", null, "department"],
        splits: [{ column: 1, first: "firstName", last: "lastName" }],
      }),
    );
  });

  it("is chosen in the Field select; mapping one of its fields to another column ends the split", () => {
    const onValidate = vi.fn();
    renderNames(onValidate, { columns: ["emailId", null, null], constants: {}, valueMaps: {} });
    expect(nameSelect().value).toBe("");
    expect(document.querySelector(".split-preview")).toBeNull();
    fireEvent.change(nameSelect(), { target: { value: SPLIT_CHOICE } });
    expect(preview()).toContain("Jane Doe → firstName “Jane”, lastName “Doe”");
    fireEvent.change(screen.getByLabelText("Field for column Team"), { target: { value: "lastName" } });
    expect(nameSelect().value).toBe("");
    expect(document.querySelector(".split-preview")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /^Validate [\d,]+ rows?$/ }));
    const sent = onValidate.mock.lastCall?.[0] as Mapping;
    expect(sent.columns).toEqual(["emailId", null, "lastName"]);
    expect(sent.splits).toBeUndefined();
  });

  it("offers a split it is unsure of as a button", () => {
    const onValidate = vi.fn();
    const oneWord = nameRows.map((r, i) => [
      r[0],
      ["Cher", "Prince", "Madonna", "Jane Doe", "Sting"][i],
      r[2],
    ]);
    const suggestions = suggestMapping({
      headers: nameHeaders,
      rows: oneWord as string[][],
      context: "saas_users",
    });
    render(
      <MappingStep
        schema={schema}
        inspection={nameInspection}
        suggestions={suggestions}
        initial={mappingFromSuggestions(nameHeaders, suggestions)}
        onBack={() => {}}
        onValidate={onValidate}
      />,
    );
    expect(nameSelect().value).toBe("");
    fireEvent.click(screen.getByRole("button", { name: "Split into firstName + lastName" }));
    expect(nameSelect().value).toBe(SPLIT_CHOICE);
    expect(preview()).toContain("Jane Doe → firstName “Jane”, lastName “Doe”");
  });
});
