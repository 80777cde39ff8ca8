// Status per context and per integration, computed on read (never stale), with reasons:
// Ready (no data yet, keys usable) · Active (data committed in the last 24 h) · Warning (no data
// in the last 24 h, or a usable key expires within 90 days) · Failed (no usable key left, or an
// upload failed and nothing was committed or restored since). Pure: the clock is an argument.

import type { ContextStatus, StatusName as Status } from "../../schemas/api-types.ts";

const DAY_MS = 86_400_000;
const ACTIVE_WINDOW_MS = DAY_MS;
const KEY_WARNING_MS = 90 * DAY_MS;
/** For the integration: the most urgent context wins, and data flowing (Active) outranks none yet (Ready). */
const RANK: Record<Status, number> = { Ready: 0, Active: 1, Warning: 2, Failed: 3 };

export interface ContextFacts {
  context: string;
  /** When data was last committed (or restored), if ever. */
  lastCommitAt: string | null;
  /** The newest failed upload (submit, batch, commit) with no successful commit or restore since. */
  failure: { at: string; detail: string | null } | null;
}

/** A key that may write to the integration; `name` is null when the viewer may not see it. */
export interface UsableKey {
  name: string | null;
  expiresAt: string;
}

/**
 * The usable keys as a viewer may see them: an admin key sees every name; an ingest key sees only
 * its own (what it already knows: its name and expiry), other keys stay anonymous.
 */
export function keysVisibleTo(
  keys: { name: string; expiresAt: string }[],
  viewer: { scope: "admin" | "ingest"; name: string; expiresAt: string },
): UsableKey[] {
  if (viewer.scope === "admin") return keys;
  return keys.map((k) => ({
    name: k.name === viewer.name && k.expiresAt === viewer.expiresAt ? k.name : null,
    expiresAt: k.expiresAt,
  }));
}

export function contextStatus(facts: ContextFacts, keys: UsableKey[], now: Date): ContextStatus {
  const reasons: string[] = [];
  let status: Status;
  if (keys.length === 0) {
    status = "Failed";
    reasons.push("No usable API key: every key for this integration is revoked or expired");
  } else if (facts.failure) {
    status = "Failed";
    reasons.push(
      `An upload failed at ${facts.failure.at}${facts.failure.detail ? ` (${facts.failure.detail})` : ""}; nothing was committed or restored since`,
    );
  } else if (facts.lastCommitAt && now.getTime() - Date.parse(facts.lastCommitAt) <= ACTIVE_WINDOW_MS) {
    status = "Active";
    reasons.push(`Data committed at ${facts.lastCommitAt}`);
  } else if (facts.lastCommitAt) {
    status = "Warning";
    reasons.push(`No data in the last 24 hours (last committed ${facts.lastCommitAt})`);
  } else {
    status = "Ready";
    reasons.push("No data yet; a usable key is ready");
  }
  if (status !== "Failed") {
    for (const key of keys) {
      if (Date.parse(key.expiresAt) - now.getTime() <= KEY_WARNING_MS) {
        reasons.push(
          key.name === null
            ? `Another key for this integration expires on ${key.expiresAt}`
            : `The key "${key.name}" expires on ${key.expiresAt}`,
        );
        if (RANK.Warning > RANK[status]) status = "Warning";
      }
    }
  }
  return { context: facts.context, status, reasons, lastCommitAt: facts.lastCommitAt };
}

/** The integration's status: the worst of its contexts, with their reasons. */
export function integrationStatus(contexts: ContextStatus[]): { status: Status; reasons: string[] } {
  let status: Status = "Ready";
  for (const c of contexts) if (RANK[c.status] > RANK[status]) status = c.status;
  const reasons = contexts
    .filter((c) => c.status === status)
    .flatMap((c) => c.reasons.map((r) => `${c.context}: ${r}`));
  return { status, reasons: [...new Set(reasons)] };
}
