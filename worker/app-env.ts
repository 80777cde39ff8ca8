// The Hono environment of the Worker: generated bindings plus what middleware puts on the context.
import type { ApiKey } from "./db/keys.ts";
import type { ContextCache } from "./domain/contexts.ts";
import type { IngestionOutcome, IngestionRefusals } from "./domain/ingestion.ts";

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
