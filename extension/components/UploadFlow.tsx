// The upload flow shared by the popup and the side panel: connect -> choose -> source -> map ->
// validate & fix -> submit. Steps are components; this one holds the state between them.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ContextSchema } from "../../schemas/index.ts";
import type { ContextInfo, Integration, Me } from "../api-client.ts";
import { DatasetEditor } from "../dataset-editor.ts";
import { createClient, type FlowDeps } from "../flow-deps.ts";
import {
  autoMap,
  type ColumnGuess,
  headerFingerprint,
  isUsableMapping,
  type Mapping,
  mappingFromGuesses,
} from "../mapping.ts";
import type { Progress } from "../pipeline/pipeline.ts";
import { requireSchema } from "../row-validation.ts";
import {
  type Connection,
  connectionItem,
  lastChoiceItem,
  loadMapping,
  mappingKey,
  pendingSyncItem,
  saveMapping,
} from "../storage.ts";
import { ChooseStep } from "./ChooseStep.tsx";
import { ConnectStep } from "./ConnectStep.tsx";
import { FixStep } from "./FixStep.tsx";
import { MappingStep } from "./MappingStep.tsx";
import { ProgressBar } from "./ProgressBar.tsx";
import { type ReadyInspection, SourceStep } from "./SourceStep.tsx";
import { SubmitStep } from "./SubmitStep.tsx";

type Step = "loading" | "connect" | "choose" | "source" | "map" | "validating" | "fix" | "submit";

interface Source {
  file: File;
  inspection: ReadyInspection;
  guesses: ColumnGuess[];
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
  const [editor, setEditor] = useState<DatasetEditor>();
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<string>();
  const pipeline = useMemo(() => deps.createPipeline(), [deps]);
  const client = useMemo(
    () => (connection ? createClient(deps, connection.workerUrl, connection.apiKey) : undefined),
    [deps, connection],
  );
  const schema: ContextSchema | undefined = choice ? requireSchema(choice.context.name) : undefined;

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
    return () => pipeline.dispose();
  }, []);

  async function validate(current: Source, mapping: Mapping) {
    if (!choice) return;
    setStep("validating");
    setError(undefined);
    await saveMapping(current.savedKey, mapping);
    setSource({ ...current, mapping });
    // Validated with the limits the Worker announced, so what passes here passes there.
    const next = new DatasetEditor(choice.context.name, me?.limits);
    try {
      const done = await pipeline.validate(
        choice.context.name,
        mapping,
        (rows) => next.append(rows),
        setProgress,
      );
      next.finalWarnings = done.warnings;
      setEditor(next);
      setStep("fix");
    } catch (e) {
      setError((e as Error).message);
      setStep("map");
    } finally {
      setProgress(undefined);
    }
  }

  async function sourceReady(file: File, inspection: ReadyInspection) {
    if (!choice || !schema) return;
    const guesses = autoMap(inspection.headers, schema);
    const savedKey = mappingKey(
      choice.integration.id,
      choice.context.name,
      headerFingerprint(inspection.headers),
    );
    const saved = await loadMapping(savedKey);
    const usable = saved && isUsableMapping(saved, inspection.columns.length, schema) ? saved : undefined;
    const next: Source = {
      file,
      inspection,
      guesses,
      mapping: usable ?? mappingFromGuesses(guesses),
      savedKey,
      reused: usable !== undefined,
    };
    setSource(next);
    if (usable) await validate(next, usable);
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
      {step === "source" && <SourceStep pipeline={pipeline} limits={me?.limits} onReady={sourceReady} />}
      {step === "map" && source && schema && (
        <MappingStep
          schema={schema}
          inspection={source.inspection}
          guesses={source.guesses}
          initial={source.mapping}
          onBack={() => setStep("source")}
          onValidate={(mapping) => validate(source, mapping)}
        />
      )}
      {step === "validating" && (
        <ProgressBar label="Validating" value={progress?.done ?? 0} max={progress?.total ?? 1} />
      )}
      {step === "fix" && editor && source && (
        <>
          {source.reused && (
            <p class="hint" role="status">
              Columns were mapped with the mapping you saved for this file layout.
            </p>
          )}
          <FixStep
            editor={editor}
            fileName={source.file.name}
            onDownload={deps.download}
            onBack={() => setStep("map")}
            onSubmit={() => setStep("submit")}
          />
        </>
      )}
      {step === "submit" && editor && choice && client && (
        <SubmitStep
          client={client}
          integrationId={choice.integration.id}
          integrationName={choice.integration.displayName || choice.integration.name}
          context={choice.context.name}
          editor={editor}
          now={deps.now}
          onBack={() => setStep("fix")}
          onRestart={() => {
            setSource(undefined);
            setEditor(undefined);
            setStep("source");
          }}
        />
      )}
    </div>
  );
}
