// The Worker's layers (STYLE.md, issue 24), checked over the real import graph: routes on top, then
// middleware, then domain, then http and db at the bottom; an import never points up a layer, and
// no module reaches itself again through its imports (type-only imports count too). The checker is
// shown to catch both first.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

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

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

function edges(): Edge[] {
  const out: Edge[] = [];
  const specifier = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;
  for (const file of sources(ROOT)) {
    for (const m of readFileSync(file, "utf8").matchAll(specifier)) {
      const spec = m[1] ?? m[2] ?? "";
      if (!spec.startsWith(".")) continue;
      const to = relative(ROOT, normalize(join(dirname(file), spec)));
      if (!to.startsWith("..")) out.push({ from: relative(ROOT, file), to });
    }
  }
  return out;
}

/** Every cycle's modules (strongly connected components of more than one module, or a self-import). */
function cycles(all: Edge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const { from, to } of all) graph.set(from, [...(graph.get(from) ?? []), to]);
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

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
      cycles([
        { from: "db/a.ts", to: "db/b.ts" },
        { from: "db/b.ts", to: "db/c.ts" },
        { from: "db/c.ts", to: "db/a.ts" },
        { from: "db/c.ts", to: "db/d.ts" },
      ]),
    ).toEqual([["db/a.ts", "db/b.ts", "db/c.ts"]]);
  });

  it("no import of worker/ points up a layer, and none closes a cycle", () => {
    const all = edges();
    // The graph is read: the routes do reach the database layer.
    expect(all.some((e) => e.from.startsWith("routes/") && e.to.startsWith("db/"))).toBe(true);
    expect(all.map(upward).filter(Boolean)).toEqual([]);
    expect(cycles(all)).toEqual([]);
  });
});
