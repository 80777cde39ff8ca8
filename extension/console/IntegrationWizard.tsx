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
import { Banner } from "../ui/Banner.tsx";
import { Stepper } from "../ui/Stepper.tsx";
import { ContextPicker } from "./ContextPicker.tsx";
import { DEFAULT_COLOUR, LogoField } from "./LogoField.tsx";
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
  /** After the save, with the contexts an edit removed. */
  onDone: (integration: IntegrationDetail, removed: string[]) => void;
  onCancel: () => void;
}

export function IntegrationWizard({ client, initial, startAt = "details", onDone, onCancel }: Props) {
  const [step, setStep] = useState<WizardStep>(startAt);
  const [name, setName] = useState(initial?.name ?? "");
  const [displayName, setDisplayName] = useState(initial?.displayName ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [logo, setLogo] = useState<string | null>(initial ? (initial.logo ?? null) : DEFAULT_COLOUR);
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
  /** Contexts this edit takes away from the integration. */
  const removed = (initial?.contexts ?? []).filter((c) => !selected.includes(c));

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
      onDone(saved, removed);
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
  const removedNote = removed.length > 0 && (
    <Banner tone="warning" title={`Removing ${removed.join(", ")}`}>
      {`Its data is kept, not deleted: the committed versions of ${removed.join(", ")} are no longer served and new uploads to ${removed.length === 1 ? "it" : "them"} are refused until you add ${removed.length === 1 ? "it" : "them"} back, which brings the data back as it was. Deleting the integration is what deletes data.`}
    </Banner>
  );

  return (
    <section class="console-section wizard" aria-labelledby="wizard-title">
      <h2 id="wizard-title">{title}</h2>
      <div class="wizard-steps">
        <Stepper steps={STEPS.map((s) => s.label)} current={STEPS.findIndex((s) => s.id === step)} />
      </div>
      {error && <Banner tone="danger">{error}</Banner>}

      {step === "details" && (
        <form
          class="wizard-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            next("contexts");
          }}
        >
          <div class="field">
            <label for="wizard-name">Name (required)</label>
            <input
              id="wizard-name"
              class="input"
              value={name}
              required
              maxLength={100}
              aria-invalid={fields.name ? true : undefined}
              aria-describedby={fields.name ? "err-name" : "wizard-name-hint"}
              placeholder="The SaaS service, e.g. Salesforce"
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <span id="wizard-name-hint" class="field-hint">
              The service the data comes from.
            </span>
            {fieldError("name")}
          </div>
          <div class="field">
            <label for="wizard-display">Display name</label>
            <input
              id="wizard-display"
              class="input"
              value={displayName}
              maxLength={100}
              placeholder="An alias shown in lists"
              onInput={(e) => setDisplayName(e.currentTarget.value)}
            />
            {fieldError("displayName")}
          </div>
          <div class="field">
            <label for="wizard-description">Description</label>
            <textarea
              id="wizard-description"
              class="input"
              value={description}
              maxLength={2000}
              rows={3}
              onInput={(e) => setDescription(e.currentTarget.value)}
            />
            {fieldError("description")}
          </div>
          <LogoField value={logo} onChange={setLogo} serverError={fields.logo} />
          <footer class="step-footer">
            <button type="button" class="btn btn--secondary" onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" class="btn btn--primary">
              Next: contexts
            </button>
          </footer>
        </form>
      )}

      {step === "contexts" && (
        <>
          {!catalog && !error && (
            <p class="working" role="status">
              <span class="spinner" aria-hidden="true" />
              Loading the catalog…
            </p>
          )}
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
          {removedNote}
          <footer class="step-footer">
            <button type="button" class="btn btn--secondary" onClick={() => setStep("details")}>
              Back
            </button>
            <button type="button" class="btn btn--ghost" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" class="btn btn--primary" onClick={() => next("review")}>
              Next: review
            </button>
          </footer>
        </>
      )}

      {step === "review" && (
        <>
          <div class="identity review-head">
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
              <strong>{displayName || name}</strong> {displayName && <span class="muted">({name})</span>}
              {description && <p class="muted">{description}</p>}
            </div>
          </div>
          {removedNote}
          <h3>Schemas ({chosen.length})</h3>
          <ul class="schemas">
            {chosen.map((c) => (
              <li key={c.name} class="card">
                <p>
                  <strong>{c.title}</strong> <code>{c.name}</code> <span class="muted">v{c.version}</span> ·{" "}
                  {c.category}
                </p>
                <p class="muted">{c.description}</p>
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
          <footer class="step-footer">
            <button type="button" class="btn btn--secondary" onClick={() => setStep("contexts")}>
              Back
            </button>
            <button type="button" class="btn btn--ghost" onClick={onCancel}>
              Cancel
            </button>
            <button
              type="button"
              class="btn btn--primary"
              disabled={busy}
              aria-busy={busy ? "true" : undefined}
              onClick={finish}
            >
              {initial ? "Save changes" : "Create integration"}
            </button>
          </footer>
        </>
      )}
    </section>
  );
}
