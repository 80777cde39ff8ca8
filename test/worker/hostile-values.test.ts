// Values built to cost: a 1 MB field is reported once, clipped, in a response of a few KB, and the
// ingestion history row stays small whatever the input; the probe's quadratic email case answers
// with a clipped message and no suggestion.
import { describe, expect, it } from "vitest";
import { dataWorld, putBatch, startSync, user } from "./data-helpers.ts";
import { call, expectProblem } from "./helpers.ts";

const MB = "x".repeat(1_000_000);

async function historyRowSizes(db: D1Database, integrationId: string) {
  const { results } = await db
    .prepare(
      "SELECT length(first_errors) AS errors, length(coalesce(detail, '')) AS detail FROM ingestions WHERE integration_id = ?1",
    )
    .bind(integrationId)
    .all<{ errors: number; detail: number }>();
  return results;
}

describe("a 1 MB value", () => {
  it.each([
    ["a known field", { firstName: MB }, "firstName"],
    ["an enum field", { role: MB }, "role"],
    ["an unknown field", { [`z${"y".repeat(999_999)}`]: 1 }, undefined],
  ])("in %s: one clipped issue, a response of a few KB, a small history row", async (_name, extra, field) => {
    const { db, base, ingest, integrationId } = await dataWorld();
    const response = await call("POST", `${base()}/records`, { key: ingest, body: [user(1, extra)] });
    const text = await response.clone().text();
    expect(text.length).toBeLessThan(4_000);
    const problem = await expectProblem(response, 422, "invalid-records");
    const errors = (problem.report as { errors: { field: string; message: string; value?: unknown }[] })
      .errors;
    expect(errors).toHaveLength(1);
    if (field) {
      expect(errors[0]?.field).toBe(field);
      expect(errors[0]?.message).toBe(`${field} is longer than 10000 characters`);
      expect(errors[0]?.value).toBe(`${"x".repeat(200)}…(1,000,000 characters)`);
    } else {
      expect(errors[0]?.field).toBe(`z${"y".repeat(199)}…(1,000,000 characters)`);
      expect(errors[0]?.message).toContain("…(1,000,000 characters)");
    }
    for (const row of await historyRowSizes(db, integrationId)) {
      expect(row.errors).toBeLessThan(4_000);
      expect(row.detail).toBeLessThan(1_000);
    }
  });

  it("in a CSV batch cell: the same, and nothing is stored", async () => {
    const { db, base, ingest, integrationId } = await dataWorld();
    const syncId = await startSync(base(), ingest);
    const csv = `emailId,firstName\r\na@example.com,${MB}\r\n`;
    const response = await call("PUT", `${base()}/syncs/${syncId}/batches/1`, {
      key: ingest,
      raw: csv,
      headers: { "content-type": "text/csv" },
    });
    expect((await response.clone().text()).length).toBeLessThan(4_000);
    await expectProblem(response, 422, "invalid-records");
    for (const row of await historyRowSizes(db, integrationId)) expect(row.errors).toBeLessThan(4_000);
    expect((await putBatch(base(), ingest, syncId, 1, [user(1)])).status).toBe(200);
  });
});

describe("the probe's email case", () => {
  it("40 records with a 9,999-character <a@a@… email: each reported, clipped, without a suggestion", async () => {
    const { base, ingest } = await dataWorld();
    const hostile = `<${"a@".repeat(4998)}`;
    const records = Array.from({ length: 40 }, (_, i) => ({
      ...user(i),
      emailId: `${hostile}${String(i).padStart(2, "0")}`,
    }));
    expect(records[0]?.emailId.length).toBe(9_999);
    const response = await call("POST", `${base()}/validate`, { key: ingest, body: records });
    expect(response.status).toBe(200);
    const text = await response.text();
    // About 1 KB per record instead of echoing each 10 KB value (three times, before).
    expect(text.length).toBeLessThan(40 * 1_200);
    const report = JSON.parse(text) as {
      errorCount: number;
      errors: { keyword: string; message: string; suggestion?: unknown }[];
    };
    // Each record: too long for an email (320) and not an email.
    expect(report.errorCount).toBe(80);
    const format = report.errors.filter((e) => e.keyword === "format");
    expect(format).toHaveLength(40);
    for (const error of format) {
      expect(error.message).toContain("…(9,999 characters)");
      expect(error.suggestion).toBeUndefined();
    }
  });
});
