// The extension's walls (STYLE.md, issue 24), checked over the real import graph: the page imports
// from pipeline/ only client.ts and protocol.ts (types and constants); ui/ imports no wing; the
// console and the flow do not import each other; the pipeline and the capture script import no
// page code. The checker is shown to catch a forbidden import first.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../extension");

interface Edge {
  from: string;
  to: string;
}

/** The wall an import from `from` to `to` (paths relative to extension/) breaks, if any. */
function broken({ from, to }: Edge): string | undefined {
  const wing = (p: string) => p.split("/")[0] ?? "";
  const inPipeline = (p: string) => p.startsWith("pipeline/");
  const pipelineFile = from === "entrypoints/pipeline-worker.ts" || inPipeline(from);
  if (!pipelineFile && inPipeline(to) && to !== "pipeline/client.ts" && to !== "pipeline/protocol.ts")
    return "the page imports from pipeline/ only client.ts and protocol.ts";
  if (wing(from) === "ui" && ["flow", "console", "capture", "pipeline"].includes(wing(to)))
    return "ui/ imports no wing";
  if (wing(from) === "console" && wing(to) === "flow") return "console/ does not import flow/";
  if (wing(from) === "flow" && wing(to) === "console") return "flow/ does not import console/";
  if (pipelineFile && ["ui", "flow", "console", "capture"].includes(wing(to)))
    return "the pipeline imports no page code";
  if (wing(from) === "capture" && ["ui", "flow", "console", "pipeline"].includes(wing(to)))
    return "the capture script imports no page or pipeline code";
  return undefined;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of every source file (static, dynamic, re-exports, type-only too). */
function edges(): Edge[] {
  const out: Edge[] = [];
  const specifier = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;
  for (const file of sources(ROOT)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(specifier)) {
      const spec = m[1] ?? m[2] ?? "";
      if (!spec.startsWith(".")) continue;
      const to = relative(ROOT, normalize(join(dirname(file), spec)));
      out.push({ from: relative(ROOT, file), to });
    }
  }
  return out;
}

describe("the extension's walls", () => {
  it("the checker catches each kind of forbidden import", () => {
    expect(broken({ from: "flow/review/ReviewStep.tsx", to: "pipeline/dataset.ts" })).toMatch(
      /client\.ts and protocol\.ts/,
    );
    expect(broken({ from: "console/ValidateFile.tsx", to: "pipeline/parse/source-table.ts" })).toBeDefined();
    expect(broken({ from: "ui/Badge.tsx", to: "flow/flow.css" })).toBe("ui/ imports no wing");
    expect(broken({ from: "console/Console.tsx", to: "flow/ConnectStep.tsx" })).toBe(
      "console/ does not import flow/",
    );
    expect(broken({ from: "pipeline/dataset.ts", to: "ui/format.ts" })).toBe(
      "the pipeline imports no page code",
    );
    expect(broken({ from: "capture/page.ts", to: "pipeline/protocol.ts" })).toBeDefined();
    // Allowed: the page through the two doors, the worker entry into the pipeline.
    expect(broken({ from: "flow/UploadFlow.tsx", to: "pipeline/protocol.ts" })).toBeUndefined();
    expect(broken({ from: "console/context-editor/infer.ts", to: "pipeline/client.ts" })).toBeUndefined();
    expect(broken({ from: "entrypoints/pipeline-worker.ts", to: "pipeline/pipeline.ts" })).toBeUndefined();
  });

  it("no source file of the extension breaks one", () => {
    const all = edges();
    // The graph is read: the page does use the two doors.
    expect(all.some((e) => e.to === "pipeline/protocol.ts" && e.from.startsWith("flow/"))).toBe(true);
    expect(all.filter((e) => broken(e)).map((e) => `${e.from} -> ${e.to}: ${broken(e)}`)).toEqual([]);
  });
});
