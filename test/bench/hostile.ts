// Benchmark: what hostile values cost. Normal saas_users records beside records of every context
// whose every field carries a worst-case value within the limits (10,000 characters: `<a@a@…`
// emails, digit/comma strings for the decimal suggestion, date-like prefixes, long URIs, lists…),
// through the whole core pipeline (DatasetValidator: normalize + validate + messages + dataset
// checks). Cost is compared per record and per 1,000 input characters; linear work keeps the
// latter flat, super-linear work (a backtracking regex) blows it up by orders of magnitude.

import { CONTEXT_NAMES, DatasetValidator, getSchema } from "../../schemas/index.ts";
import { DEFAULT_LIMITS } from "../../schemas/limits.ts";
import type { PropertySchema } from "../../schemas/types.ts";
import { saasUsers } from "./generate.ts";

export interface HostileRow {
  context: string;
  records: number;
  charsPerRecord: number;
  usPerRecord: number;
  usPer1kChars: number;
  /** Hostile cost per record / normal cost per record. */
  ratioPerRecord: number;
  /** Hostile cost per input character / normal cost per input character (the SPEC §5 ratio). */
  ratioPerChar: number;
  errors: number;
}

export interface HostileResult {
  normal: { records: number; charsPerRecord: number; usPerRecord: number; usPer1kChars: number };
  rows: HostileRow[];
  worstRatioPerChar: number;
  target: number;
}

/** `unit` repeated, then `tail`, exactly `length` characters long. */
function fill(unit: string, length: number, head = "", tail = ""): string {
  const body = length - head.length - tail.length;
  return head + unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + tail;
}

/** `0;1;2;…` up to `length` characters: distinct items, the worst case of a `uniqueItems` check. */
function distinctList(length: number): string {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size + String(i).length + 1 <= length; i++) {
    items.push(String(i));
    size += String(i).length + 1;
  }
  return items.join(";");
}

/** Worst-case text values of `n` characters for a property, by what code its value meets. */
function hostileValues(prop: PropertySchema, n: number): string[] {
  if (prop.enum) return [fill(" _-", n, "", "x"), fill("A", n)];
  switch (prop.type) {
    case "boolean":
      return [fill("t", n), fill(" ", n, "", "x")];
    case "integer":
    case "number":
      return [fill("1,", n, "", "x"), fill("1", n, "", "e"), fill(" ", n, "", "1,2")];
    case "array":
      return [distinctList(n), `${distinctList(n - 3)};0`, fill(";", n), fill("[", n)];
  }
  switch (prop.format) {
    case "email":
      return [
        fill("a@", n, "<"),
        fill("a@", n, "mailto:", " "),
        fill("<a@", n),
        fill("a", n, "", "@"),
        fill(" ", n, "<", "a@b>"),
      ];
    case "decimal":
      return [
        fill("1,", n, "", "x"),
        fill(",234", n, "1", "x"),
        fill(".234", n, "1", ",5x"),
        fill(" ", n, "", "1,5"),
      ];
    case "ddmmyyyy":
      return [fill("0", n, "2024-01-31T"), fill("2", n, "31/01/"), fill("1", n)];
    case "date":
    case "date-time":
    case "intake-timestamp":
      return [
        fill("0", n, "2024-01-31T10:00:00.", "x"),
        fill(".0", n, "2024-01-31 10:00:00"),
        fill("t", n),
        fill(" ", n, "", "x"),
      ];
    case "uri":
      return [
        fill("a", n, "https://", " "),
        fill("/a", n, "a:", " "),
        fill("%aa", n, "a://", "%"),
        fill("a@", n, "a://"),
      ];
    case "hostname":
      return [fill("a.", n, "", "-"), fill("a-", n)];
    case "iso4217":
    case "iso3166-alpha2":
      return [fill("a", n), fill(" ", n, "", "x")];
    default:
      return [fill("a@", n, "<"), fill("=", n), fill(" ", n, "", "x"), fill("1,", n, "", "x")];
  }
}

/** Records of a context whose every field (and one unknown field) holds a hostile value. */
function hostileRecords(context: string, count: number, n: number): Record<string, string>[] {
  const schema = getSchema(context);
  if (!schema) throw new Error(`unknown context ${context}`);
  const fields = Object.entries(schema.properties).map(
    ([field, prop]) => [field, hostileValues(prop, n)] as const,
  );
  const out: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    const record: Record<string, string> = {};
    for (const [field, values] of fields) record[field] = values[i % values.length] as string;
    record.unknownField = fill("a@", n, "<");
    out.push(record);
  }
  return out;
}

function best(runs: number, fn: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

function run(context: string, records: readonly unknown[]): number {
  const validator = new DatasetValidator(context);
  for (const record of records) validator.add(record);
  return validator.finish().errorCount;
}

const chars = (records: readonly unknown[]) =>
  records.reduce<number>((sum, record) => sum + JSON.stringify(record).length, 0);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

export function benchHostile(hostileCount = 60, normalCount = 20_000, runs = 3): HostileResult {
  const n = DEFAULT_LIMITS.maxFieldLength;
  const normalRecords = saasUsers(normalCount);
  const normalMs = best(runs, () => run("saas_users", normalRecords));
  const normalChars = chars(normalRecords);
  const normal = {
    records: normalCount,
    charsPerRecord: Math.round(normalChars / normalCount),
    usPerRecord: round((normalMs * 1000) / normalCount),
    usPer1kChars: round((normalMs * 1e6) / normalChars),
  };
  const rows: HostileRow[] = [];
  for (const context of CONTEXT_NAMES) {
    const records = hostileRecords(context, hostileCount, n);
    let errors = 0;
    const ms = best(runs, () => {
      errors = run(context, records);
    });
    const total = chars(records);
    const usPerRecord = (ms * 1000) / hostileCount;
    const usPer1kChars = (ms * 1e6) / total;
    rows.push({
      context,
      records: hostileCount,
      charsPerRecord: Math.round(total / hostileCount),
      usPerRecord: round(usPerRecord),
      usPer1kChars: round(usPer1kChars),
      ratioPerRecord: round(usPerRecord / normal.usPerRecord, 1),
      ratioPerChar: round(usPer1kChars / normal.usPer1kChars, 3),
      errors,
    });
  }
  return { normal, rows, worstRatioPerChar: Math.max(...rows.map((r) => r.ratioPerChar)), target: 3 };
}
