// Parity (issue 9, item 21): a corpus of CSV and JSON files per context — valid, invalid and
// awkward — goes through the extension's pipeline (read, map by exact header, validate: what the
// extension shows) and through the Worker's POST …/validate; the reports must be equal on row,
// line, pointer, keyword and message. The corpus is generated from each context's schema examples
// and mutations, so it covers every context. The pipeline is platform-free and runs here, in
// workerd, next to the real Worker and D1.
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import type { Mapping } from "../../extension/mapping.ts";
import { Pipeline } from "../../extension/pipeline/pipeline.ts";
import {
  CONTEXT_NAMES,
  type ContextSchema,
  getSchema,
  type Issue,
  type JsonValue,
  type PropertySchema,
  resolveHeaders,
  type ValidationReport,
} from "../../schemas/index.ts";
import { dataWorld } from "./data-helpers.ts";
import { call, json } from "./helpers.ts";

type Rec = Record<string, JsonValue>;
interface CorpusFile {
  name: string;
  type: "text/csv" | "application/json" | "application/x-ndjson";
  text: string;
  records: number;
}

const LONG = "L".repeat(10_001);

function schemaOf(context: string): ContextSchema {
  const schema = getSchema(context);
  if (!schema) throw new Error(`no schema for ${context}`);
  return schema;
}

/** `n` records from the schema's example, every key field made unique per record. */
function validRecords(schema: ContextSchema, n: number): Rec[] {
  const example = schema.examples[0] ?? {};
  return Array.from({ length: n }, (_, i) => {
    const record: Rec = { ...example };
    for (const field of schema["x-intake-key"]) {
      const value = record[field];
      record[field] =
        typeof value === "string" ? (value.includes("@") ? `u${i}.${value}` : `${value}-${i}`) : `k${i}`;
    }
    return record;
  });
}

/** A value the property refuses, when there is an obvious one. */
function badValue(prop: PropertySchema): JsonValue | undefined {
  if (prop.enum) return "nope";
  if (prop.type === "boolean") return "maybe";
  if (prop.type === "integer" || prop.type === "number") return "12x";
  switch (prop.format) {
    case "email":
      return "not an email";
    case "date":
    case "date-time":
    case "ddmmyyyy":
    case "intake-timestamp":
      return "31/02/2023";
    case "decimal":
      return "1,234.5x";
    case "iso4217":
    case "iso3166-alpha2":
      return "zz";
    default:
      return undefined;
  }
}

/** Invalid records: one bad value per refusable field, a missing required field, a duplicate. */
function invalidRecords(schema: ContextSchema): Rec[] {
  const records = validRecords(schema, 3);
  const keys = new Set(schema["x-intake-key"]);
  let i = 0;
  for (const [field, prop] of Object.entries(schema.properties)) {
    const bad = badValue(prop);
    if (bad === undefined || keys.has(field)) continue;
    const record = { ...(validRecords(schema, 100 + i)[99 + i] as Rec), [field]: bad };
    records.push(record);
    i++;
  }
  const required = (schema.required ?? []).find((f) => !keys.has(f));
  if (required) {
    const record = { ...(validRecords(schema, 200)[199] as Rec) };
    delete record[required];
    records.push(record);
  }
  const first = records[0] as Rec;
  const dup = { ...first };
  const keyField = schema["x-intake-key"][0] as string;
  if (schema["x-intake-key-case-insensitive"] && typeof dup[keyField] === "string")
    dup[keyField] = (dup[keyField] as string).toUpperCase();
  records.push(dup);
  return records;
}

/** A plain text field (no format, no enum) to hold awkward values, if the context has one. */
function textField(schema: ContextSchema): string | undefined {
  const keys = new Set(schema["x-intake-key"]);
  return Object.entries(schema.properties).find(
    ([f, p]) => (p.type ?? "string") === "string" && !p.format && !p.enum && !p.pattern && !keys.has(f),
  )?.[0];
}

/** Awkward records: a quoted newline, a formula-looking value, a giant value, a duplicate. */
function awkwardRecords(schema: ContextSchema): Rec[] {
  const records = validRecords(schema, 5);
  const text = textField(schema);
  if (text) {
    (records[0] as Rec)[text] = "Research\nand Development";
    (records[1] as Rec)[text] = '=HYPERLINK("x","click")';
    (records[2] as Rec)[text] = LONG;
  }
  records.push({ ...(records[3] as Rec) });
  return records;
}

function cell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join(";");
  return typeof value === "string" ? value : String(value);
}

function csvOf(
  records: Rec[],
  options: { newline?: string; bom?: boolean; extra?: "unknown" | "ragged" } = {},
) {
  const fields = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const header = options.extra === "unknown" ? [...fields, "Shoe Size"] : fields;
  const rows = records.map((r) => {
    const cells = fields.map((f) => cell(r[f]));
    return options.extra === "unknown" ? [...cells, "44"] : cells;
  });
  const newline = options.newline ?? "\n";
  const body = Papa.unparse({ fields: header, data: rows }, { newline, quotes: true });
  // A blank line in the middle, so lines and rows differ.
  const lines = body.split(newline);
  if (options.extra === "ragged") lines[1] = `${lines[1]},"extra"`;
  lines.splice(2, 0, "");
  return `${options.bom ? "\uFEFF" : ""}${lines.join(newline)}${newline}`;
}

function corpusOf(context: string): CorpusFile[] {
  const schema = schemaOf(context);
  const valid = validRecords(schema, 4);
  const invalid = invalidRecords(schema);
  const awkward = awkwardRecords(schema);
  return [
    { name: "valid.csv", type: "text/csv", text: csvOf(valid), records: valid.length },
    { name: "valid.json", type: "application/json", text: JSON.stringify(valid), records: valid.length },
    {
      name: "invalid.csv",
      type: "text/csv",
      text: csvOf(invalid, { newline: "\r\n" }),
      records: invalid.length,
    },
    {
      name: "invalid.json",
      type: "application/json",
      text: JSON.stringify({ data: [...invalid, 42] }),
      records: invalid.length + 1,
    },
    {
      name: "awkward-cr.csv",
      type: "text/csv",
      text: csvOf(awkward, { newline: "\r", bom: true, extra: "unknown" }),
      records: awkward.length,
    },
    {
      name: "awkward-ragged.csv",
      type: "text/csv",
      text: csvOf(awkward, { newline: "\r\n", extra: "ragged" }).replace(/\r\n(?=[^\r]*$)/, "\n"),
      records: awkward.length,
    },
    {
      name: "awkward.ndjson",
      type: "application/x-ndjson",
      text: `\uFEFF${awkward.map((r) => JSON.stringify(r)).join("\r\n")}\r\n\r\n`,
      records: awkward.length,
    },
  ];
}

type Row = [number, number | null, string, string, string];
const rowOf = (i: Issue): Row => [i.row, i.line ?? null, i.pointer, i.keyword, i.message];
const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

/** What the extension shows for a file mapped by exact header: its issues, in one list. */
async function extensionReport(
  context: string,
  file: CorpusFile,
): Promise<{ recordCount: number; issues: Row[] }> {
  const schema = schemaOf(context);
  const pipeline = new Pipeline();
  const inspection = await pipeline.inspect(new Blob([file.text]), {
    fileName: file.name,
    headerRow: 0,
  });
  if (inspection.status !== "ready") throw new Error(`${file.name}: ${JSON.stringify(inspection)}`);
  const issues: Issue[] = [];
  let columns: (string | null)[];
  if (inspection.kind === "csv") {
    // Mapping by exact header (field name or alias): the core's resolution, as the Worker reads CSV.
    const resolution = resolveHeaders(inspection.headers, schema, context);
    const headerLine = inspection.headerCandidates?.[inspection.headerRow ?? 0]?.line ?? 1;
    issues.push(...resolution.issues.map((i) => ({ ...i, line: headerLine })));
    columns = resolution.fields;
  } else {
    columns = inspection.headers.map((h) => (Object.hasOwn(schema.properties, h) ? h : null));
  }
  for (const i of inspection.issues)
    if (i.row === undefined)
      issues.push({ row: 0, line: i.line, pointer: "", field: "", keyword: i.keyword, message: i.message });
  const mapping: Mapping = { columns, constants: {}, valueMaps: {} };
  const { recordCount } = pipeline.validate(context, mapping);
  // Everything the review can show: every problem of every row (its cells' and its own), and the
  // warnings about the whole file.
  const grid = pipeline.grid({ problems: true, column: "", keyword: "" }, 0, Number.MAX_SAFE_INTEGER);
  for (const row of grid.rows) {
    issues.push(...row.errors, ...row.warnings);
    for (const cell of row.cells) issues.push(...(cell.errors ?? []), ...(cell.warnings ?? []));
  }
  issues.push(...pipeline.summary().datasetWarnings);
  return { recordCount, issues: issues.map(rowOf) };
}

const contexts = [...CONTEXT_NAMES];
let base: (context: string) => string;
let key: string;

beforeAll(async () => {
  const world = await dataWorld(contexts);
  base = world.base;
  key = world.ingest;
});

const corpus = contexts.map((context) => [context, corpusOf(context)] as const);

describe("the extension's pipeline and the Worker's validate report the same", () => {
  it("corpus covers every context with valid, invalid and awkward files", () => {
    const files = corpus.reduce((n, [, f]) => n + f.length, 0);
    const records = corpus.reduce((n, [, f]) => n + f.reduce((m, x) => m + x.records, 0), 0);
    expect(corpus.map(([c]) => c)).toEqual(CONTEXT_NAMES);
    expect(files).toBe(77);
    expect(records).toBe(473);
    console.info(`parity corpus: ${files} files, ${records} records over ${contexts.length} contexts`);
  });

  describe.each(corpus)("%s", (context, files) => {
    it.each(files.map((f) => [f.name, f] as const))("%s", async (_name, file) => {
      const response = await call("POST", `${base(context)}/validate`, {
        key,
        raw: file.text,
        headers: { "content-type": file.type },
      });
      expect(response.status).toBe(200);
      const worker = await json<ValidationReport>(response);
      const extension = await extensionReport(context, file);
      expect(extension.recordCount).toBe(worker.recordCount);
      expect(worker.recordCount).toBe(file.records);
      expect(sorted(extension.issues)).toEqual(sorted([...worker.errors, ...worker.warnings].map(rowOf)));
      const keywords = new Set(extension.issues.map((i) => i[3]));
      if (file.name.startsWith("valid")) expect(worker.valid).toBe(true);
      else expect(keywords.has("duplicate-key")).toBe(true);
      if (file.name === "awkward-cr.csv") expect(keywords.has("unknown-column")).toBe(true);
      if (file.name === "awkward-ragged.csv") expect(keywords.has("ragged-row")).toBe(true);
      if (file.name.startsWith("awkward") && textField(schemaOf(context)))
        expect(keywords.has("maxLength")).toBe(true);
      if (file.name === "invalid.json") expect(keywords.has("type")).toBe(true);
    });
  });
});
