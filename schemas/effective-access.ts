// Effective access for access_relations: identity -> connection -> ... -> resource becomes
// identity -> resource with the (shortest) chain of connections that provides it. Cycle-safe, and
// bounded per page: identities are paged by a cursor; what a connection reaches is computed once
// per call (one breadth-first walk with parent links, no chain copying) and shared by every
// identity granted it; chains longer than `maxChainLinks` are cut and say so; a page stops at
// `limit` entries, `maxPageBytes` of JSON or `maxWork` steps, whichever comes first.
import type { IntakeRecord } from "./types.ts";

export interface ChainLink {
  id: string;
  name: string;
  sourceType: string;
}

export interface EffectiveAccess {
  identityId: string;
  identityName: string;
  resourceId: string;
  resourceName: string;
  resourceType: string;
  permissionName: string;
  /** Connections from the identity to the resource, in order (the first `maxChainLinks`); empty for direct access. */
  chain: ChainLink[];
  /** How many connections the whole chain has. */
  chainLength: number;
  /** True when `chain` shows only the first links of a longer chain. */
  chainTruncated: boolean;
}

export interface EffectiveAccessFilter {
  /** An identity's id or name. */
  identity?: string;
  /** A resource's id or name. */
  resource?: string;
}

/** Where a page starts: identities in id order, from `identityId`, skipping its first `skip` entries. */
export interface EffectiveAccessCursor {
  identityId: string;
  skip: number;
}

export interface EffectiveAccessQuery extends EffectiveAccessFilter {
  cursor?: EffectiveAccessCursor;
  /** Entries per page. */
  limit?: number;
  /** Size of a page's entries as UTF-8 JSON; a page always holds at least one entry. */
  maxPageBytes?: number;
  /** Links shown per chain. */
  maxChainLinks?: number;
  /** Graph steps per page (nodes and edges walked, links written); a page always handles one identity. */
  maxWork?: number;
}

export interface EffectiveAccessPage {
  data: EffectiveAccess[];
  /** Where the next page starts, or null when this was the last. */
  next: EffectiveAccessCursor | null;
}

export const EFFECTIVE_ACCESS_BOUNDS = {
  limit: 100,
  maxPageBytes: 1_000_000,
  maxChainLinks: 25,
  maxWork: 2_000_000,
} as const;

interface Edge {
  targetId: string;
  targetName: string;
  targetType: string;
  targetSourceType: string;
  permissionName: string;
}

/** A resource grant a connection reaches: the granting edge and the path of connections to it. */
interface Reached {
  key: string;
  edge: Edge;
  /** Connection ids from the walk's root, at most maxChainLinks of them. */
  path: string[];
  length: number;
}

const text = (value: unknown): string =>
  typeof value === "string" ? value : value == null ? "" : String(value);

const encoder = new TextEncoder();

class AccessGraph {
  readonly edges = new Map<string, Edge[]>();
  readonly identities = new Map<string, string>();
  /** Each connection as chains show it: the name and type of the first grant that names it. */
  readonly links = new Map<string, ChainLink>();
  private readonly reach = new Map<string, Reached[]>();
  work = 0;

  private readonly maxChainLinks: number;

  constructor(records: Iterable<IntakeRecord>, maxChainLinks: number) {
    this.maxChainLinks = maxChainLinks;
    for (const r of records) {
      const source = text(r.entitySourceId);
      if (!source) continue;
      if (r.entityType === "identity" && !this.identities.has(source))
        this.identities.set(source, text(r.entityName));
      if (r.permissionValue === false || !text(r.accessSourceId)) continue;
      const edge: Edge = {
        targetId: text(r.accessSourceId),
        targetName: text(r.accessName),
        targetType: text(r.accessEntityType),
        targetSourceType: text(r.accessSourceType),
        permissionName: text(r.permissionName),
      };
      const list = this.edges.get(source);
      if (list) list.push(edge);
      else this.edges.set(source, [edge]);
      if (edge.targetType === "connection" && !this.links.has(edge.targetId)) {
        this.links.set(edge.targetId, {
          id: edge.targetId,
          name: edge.targetName,
          sourceType: edge.targetSourceType,
        });
      }
    }
  }

  /** The resource grants a connection reaches, nearest first: one walk per connection per call. */
  reachOf(root: string): Reached[] {
    const known = this.reach.get(root);
    if (known) return known;
    const parent = new Map<string, string | null>([[root, null]]);
    const depth = new Map<string, number>([[root, 1]]);
    const seen = new Set<string>();
    const out: Reached[] = [];
    let frontier = [root];
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const node of frontier) {
        this.work++;
        for (const edge of this.edges.get(node) ?? []) {
          this.work++;
          if (edge.targetType === "resource") {
            const key = `${edge.targetId}\u0000${edge.permissionName}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const length = depth.get(node) as number;
            // Walk back to the root and keep the links nearest it.
            const back: string[] = [];
            for (let at: string | null = node; at !== null; at = parent.get(at) ?? null) back.push(at);
            this.work += back.length;
            out.push({ key, edge, path: back.reverse().slice(0, this.maxChainLinks), length });
          } else if (edge.targetType === "connection" && !parent.has(edge.targetId)) {
            parent.set(edge.targetId, node);
            depth.set(edge.targetId, (depth.get(node) as number) + 1);
            next.push(edge.targetId);
          }
        }
      }
      frontier = next;
    }
    this.reach.set(root, out);
    return out;
  }

  /** Everything one identity reaches, shortest chain per resource and permission, nearest first. */
  accessOf(identityId: string, resource: string | undefined): EffectiveAccess[] {
    const identityName = this.identities.get(identityId) ?? "";
    const best = new Map<string, { edge: Edge; path: string[]; length: number; order: number }>();
    let order = 0;
    const offer = (key: string, edge: Edge, path: string[], length: number) => {
      this.work++;
      const held = best.get(key);
      if (!held || length < held.length) best.set(key, { edge, path, length, order: order++ });
    };
    for (const edge of this.edges.get(identityId) ?? []) {
      if (edge.targetType === "resource") offer(`${edge.targetId}\u0000${edge.permissionName}`, edge, [], 0);
      else if (edge.targetType === "connection" && edge.targetId !== identityId) {
        for (const r of this.reachOf(edge.targetId)) offer(r.key, r.edge, r.path, r.length);
      }
    }
    const out: EffectiveAccess[] = [];
    for (const b of [...best.values()].sort((x, y) => x.length - y.length || x.order - y.order)) {
      if (resource !== undefined && resource !== b.edge.targetId && resource !== b.edge.targetName) continue;
      out.push({
        identityId,
        identityName,
        resourceId: b.edge.targetId,
        resourceName: b.edge.targetName,
        resourceType: b.edge.targetSourceType,
        permissionName: b.edge.permissionName,
        chain: b.path.map((id) => this.links.get(id) as ChainLink),
        chainLength: b.length,
        chainTruncated: b.length > b.path.length,
      });
    }
    return out;
  }
}

/** One page of effective access from normalized access_relations records (grants with permissionValue false are ignored). */
export function effectiveAccessPage(
  records: Iterable<IntakeRecord>,
  query: EffectiveAccessQuery = {},
): EffectiveAccessPage {
  const limit = query.limit ?? EFFECTIVE_ACCESS_BOUNDS.limit;
  const maxPageBytes = query.maxPageBytes ?? EFFECTIVE_ACCESS_BOUNDS.maxPageBytes;
  const maxWork = query.maxWork ?? EFFECTIVE_ACCESS_BOUNDS.maxWork;
  const graph = new AccessGraph(records, query.maxChainLinks ?? EFFECTIVE_ACCESS_BOUNDS.maxChainLinks);
  const ids = [...graph.identities]
    .filter(([id, name]) => query.identity === undefined || query.identity === id || query.identity === name)
    .map(([id]) => id)
    .sort();
  const cursor = query.cursor;
  let start = 0;
  if (cursor) while (start < ids.length && (ids[start] as string) < cursor.identityId) start++;
  const data: EffectiveAccess[] = [];
  let bytes = 0;
  for (let i = start; i < ids.length; i++) {
    const identityId = ids[i] as string;
    // Past the work budget, stop after one identity even with nothing found (a filter that
    // matches little must not walk the whole graph in one request).
    if (data.length >= limit || (i > start && graph.work >= maxWork))
      return { data, next: { identityId, skip: 0 } };
    const access = graph.accessOf(identityId, query.resource);
    const skip = cursor && identityId === cursor.identityId ? cursor.skip : 0;
    for (let j = skip; j < access.length; j++) {
      const entry = access[j] as EffectiveAccess;
      const size = encoder.encode(JSON.stringify(entry)).length + 1;
      if (data.length >= limit || (data.length > 0 && bytes + size > maxPageBytes))
        return { data, next: { identityId, skip: j } };
      data.push(entry);
      bytes += size;
    }
  }
  return { data, next: null };
}

/** All of it, page after page: for tests and small datasets. */
export function computeEffectiveAccess(
  records: Iterable<IntakeRecord>,
  filter: EffectiveAccessFilter = {},
): EffectiveAccess[] {
  const all = [...records];
  const out: EffectiveAccess[] = [];
  let cursor: EffectiveAccessCursor | undefined;
  do {
    const page = effectiveAccessPage(all, { ...filter, cursor, limit: 1000 });
    out.push(...page.data);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}
