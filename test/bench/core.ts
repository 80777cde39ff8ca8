// Benchmark: core validation throughput (records/s) beside Ajv compiled for the same schema,
// on the same records, in the same process: the generator's objects, and beside them the same
// records as a request body delivers them to the Worker (JSON.parse of the list). Runs of Ajv and
// of the core alternate, best of `runs` each, so both see the same load on a shared machine.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { CUSTOM_FORMATS, getSchema, validateDataset, validateRecord } from "../../schemas/index.ts";
import type { IntakeRecord } from "../../schemas/types.ts";
import { listEmployees, saasUsers } from "./generate.ts";

// ajv-formats is CommonJS; under Node's ESM loader its function is the default export's default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

export interface CoreRow {
  context: string;
  records: number;
  /** Records/s of the core pipeline: normalize + validate + dataset checks (validateDataset). */
  intakeDataset: number;
  intakeValidateOnly: number;
  ajv: number;
  /** intakeDataset / ajv. */
  ratio: number;
  ratioValidateOnly: number;
  errorsIntake: number;
  errorsAjv: number;
  /** The same two on the records parsed from their JSON (as the Worker gets them). */
  intakeDatasetParsed: number;
  ajvParsed: number;
  ratioParsed: number;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export function benchCore(count: number, runs = 5): CoreRow[] {
  const rows: CoreRow[] = [];
  for (const [context, generate] of [
    ["list_employees", listEmployees],
    ["saas_users", saasUsers],
  ] as const) {
    const schema = getSchema(context);
    if (!schema) throw new Error(`unknown context ${context}`);
    const built = generate(count);
    const parsed = JSON.parse(JSON.stringify(built)) as IntakeRecord[];
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [name, check] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, check);
    const ajvValidate = ajv.compile(schema);

    let errorsAjv = 0;
    let errorsIntake = 0;
    const best = {
      ajv: Infinity,
      dataset: Infinity,
      validateOnly: Infinity,
      ajvParsed: Infinity,
      datasetParsed: Infinity,
    };
    for (let run = 0; run < runs; run++) {
      for (const [records, ajvKey, datasetKey] of [
        [built, "ajv", "dataset"],
        [parsed, "ajvParsed", "datasetParsed"],
      ] as const) {
        best[ajvKey] = Math.min(
          best[ajvKey],
          time(() => {
            errorsAjv = 0;
            for (const record of records) if (!ajvValidate(record)) errorsAjv++;
          }),
        );
        best[datasetKey] = Math.min(
          best[datasetKey],
          time(() => {
            errorsIntake = validateDataset(context, records).report.errorCount;
          }),
        );
      }
      best.validateOnly = Math.min(
        best.validateOnly,
        time(() => {
          for (const record of built) validateRecord(record, schema, context);
        }),
      );
    }
    const rate = (ms: number) => Math.round((count / ms) * 1000);
    const ratio = (a: number, b: number) => Number((rate(a) / rate(b)).toFixed(3));
    rows.push({
      context,
      records: count,
      intakeDataset: rate(best.dataset),
      intakeValidateOnly: rate(best.validateOnly),
      ajv: rate(best.ajv),
      ratio: ratio(best.dataset, best.ajv),
      ratioValidateOnly: ratio(best.validateOnly, best.ajv),
      errorsIntake,
      errorsAjv,
      intakeDatasetParsed: rate(best.datasetParsed),
      ajvParsed: rate(best.ajvParsed),
      ratioParsed: ratio(best.datasetParsed, best.ajvParsed),
    });
  }
  return rows;
}
