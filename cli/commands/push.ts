// intake push: a file checked locally (nothing is sent when it is invalid), uploaded as a sync by
// the extension's upload driver through the shared client, the diff against the current version
// shown, a risky replacement refused without --yes, then committed. An interrupted push, run
// again, resumes its sync from the push state (push-state.ts).
import { basename, resolve } from "node:path";
import { type ApiClient, ApiError, type SyncCommitted } from "../../extension/api-client.ts";
import { type ReplacementReview, uploadSync } from "../../extension/pipeline/upload.ts";
import type { DatasetDiff } from "../../schemas/api-types.ts";
import { registerSchema } from "../../schemas/index.ts";
import { checkFile } from "../check-file.ts";
import { printMapping, printOutcome, writeCheckFiles } from "../check-output.ts";
import { CONNECTION_OPTIONS, type Command, flag, type Parsed, QUIET_OPTION, text } from "../command.ts";
import { clientOf, connectionOf } from "../config.ts";
import { diffLines } from "../diff-text.ts";
import { EXIT, type ExitCode, UsageError } from "../exit-codes.ts";
import { checkRequestOf, FILE_OPTIONS, filePath } from "../file-options.ts";
import { type CliIo, count, plural } from "../io.ts";
import { createProgress, type ProgressReporter } from "../progress.ts";
import {
  fileSha256,
  mappingSha256,
  type PushSource,
  type PushState,
  PushStateStore,
  type PushTarget,
  sameSource,
} from "../push-state.ts";
import { issueLine } from "../report-text.ts";
import { PushSession, resumableClient } from "../resumable-client.ts";

/** What a push ended with, as --json prints it. */
interface PushResult {
  status: "committed" | "unchanged" | "dry-run" | "refused" | "interrupted";
  syncId?: string;
  version?: number;
  recordCount?: number;
  resumed: boolean;
  diff?: DatasetDiff;
  concerns?: string[];
  warningCount?: number;
}

interface Push {
  io: CliIo;
  parsed: Parsed;
  client: ApiClient;
  integrationId: string;
  context: string;
  progress: ProgressReporter;
  /** Where people read (stdout; stderr with --json, which keeps stdout for the result). */
  say: (text: string) => void;
}

const requireText = (parsed: Parsed, name: string, example: string) => {
  const value = text(parsed, name);
  if (!value) throw new UsageError(`--${name} is required (e.g. --${name} ${example})`);
  return value;
};

/** The Worker's live schema of the context, registered for the local check (custom contexts too). */
async function liveSchema(client: ApiClient, context: string) {
  try {
    const answer = await client.contextSchema(context);
    if (answer.notModified) throw new Error("unreachable: no ETag was sent");
    registerSchema(context, answer.schema);
    return answer.schema;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw new UsageError(`The Worker has no context "${context}" (see intake contexts)`);
    throw error;
  }
}

function committedResult(committed: SyncCommitted, resumed: boolean, diff?: DatasetDiff): PushResult {
  return {
    status: committed.unchanged ? "unchanged" : "committed",
    syncId: committed.syncId,
    version: committed.version,
    recordCount: committed.recordCount,
    resumed,
    ...(diff ? { diff } : {}),
    warningCount: committed.warningCount,
  };
}

function sayCommitted(push: Push, committed: SyncCommitted): void {
  if (committed.unchanged)
    push.say(
      `Nothing changed — version ${committed.version} stays current (${plural(committed.recordCount, "record")}).`,
    );
  else
    push.say(
      `Committed version ${committed.version}: ${plural(committed.recordCount, "record")} (sync ${committed.syncId}).`,
    );
  if (committed.schemaChange) push.say(committed.schemaChange.message);
}

/**
 * A saved state's sync, if this push can go on with it: same source, not expired, still open on
 * the Worker (asked with its diff, which any open sync answers). Otherwise the state is dropped.
 */
async function resumable(
  push: Push,
  store: PushStateStore,
  source: PushSource,
): Promise<PushState | undefined> {
  const saved = store.load();
  if (!saved) return undefined;
  const drop = async (why: string, abort: boolean) => {
    push.progress.note(
      `The interrupted push of sync ${saved.syncId} is not resumed: ${why}. Starting a new sync.`,
    );
    if (abort) await push.client.abortSync(push.integrationId, push.context, saved.syncId).catch(() => {});
    store.clear();
    return undefined;
  };
  if (!sameSource(saved, source))
    return drop("the file, its mapping, the schema or --batch-size changed", true);
  if (Date.parse(saved.expiresAt) <= Date.now()) return drop("it has expired", false);
  if (saved.commit) return saved;
  try {
    await push.client.syncDiff(push.integrationId, push.context, saved.syncId);
    return saved;
  } catch (error) {
    if (error instanceof ApiError && [404, 409, 410].includes(error.status))
      return drop(`the Worker says: ${error.message}`, false);
    throw error;
  }
}

/** A push whose commit was asked for before it was interrupted: the commit asked again (the Worker answers as the first time). */
async function recommit(
  push: Push,
  store: PushStateStore,
  state: PushState,
): Promise<PushResult | undefined> {
  push.progress.note(
    `Resuming sync ${state.syncId}: its commit was sent before the interruption; asking again.`,
  );
  try {
    const committed = await push.client.commitSync(
      push.integrationId,
      push.context,
      state.syncId,
      state.commit ?? {},
    );
    store.clear();
    sayCommitted(push, committed);
    return committedResult(committed, true);
  } catch (error) {
    const unconfirmed = String(error instanceof ApiError && error.problem.type).endsWith(
      "replacement-unconfirmed",
    );
    if (error instanceof ApiError && (error.status === 409 || error.status === 410) && !unconfirmed) {
      push.progress.note(`Sync ${state.syncId} cannot be committed (${error.message}); starting a new sync.`);
      store.clear();
      return undefined;
    }
    throw error;
  }
}

async function runPush(parsed: Parsed, io: CliIo): Promise<{ code: ExitCode; result?: PushResult }> {
  const integrationId = requireText(parsed, "integration", "int_…");
  const context = requireText(parsed, "context", "saas_users");
  const json = flag(parsed, "json");
  const quiet = flag(parsed, "quiet");
  const yes = flag(parsed, "yes");
  const dryRun = flag(parsed, "dry-run");
  const batchSize = text(parsed, "batch-size");
  const batchRows = batchSize === undefined ? null : Number(batchSize);
  if (batchRows !== null && !(Number.isInteger(batchRows) && batchRows > 0))
    throw new UsageError("--batch-size must be a whole number of records, e.g. 1000");
  const connection = connectionOf({ url: text(parsed, "url"), key: text(parsed, "key") }, io);
  const client = clientOf(connection, io, quiet);
  const progress = createProgress(io.stderr, { quiet });
  const push: Push = {
    io,
    parsed,
    client,
    integrationId,
    context,
    progress,
    say: (line) => {
      progress.end();
      (json ? io.stderr : io.stdout).write(`${line}\n`);
    },
  };
  // The file is named before anything is asked of the Worker (a usage error first).
  filePath(parsed.positionals[0] as string, io);

  // 1. The key, the limits it validates with, and the schema the Worker validates with.
  const me = await client.me();
  const schema = await liveSchema(client, context);

  // 2. The file, checked locally: nothing is sent unless it passes.
  const request = checkRequestOf(parsed, io, context);
  const outcome = await checkFile({ ...request, limits: me.limits, onProgress: (p) => progress.update(p) });
  progress.end();
  if (!quiet) printMapping(outcome, io);
  await writeCheckFiles(outcome, parsed, io, context);
  if (outcome.status !== "checked" || !outcome.report.valid) {
    printOutcome(outcome, io, json);
    io.stderr.write("The file is not valid: nothing was sent.\n");
    return { code: EXIT.INVALID };
  }
  const { report, dataset } = outcome;
  if (report.warningCount > 0) {
    for (const warning of report.warnings.slice(0, 20)) push.say(`warning: ${issueLine(warning)}`);
    if (report.warningCount > 20) push.say(`… and ${count(report.warningCount - 20)} more warnings`);
    if (!flag(parsed, "allow-warnings")) {
      io.stderr.write(
        `${plural(report.warningCount, "warning")}: nothing was sent. Pass --allow-warnings to push the file anyway.\n`,
      );
      return { code: EXIT.INVALID };
    }
  }
  push.say(`${request.path}: ${plural(report.recordCount, "record")}, valid.`);

  // 3. The push state: an interrupted push of this very file goes on with its sync.
  const target: PushTarget = { url: connection.url, integrationId, context, file: request.path };
  const source: PushSource = {
    fileSha256: await fileSha256(request.path),
    mappingSha256: mappingSha256(outcome.mapping),
    schemaId: schema.$id,
    batchRows,
  };
  const store = new PushStateStore(
    resolve(io.cwd, text(parsed, "state-dir") ?? io.env.INTAKE_STATE_DIR ?? ".intake"),
    target,
  );
  const saved = await resumable(push, store, source);
  if (saved?.commit) {
    const result = await recommit(push, store, saved);
    if (result) return { code: EXIT.OK, result };
  }
  const resume = saved?.commit ? undefined : saved;
  if (resume)
    progress.note(
      `Resuming sync ${resume.syncId}: ${plural(Object.keys(resume.batches).length, "batch", "batches")} already in.`,
    );

  // 4. The upload: the extension's driver, through the shared client, resumable.
  const session = new PushSession({
    store,
    target,
    source,
    totalRecords: dataset.includedCount,
    ...(resume ? { resume } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.afterBatch ? { afterBatch: io.afterBatch } : {}),
  });
  let review: ReplacementReview | undefined;
  let stopped: "dry-run" | "refused" | undefined;
  try {
    const uploaded = await uploadSync({
      client: resumableClient(client, session),
      integrationId,
      context,
      records: dataset.records(),
      totalRecords: dataset.includedCount,
      schemaId: dataset.schema.$id,
      sourceName: basename(request.path),
      ...(batchRows ? { limits: { maxRows: batchRows, maxBytes: Number.POSITIVE_INFINITY } } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => {
        if (p.phase === "uploading")
          progress.update({
            phase: "uploading",
            done: p.sentRecords,
            total: p.totalRecords,
            unit: "records",
            rate: p.rowsPerSecond,
            ...(p.etaSeconds === undefined ? {} : { etaSeconds: p.etaSeconds }),
          });
      },
      beforeCommit: (answer) => {
        review = answer;
        progress.end();
        if (answer.status === "known") for (const line of diffLines(answer.diff)) push.say(line);
        else push.say(answer.message);
        const concerns = answer.status === "known" ? answer.concerns : [];
        for (const concern of concerns) push.say(`! ${concern}`);
        if (dryRun) {
          stopped = "dry-run";
          return false;
        }
        if (answer.mustConfirm && !yes) {
          stopped = "refused";
          return false;
        }
        return true;
      },
    });
    const diff = review?.status === "known" ? review.diff : undefined;
    const concerns = review?.status === "known" ? review.concerns : review ? [review.message] : [];
    if (uploaded.status === "committed") {
      store.clear();
      sayCommitted(push, uploaded);
      return { code: EXIT.OK, result: committedResult(uploaded, session.resumed, diff) };
    }
    if (stopped) {
      store.clear();
      const needsYes = review?.mustConfirm === true && !yes;
      if (stopped === "refused")
        push.say(
          "Nothing was committed: this replacement needs an explicit yes. Run again with --yes to commit it.",
        );
      else
        push.say(
          `Dry run: every batch was accepted; nothing was committed (the sync was aborted).${needsYes ? " Committing would need --yes." : ""}`,
        );
      return {
        code: needsYes ? EXIT.NEEDS_YES : EXIT.OK,
        result: { status: stopped, resumed: session.resumed, ...(diff ? { diff } : {}), concerns },
      };
    }
    // Cancelled by Ctrl+C: the sync stays open for the next run.
    io.stderr.write(resumeHint(session, store));
    return {
      code: EXIT.INTERRUPTED,
      result: {
        status: "interrupted",
        ...(session.state ? { syncId: session.state.syncId } : {}),
        resumed: session.resumed,
      },
    };
  } catch (error) {
    progress.end();
    // A sync left open (Ctrl+C, or a failure that may pass) is resumed by the next run.
    if (session.state && !session.aborted) io.stderr.write(resumeHint(session, store));
    else store.clear();
    throw error;
  }
}

function resumeHint(session: PushSession, store: PushStateStore): string {
  const state = session.state;
  if (!state) return "Interrupted before a sync was opened: nothing was sent.\n";
  return `Sync ${state.syncId} is kept open (${plural(session.batchesAcknowledged, "batch", "batches")} in; state in ${store.path}). Run the same command again to resume it.\n`;
}

export const pushCommand: Command = {
  name: "push",
  summary: "validate a file locally, then upload it as the new version of a dataset",
  usage: "intake push FILE --integration ID --context C [--yes] [--dry-run] [--allow-warnings] [options]",
  description: [
    "Checks the file as `intake validate` does (nothing is sent when it is invalid, or has warnings",
    "without --allow-warnings), uploads it as a sync in gzip'd batches (retries with backoff, Retry-After",
    "honoured), shows what it changes against the current version, and commits. A replacement that",
    "empties the dataset, removes more than 20 % of it or empties a field in more than 20 % of it",
    "needs --yes (exit 5 without). Interrupted (Ctrl+C, crash, network) and run again, the push",
    "resumes its sync from .intake/ instead of starting over.",
  ].join("\n"),
  positionals: { min: 1, max: 1 },
  options: {
    integration: {
      type: "string",
      short: "i",
      valueName: "ID",
      description: "the integration (its id, int_…)",
    },
    ...FILE_OPTIONS,
    yes: { type: "boolean", short: "y", description: "confirm a replacement that needs it" },
    "dry-run": { type: "boolean", description: "upload and show the diff, then abort: nothing is committed" },
    "allow-warnings": { type: "boolean", description: "push a file that has warnings (errors never)" },
    "batch-size": {
      type: "string",
      valueName: "N",
      description: "records per batch, below the Worker's limit",
    },
    "state-dir": {
      type: "string",
      valueName: "DIR",
      description: "where an interrupted push is remembered (default: $INTAKE_STATE_DIR or .intake)",
    },
    json: { type: "boolean", description: "print the outcome as JSON on stdout" },
    ...CONNECTION_OPTIONS,
    ...QUIET_OPTION,
  },
  examples: [
    "intake push employees.csv -i int_123 -c list_employees   # with INTAKE_URL and INTAKE_KEY set",
    "intake push users.csv -i int_123 -c saas_users --dry-run",
    "intake push users.csv -i int_123 -c saas_users --yes --json > outcome.json",
  ],
  async run(parsed, io) {
    const { code, result } = await runPush(parsed, io);
    if (result && flag(parsed, "json")) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return code;
  },
};
