// The state of a push that has not finished, in a file (.intake/push-<hash>.json by default), so
// that a push interrupted by Ctrl+C, a crash or a lost network is run again and goes on with the
// same sync: the sync id, the batches the Worker acknowledged, and — once asked for — the commit.
// The state names what the sync was made from (the file's SHA-256, the mapping, the schema, the
// batch size); a push of anything else starts a new sync. Written whole and renamed into place, so
// a crash mid-write leaves the previous state.
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AnnouncedLimits } from "../extension/api-client.ts";
import type { Mapping } from "../extension/mapping.ts";
import type { SyncCommitBody } from "../schemas/api-types.ts";

/** What a push is: the same target and file name share one state file. */
export interface PushTarget {
  url: string;
  integrationId: string;
  context: string;
  /** The file's absolute path. */
  file: string;
}

/** What the sync's batches were made from: a resumed push must make the same batches. */
export interface PushSource {
  fileSha256: string;
  mappingSha256: string;
  schemaId: string;
  /** --batch-size, when given. */
  batchRows: number | null;
}

export interface PushState extends PushTarget, PushSource {
  format: 1;
  syncId: string;
  expiresAt: string;
  /** What POST …/syncs announced (the batches are cut by it). */
  limits: AnnouncedLimits;
  totalRecords: number;
  /** seq -> records, for every batch the Worker acknowledged. */
  batches: Record<string, number>;
  /** The commit body, once the commit was asked for: a resumed push asks again and gets its answer. */
  commit?: SyncCommitBody;
  startedAt: string;
  updatedAt: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The SHA-256 of a file's bytes, read as a stream. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The SHA-256 of what a mapping does to rows (columns, constants, value maps, split columns; not
 * the header text). A mapping without splits hashes as it did before splits existed.
 */
export function mappingSha256(mapping: Mapping): string {
  const sorted = (o: Record<string, unknown>): unknown =>
    Object.keys(o)
      .sort()
      .map((k) => [
        k,
        typeof o[k] === "object" && o[k] !== null ? sorted(o[k] as Record<string, unknown>) : o[k],
      ]);
  return sha256(
    JSON.stringify([
      mapping.columns,
      sorted(mapping.constants),
      sorted(mapping.valueMaps as Record<string, unknown>),
      ...(mapping.splits?.length
        ? [[...mapping.splits].sort((a, b) => a.column - b.column).map((s) => [s.column, s.first, s.last])]
        : []),
    ]),
  );
}

/** Whether a saved state is for this very source (else its sync cannot be resumed). */
export function sameSource(state: PushState, source: PushSource): boolean {
  return (
    state.fileSha256 === source.fileSha256 &&
    state.mappingSha256 === source.mappingSha256 &&
    state.schemaId === source.schemaId &&
    state.batchRows === source.batchRows
  );
}

export class PushStateStore {
  readonly path: string;

  constructor(dir: string, target: PushTarget) {
    const id = sha256(JSON.stringify([target.url, target.integrationId, target.context, target.file]));
    this.path = join(dir, `push-${id.slice(0, 16)}.json`);
  }

  load(): PushState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return undefined;
    }
    try {
      const state = JSON.parse(text) as PushState;
      return state.format === 1 && typeof state.syncId === "string" ? state : undefined;
    } catch {
      return undefined; // unreadable: as if there were none (its sync expires on its own)
    }
  }

  save(state: PushState): void {
    state.updatedAt = new Date().toISOString();
    mkdirSync(join(this.path, ".."), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }
}
