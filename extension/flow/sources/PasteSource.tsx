// "Paste a range": a paste target for cells copied from Excel, Google Sheets or Numbers.
import { ClipboardPaste } from "lucide-preact";
import { useState } from "preact/hooks";
import { Banner } from "../../ui/Banner.tsx";
import { pastedSource } from "./paste.ts";
import type { OnSource } from "./types.ts";

export function PasteSource({ onSource }: { onSource: OnSource }) {
  const [error, setError] = useState<string>();
  return (
    <div class="paste-source">
      <label class="field">
        <span class="field-label">
          <ClipboardPaste aria-hidden="true" /> Paste a range
        </span>
        <textarea
          class="input paste-area"
          rows={2}
          placeholder="Copy cells in Excel, Google Sheets or Numbers and paste them here (Ctrl+V or ⌘V)"
          onPaste={(e) => {
            e.preventDefault();
            const data = e.clipboardData;
            const read = pastedSource({
              html: data?.getData("text/html") || undefined,
              text: data?.getData("text/plain") || undefined,
            });
            if (!read.ok) {
              setError(read.message);
              return;
            }
            setError(undefined);
            e.currentTarget.value = "";
            onSource(read.file, read.options);
          }}
        />
        <span class="field-hint">The cells are read on this computer; nothing is sent yet.</span>
      </label>
      {error && <Banner tone="warning">{error}</Banner>}
    </div>
  );
}
