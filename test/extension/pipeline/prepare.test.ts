// Validating ahead: once a file is read for a known context, the pipeline suggests its mapping and
// validates under it in the background, a slice per task. A `validate` with that mapping goes on
// from there and ends exactly where a validation from scratch does; any other mapping, or a schema
// registered meanwhile, starts from scratch.
import { describe, expect, it } from "vitest";
import { mappingFromSuggestions } from "../../../extension/mapping.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";
import { resolveSchema } from "../../../schemas/index.ts";

const ROWS = 30_000;
const text = `Email,First name,Status,MFA\n${Array.from(
  { length: ROWS },
  (_, i) =>
    `${i % 997 === 5 ? "not-an-email" : `u${i % 20_000}@x.co`},Ann,${i % 3 ? "ACTIVE" : "retired"},${i % 2 ? "TRUE" : "FALSE"}`,
).join("\n")}\n`;

const task = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function read(pipeline: Pipeline, prepare = true) {
  const inspection = await pipeline.inspect(new Blob([text]), {
    fileName: "users.csv",
    ...(prepare ? { prepare: { context: "saas_users", history: [] } } : {}),
  });
  if (inspection.status !== "ready") throw new Error(inspection.status);
  return mappingFromSuggestions(inspection.headers, pipeline.suggest("saas_users", []));
}

/** The review a validation ends with: counts, problem groups and the first rows' cells. */
function outcome(pipeline: Pipeline) {
  const summary = pipeline.summary();
  const grid = pipeline.grid({ problems: true, column: "", keyword: "" }, 0, 200);
  return { ...summary, version: 0, rows: grid.rows, total: grid.total };
}

describe("validating ahead", () => {
  it("runs in slices between tasks, and a validate with the suggested mapping ends as one from scratch", async () => {
    const ahead = new Pipeline();
    const mapping = await read(ahead);
    await task();
    await task();
    const fresh = new Pipeline();
    const expected = fresh.validate("saas_users", await read(fresh, false));
    expect(expected.prepared).toBe(0);
    const done = ahead.validate("saas_users", mapping);
    // Some slices ran before the validate (it answered the reads and suggestions meanwhile) …
    expect(done.prepared).toBeGreaterThan(0);
    expect(done.recordCount).toBe(ROWS);
    // … and the result is the same as validating from scratch: duplicates, errors, value maps.
    const review = outcome(ahead);
    expect(review.errorCount).toBeGreaterThan(30);
    expect(review.hasDuplicates).toBe(true);
    expect(review).toEqual(outcome(fresh));
  });

  it("finishes in the background when nothing asks, and a validate then has nothing left to do", async () => {
    const pipeline = new Pipeline();
    const mapping = await read(pipeline);
    for (let i = 0; i < 50; i++) await task();
    expect(pipeline.validate("saas_users", mapping).prepared).toBe(ROWS);
  });

  it("starts from scratch under another mapping, or after the context's schema is replaced", async () => {
    const pipeline = new Pipeline();
    const mapping = await read(pipeline);
    await task();
    expect(mapping.columns[1]).toBe("firstName");
    const other = { ...mapping, columns: mapping.columns.map((f, i) => (i === 1 ? null : f)) };
    expect(pipeline.validate("saas_users", other).prepared).toBe(0);
    expect(pipeline.summary().columns).not.toContain("firstName");

    await read(pipeline);
    await task();
    pipeline.registerSchema("saas_users", structuredClone(resolveSchema("saas_users")) as never);
    expect(pipeline.validate("saas_users", mapping).prepared).toBe(0);
  });

  it("is dropped when the file is read again", async () => {
    const pipeline = new Pipeline();
    const mapping = await read(pipeline);
    await pipeline.inspect(new Blob([text]), { fileName: "users.csv" });
    await task();
    expect(pipeline.validate("saas_users", mapping).prepared).toBe(0);
  });
});
