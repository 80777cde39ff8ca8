// The extension's walls (STYLE.md, issue 24), checked over the real import graph: the page imports
// from pipeline/ only client.ts and protocol.ts (types and constants); ui/ imports no wing; the
// console and the flow do not import each other; the pipeline and the capture script import no
// page code. The checker is shown to catch a forbidden import first. The same walls are a lint rule
// (biome.json overrides, style/noRestrictedImports): shown to fire on probe files, and to pass the tree.
// And the graph has no cycle (type-only imports count): extension/ and the schemas/ files it imports.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { cyclesOf, importsIn, importsOf, sources } from "./import-graph.ts";

const REPO = join(import.meta.dirname, "../..");
const ROOT = join(REPO, "extension");

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

/** Every relative import of every source file of the extension (paths relative to extension/). */
function edges(): Edge[] {
  return sources(ROOT).flatMap((file) =>
    importsOf(file).map((to) => ({ from: relative(ROOT, file), to: relative(ROOT, to) })),
  );
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

/**
 * The module graph (paths relative to the repository) of every source file of the extension and
 * of the modules they reach outside it (schemas/): module -> the modules it imports.
 */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    const from = relative(REPO, file);
    if (graph.has(from)) return;
    const to = importsOf(file).filter((f) => /\.tsx?$/.test(f));
    graph.set(
      from,
      to.map((f) => relative(REPO, f)),
    );
    for (const f of to) visit(f);
  };
  for (const file of sources(ROOT)) visit(file);
  return graph;
}

describe("the extension's import graph", () => {
  it("the reader counts type-only imports and re-exports; the finder names each cycle", () => {
    expect(
      importsIn(
        'import type { A } from "./a.ts";\nimport {\n  type B,\n} from "../b.ts";\nexport type { C } from "./c.ts";\n' +
          'import "./d.css";\nconst e = await import("./e.ts");\nimport { f } from "preact";\n',
      ),
    ).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.css", "./e.ts"]);
    const graph = new Map([
      ["a.ts", ["b.ts", "d.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "e.ts"]],
      ["d.ts", ["e.ts"]],
      ["e.ts", ["e.ts"]],
      ["f.ts", ["a.ts"]],
    ]);
    expect(cyclesOf(graph)).toEqual(["e.ts -> e.ts", "a.ts -> b.ts -> c.ts -> a.ts"]);
    graph.set("b.ts", ["c.ts", "g.ts"]);
    graph.set("g.ts", ["b.ts"]);
    expect(cyclesOf(graph)).toEqual([
      "e.ts -> e.ts",
      "a.ts -> b.ts -> c.ts -> a.ts (and in the same knot: g.ts)",
    ]);
    graph.set("c.ts", ["e.ts"]);
    expect(cyclesOf(graph)).toEqual(["e.ts -> e.ts", "b.ts -> g.ts -> b.ts"]);
  });

  it("has no cycle: extension/ and the schemas/ files it imports", () => {
    const graph = importGraph();
    // The graph is read, into schemas/ too.
    expect(graph.get("extension/pipeline/pipeline.ts")).toContain("extension/pipeline/dataset.ts");
    expect(graph.has("schemas/index.ts")).toBe(true);
    expect(cyclesOf(graph)).toEqual([]);
  });
});

/** `npx biome lint` with `args` (paths relative to the repository): its exit status and what it printed. */
function biomeLint(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync("npx", ["biome", "lint", ...args], { cwd: REPO, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("the walls in `npm run lint` (Biome's style/noRestrictedImports)", () => {
  // One probe per wall: a file written where the wall stands, importing across it.
  const probes: { dir: string; source: string; says: string }[] = [
    { dir: "ui", source: 'import "../flow/flow.css";', says: "ui/ is the design system" },
    {
      dir: "console",
      source: 'import "../flow/deps.ts";',
      says: "the console does not import the upload flow",
    },
    {
      dir: "flow/review",
      source: 'import "../../console/ui.tsx";',
      says: "the upload flow does not import the console",
    },
    {
      dir: "flow",
      source: 'import type { Dataset } from "../pipeline/dataset.ts";\nexport type D = Dataset;',
      says: "only through pipeline/client.ts and pipeline/protocol.ts",
    },
    {
      dir: "entrypoints/options",
      source: 'import "../../pipeline/pipeline.ts";',
      says: "only through pipeline/client.ts and pipeline/protocol.ts",
    },
    {
      dir: "capture",
      source: 'import "../pipeline/protocol.ts";',
      says: "the capture script runs in the captured page",
    },
    {
      dir: "pipeline/parse",
      source: 'import "../../ui/format.ts";',
      says: "the pipeline runs in its Web Worker",
    },
  ];

  it("fires on an import across each wall, and not on the same file through a door", () => {
    const placed = probes.map((p) => ({ ...p, file: join(ROOT, p.dir, `__wall_probe_${process.pid}.ts`) }));
    try {
      for (const p of placed) writeFileSync(p.file, `${p.source}\n`);
      const { status, output } = biomeLint(...placed.map((p) => relative(REPO, p.file)));
      expect(status).not.toBe(0);
      for (const p of placed) {
        const at = output.indexOf(`${relative(REPO, p.file)}:1:`);
        expect(at, `${p.dir}: no diagnostic`).toBeGreaterThanOrEqual(0);
        const diagnostic = output.slice(at, at + 600);
        expect(diagnostic).toContain("lint/style/noRestrictedImports");
        expect(diagnostic).toContain(p.says);
      }
      // Through a door: the flow may import the protocol and the design system.
      const door = join(ROOT, "flow", `__wall_probe_${process.pid}.ts`);
      writeFileSync(door, 'import "../pipeline/protocol.ts";\nimport "../ui/format.ts";\n');
      expect(biomeLint(relative(REPO, door))).toMatchObject({ status: 0 });
    } finally {
      for (const p of placed) rmSync(p.file, { force: true });
    }
  }, 60_000);

  it("no source file of the extension breaks one", () => {
    const { status, output } = biomeLint("--only=style/noRestrictedImports", "extension");
    expect(output).not.toContain("noRestrictedImports");
    expect(status).toBe(0);
  }, 60_000);
});
