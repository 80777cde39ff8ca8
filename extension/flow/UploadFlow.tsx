// The upload flow shared by the popup and the side panel: connect -> choose -> source -> map ->
// validate & fix -> submit. Steps are components; this one holds the state between them.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type ContextSchema, getSchema } from "../../schemas/index.ts";
import type { ContextInfo, Integration, Me } from "../api-client.ts";
import { historyFromSaved } from "../mapping/history.ts";
import {
  type ColumnSuggestion,
  headerFingerprint,
  isUsableMapping,
  type Mapping,
  mappingFromSuggestions,
} from "../mapping.ts";
import type { PipelineClient } from "../pipeline/client.ts";
import type { Progress } from "../pipeline/pipeline.ts";
import { NO_HEADER_ROW } from "../pipeline/source.ts";
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
import { ProgressBar } from "../ui/ProgressBar.tsx";
import { ChooseStep } from "./ChooseStep.tsx";
import { ConnectStep } from "./ConnectStep.tsx";
import { createClient, type FlowDeps } from "./deps.ts";
import { FixStep } from "./FixStep.tsx";
import { MappingStep } from "./MappingStep.tsx";
import { type ReadyInspection, SourceStep } from "./SourceStep.tsx";
import { SubmitStep } from "./SubmitStep.tsx";

type Step = "loading" | "connect" | "choose" | "source" | "map" | "validating" | "fix" | "submit";

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
  const [error, setError] = useState<string>();
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
  };
  const client = useMemo(
    () => (connection ? createClient(deps, connection.workerUrl, connection.apiKey) : undefined),
    [deps, connection],
  );
  const schema: ContextSchema | undefined = choice ? getSchema(choice.context.name) : undefined;

  useEffect(() => {
    void (async () => {
      const [saved, last, pending] = await Promise.all([
        connectionItem.getValue(),
        lastChoiceItem.getValue(),
        pendingSyncItem.getValue(),
      ]);
      setLastChoice(last);
      setConnection(saved);
      if (saved) {
        createClient(deps, saved.workerUrl, saved.apiKey)
          .me()
          .then(setMe)
          .catch(() => setStep("connect"));
      }
      // A sync left open by a closed popup is aborted (it would only expire otherwise).
      if (saved && pending && pending.workerUrl === saved.workerUrl.replace(/\/+$/, "")) {
        await createClient(deps, saved.workerUrl, saved.apiKey)
          .abortSync(pending.integrationId, pending.context, pending.syncId)
          .catch(() => {});
        await pendingSyncItem.setValue(null);
      }
      setStep(saved ? "choose" : "connect");
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
      setError((e as Error).message);
      setStep("map");
    } finally {
      setProgress(undefined);
    }
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
      });
      if (again.status !== "ready") return;
      inspection = again;
    }
    const noHeader = inspection.headerRow === NO_HEADER_ROW;
    const history = historyFromSaved(
      (await mappingsItem.getValue()) ?? {},
      choice.context.name,
      choice.integration.id,
    );
    const suggestions = await pipeline.suggest(choice.context.name, history);
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

  return (
    <div class="flow">
      <header class="row">
        <h1>Intake</h1>
        {me && connection && (
          <span class="who">
            {me.tenant.name} · key “{me.key.name}”
            <button type="button" onClick={() => setStep("connect")}>
              Change connection
            </button>
          </span>
        )}
        {deps.openSidePanel && (
          <button
            type="button"
            onClick={() => deps.openSidePanel?.().catch((e: Error) => setError(e.message))}
          >
            Open in side panel
          </button>
        )}
      </header>
      {error && <p role="alert">{error}</p>}
      {step === "loading" && <p role="status">Loading…</p>}
      {step === "connect" && (
        <ConnectStep
          deps={deps}
          initial={connection}
          onConnected={async (next, who) => {
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
            setChoice({ integration, context });
            freshPipeline();
            setStep("source");
          }}
        />
      )}
      {choice && step !== "connect" && step !== "choose" && (
        <p class="crumb">
          {choice.integration.displayName || choice.integration.name} · {choice.context.title}{" "}
          <button type="button" onClick={() => setStep("choose")}>
            Change
          </button>
        </p>
      )}
      {step === "source" && pipeline && (
        <SourceStep pipeline={pipeline} limits={me?.limits} onReady={sourceReady} />
      )}
      {step === "map" && source && schema && (
        <MappingStep
          schema={schema}
          inspection={source.inspection}
          suggestions={source.suggestions}
          initial={source.mapping}
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
        <ProgressBar label="Validating" value={progress?.done ?? 0} max={progress?.total ?? 1} />
      )}
      {step === "fix" && validated && pipeline && source && (
        <>
          {source.reused && (
            <p class="hint" role="status">
              Columns were mapped with the mapping you saved for this file layout.
            </p>
          )}
          <FixStep
            pipeline={pipeline}
            context={choice?.context.name ?? ""}
            fileName={source.file.name}
            onDownload={deps.download}
            onBack={() => setStep("map")}
            onSubmit={() => setStep("submit")}
          />
        </>
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
            freshPipeline();
            setStep("source");
          }}
        />
      )}
    </div>
  );
}
