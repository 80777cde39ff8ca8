// Create an integration (or edit one later): display details -> contexts -> review -> finish.
// The Worker has the last word; its per-field complaints are shown at the step they belong to.
import { useEffect, useState } from "preact/hooks";
import type {
  ApiClient,
  Capability,
  ContextInfo,
  IntegrationDetail,
  IntegrationInput,
} from "../api-client.ts";
import { ContextPicker } from "./ContextPicker.tsx";
import { LogoField } from "./LogoField.tsx";
import { Avatar, errorView } from "./ui.tsx";

export type WizardStep = "details" | "contexts" | "review";

const STEPS: { id: WizardStep; label: string }[] = [
  { id: "details", label: "Display details" },
  { id: "contexts", label: "Contexts" },
  { id: "review", label: "Review" },
];

const DETAIL_FIELDS = ["name", "displayName", "description", "logo"];

interface Props {
  client: ApiClient;
  /** Editing this integration; creating a new one when absent. */
  initial?: IntegrationDetail;
  startAt?: WizardStep;
  onDone: (integration: IntegrationDetail) => void;
  onCancel: () => void;
}

export function IntegrationWizard({ client, initial, startAt = "details", onDone, onCancel }: Props) {
  const [step, setStep] = useState<WizardStep>(startAt);
  const [name, setName] = useState(initial?.name ?? "");
  const [displayName, setDisplayName] = useState(initial?.displayName ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [logo, setLogo] = useState<string | null>(initial ? (initial.logo ?? null) : "#1f5fbf");
  const [selected, setSelected] = useState<string[]>(initial?.contexts ?? []);
  const [catalog, setCatalog] = useState<{ data: ContextInfo[]; categories: string[] }>();
  const [capabilities, setCapabilities] = useState<Capability[]>([]);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([client.catalog(), client.listCapabilities()])
      .then(([c, caps]) => {
        setCatalog(c);
        setCapabilities(caps);
      })
      .catch((e: Error) => setError(`Could not load the catalog: ${e.message}`));
  }, [client]);

  const title = initial ? `Edit ${initial.displayName || initial.name}` : "New integration";
  const chosen = (catalog?.data ?? []).filter((c) => selected.includes(c.name));

  function next(to: WizardStep) {
    const problems: Record<string, string> = {};
    if (step === "details" && !name.trim())
      problems.name = "Name is required: the SaaS service the data belongs to";
    if (step === "contexts" && selected.length === 0) problems.contexts = "Choose at least one context";
    setFields(problems);
    if (Object.keys(problems).length === 0) setStep(to);
  }

  async function finish() {
    const input: IntegrationInput = {
      name: name.trim(),
      displayName: displayName.trim() || null,
      description: description.trim() || null,
      logo,
      contexts: selected,
    };
    setBusy(true);
    setError(undefined);
    try {
      const saved = initial
        ? await client.updateIntegration(initial.id, input)
        : await client.createIntegration(input);
      onDone(saved);
    } catch (e) {
      const view = errorView(e);
      setError(view.message);
      setFields(view.fields);
      if (DETAIL_FIELDS.some((f) => view.fields[f])) setStep("details");
      else if (view.fields.contexts) setStep("contexts");
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: string) =>
    fields[field] ? (
      <span id={`err-${field}`} class="field-error" role="alert">
        {fields[field]}
      </span>
    ) : null;

  return (
    <section class="step wizard" aria-labelledby="wizard-title">
      <h2 id="wizard-title">{title}</h2>
      <ol class="steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s.id} aria-current={s.id === step ? "step" : undefined}>
            {i + 1}. {s.label}
          </li>
        ))}
      </ol>
      {error && <p role="alert">{error}</p>}

      {step === "details" && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            next("contexts");
          }}
        >
          <label>
            Name (required)
            <input
              value={name}
              required
              maxLength={100}
              aria-invalid={fields.name ? true : undefined}
              aria-describedby={fields.name ? "err-name" : undefined}
              placeholder="The SaaS service, e.g. Salesforce"
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          {fieldError("name")}
          <label>
            Display name
            <input
              value={displayName}
              maxLength={100}
              placeholder="An alias shown in lists"
              onInput={(e) => setDisplayName(e.currentTarget.value)}
            />
          </label>
          {fieldError("displayName")}
          <label>
            Description
            <textarea
              value={description}
              maxLength={2000}
              rows={3}
              onInput={(e) => setDescription(e.currentTarget.value)}
            />
          </label>
          {fieldError("description")}
          <LogoField value={logo} onChange={setLogo} serverError={fields.logo} />
          <div class="row">
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Next: contexts
            </button>
          </div>
        </form>
      )}

      {step === "contexts" && (
        <>
          {!catalog && !error && <p role="status">Loading the catalog…</p>}
          {catalog && (
            <ContextPicker
              contexts={catalog.data}
              categories={catalog.categories}
              capabilities={capabilities}
              selected={selected}
              onChange={setSelected}
              search={async (q) => (await client.listContexts({ q })).map((c) => c.name)}
            />
          )}
          {fieldError("contexts")}
          <div class="row">
            <button type="button" onClick={() => setStep("details")}>
              Back
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" class="primary" onClick={() => next("review")}>
              Next: review
            </button>
          </div>
        </>
      )}

      {step === "review" && (
        <>
          <div class="row review-head">
            <Avatar
              integration={{
                id: "",
                name: name || "?",
                displayName,
                description: null,
                logo,
                contexts: selected,
                createdAt: "",
                updatedAt: "",
              }}
              size={40}
            />
            <div>
              <strong>{displayName || name}</strong> {displayName && <span class="hint">({name})</span>}
              {description && <p class="hint">{description}</p>}
            </div>
          </div>
          <h3>Schemas ({chosen.length})</h3>
          <ul class="schemas">
            {chosen.map((c) => (
              <li key={c.name}>
                <strong>{c.title}</strong> <code>{c.name}</code> <span class="hint">v{c.version}</span> ·{" "}
                {c.category}
                <p class="hint">{c.description}</p>
                <p>
                  Record key: <code>{c.key.join(" + ")}</code> · required: {c.required.join(", ") || "none"}
                </p>
                <details>
                  <summary>All {c.fields.length} fields</summary>
                  <p>{c.fields.join(", ")}</p>
                </details>
                <a href={`${client.baseUrl}/v1/contexts/${c.name}/schema`} target="_blank" rel="noreferrer">
                  JSON Schema of {c.name}
                </a>
              </li>
            ))}
          </ul>
          <div class="row">
            <button type="button" onClick={() => setStep("contexts")}>
              Back
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" class="primary" disabled={busy} onClick={finish}>
              {initial ? "Save changes" : "Create integration"}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
