// The Hono environment of the Worker: generated bindings plus what middleware puts on the context,
// and the types of what it puts there (the modules that fill them import them from here).

import type { IngestionKind } from "../schemas/api-types.ts";
import type { ContextSchema, ValidationReport } from "../schemas/index.ts";
import type { CustomContextRow } from "./db/custom-contexts.ts";
import type { ApiKey } from "./db/keys.ts";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** The authenticated API key (set by `requireKey`). */
    key: ApiKey;
    /** The key's tenant's data database (set by `requireKey`): every data query goes to it. */
    db: D1Database;
    /** That database's name (a binding: DATA_0, …; DB for tenants placed before placement). */
    database: string;
    /** The request's clock, so tests can control time through a header-free seam. */
    now: Date;
    /** The tenant's custom contexts read during this request (`contextFor`). */
    contexts: ContextCache;
    /** A gzip body as received, decoded after authentication (`decodeBody`). */
    encodedBody: Uint8Array | undefined;
    /** What the request's ingestion came to, recorded by `recordIngestion` once it is answered. */
    ingestion: IngestionOutcome | IngestionRefusals | undefined;
  };
}

export interface ResolvedContext {
  name: string;
  schema: ContextSchema;
  /** The stored row of a custom context; undefined for a built-in. */
  custom?: CustomContextRow;
}

/** Per request: context name -> the tenant's custom context (null: looked up, none). */
export type ContextCache = Map<string, ResolvedContext | null>;

export interface IngestionOutcome {
  kind: IngestionKind;
  report?: ValidationReport;
  ok: boolean;
  recordCount?: number;
  detail?: string;
  syncId?: string;
  version?: number;
  /** What the data came from; for a sync's ingestions, the sync's own when not given. */
  sourceName?: string;
}

/**
 * Set before steps that may refuse: a problem thrown before an outcome is set is recorded as a
 * failure of this kind, with the problem's report, else its detail (a refused commit).
 */
export interface IngestionRefusals {
  kind: IngestionKind;
  refusals: true;
  syncId?: string;
}
