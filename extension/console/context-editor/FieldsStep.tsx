// Editing a context field by field: type, required, allowed values, format, aliases, record key;
// or starting from a sample file.
import { FileUp, Plus, Trash2 } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { FORMAT_HINTS } from "../../../schemas/formats.ts";
import { CUSTOM_FORMAT_NAMES } from "../../../schemas/index.ts";
import type { ContextInfo } from "../../api-client.ts";
import { PROFILE_ROWS } from "../../pipeline/protocol.ts";
import { Banner } from "../../ui/Banner.tsx";
import { errorView, plural } from "../ui.tsx";
import {
  type ContextDraft,
  draftProblems,
  emptyField,
  FIELD_TYPES,
  type FieldDraft,
  type FieldType,
} from "./draft.ts";
import { inferFields, nameOfTitle, titleOfFile } from "./infer.ts";

export function FieldsStep({
  original,
  initial,
  onCancel,
  onReview,
}: {
  original?: ContextInfo;
  initial: ContextDraft;
  onCancel: () => void;
  onReview: (draft: ContextDraft) => void;
}) {
  const [draft, setDraft] = useState<ContextDraft>(initial);
  const [problems, setProblems] = useState<string[]>([]);
  const [sample, setSample] = useState<{ state: "busy" | "done" | "error"; text: string }>();
  const set = (patch: Partial<ContextDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setField = (id: number, patch: Partial<FieldDraft>) =>
    setDraft((d) => ({ ...d, fields: d.fields.map((f) => (f.id === id ? { ...f, ...patch } : f)) }));
  const title = original ? `Edit ${original.title}` : "New context";
  // A field just added gets the focus (its name first), which scrolls it into view.
  const [added, setAdded] = useState<number>();
  const fieldsTable = useRef<HTMLTableElement>(null);
  useEffect(() => {
    if (added === undefined) return;
    fieldsTable.current?.querySelector<HTMLInputElement>(`tr[data-field="${added}"] input`)?.focus();
  }, [added]);
  const addField = () => {
    const field = emptyField();
    setDraft((d) => ({ ...d, fields: [...d.fields, field] }));
    setAdded(field.id);
  };

  async function fromSample(file: File | undefined) {
    if (!file) return;
    setSample({ state: "busy", text: `Reading ${file.name}…` });
    try {
      const fields = await inferFields(file, file.name);
      setDraft((d) => {
        const fileTitle = d.title || titleOfFile(file.name);
        return { ...d, title: fileTitle, name: d.name || nameOfTitle(fileTitle), fields };
      });
      setSample({
        state: "done",
        text: `${plural(fields.length, "field")} inferred from ${file.name}. Check each type and the record key before you go on.`,
      });
    } catch (e) {
      setSample({ state: "error", text: `${file.name} could not be read: ${errorView(e).message}` });
    }
  }

  return (
    <section class="step context-editor" aria-labelledby="context-fields-title">
      <h2 class="step-title" id="context-fields-title" tabIndex={-1}>
        {title}
      </h2>
      <div class="step-body">
        <div class="context-details">
          <div class="field">
            <label for="context-title">Title</label>
            <input
              id="context-title"
              class="input"
              value={draft.title}
              onInput={(e) => set({ title: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="context-name">Name</label>
            <input
              id="context-name"
              class="input input--mono"
              value={draft.name}
              disabled={original !== undefined}
              aria-describedby="context-name-hint"
              onInput={(e) => set({ name: e.currentTarget.value })}
            />
            <span class="field-hint" id="context-name-hint">
              {original
                ? "The name is part of its URLs and cannot change."
                : "Lower-case letters, digits and underscores; it becomes part of the URLs."}
            </span>
          </div>
          <div class="field">
            <label for="context-category">Category</label>
            <input
              id="context-category"
              class="input"
              value={draft.category}
              onInput={(e) => set({ category: e.currentTarget.value })}
            />
          </div>
          <div class="field context-description">
            <label for="context-description">Description</label>
            <input
              id="context-description"
              class="input"
              value={draft.description}
              onInput={(e) => set({ description: e.currentTarget.value })}
            />
          </div>
        </div>
        {!original && (
          <div class="field context-sample">
            <label for="context-sample">
              <FileUp aria-hidden="true" /> Start from a sample file
            </label>
            <input
              id="context-sample"
              type="file"
              accept=".csv,.tsv,.txt,.json,.ndjson,text/csv,application/json"
              aria-describedby="context-sample-hint"
              onChange={(e) => void fromSample(e.currentTarget.files?.[0])}
            />
            <span class="field-hint" id="context-sample-hint">
              A CSV with a header row: its columns become the fields, their types read from the first{" "}
              {PROFILE_ROWS.toLocaleString()} rows; a column with an empty cell is optional. Nothing is
              uploaded.
            </span>
          </div>
        )}
        <div role="status">
          {sample?.state === "done" && (
            <Banner tone="success" live="none">
              {sample.text}
            </Banner>
          )}
          {sample?.state === "busy" && <p class="muted">{sample.text}</p>}
        </div>
        {sample?.state === "error" && (
          <Banner tone="danger" title="The sample could not be used">
            {sample.text}
          </Banner>
        )}
        <div class="table-wrap">
          <table class="table context-fields" ref={fieldsTable}>
            <caption>Fields</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Required</th>
                <th scope="col">Key</th>
                <th scope="col">Format</th>
                <th scope="col">Allowed values</th>
                <th scope="col">Aliases</th>
                <th scope="col">
                  <span class="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {draft.fields.map((field, i) => {
                const label = field.name.trim() || `field ${i + 1}`;
                return (
                  <tr key={field.id} data-field={field.id}>
                    <td>
                      <input
                        class="input input--mono"
                        aria-label={`Name of field ${i + 1}`}
                        value={field.name}
                        onInput={(e) => setField(field.id, { name: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <select
                        class="select"
                        aria-label={`Type of ${label}`}
                        value={field.type}
                        onChange={(e) =>
                          setField(field.id, {
                            type: e.currentTarget.value as FieldType,
                            // Keywords of the old type (pattern, minimum…) do not carry over.
                            rest: {},
                            format: e.currentTarget.value === "string" ? field.format : "",
                          })
                        }
                      >
                        {FIELD_TYPES.map((t) => (
                          <option key={t.value} value={t.value}>
                            {t.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <label class="checkbox">
                        <input
                          type="checkbox"
                          checked={field.required || field.key}
                          disabled={field.key}
                          onChange={(e) => setField(field.id, { required: e.currentTarget.checked })}
                        />
                        <span class="sr-only">{label} is required</span>
                      </label>
                    </td>
                    <td>
                      <label class="checkbox">
                        <input
                          type="checkbox"
                          checked={field.key}
                          onChange={(e) => setField(field.id, { key: e.currentTarget.checked })}
                        />
                        <span class="sr-only">{label} is part of the record key</span>
                      </label>
                    </td>
                    <td>
                      <select
                        class="select"
                        aria-label={`Format of ${label}`}
                        value={field.format}
                        disabled={field.type !== "string"}
                        onChange={(e) => setField(field.id, { format: e.currentTarget.value })}
                      >
                        <option value="">Any text</option>
                        {CUSTOM_FORMAT_NAMES.map((f) => (
                          <option key={f} value={f}>
                            {f}
                            {FORMAT_HINTS[f] ? ` (${FORMAT_HINTS[f]})` : ""}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        class="input"
                        aria-label={`Allowed values of ${label}, comma-separated`}
                        value={field.allowed}
                        disabled={field.type === "boolean" || field.type === "array"}
                        placeholder="Any value"
                        onInput={(e) => setField(field.id, { allowed: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <input
                        class="input"
                        aria-label={`Aliases of ${label}, comma-separated`}
                        value={field.aliases}
                        placeholder="Other column names"
                        onInput={(e) => setField(field.id, { aliases: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="btn btn--ghost btn--small"
                        aria-label={`Remove ${label}`}
                        onClick={() => set({ fields: draft.fields.filter((f) => f.id !== field.id) })}
                      >
                        <Trash2 aria-hidden="true" />
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {problems.length > 0 && (
          <Banner tone="danger" title={`Fix ${problems.length === 1 ? "this" : "these"} before the review`}>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Banner>
        )}
      </div>
      {/* "Add a field" sits in the sticky footer, so no scroll position hides it under the footer. */}
      <footer class="step-footer">
        <button type="button" class="btn btn--secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class="btn btn--secondary" onClick={addField}>
          <Plus aria-hidden="true" />
          Add a field
        </button>
        <button
          type="button"
          class="btn btn--primary"
          onClick={() => {
            const found = draftProblems(draft, original?.name);
            setProblems(found);
            if (found.length === 0) onReview(draft);
          }}
        >
          Review the schema of {plural(draft.fields.length, "field")}
        </button>
      </footer>
    </section>
  );
}
