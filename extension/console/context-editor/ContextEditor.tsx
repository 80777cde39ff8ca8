// The console's context editor: the tenant's own (custom) contexts listed; a context created or
// edited field by field (FieldsStep.tsx), or started from a sample file (infer.ts); the generated
// JSON Schema reviewed before it is saved (DefinitionReview.tsx); a delete explained and refused
// clearly while an integration uses the context (DeleteDialog.tsx).
import { Pencil, Plus, Shapes, Trash2 } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiClient, ContextInfo, CustomContextSaved, Integration } from "../../api-client.ts";
import { Banner } from "../../ui/Banner.tsx";
import { EmptyState } from "../../ui/EmptyState.tsx";
import { errorView, integrationLabel, plural } from "../ui.tsx";

import "./ContextEditor.css";
import { DefinitionReview } from "./DefinitionReview.tsx";
import { DeleteDialog } from "./DeleteDialog.tsx";
import { type ContextDraft, emptyField, fieldsFromSchema } from "./draft.ts";
import { FieldsStep } from "./FieldsStep.tsx";

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
      <DefinitionReview
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
