// Progress replies are throttled (each one redraws the page): a phase's first and last always go,
// in between at most one per PROGRESS_INTERVAL_MS.
import { describe, expect, it } from "vitest";
import type { Progress } from "../../../extension/pipeline/protocol.ts";
import { PROGRESS_INTERVAL_MS, throttled } from "../../../extension/pipeline/protocol.ts";

describe("throttled progress", () => {
  it("passes each phase's first and last, and one per interval between", () => {
    let clock = 0;
    const seen: Progress[] = [];
    const report = throttled(
      (p) => seen.push(p),
      () => clock,
    );
    for (let done = 0; done <= 1000; done += 10) {
      report({ phase: "read", done, total: 1000 });
      clock += 7;
    }
    report({ phase: "validate", done: 5, total: 50 });
    report({ phase: "validate", done: 6, total: 50 });
    report({ phase: "validate", done: 50, total: 50 });
    // Reports every 7 ms: the first, then the first one 100 ms or more after the last passed, and the last.
    expect(PROGRESS_INTERVAL_MS).toBe(100);
    expect(seen.filter((p) => p.phase === "read").map((p) => p.done)).toEqual([
      0, 150, 300, 450, 600, 750, 900, 1000,
    ]);
    expect(seen.filter((p) => p.phase === "validate").map((p) => p.done)).toEqual([5, 50]);
  });

  it("passes a change of the total: a PDF's page count once it is known", () => {
    const seen: Progress[] = [];
    const report = throttled(
      (p) => seen.push(p),
      () => 0,
    );
    report({ phase: "pages", done: 0, total: 1 });
    report({ phase: "pages", done: 0, total: 3 });
    report({ phase: "pages", done: 1, total: 3 });
    report({ phase: "pages", done: 3, total: 3 });
    expect(seen.map((p) => `${p.done}/${p.total}`)).toEqual(["0/1", "0/3", "3/3"]);
  });
});
