// Deleting a custom context: what it ends (its data under that name), refused clearly while an
// integration uses it.
import { Trash2 } from "lucide-preact";
import { useState } from "preact/hooks";
import {
  type ApiClient,
  ApiError,
  type ContextInfo,
  type ContextInUseProblem,
  type Integration,
} from "../../api-client.ts";
import { Banner } from "../../ui/Banner.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { errorView, integrationLabel } from "../ui.tsx";

export function DeleteDialog({
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
