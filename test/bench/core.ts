// Benchmark: core validation throughput (records/s) beside Ajv compiled for the same schema,
// on the same records, in the same process.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { CUSTOM_FORMATS, getSchema, validateDataset, validateRecord } from "../../schemas/index.ts";
import { listEmployees, saasUsers } from "./generate.ts";

// ajv-formats is CommonJS; under Node's ESM loader its function is the default export's default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

export interface CoreRow {
  context: string;
  records: number;
  intakeDataset: number;
  intakeValidateOnly: number;
  ajv: number;
  ratio: number;
  ratioValidateOnly: number;
  errorsIntake: number;
  errorsAjv: number;
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

export function benchCore(count: number, runs = 3): CoreRow[] {
  const rows: CoreRow[] = [];
  for (const [context, generate] of [
    ["list_employees", listEmployees],
    ["saas_users", saasUsers],
  ] as const) {
    const schema = getSchema(context);
    if (!schema) throw new Error(`unknown context ${context}`);
    const records = generate(count);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [name, check] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, check);
    const ajvValidate = ajv.compile(schema);

    let errorsAjv = 0;
    const ajvMs = best(runs, () => {
      errorsAjv = 0;
      for (const record of records) if (!ajvValidate(record)) errorsAjv++;
    });
    let errorsIntake = 0;
    const datasetMs = best(runs, () => {
      errorsIntake = validateDataset(context, records).report.errorCount;
    });
    const validateOnlyMs = best(runs, () => {
      for (const record of records) validateRecord(record, schema, context);
    });
    const rate = (ms: number) => Math.round((count / ms) * 1000);
    rows.push({
      context,
      records: count,
      intakeDataset: rate(datasetMs),
      intakeValidateOnly: rate(validateOnlyMs),
      ajv: rate(ajvMs),
      ratio: Number((rate(datasetMs) / rate(ajvMs)).toFixed(3)),
      ratioValidateOnly: Number((rate(validateOnlyMs) / rate(ajvMs)).toFixed(3)),
      errorsIntake,
      errorsAjv,
    });
  }
  return rows;
}
