// Reading the repository's import graph, for the tests of its layout: the source files under a
// folder, the relative modules a file imports (static, dynamic, re-exports, type-only too), and the
// graph's cycles written out.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

/** The TypeScript sources under `dir` (declaration files aside). */
export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The relative specifiers a module's text imports (static, dynamic, re-exports, type-only too). */
export function importsIn(text: string): string[] {
  const specifier =
    /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;
  return [...text.matchAll(specifier)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? "")
    .filter((spec) => spec.startsWith("."));
}

/** The absolute paths `file` imports. */
export const importsOf = (file: string) =>
  importsIn(readFileSync(file, "utf8")).map((spec) => normalize(join(dirname(file), spec)));

/**
 * The graph's cycles: per strongly connected component (Tarjan's algorithm), one of its cycles
 * written out from its first module, then the component's other modules if the cycle leaves some.
 */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const next = (v: string) => graph.get(v) ?? [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next(v).includes(v)) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return components.map((component) => {
    // The shortest way from the component's first module back to it, by breadth-first search inside it.
    const inside = new Set(component);
    const start = component[0] as string;
    const cameFrom = new Map<string, string>();
    const queue = [start];
    search: for (const v of queue)
      for (const w of next(v)) {
        if (!inside.has(w) || cameFrom.has(w)) continue;
        cameFrom.set(w, v);
        if (w === start) break search;
        queue.push(w);
      }
    const cycle = [start];
    for (let v = cameFrom.get(start) as string; v !== start; v = cameFrom.get(v) as string) cycle.unshift(v);
    cycle.unshift(start);
    const rest = component.filter((v) => !cycle.includes(v));
    return `${cycle.join(" -> ")}${rest.length > 0 ? ` (and in the same knot: ${rest.join(", ")})` : ""}`;
  });
}
