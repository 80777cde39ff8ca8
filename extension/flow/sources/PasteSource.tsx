// "Paste a range or a screenshot": a paste target for cells copied from Excel, Google Sheets or
// Numbers, or an image on the clipboard (read by OCR).
import { ClipboardPaste } from "lucide-preact";
import { useState } from "preact/hooks";
import { Banner } from "../../ui/Banner.tsx";
import { pastedImage, pastedSource } from "./paste.ts";
import type { OnSource } from "./types.ts";
import "./sources.css";

export function PasteSource({ onSource }: { onSource: OnSource }) {
  const [error, setError] = useState<string>();
  return (
    <div class="paste-source">
      <label class="field">
        <span class="field-label">
          <ClipboardPaste aria-hidden="true" /> Paste a range or a screenshot
        </span>
        <textarea
          class="input paste-area"
          rows={2}
          placeholder="Copy cells in Excel, Google Sheets or Numbers, or take a screenshot, and paste it here (Ctrl+V or ⌘V)"
          onPaste={(e) => {
            e.preventDefault();
            const data = e.clipboardData;
            const read = pastedSource({
              html: data?.getData("text/html") || undefined,
              text: data?.getData("text/plain") || undefined,
            });
            // Cells first: Excel puts a picture of the range on the clipboard beside them.
            const image = read.ok ? undefined : pastedImage(data);
            if (image) {
              setError(undefined);
              onSource(image, { fileName: image.name });
              return;
            }
            if (!read.ok) {
              setError(read.message);
              return;
            }
            setError(undefined);
            e.currentTarget.value = "";
            onSource(read.file, read.options);
          }}
        />
        <span class="field-hint">The cells or the image are read on this computer; nothing is sent yet.</span>
      </label>
      {error && <Banner tone="warning">{error}</Banner>}
    </div>
  );
}
