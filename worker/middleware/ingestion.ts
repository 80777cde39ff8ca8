// Ingestion recording: a handler says what its ingestion came to (`c.set("ingestion", …)`), and
// this writes it to the history once the handler has answered or thrown a problem. An
// unexpected failure records nothing.
import type { Context, MiddlewareHandler } from "hono";
import type { ValidationReport } from "../../schemas/index.ts";
import type { AppEnv, IngestionOutcome } from "../app-env.ts";
import { ingestionStatement } from "../domain/ingestion.ts";
import { Problem } from "../http/problem.ts";
import { refOf } from "./dataset.ts";

/** What the request's ingestion came to, if anything is to be recorded. */
function outcomeOf(c: Context<AppEnv>): IngestionOutcome | undefined {
  const set = c.get("ingestion");
  const error = c.error;
  if (!set || (error && !(error instanceof Problem))) return undefined;
  if (!("refusals" in set)) return set;
  if (!error) return undefined;
  const report = error.body.report as ValidationReport | undefined;
  return {
    kind: set.kind,
    ok: false,
    syncId: set.syncId,
    ...(report ? { report } : { detail: error.body.detail }),
  };
}

/** Records the ingestion a data route's handler set (after `datasetScope`). */
export function recordIngestion(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ref = refOf(c);
    await next();
    const outcome = outcomeOf(c);
    if (outcome) await ingestionStatement(c, ref, outcome).run();
  };
}
