// Effective access for access_relations: identity -> connection -> ... -> resource becomes
// identity -> resource with the chain of connections that provides it. Cycle-safe: each
// identity walks each connection once (breadth-first, so the chain is a shortest one).
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
  /** Connections from the identity to the resource, in order; empty for direct access. */
  chain: ChainLink[];
}

interface Edge {
  targetId: string;
  targetName: string;
  targetType: string;
  targetSourceType: string;
  permissionName: string;
}

const text = (value: unknown): string =>
  typeof value === "string" ? value : value == null ? "" : String(value);

export interface EffectiveAccessFilter {
  identity?: string;
  resource?: string;
}

/** Derives effective access from normalized access_relations records (grants with permissionValue false are ignored). */
export function computeEffectiveAccess(
  records: Iterable<IntakeRecord>,
  filter: EffectiveAccessFilter = {},
): EffectiveAccess[] {
  const edges = new Map<string, Edge[]>();
  const identities = new Map<string, string>();
  for (const r of records) {
    const source = text(r.entitySourceId);
    if (!source) continue;
    if (r.entityType === "identity" && !identities.has(source)) identities.set(source, text(r.entityName));
    if (r.permissionValue === false || !text(r.accessSourceId)) continue;
    const list = edges.get(source) ?? [];
    list.push({
      targetId: text(r.accessSourceId),
      targetName: text(r.accessName),
      targetType: text(r.accessEntityType),
      targetSourceType: text(r.accessSourceType),
      permissionName: text(r.permissionName),
    });
    edges.set(source, list);
  }

  const out: EffectiveAccess[] = [];
  for (const [identityId, identityName] of identities) {
    if (filter.identity !== undefined && filter.identity !== identityId && filter.identity !== identityName)
      continue;
    const emitted = new Set<string>();
    const visited = new Set<string>([identityId]);
    let frontier: { id: string; chain: ChainLink[] }[] = [{ id: identityId, chain: [] }];
    while (frontier.length > 0) {
      const next: { id: string; chain: ChainLink[] }[] = [];
      for (const node of frontier) {
        for (const edge of edges.get(node.id) ?? []) {
          if (edge.targetType === "resource") {
            const key = `${edge.targetId}\u0000${edge.permissionName}`;
            if (emitted.has(key)) continue;
            emitted.add(key);
            if (
              filter.resource !== undefined &&
              filter.resource !== edge.targetId &&
              filter.resource !== edge.targetName
            )
              continue;
            out.push({
              identityId,
              identityName,
              resourceId: edge.targetId,
              resourceName: edge.targetName,
              resourceType: edge.targetSourceType,
              permissionName: edge.permissionName,
              chain: node.chain,
            });
          } else if (edge.targetType === "connection" && !visited.has(edge.targetId)) {
            visited.add(edge.targetId);
            next.push({
              id: edge.targetId,
              chain: [
                ...node.chain,
                { id: edge.targetId, name: edge.targetName, sourceType: edge.targetSourceType },
              ],
            });
          }
        }
      }
      frontier = next;
    }
  }
  return out;
}
