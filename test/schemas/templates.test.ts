// Templates: the CSV header comes from the aliases, and a filled template validates.
import { describe, expect, it } from "vitest";
import {
  CONTEXT_NAMES,
  csvTemplate,
  getSchemaOrThrow,
  jsonTemplate,
  readCsv,
  validateDataset,
} from "./helpers.ts";

describe.each(CONTEXT_NAMES)("%s templates", (context) => {
  const schema = getSchemaOrThrow(context);

  it("CSV: one header per field (its first alias) and one example row that validates", () => {
    const csv = csvTemplate(context);
    const { headers, rows, issues } = readCsv(csv, schema, context);
    expect(issues).toEqual([]);
    expect(headers).toEqual(Object.values(schema.properties).map((p) => p["x-intake-aliases"]?.[0]));
    expect(rows).toHaveLength(1);
    const { report } = validateDataset(
      context,
      rows.map((r) => r.record),
    );
    expect(report.errors).toEqual([]);
  });

  it("JSON: {data:[example]} validates", () => {
    const body = JSON.parse(JSON.stringify(jsonTemplate(context)));
    expect(Object.keys(body)).toEqual(["data"]);
    expect(body.data).toHaveLength(1);
    expect(validateDataset(context, body.data).report.valid).toBe(true);
  });

  it("a template filled with more rows validates", () => {
    const csv = csvTemplate(context);
    const [header, example] = csv.trimEnd().split("\r\n");
    const keyField = schema["x-intake-key"][0] ?? "";
    const keyHeader = schema.properties[keyField]?.["x-intake-aliases"]?.[0] ?? "";
    const { rows } = readCsv(`${header}\r\n${example}\r\n`, schema, context);
    const keyValue = rows[0]?.record[keyField] ?? "";
    // Another key of the same form: an email key gets "-2" in its local part.
    const other = String(keyValue).includes("@") ? String(keyValue).replace("@", "-2@") : `${keyValue}-2`;
    const filled = `${header}\r\n${example}\r\n${(example ?? "").replace(String(keyValue), other)}\r\n`;
    const read = readCsv(filled, schema, context);
    expect(keyHeader).not.toBe("");
    expect(read.rows).toHaveLength(2);
    const { report } = validateDataset(
      context,
      read.rows.map((r) => r.record),
    );
    expect(report.errors).toEqual([]);
    expect(report.recordCount).toBe(2);
  });
});

it("quotes every access_relations header, as its consumers expect", () => {
  expect(csvTemplate("access_relations").startsWith('"Project","Entity Name","Entity Type"')).toBe(true);
  expect(csvTemplate("saas_users").startsWith("Email,First Name,Last Name,Role")).toBe(true);
});

it("writes list values as a;b in the CSV template", () => {
  expect(csvTemplate("list_users").split("\r\n")[1]).toContain("admin;billing");
});
