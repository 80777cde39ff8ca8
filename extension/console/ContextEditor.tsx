// The console's context editor: the tenant's own (custom) contexts listed; a context created or
// edited field by field (type, required, allowed values, format, aliases, record key), or started
// from a sample file whose fields and types are inferred with the extension's own reader and
// column profiler; the generated JSON Schema reviewed before it is saved; a MODEL change explained
// and confirmed (?confirm=breaking); a delete explained, and refused clearly while an integration
// uses the context.
import { format as formatChecks } from "@cfworker/json-schema";
import { FileUp, Pencil, Plus, Shapes, Trash2, TriangleAlert } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { FORMAT_HINTS } from "../../schemas/formats.ts";
import {
  type ContextSchema,
  type CUSTOM_FIELD_TYPES,
  CUSTOM_FORMAT_NAMES,
  checkCustomContext,
  type JsonValue,
} from "../../schemas/index.ts";
import {
  type ApiClient,
  ApiError,
  type ContextInfo,
  type ContextInUseProblem,
  type CustomContextSaved,
  type CustomSchemaDefinition,
  type Integration,
  type ModelChangeProblem,
  type SchemaChange,
} from "../api-client.ts";
import { isPlaceholder, profileColumn } from "../mapping/profile.ts";
import { Pipeline, PROFILE_ROWS } from "../pipeline/pipeline.ts";
import { Banner } from "../ui/Banner.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { CopyButton, errorView, integrationLabel, plural } from "./ui.tsx";
import "./ContextEditor.css";

export type FieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const FIELD_TYPES: { value: FieldType; label: string }[] = [
  { value: "string", label: "Text" },
  { value: "integer", label: "Whole number" },
  { value: "number", label: "Number" },
  { value: "boolean", label: "True or false" },
  { value: "array", label: "List of text" },
];

/** One field as the editor holds it; lists are typed as comma-separated text. */
export interface FieldDraft {
  id: number;
  name: string;
  type: FieldType;
  required: boolean;
  key: boolean;
  format: string;
  /** Allowed values, comma-separated ("" for any value). */
  allowed: string;
  /** Other header names that mean this field, comma-separated. */
  aliases: string;
  description: string;
  /** The field's other keywords as the Worker had them (pattern, minLength…), kept on save. */
  rest: Record<string, JsonValue>;
}

export interface ContextDraft {
  name: string;
  title: string;
  category: string;
  description: string;
  fields: FieldDraft[];
}

/** Keywords the editor writes itself; any other keyword of a loaded field is kept as it was. */
const EDITED = new Set(["type", "items", "format", "enum", "x-intake-aliases", "description"]);

let nextFieldId = 1;

export function emptyField(): FieldDraft {
  return {
    id: nextFieldId++,
    name: "",
    type: "string",
    required: false,
    key: false,
    format: "",
    allowed: "",
    aliases: "",
    description: "",
    rest: {},
  };
}

const splitList = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/** A loaded schema's fields, as the editor shows them. */
export function fieldsFromSchema(schema: ContextSchema): FieldDraft[] {
  const required = new Set(schema.required ?? []);
  const key = new Set(schema["x-intake-key"] ?? []);
  return Object.entries(schema.properties).map(([name, prop]) => {
    const rest: Record<string, JsonValue> = {};
    for (const [keyword, value] of Object.entries(prop))
      if (!EDITED.has(keyword)) rest[keyword] = value as JsonValue;
    return {
      ...emptyField(),
      name,
      type: (prop.type ?? "string") as FieldType,
      required: required.has(name),
      key: key.has(name),
      format: prop.format ?? "",
      allowed: (prop.enum ?? []).map(String).join(", "),
      aliases: (prop["x-intake-aliases"] ?? []).join(", "),
      description: prop.description ?? "",
      rest,
    };
  });
}

/**
 * What is wrong with the draft, in words (empty when it can be reviewed): the Worker's own checks
 * of a definition (schemas/custom-context.ts), and what only the editor can see (two fields with
 * one name, allowed values that are not numbers).
 */
export function draftProblems(draft: ContextDraft, editing?: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const field of draft.fields) {
    const name = field.name.trim();
    if (name && seen.has(name)) problems.push(`two fields are named ${name}`);
    seen.add(name);
    if (field.allowed && (field.type === "number" || field.type === "integer")) {
      const bad = splitList(field.allowed).filter(
        (v) => !Number.isFinite(Number(v)) || (field.type === "integer" && !Number.isInteger(Number(v))),
      );
      if (bad.length > 0)
        problems.push(
          `field ${name || "without a name"}: allowed ${bad.length === 1 ? "value" : "values"} ${bad.map((v) => `“${v}”`).join(", ")} ${bad.length === 1 ? "is not a" : "are not"} ${field.type === "integer" ? "whole number" : "number"}${bad.length === 1 ? "" : "s"}`,
        );
    }
  }
  if (draft.fields.length === 0) problems.push("add at least one field");
  const checked = checkCustomContext(bodyOf(draft, editing), {
    name: editing,
    scopedName: (name) => name,
  });
  if (!checked.ok)
    for (const e of checked.errors) if (!problems.includes(e.message)) problems.push(e.message);
  return problems;
}

/** The body of POST /v1/contexts (PUT: without the name) for the draft. */
export function bodyOf(draft: ContextDraft, editing?: string) {
  return {
    ...(editing === undefined ? { name: draft.name.trim() } : {}),
    title: draft.title.trim(),
    category: draft.category.trim(),
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    schema: definitionOf(draft),
  };
}

/** The JSON Schema the Worker is sent for the draft (it adds `$id`, title and category itself). */
export function definitionOf(draft: ContextDraft): CustomSchemaDefinition {
  const properties: ContextSchema["properties"] = {};
  for (const field of draft.fields) {
    const name = field.name.trim();
    const prop: Record<string, JsonValue> = { type: field.type };
    if (field.type === "array") prop.items = { type: "string" };
    if (field.description.trim()) prop.description = field.description.trim();
    if (field.type === "string" && field.format) prop.format = field.format;
    const allowed = splitList(field.allowed);
    if (allowed.length > 0 && field.type !== "boolean" && field.type !== "array")
      prop.enum = field.type === "string" ? allowed : allowed.map(Number).filter(Number.isFinite);
    const aliases = splitList(field.aliases);
    if (aliases.length > 0) prop["x-intake-aliases"] = aliases;
    properties[name] = { ...field.rest, ...prop } as ContextSchema["properties"][string];
  }
  const key = draft.fields.filter((f) => f.key).map((f) => f.name.trim());
  // A key field is always required: a record without its key cannot be told apart.
  const required = draft.fields.filter((f) => f.required || f.key).map((f) => f.name.trim());
  return {
    type: "object",
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    required,
    additionalProperties: false,
    "x-intake-key": key,
    properties,
  };
}

/**
 * camelCase of a header's words: "Badge Number" -> "badgeNumber", "Badge ID" and "badgeID" ->
 * "badgeId", "MFA Enabled" -> "mfaEnabled", "2FA" -> "field2fa".
 */
export function fieldNameOf(header: string): string {
  const words = header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    // Words run together in camel case ("badgeID", "HTTPStatus") are words too.
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const name = words.map((w, i) => (i === 0 ? w : (w[0]?.toUpperCase() ?? "") + w.slice(1))).join("");
  if (!name) return "field";
  return /^[A-Za-z]/.test(name) ? name.slice(0, 64) : `field${name}`.slice(0, 64);
}

/** Bytes of a sample file read to infer fields (cut at the last whole line). */
export const SAMPLE_BYTES = 1 << 20;
/** Distinct values at most for a text column to be offered as a list of allowed values. */
const MAX_ALLOWED = 12;
/** The formats tried on a text column, most specific first; a format is chosen only when every value has it. */
const INFERRED_FORMATS = ["email", "date", "date-time", "intake-timestamp", "ddmmyyyy", "uri"];
const INTEGER = /^[+-]?(0|[1-9]\d*)$/;
const NUMBER = /^[+-]?(0|[1-9]\d*)(\.\d+)?$/;
const KEY_HEADER = /(^|[^a-z])(id|key|code|number|email|login|username)([^a-z]|$)/i;

/** `cells`: the column's first rows (its type); `filled`: whether no row of the sample leaves it empty. */
function inferField(header: string, name: string, cells: string[], filled: boolean): FieldDraft {
  const profile = profileColumn(cells);
  const values = cells.map((c) => c.trim()).filter((v) => !isPlaceholder(v));
  const field: FieldDraft = {
    ...emptyField(),
    name,
    required: filled && values.length > 0,
    aliases: header.trim() && header.trim() !== name ? header.trim() : "",
  };
  if (values.length === 0) return field;
  if (profile.booleanLike && profile.distinct === 2) return { ...field, type: "boolean" };
  if (values.every((v) => INTEGER.test(v))) return { ...field, type: "integer" };
  if (values.every((v) => NUMBER.test(v))) return { ...field, type: "number" };
  const check = formatChecks as Record<string, ((value: string) => boolean) | undefined>;
  const format = INFERRED_FORMATS.find(
    (f) =>
      values.every((v) => check[f]?.(v) === true) &&
      (f !== "uri" || values.every((v) => /^https?:\/\//i.test(v))),
  );
  if (format) return { ...field, format };
  // A list column holds single items too ("101" among "101;102"): a quarter of lists is enough.
  if ((profile.shares.list ?? 0) >= 0.25) return { ...field, type: "array" };
  if (profile.distinct >= 2 && profile.distinct <= MAX_ALLOWED && values.length >= 3 * profile.distinct)
    return { ...field, allowed: profile.top.map(([v]) => v).join(", ") };
  return field;
}

/**
 * Fields inferred from a sample file (CSV, or JSON records): its header names the fields (the
 * original header becomes an alias), its first rows give their types, formats and allowed values,
 * and the whole sample which are always filled (required); the first column whose values are all
 * present and all different, preferably one named like an id or email, becomes the record key.
 */
export async function inferFields(file: Blob, fileName: string): Promise<FieldDraft[]> {
  let sample = file;
  if (file.size > SAMPLE_BYTES) {
    const head = new Uint8Array(await file.slice(0, SAMPLE_BYTES).arrayBuffer());
    sample = new Blob([head.slice(0, head.lastIndexOf(10) + 1)]);
  }
  const pipeline = new Pipeline();
  let inspection = await pipeline.inspect(sample, { fileName });
  if (inspection.status === "needs-encoding")
    inspection = await pipeline.inspect(sample, { fileName, encoding: "windows-1252" });
  if (inspection.status === "error") throw new Error(inspection.message);
  if (inspection.status !== "ready") throw new Error("The file could not be read");
  if (inspection.columns.length === 0 || inspection.rowCount === 0)
    throw new Error("The file has no rows to infer fields from: give a sample with a header and some data.");
  const rows = Math.min(PROFILE_ROWS, inspection.rowCount);
  const taken = new Map<string, number>();
  const fields = inspection.columns.map((column, c) => {
    const header = inspection.headers[c] || column;
    let name = fieldNameOf(header);
    const count = (taken.get(name) ?? 0) + 1;
    taken.set(name, count);
    if (count > 1) name = `${name}${count}`;
    // Required only when no row of the whole sample leaves it empty (not only the first rows).
    const all = pipeline.columnValues(c, inspection.rowCount);
    const cells = all.slice(0, rows);
    const filled = !all.some(isPlaceholder);
    return { field: inferField(header, name, cells, filled), cells, filled };
  });
  const unique = fields.filter(({ cells, filled }) => {
    const p = profileColumn(cells);
    return filled && p.fill === 1 && p.uniqueness === 1 && p.count === cells.length;
  });
  const key =
    unique.find(({ field }) => KEY_HEADER.test(field.aliases || field.name) || field.format === "email") ??
    unique.find(({ field }) => field.type === "string");
  if (key) {
    key.field.key = true;
    key.field.required = true;
  }
  return fields.map(({ field }) => field);
}

/** "badges-2024.csv" -> "Badges 2024" */
const titleOfFile = (fileName: string) => {
  const base = fileName
    .replace(/\.[^.]+$/, "")
    .replace(/[_\-.]+/g, " ")
    .trim();
  return base ? base[0]?.toUpperCase() + base.slice(1) : "";
};

const nameOfTitle = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 64);

type View =
  | { kind: "list" }
  | { kind: "edit"; original?: ContextInfo; draft: ContextDraft }
  | { kind: "review"; original?: ContextInfo; draft: ContextDraft };

interface Props {
  client: ApiClient;
  /** The tenant's integrations (to say which use a context before deleting it). */
  integrations: Integration[];
  copy: (text: string) => Promise<void>;
}

export function ContextEditor({ client, integrations, copy }: Props) {
  const [view, setView] = useState<View>({ kind: "list" });
  const [contexts, setContexts] = useState<ContextInfo[]>();
  const [listError, setListError] = useState<string>();
  const [reload, setReload] = useState(0);
  const [notice, setNotice] = useState("");
  const [deleting, setDeleting] = useState<ContextInfo>();

  useEffect(() => {
    client
      .catalog({ cache: "no-store" })
      .then((catalog) => {
        setContexts(catalog.data);
        setListError(undefined);
      })
      .catch((e) => setListError(errorView(e).message));
  }, [client, reload]);

  const custom = (contexts ?? []).filter((c) => c.custom);
  const builtIn = (contexts ?? []).length - custom.length;
  const usersOf = (name: string) => integrations.filter((i) => i.contexts.includes(name));

  async function edit(context: ContextInfo) {
    setNotice("");
    try {
      const answer = await client.contextSchema(context.name, undefined, { cache: "no-store" });
      if (answer.notModified) throw new Error("The Intake server answered 304 to a request without an ETag");
      setView({
        kind: "edit",
        original: context,
        draft: {
          name: context.name,
          title: context.title,
          category: context.category,
          description: context.description ?? "",
          fields: fieldsFromSchema(answer.schema),
        },
      });
    } catch (e) {
      setListError(`Could not load ${context.title}: ${errorView(e).message}`);
    }
  }

  const saved = (result: CustomContextSaved, created: boolean) => {
    // Shown at once; the reload below brings the Worker's list.
    setContexts((list) => [...(list ?? []).filter((c) => c.name !== result.name), result]);
    setReload((n) => n + 1);
    setView({ kind: "list" });
    setNotice(
      created
        ? `Created ${result.title} (version ${result.version}). Add it to an integration to receive its data.`
        : `Saved ${result.title}: version ${result.version}.`,
    );
  };

  if (view.kind === "edit")
    return (
      <FieldsStep
        original={view.original}
        initial={view.draft}
        onCancel={() => setView({ kind: "list" })}
        onReview={(draft) => setView({ kind: "review", original: view.original, draft })}
      />
    );
  if (view.kind === "review")
    return (
      <ReviewStep
        client={client}
        original={view.original}
        draft={view.draft}
        copy={copy}
        onBack={() => setView({ kind: "edit", original: view.original, draft: view.draft })}
        onSaved={(result) => saved(result, !view.original)}
      />
    );

  const create = () => {
    setNotice("");
    setView({
      kind: "edit",
      draft: { name: "", title: "", category: "", description: "", fields: [emptyField()] },
    });
  };

  return (
    <section class="step context-editor" aria-labelledby="contexts-title">
      <h2 class="step-title" id="contexts-title" tabIndex={-1}>
        Contexts
      </h2>
      <div class="step-body">
        <p class="step-lede">
          Your own kinds of data, next to the {builtIn > 0 ? `${builtIn.toLocaleString()} ` : ""}built-in
          ones. A custom context is checked, versioned and submitted exactly like a built-in, for your
          integrations only.
        </p>
        <div role="status">
          {notice && (
            <Banner tone="success" live="none">
              {notice}
            </Banner>
          )}
        </div>
        {listError && (
          <Banner tone="danger" title="Could not load the contexts" details={listError}>
            Check the connection and try again.
          </Banner>
        )}
        {!contexts && !listError && (
          <p class="working" role="status">
            <span class="spinner" aria-hidden="true" />
            Loading contexts…
          </p>
        )}
        {contexts && custom.length === 0 && (
          <EmptyState
            icon={Shapes}
            action={
              <button type="button" class="btn btn--secondary" onClick={create}>
                <Plus aria-hidden="true" />
                New context
              </button>
            }
          >
            No custom contexts yet: define one when your data fits none of the built-in ones.
          </EmptyState>
        )}
        {custom.length > 0 && (
          <ul class="context-list">
            {custom.map((c) => {
              const users = usersOf(c.name);
              return (
                <li key={c.name} class="card context-item">
                  <div class="context-item-text">
                    <p>
                      <strong>{c.title}</strong> <span class="badge badge--neutral">{c.category}</span>
                    </p>
                    <p class="muted">
                      <span class="mono">{c.name}</span> · {plural(c.fields.length, "field")} · key{" "}
                      {c.key.join(" + ")} · version <span class="num">{c.version}</span>
                    </p>
                    <p class="muted">
                      {users.length === 0
                        ? "Not used by any integration yet."
                        : `Used by ${users.map(integrationLabel).join(", ")}.`}
                    </p>
                  </div>
                  <div class="btn-row">
                    <button
                      type="button"
                      class="btn btn--secondary btn--small"
                      aria-label={`Edit ${c.title}`}
                      onClick={() => void edit(c)}
                    >
                      <Pencil aria-hidden="true" />
                      Edit
                    </button>
                    <button
                      type="button"
                      class="btn btn--ghost btn--small"
                      aria-label={`Delete ${c.title}`}
                      onClick={() => {
                        setNotice("");
                        setDeleting(c);
                      }}
                    >
                      <Trash2 aria-hidden="true" />
                      Delete
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {contexts && custom.length > 0 && (
        <footer class="step-footer">
          <button type="button" class="btn btn--primary" onClick={create}>
            <Plus aria-hidden="true" />
            New context
          </button>
        </footer>
      )}
      {deleting && (
        <DeleteDialog
          client={client}
          context={deleting}
          users={usersOf(deleting.name)}
          onClose={() => setDeleting(undefined)}
          onDeleted={() => {
            setDeleting(undefined);
            setContexts((list) => list?.filter((c) => c.name !== deleting.name));
            setReload((n) => n + 1);
            setNotice(`Deleted ${deleting.title}.`);
          }}
        />
      )}
    </section>
  );
}

function DeleteDialog({
  client,
  context,
  users,
  onClose,
  onDeleted,
}: {
  client: ApiClient;
  context: ContextInfo;
  users: Integration[];
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const inUse = users.length > 0;
  async function remove() {
    setBusy(true);
    try {
      await client.deleteContext(context.name);
      onDeleted();
    } catch (e) {
      setBusy(false);
      const problem = e instanceof ApiError ? (e.problem as Partial<ContextInUseProblem>) : undefined;
      const names = problem?.integrations?.map((i) => i.name) ?? [];
      setRefusal(
        names.length > 0
          ? `${context.title} cannot be deleted: ${names.join(", ")} ${names.length === 1 ? "uses" : "use"} it. Remove it from ${names.length === 1 ? "that integration" : "those integrations"} first.`
          : errorView(e).message,
      );
    }
  }
  return (
    <Dialog title={inUse ? `${context.title} is in use` : `Delete ${context.title}?`} onClose={onClose}>
      {inUse ? (
        <p>
          {context.title} cannot be deleted while {users.map(integrationLabel).join(", ")}{" "}
          {users.length === 1 ? "uses" : "use"} it. Remove it from{" "}
          {users.length === 1 ? "that integration" : "those integrations"} first; then delete it here.
        </p>
      ) : (
        <p>
          Its schema is removed for good: no integration can add {context.title} any more, and files can no
          longer be checked against it. This cannot be undone.
        </p>
      )}
      {refusal && (
        <Banner tone="danger" live="alert">
          {refusal}
        </Banner>
      )}
      <div class="dialog-actions">
        <button type="button" class="btn btn--secondary" onClick={onClose}>
          {inUse || refusal ? "Close" : "Cancel"}
        </button>
        {!inUse && !refusal && (
          <button
            type="button"
            class="btn btn--danger"
            aria-busy={busy ? "true" : undefined}
            disabled={busy}
            onClick={() => void remove()}
          >
            <Trash2 aria-hidden="true" />
            Delete {context.title}
          </button>
        )}
      </div>
    </Dialog>
  );
}

function FieldsStep({
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

function ReviewStep({
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
