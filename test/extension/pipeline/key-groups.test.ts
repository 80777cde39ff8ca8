// The dataset's key index (typed arrays, key text kept only for duplicates) against a Map of
// key strings: the same groups through adds, removals, regrowth, reused slots and keys whose
// hashes collide (the hash here is deliberately poor: 64 values).
import { describe, expect, it } from "vitest";
import { KeyGroups } from "../../../extension/pipeline/key-groups.ts";

describe("KeyGroups", () => {
  it("keeps the same rows per key as a Map of key strings", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const keyOfRow = new Map<number, string>();
    const model = new Map<string, Set<number>>();
    const index = new KeyGroups(0, (row) => keyOfRow.get(row));
    const hash = (key: string) => (key.length * 31 + key.charCodeAt(key.length - 1)) & 63;
    const add = (row: number, key: string) => {
      keyOfRow.set(row, key);
      // Half the adds leave the text to keyOf, as the dataset's first pass does.
      const first = row % 2 === 0 ? index.add(hash(key), row, key) : index.add(hash(key), row);
      const set = model.get(key) ?? new Set<number>();
      set.add(row);
      model.set(key, set);
      expect(first).toBe(Math.min(...set));
    };
    // Enough keys to grow the table from its first 1,024 slots several times, some repeated.
    for (let row = 0; row < 6000; row++) add(row, `k${rand(4500)}`);
    for (let n = 0; n < 3000; n++) {
      const row = rand(6000);
      const key = keyOfRow.get(row);
      if (key !== undefined) {
        index.remove(hash(key), key, row);
        keyOfRow.delete(row);
        model.get(key)?.delete(row);
      }
      if (rand(2) === 0) add(row, `k${rand(9000)}`);
    }
    for (const [key, rows] of model)
      expect(index.rowsOf(hash(key), key)).toEqual([...rows].sort((a, b) => a - b));
    expect(index.rowsOf(hash("absent"), "absent")).toEqual([]);
    const duplicates = [...index.duplicates()].map((rows) => rows.join()).sort();
    const expected = [...model.values()]
      .filter((rows) => rows.size > 1)
      .map((rows) => [...rows].sort((a, b) => a - b).join())
      .sort();
    expect(duplicates).toEqual(expected);
  });
});
