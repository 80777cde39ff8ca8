// The upload flow shared by the popup and the side panel: connect -> choose -> source -> map ->
// validate & fix -> submit. Steps are components; this one holds the state between them.
import "./flow.css";

import { Inbox, Info, KeyRound, PanelRight, Server } from "lucide-preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type ContextSchema, registerSchema } from "../../schemas/index.ts";
import type { ContextInfo, Integration, Me } from "../api-client.ts";
import { historyFromSaved } from "../mapping/history.ts";
import type { HistoryEntry } from "../mapping/suggest.ts";
import {
  type ColumnSuggestion,
  headerFingerprint,
  isUsableMapping,
  type Mapping,
  mappingFromSuggestions,
} from "../mapping.ts";
import type { PipelineClient } from "../pipeline/client.ts";
import type { Progress } from "../pipeline/protocol.ts";
import { NO_HEADER_ROW } from "../pipeline/protocol.ts";
import { type LiveSchema, loadSchema, schemaNote } from "../schema-source.ts";
import {
  type Connection,
  connectionItem,
  lastChoiceItem,
  loadMapping,
  mappingKey,
  mappingsItem,
  pendingSyncItem,
  saveMapping,
} from "../storage.ts";
import { Banner } from "../ui/Banner.tsx";
import { ConnectStep, connectionProblem } from "../ui/ConnectStep.tsx";
import { hostOf } from "../ui/format.ts";
import { LiveRegion } from "../ui/LiveRegion.tsx";
import { ProgressBar } from "../ui/ProgressBar.tsx";
import { Stepper } from "../ui/Stepper.tsx";
import { ChooseStep } from "./ChooseStep.tsx";
import { createClient, type FlowDeps } from "./deps.ts";
import { MappingStep } from "./MappingStep.tsx";
import { ReviewStep } from "./review/ReviewStep.tsx";
import { type ReadyInspection, SourceStep } from "./SourceStep.tsx";
import { SubmitStep } from "./SubmitStep.tsx";

type Step = "loading" | "connect" | "choose" | "source" | "map" | "validating" | "fix" | "submit";

/** The stepper's steps, and where each state of the flow sits on it. */
const STEPS = ["Connect", "Choose", "Source", "Map", "Review", "Submit"] as const;
const STEP_INDEX: Record<Step, number> = {
  loading: 0,
  connect: 0,
  choose: 1,
  source: 2,
  map: 3,
  validating: 3,
  fix: 4,
  submit: 5,
};

interface FlowError {
  title: string;
  /** What to do about it. */
  todo: string;
  details?: string;
}

interface Source {
  file: File;
  inspection: ReadyInspection;
  /** suggestMapping's answer per column (header and value evidence, the tenant's history). */
  suggestions: ColumnSuggestion[];
  /** The file was read without a header row (its first row looked like data). */
  noHeader: boolean;
  /** Whether the first row looks like data, so the "no header row" choice is offered. */
  looksHeaderless: boolean;
  mapping: Mapping;
  savedKey: string;
  reused: boolean;
}

export function UploadFlow({ deps }: { deps: FlowDeps }) {
  const [step, setStep] = useState<Step>("loading");
  const [connection, setConnection] = useState<Connection | null>(null);
  const [me, setMe] = useState<Me>();
  const [choice, setChoice] = useState<{ integration: Integration; context: ContextInfo }>();
  const [lastChoice, setLastChoice] = useState<{ integrationId: string; context: string } | null>(null);
  const [source, setSource] = useState<Source>();
  // Whether the pipeline holds a validated dataset for the current source.
  const [validated, setValidated] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<FlowError>();
  /** Why the flow came back to Connect on its own. */
  const [connectProblem, setConnectProblem] = useState<string>();
  const body = useRef<HTMLDivElement>(null);
  // Focus goes to the step's heading whenever the step changes (steps that load first render
  // their heading a little later: it is looked for again on the next frames).
  useEffect(() => {
    if (step !== "map") setError(undefined);
    if (step === "loading") return;
    let frames = 0;
    let handle = 0;
    const focusTitle = () => {
      const title = body.current?.querySelector<HTMLElement>(".step-title");
      if (title) title.focus();
      else if (frames++ < 120) handle = requestAnimationFrame(focusTitle);
    };
    handle = requestAnimationFrame(focusTitle);
    return () => cancelAnimationFrame(handle);
  }, [step]);
  // One pipeline worker per file being worked on: leaving the file terminates it, and its memory goes.
  const [pipeline, setPipeline] = useState<PipelineClient>();
  const pipelineRef = useRef<PipelineClient>();
  const freshPipeline = () => {
    pipelineRef.current?.dispose();
    const next = deps.createPipeline();
    pipelineRef.current = next;
    setPipeline(next);
    setValidated(false);
    setSource(undefined);
    return next;
  };
  const client = useMemo(
    () => (connection ? createClient(deps, connection.workerUrl, connection.apiKey) : undefined),
    [deps, connection],
  );
  // The chosen context's schema as the Worker serves it now (else the saved or bundled copy): the
  // mapping, validation and upload all use exactly this one.
  const [live, setLive] = useState<LiveSchema>();
  const schema: ContextSchema | undefined =
    choice && live?.context === choice.context.name ? live.schema : undefined;
  const note = schema && live ? schemaNote(live) : undefined;

  useEffect(() => {
    void (async () => {
      const [saved, last, pending] = await Promise.all([
        connectionItem.getValue(),
        lastChoiceItem.getValue(),
        pendingSyncItem.getValue(),
      ]);
      setLastChoice(last);
      setConnection(saved);
      // A saved connection that stopped working (a revoked key…) brings the flow back to Connect,
      // saying why.
      let refused = false;
      if (saved) {
        createClient(deps, saved.workerUrl, saved.apiKey)
          .me()
          .then(setMe)
          .catch((e: unknown) => {
            refused = true;
            setConnectProblem(connectionProblem(e, saved.workerUrl));
            setStep("connect");
          });
      }
      // A sync left open by a closed popup is aborted (it would only expire otherwise).
      if (saved && pending && pending.workerUrl === saved.workerUrl.replace(/\/+$/, "")) {
        await createClient(deps, saved.workerUrl, saved.apiKey)
          .abortSync(pending.integrationId, pending.context, pending.syncId)
          .catch(() => {});
        await pendingSyncItem.setValue(null);
      }
      if (!refused) setStep(saved ? "choose" : "connect");
    })();
    return () => pipelineRef.current?.dispose();
  }, []);

  async function validate(current: Source, mapping: Mapping) {
    if (!choice || !pipeline) return;
    setStep("validating");
    setError(undefined);
    await saveMapping(current.savedKey, mapping);
    setSource({ ...current, mapping });
    // Validated with the limits the Worker announced (given when the file was read), so what
    // passes here passes there.
    setValidated(false);
    try {
      await pipeline.validate(choice.context.name, mapping, setProgress);
      setValidated(true);
      setStep("fix");
    } catch (e) {
      setError({
        title: "The file could not be validated",
        todo: "Check the mapping and try again; if it happens again, read the file as another encoding or separator.",
        details: (e as Error).message,
      });
      setStep("map");
    } finally {
      setProgress(undefined);
    }
  }

  /** The tenant's past mapping choices for the chosen data (they seed the suggestions). */
  async function pastChoices(): Promise<HistoryEntry[]> {
    if (!choice) return [];
    return historyFromSaved(
      (await mappingsItem.getValue()) ?? {},
      choice.context.name,
      choice.integration.id,
    );
  }

  async function sourceReady(file: File, first: ReadyInspection, chosen?: { noHeader: boolean }) {
    if (!choice || !schema || !pipeline) return;
    let inspection = first;
    // A first row that looks like data (emails, dates, ids) is not taken for a header: the file is
    // read again without one, so its first record is never silently consumed. The admin can undo it.
    // (The pipeline judges it on the rows it holds, as it suggests the mapping below.)
    const looksHeaderless = inspection.looksHeaderless;
    const wantNoHeader = chosen?.noHeader ?? looksHeaderless;
    if (inspection.kind === "csv" && wantNoHeader !== (inspection.headerRow === NO_HEADER_ROW)) {
      const again = await pipeline.inspect(file, {
        fileName: file.name,
        limits: me?.limits,
        encoding: inspection.encoding,
        delimiter: inspection.delimiter,
        headerRow: wantNoHeader ? NO_HEADER_ROW : 0,
        prepare: { context: choice.context.name, history: await pastChoices() },
      });
      if (again.status !== "ready") return;
      inspection = again;
    }
    const noHeader = inspection.headerRow === NO_HEADER_ROW;
    const suggestions = await pipeline.suggest(choice.context.name, await pastChoices());
    const savedKey = mappingKey(
      choice.integration.id,
      choice.context.name,
      headerFingerprint(inspection.headers),
    );
    // A saved mapping is reused only for a real header layout (Column 1…N says nothing of a layout).
    const saved = noHeader ? undefined : await loadMapping(savedKey);
    const usable = saved && isUsableMapping(saved, inspection.columns.length, schema) ? saved : undefined;
    const next: Source = {
      file,
      inspection,
      suggestions,
      noHeader,
      looksHeaderless,
      mapping: usable ?? mappingFromSuggestions(inspection.headers, suggestions),
      savedKey,
      reused: usable !== undefined,
    };
    setSource(next);
    if (usable && !chosen) await validate(next, usable);
    else setStep("map");
  }

  const stepIndex = STEP_INDEX[step];
  const host = connection ? hostOf(connection.workerUrl) : "";

  return (
    <div class="flow">
      <LiveRegion />
      <header class="flow-header">
        <h1 class="mark">
          <Inbox aria-hidden="true" />
          Intake
        </h1>
        {me && connection && step !== "connect" && (
          <div class="flow-connection">
            <span class="chip" title={`${connection.workerUrl} · ${me.tenant.name}`}>
              <Server aria-hidden="true" />
              <span>{host}</span>
            </span>
            <span class="chip" title={`${me.key.scope} key`}>
              <KeyRound aria-hidden="true" />
              <span>{me.key.name}</span>
            </span>
          </div>
        )}
        <div class="flow-header-actions">
          {me && connection && step !== "connect" && (
            <button type="button" class="btn btn--ghost btn--small" onClick={() => setStep("connect")}>
              Change connection
            </button>
          )}
          {deps.openSidePanel && (
            <button
              type="button"
              class="btn btn--secondary btn--small"
              onClick={() =>
                deps.openSidePanel?.().catch((e: Error) =>
                  setError({
                    title: "The side panel could not be opened",
                    todo: "Open it from the Intake icon's menu (Open side panel), or go on here.",
                    details: e.message,
                  }),
                )
              }
            >
              <PanelRight aria-hidden="true" />
              Open in side panel
            </button>
          )}
        </div>
      </header>
      {step !== "loading" && (
        <div class="flow-progress">
          <Stepper steps={STEPS} current={stepIndex} />
          {choice && stepIndex > 1 && (
            <p class="flow-for">
              <span>
                For <strong>{choice.integration.displayName || choice.integration.name}</strong> ·{" "}
                <strong>{choice.context.title}</strong>
              </span>
              <button type="button" class="btn btn--ghost btn--small" onClick={() => setStep("choose")}>
                Change
              </button>
            </p>
          )}
          {choice && stepIndex > 1 && note?.tone === "muted" && <p class="muted schema-id">{note.text}</p>}
        </div>
      )}
      <div class="flow-body" ref={body}>
        {error && (
          <Banner
            tone="danger"
            title={error.title}
            details={error.details}
            onDismiss={() => setError(undefined)}
          >
            {error.todo}
          </Banner>
        )}
        {note?.tone === "warning" && (step === "source" || step === "map") && (
          <Banner tone="warning" title={note.title} details={note.details}>
            {note.text}
          </Banner>
        )}
        {/* A line, not a banner: the review below needs the height. */}
        {source?.reused && (step === "fix" || step === "validating") && (
          <p class="flow-note" role="status">
            <Info aria-hidden="true" />
            <span>Saved mapping for these columns applied</span>
            <button type="button" class="btn btn--ghost btn--small" onClick={() => setStep("map")}>
              Review mapping
            </button>
          </p>
        )}
        {step === "loading" && (
          <p class="working" role="status">
            <span class="spinner" aria-hidden="true" />
            Loading…
          </p>
        )}
        {step === "connect" && (
          <ConnectStep
            deps={deps}
            initial={connection}
            problem={connectProblem}
            onConnected={async (next, who) => {
              setConnectProblem(undefined);
              await connectionItem.setValue(next);
              setConnection(next);
              setMe(who);
              setStep("choose");
            }}
          />
        )}
        {step === "choose" && client && (
          <ChooseStep
            client={client}
            initial={lastChoice}
            onDownload={deps.download}
            onChosen={async (integration, context) => {
              const next = { integrationId: integration.id, context: context.name };
              await lastChoiceItem.setValue(next);
              setLastChoice(next);
              let loaded: LiveSchema;
              try {
                // One retry: offline, the saved or bundled copy is used without a long wait.
                const quick = createClient(deps, client.baseUrl, connection?.apiKey ?? "", { attempts: 2 });
                loaded = await loadSchema(quick, context.name);
              } catch (e) {
                setError({
                  title: `The schema of ${context.title} could not be loaded`,
                  todo: "Check the connection to the Intake server and try again.",
                  details: (e as Error).message,
                });
                return;
              }
              registerSchema(context.name, loaded.schema);
              setLive(loaded);
              setChoice({ integration, context });
              // The pipeline worker validates with the same schema: handed over before the file.
              // (Refused only by a pipeline closed meanwhile, which has nothing left to validate.)
              freshPipeline()
                .registerSchema(context.name, loaded.schema)
                .catch(() => {});
              setStep("source");
            }}
          />
        )}
        {step === "source" && pipeline && (
          <SourceStep
            pipeline={pipeline}
            limits={me?.limits}
            prepare={
              choice
                ? async () => ({ context: choice.context.name, history: await pastChoices() })
                : undefined
            }
            onReady={sourceReady}
          />
        )}
        {step === "map" && source && schema && (
          <MappingStep
            schema={schema}
            inspection={source.inspection}
            suggestions={source.suggestions}
            initial={source.mapping}
            reused={source.reused}
            headerRow={{
              noHeader: source.noHeader,
              looksHeaderless: source.looksHeaderless,
              onChange: (noHeader) => void sourceReady(source.file, source.inspection, { noHeader }),
            }}
            onBack={() => setStep("source")}
            onValidate={(mapping) => validate(source, mapping)}
          />
        )}
        {step === "validating" && (
          <section class="step" aria-labelledby="validating-title">
            <h2 class="step-title" id="validating-title" tabIndex={-1}>
              Checking {source?.file.name ?? "your file"}
            </h2>
            <div class="step-body">
              <ProgressBar
                label="Validating"
                value={progress?.done ?? 0}
                max={progress?.total ?? 1}
                unit={progress ? "rows" : undefined}
              />
            </div>
          </section>
        )}
        {step === "fix" && validated && pipeline && source && (
          <ReviewStep
            pipeline={pipeline}
            fileName={source.file.name}
            onDownload={deps.download}
            onBack={() => setStep("map")}
            onSubmit={() => setStep("submit")}
          />
        )}
        {step === "submit" && validated && pipeline && choice && client && connection && (
          <SubmitStep
            client={client}
            pipeline={pipeline}
            connection={connection}
            integrationId={choice.integration.id}
            integrationName={choice.integration.displayName || choice.integration.name}
            context={choice.context.name}
            onBack={() => setStep("fix")}
            onRestart={() => {
              const next = freshPipeline();
              if (live) next.registerSchema(live.context, live.schema).catch(() => {});
              setStep("source");
            }}
          />
        )}
      </div>
    </div>
  );
}
