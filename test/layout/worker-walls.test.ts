// The Worker's layers (STYLE.md, issue 24), checked over the real import graph: routes on top, then
// middleware, then domain, then http and db at the bottom; an import never points up a layer, and
// no module reaches itself again through its imports (type-only imports count too; the reader and
// the cycle finder are import-graph.ts, shared with the extension's walls). The checker is shown to
// catch both first.
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { cyclesOf, importsOf, sources } from "./import-graph.ts";

const ROOT = join(import.meta.dirname, "../../worker");
/**
 * Higher layers may import lower ones only. At the root: the app (index.ts) on top, the Cron
 * Trigger's handler beside the routes, the API's description (openapi.ts) and the Hono env with
 * the types middleware puts on a request (app-env.ts) just above db/.
 */
const LAYER: Record<string, number> = { routes: 4, middleware: 3, domain: 2, http: 1, db: 0 };
const ROOT_FILES: Record<string, number> = {
  "index.ts": 6,
  "scheduled.ts": 4,
  "openapi.ts": 0.5,
  "app-env.ts": 0.5,
};

interface Edge {
  from: string;
  to: string;
}

function layerOf(path: string): number | undefined {
  return path.includes("/") ? LAYER[path.split("/")[0] ?? ""] : ROOT_FILES[path];
}

/** The rule an import from `from` to `to` (paths relative to worker/) breaks, if any. */
function upward({ from, to }: Edge): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === undefined || b === undefined) return undefined;
  return b > a ? `${from} imports ${to}, a layer above it` : undefined;
}

/** Every relative import between the Worker's own files (paths relative to worker/). */
function edges(): Edge[] {
  return sources(ROOT).flatMap((file) =>
    importsOf(file)
      .map((to) => relative(ROOT, to))
      .filter((to) => !to.startsWith(".."))
      .map((to) => ({ from: relative(ROOT, file), to })),
  );
}

const graphOf = (all: Edge[]) => {
  const graph = new Map<string, string[]>();
  for (const { from, to } of all) graph.set(from, [...(graph.get(from) ?? []), to]);
  return graph;
};

describe("the Worker's layers", () => {
  it("the checker catches an upward import and a cycle", () => {
    expect(upward({ from: "domain/sync-diff.ts", to: "middleware/rate-limit.ts" })).toMatch(
      /a layer above it/,
    );
    expect(upward({ from: "db/datasets.ts", to: "domain/contexts.ts" })).toBeDefined();
    expect(upward({ from: "routes/data.ts", to: "db/datasets.ts" })).toBeUndefined();
    expect(upward({ from: "domain/contexts.ts", to: "app-env.ts" })).toBeUndefined();
    expect(upward({ from: "app-env.ts", to: "domain/contexts.ts" })).toBeDefined();
    expect(upward({ from: "db/keys.ts", to: "app-env.ts" })).toBeDefined();
    expect(upward({ from: "http/records-body.ts", to: "domain/contexts.ts" })).toBeDefined();
    expect(
      cyclesOf(
        graphOf([
          { from: "db/a.ts", to: "db/b.ts" },
          { from: "db/b.ts", to: "db/c.ts" },
          { from: "db/c.ts", to: "db/a.ts" },
          { from: "db/c.ts", to: "db/d.ts" },
        ]),
      ),
    ).toEqual(["db/a.ts -> db/b.ts -> db/c.ts -> db/a.ts"]);
  });

  it("no import of worker/ points up a layer, and none closes a cycle", () => {
    const all = edges();
    // The graph is read: the routes do reach the database layer.
    expect(all.some((e) => e.from.startsWith("routes/") && e.to.startsWith("db/"))).toBe(true);
    expect(all.map(upward).filter(Boolean)).toEqual([]);
    expect(cyclesOf(graphOf(all))).toEqual([]);
  });
});
