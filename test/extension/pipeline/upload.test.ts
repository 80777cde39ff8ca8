// Cutting a sync's records into batches by rows and bytes, written as the UTF-8 bytes of their JSON.
// uploadSync against the real Worker (retries, cancel, batches in flight) is tested in the worker
// project: test/worker/client/upload.test.ts.
import { describe, expect, it } from "vitest";
import {
  joinPieces,
  PiecePool,
  planBatches,
  planEncodedBatches,
  utf8Length,
} from "../../../extension/pipeline/upload.ts";
import type { IntakeRecord } from "../../../schemas/index.ts";

const users = (n: number): IntakeRecord[] =>
  Array.from({ length: n }, (_, i) => ({ emailId: `user${i + 1}@example.com`, firstName: "Zoë" }));

describe("planBatches", () => {
  it("cuts by row count", () => {
    expect([...planBatches(users(12), { maxRows: 5, maxBytes: 1e9 })].map((b) => b.records.length)).toEqual([
      5, 5, 2,
    ]);
  });

  it("cuts by body size, measured in UTF-8 bytes of the real request body", () => {
    const records = users(10);
    const one = utf8Length(JSON.stringify(records[0]));
    const batches = [...planBatches(records, { maxRows: 1000, maxBytes: 11 + one * 3 + 2 })];
    expect(batches.map((b) => b.records.length)).toEqual([3, 3, 3, 1]);
    for (const batch of batches) {
      expect(batch.bytes).toBe(utf8Length(JSON.stringify({ data: batch.records })));
      expect(batch.body).toBe(JSON.stringify({ data: batch.records }));
      expect(batch.bytes).toBeLessThanOrEqual(11 + one * 3 + 2);
    }
  });

  it("sends a record larger than the limit on its own rather than dropping it", () => {
    const big = { emailId: "big@example.com", department: "x".repeat(500) };
    const batches = [
      ...planBatches([users(1)[0] as IntakeRecord, big, users(1)[0] as IntakeRecord], {
        maxRows: 10,
        maxBytes: 200,
      }),
    ];
    expect(batches.map((b) => b.records.length)).toEqual([1, 1, 1]);
  });

  it("counts multi-byte characters as the Worker does", () => {
    for (const text of ["aé€😀", "\ud800", "\ud800\ud800", "a\udc00b", "\ud83d\ude00\ud83d"])
      expect(utf8Length(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
  });
});

describe("planEncodedBatches", () => {
  it("writes each body as the UTF-8 bytes of its JSON, across pieces reused from the pool", () => {
    // Records of ~1 kB with multi-byte text, and one longer than a piece: bodies span pieces.
    const records: IntakeRecord[] = Array.from({ length: 400 }, (_, i) => ({
      emailId: `user${i}@example.com`,
      department: i === 123 ? "Ω".repeat(40_000) : `Zoë ${"é€😀".repeat(100)} ${i}`,
    }));
    const pool = new PiecePool();
    const decoder = new TextDecoder();
    const bodies: string[] = [];
    let pieces = 0;
    for (const batch of planEncodedBatches(
      records.map((r) => JSON.stringify(r)),
      { maxRows: 150, maxBytes: 200_000 },
      pool,
    )) {
      const bytes = joinPieces(batch);
      expect(bytes.length).toBe(batch.bytes);
      pieces += batch.pieces.length;
      bodies.push(decoder.decode(bytes));
      // Given back before the next batch is written: the next one writes into the same buffers.
      pool.release(batch);
      expect(batch.pieces).toEqual([]);
    }
    expect(pieces).toBeGreaterThan(bodies.length);
    const batches = bodies.map((body) => (JSON.parse(body) as { data: IntakeRecord[] }).data);
    expect(batches.flat()).toEqual(records);
    expect(batches.map((b) => b.length)).toEqual(batches.map((b) => b.length).map((n) => Math.min(n, 150)));
    for (const body of bodies) expect(utf8Length(body)).toBeLessThanOrEqual(200_000);
  });
});
