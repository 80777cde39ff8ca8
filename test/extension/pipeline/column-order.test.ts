// The review and every download keep the file's column order, then the schema's with the record
// key first, every time: also with a schema whose properties come back sorted by name, as
// chrome.storage gives back the saved copy a reused mapping is validated with.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { type Mapping, mappingFromSuggestions } from "../../../extension/mapping.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";
import { type ContextSchema, getSchema } from "../../../schemas/index.ts";

const bundled = getSchema("saas_users") as ContextSchema;
/** The schema as chrome.storage hands an object back: its keys sorted. */
const sorted: ContextSchema = {
  ...bundled,
  properties: Object.fromEntries(
    Object.keys(bundled.properties)
      .sort()
      .map((f) => [f, bundled.properties[f]]),
  ),
} as ContextSchema;

async function review(csv: string, schema: ContextSchema, edit: (m: Mapping) => Mapping = (m) => m) {
  const pipeline = new Pipeline();
  pipeline.registerSchema("saas_users", schema);
  const inspection = await pipeline.inspect(new Blob([csv]), { fileName: "users.csv" });
  if (inspection.status !== "ready") throw new Error(inspection.status);
  const mapping = edit(mappingFromSuggestions(inspection.headers, pipeline.suggest("saas_users", [])));
  pipeline.validate("saas_users", mapping);
  const header = async (kind: "csv" | "json") => {
    const text = await pipeline.download(kind).text();
    return kind === "csv"
      ? (Papa.parse<string[]>(text).data[0] ?? [])
      : Object.keys((JSON.parse(text) as { data: Record<string, unknown>[] }).data[0] ?? {});
  };
  return { columns: pipeline.summary().columns, csv: await header("csv"), json: await header("json") };
}

const CSV = "Status,Last Name,Email,First Name\nACTIVE,Lee,ann@x.co,Ann\nDISABLED,Ray,bob@x.co,Bob\n";

describe("column order", () => {
  it.each([
    ["the schema as served", bundled],
    ["a saved schema with sorted properties", sorted],
  ])("follows the file's columns with %s", async (_, schema) => {
    const { columns, csv, json } = await review(CSV, schema, (m) => ({
      ...m,
      constants: { accountType: "USER" },
    }));
    expect(columns).toEqual(["userStatus", "lastName", "emailId", "firstName", "accountType"]);
    expect(json).toEqual(["userStatus", "lastName", "emailId", "firstName", "accountType"]);
    // The corrected CSV: the same columns first, under the template's headers, then the others.
    expect(csv.slice(0, 5)).toEqual(["User Status", "Last Name", "Email", "First Name", "Account Type"]);
    expect(csv).toHaveLength(Object.keys(bundled.properties).length);
  });

  it("puts a required key the file lacks first after the file's columns", async () => {
    const { columns, csv } = await review("Last Name,First Name\nLee,Ann\n", sorted);
    expect(columns).toEqual(["lastName", "firstName", "emailId"]);
    expect(csv.slice(0, 3)).toEqual(["Last Name", "First Name", "Email"]);
  });
});
