// The generated JSON Schema reviewed before it is saved; a MODEL change explained and confirmed
// (?confirm=breaking).
import { TriangleAlert } from "lucide-preact";
import { useState } from "preact/hooks";
import {
  type ApiClient,
  ApiError,
  type ContextInfo,
  type CustomContextSaved,
  type ModelChangeProblem,
  type SchemaChange,
} from "../../api-client.ts";
import { Banner } from "../../ui/Banner.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { CopyButton, errorView, plural } from "../ui.tsx";
import { bodyOf, type ContextDraft, definitionOf } from "./draft.ts";

export function DefinitionReview({
  client,
  original,
  draft,
  copy,
  onBack,
  onSaved,
}: {
  client: ApiClient;
  original?: ContextInfo;
  draft: ContextDraft;
  copy: (text: string) => Promise<void>;
  onBack: () => void;
  onSaved: (saved: CustomContextSaved) => void;
}) {
  const definition = definitionOf(draft);
  const json = JSON.stringify(definition, null, 2);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields: string[] }>();
  const [breaking, setBreaking] = useState<SchemaChange>();

  async function save(confirmBreaking: boolean) {
    setBusy(true);
    setError(undefined);
    try {
      const result = original
        ? await client.updateContext(original.name, bodyOf(draft, original.name), {
            breaking: confirmBreaking,
          })
        : await client.createContext({ ...bodyOf(draft), name: draft.name.trim() });
      onSaved(result);
    } catch (e) {
      setBusy(false);
      const change = e instanceof ApiError ? (e.problem as Partial<ModelChangeProblem>).change : undefined;
      if (original && e instanceof ApiError && e.status === 409 && change?.kind === "model") {
        setBreaking(change);
        return;
      }
      const view = errorView(e);
      setError({
        message: view.message,
        fields:
          e instanceof ApiError ? (e.problem.errors ?? []).map((p) => `${p.pointer}: ${p.message}`) : [],
      });
    }
  }

  const keyText = draft.fields
    .filter((f) => f.key)
    .map((f) => f.name)
    .join(" + ");
  const required = definition.required ?? [];
  return (
    <section class="step context-editor" aria-labelledby="context-review-title">
      <h2 class="step-title" id="context-review-title" tabIndex={-1}>
        Review {draft.title.trim()}
      </h2>
      <div class="step-body">
        <p class="step-lede">
          This is the JSON Schema the Intake server will check {draft.title.trim()} records against. It gives
          it its own <span class="mono">$id</span> and version when you save.
        </p>
        <p>
          {plural(draft.fields.length, "field")}, {required.length.toLocaleString()} required · record key{" "}
          <span class="mono">{keyText}</span>
        </p>
        <div class="code-block">
          <CopyButton text={json} label="Copy" name="Copy the JSON Schema" copy={copy} />
          <pre>
            <code>{json}</code>
          </pre>
        </div>
        {error && (
          <Banner tone="danger" title="The context was not saved">
            <p>{error.message}</p>
            {error.fields.length > 0 && (
              <ul>
                {error.fields.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            )}
          </Banner>
        )}
      </div>
      <footer class="step-footer">
        <button type="button" class="btn btn--secondary" onClick={onBack}>
          Back to the fields
        </button>
        <button
          type="button"
          class="btn btn--primary"
          aria-busy={busy ? "true" : undefined}
          disabled={busy}
          onClick={() => void save(false)}
        >
          {original ? `Save ${draft.title.trim()}` : `Create ${draft.title.trim()}`}
        </button>
      </footer>
      {breaking && (
        <Dialog title="This change breaks the current shape" onClose={() => setBreaking(undefined)}>
          <p>
            <TriangleAlert aria-hidden="true" class="context-warning-icon" /> It changes the model of{" "}
            {draft.title.trim()} (version {breaking.from ?? original?.version} becomes {breaking.to}):
          </p>
          <ul>
            {breaking.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p>
            Files and API clients that send the old shape will be refused until they are updated, and uploads
            checked against the old version cannot be committed. Versions already committed stay readable.
          </p>
          <div class="dialog-actions">
            <button type="button" class="btn btn--secondary" onClick={() => setBreaking(undefined)}>
              Keep editing
            </button>
            <button
              type="button"
              class="btn btn--danger"
              aria-busy={busy ? "true" : undefined}
              disabled={busy}
              onClick={() => {
                setBreaking(undefined);
                void save(true);
              }}
            >
              Save the breaking change
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
