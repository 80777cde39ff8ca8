// Step 3: pick or drop a CSV/JSON file, workbook, PDF or image, capture a table from the page, or
// paste a range or a screenshot; encoding fallback with a preview; header row and separator
// overrides; a table picker for a PDF or an image with several. What was read (its source line,
// warnings and controls) shows first, above the ways in. Reading happens in the pipeline worker,
// with progress (per page for a PDF or an image, which can be cancelled).
import { FileUp } from "lucide-preact";
import { useRef, useState } from "preact/hooks";
import type { PipelineClient } from "../pipeline/client.ts";
import type { Inspection, InspectOptions, Progress } from "../pipeline/protocol.ts";
import { Banner } from "../ui/Banner.tsx";
import { plural } from "../ui/format.ts";
import { ProgressBar } from "../ui/ProgressBar.tsx";
import { CaptureSource } from "./sources/CaptureSource.tsx";
import { PasteSource } from "./sources/PasteSource.tsx";
import { pastedImage } from "./sources/paste.ts";
import { SheetPicker } from "./sources/SheetPicker.tsx";
import { TablePicker } from "./sources/TablePicker.tsx";
import type { OnSource } from "./sources/types.ts";

export type ReadyInspection = Extract<Inspection, { status: "ready" }>;

interface Props {
  pipeline: PipelineClient;
  /** The Worker's announced limits, so the file is read and validated as the Worker will. */
  limits?: InspectOptions["limits"];
  /** The data and mapping history the file's mapping is suggested with, to validate ahead. */
  prepare?: () => Promise<InspectOptions["prepare"]>;
  onReady: (file: File, inspection: ReadyInspection) => void;
}

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

/** Where the data came from: a file (or a pasted range, read as one), or a table on the page. */
type Origin = "file" | "capture" | "paste";

/** What the file input takes: text exports, workbooks, PDFs and images (screenshots). */
export const FILE_ACCEPT = [
  ".csv,.tsv,.txt,.json,.ndjson,.jsonl,.xlsx,.xlsm,.xls,text/csv,application/json",
  ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp",
].join(",");

/**
 * The source line: what was read and how. A file says its separator (or sheet, or JSON shape) and
 * encoding; a workbook its sheet, a captured table its page, a PDF its table's page, an image that
 * it was read by OCR: a separator means nothing for them.
 */
export function sourceLine(ready: ReadyInspection, origin: Origin, name: string): string {
  const size = `${plural(ready.rowCount, "row")}, ${plural(ready.columns.length, "column")}`;
  const media = ready.media;
  if (media) {
    if (media.kind === "image") return `${name}: read by OCR, ${size}`;
    const page = media.tables[media.table]?.page;
    return `${name}: PDF${page === undefined ? "" : `, page ${page}`}, ${size}`;
  }
  if (origin === "capture") return `Table captured from ${name}: ${size}`;
  // A pasted range has no separator or encoding of its own to speak of.
  if (origin === "paste") return `${name}: ${size}`;
  if (ready.sheet !== undefined) return `${name}: ${size}, sheet “${ready.sheet}”`;
  const how =
    ready.kind === "csv"
      ? `${DELIMITER_NAMES[ready.delimiter ?? ","] ?? ready.delimiter}-separated`
      : `JSON (${ready.jsonShape})`;
  return `${name}: ${size}, ${how}, ${ready.encoding}`;
}

/** The progress bar's words: pages of a PDF or an image (the one being read), rows otherwise. */
function progressLabel(progress: Progress): string {
  if (progress.phase === "pages")
    return `Reading page ${Math.min(progress.done + 1, Math.max(progress.total, 1))} of ${progress.total}`;
  return progress.phase === "read" ? "Reading" : "Parsing";
}

export function SourceStep({ pipeline, limits, prepare, onReady }: Props) {
  const [file, setFile] = useState<File>();
  const [options, setOptions] = useState<InspectOptions>();
  const [inspection, setInspection] = useState<Inspection>();
  const [progress, setProgress] = useState<Progress>();
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string>();
  const [origin, setOrigin] = useState<Origin>("file");
  /** Stops the read in progress (a PDF's or an image's pages). */
  const reading = useRef<AbortController>();
  const [cancelled, setCancelled] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);

  async function read(next: File, opts: InspectOptions) {
    reading.current?.abort();
    const controller = new AbortController();
    reading.current = controller;
    setFile(next);
    setOptions(opts);
    setError(undefined);
    setCancelled(false);
    try {
      const ahead = opts.prepare ?? (await prepare?.());
      const result = await pipeline.inspect(
        next,
        ahead ? { ...opts, prepare: ahead } : opts,
        (p) => {
          if (!controller.signal.aborted) setProgress(p);
        },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      setInspection(result);
    } catch (e) {
      if (!controller.signal.aborted) setError((e as Error).message);
    } finally {
      if (reading.current === controller) {
        reading.current = undefined;
        setProgress(undefined);
      }
    }
  }

  /** Cancel: the read stops, nothing is kept of it, and focus goes back to the step's heading. */
  function cancel() {
    reading.current?.abort();
    reading.current = undefined;
    setProgress(undefined);
    setInspection(undefined);
    setFile(undefined);
    setOptions(undefined);
    setCancelled(true);
    title.current?.focus();
  }

  const pick = (picked: File | undefined) => {
    if (!picked) return;
    setOrigin("file");
    void read(picked, { fileName: picked.name, limits });
  };
  // A captured table or a pasted range: read like a file, under its own source name.
  const fromSource =
    (kind: Origin): OnSource =>
    (next, opts) => {
      setOrigin(kind);
      void read(next, { ...opts, limits });
    };
  const ready = inspection?.status === "ready" ? inspection : undefined;

  return (
    <section
      class="step"
      aria-labelledby="source-title"
      onPaste={(e) => {
        // A screenshot pasted anywhere in the step (the paste box handles its own pastes).
        if (e.defaultPrevented) return;
        const image = pastedImage(e.clipboardData);
        if (!image) return;
        e.preventDefault();
        setOrigin("paste");
        void read(image, { fileName: image.name, limits });
      }}
    >
      <h2 class="step-title" id="source-title" tabIndex={-1} ref={title}>
        Your file
      </h2>
      <p class="step-lede">
        A CSV, JSON or Excel export, a PDF report or a screenshot, a table on the page you are looking at, or
        a pasted range; it is read on this computer and nothing is sent yet.
      </p>
      {/* What was read comes first, so it is in view as soon as it is there. */}
      {progress && (
        <div class="source-progress">
          <ProgressBar
            label={progressLabel(progress)}
            value={progress.done}
            max={progress.total}
            unit={progress.phase === "read" || progress.phase === "pages" ? undefined : "rows"}
          />
          {progress.phase === "pages" && (
            <button type="button" class="btn btn--secondary btn--small" onClick={cancel}>
              Cancel
            </button>
          )}
        </div>
      )}
      {cancelled && (
        <p class="muted" role="status">
          Reading stopped. Pick a file, or paste a range or a screenshot.
        </p>
      )}
      {error && (
        <Banner tone="danger" title="The file could not be read" details={error}>
          Check that it is a CSV or JSON export, an Excel workbook, a PDF or an image (PNG, JPEG or WebP),
          then pick it again.
        </Banner>
      )}
      {inspection?.status === "error" && (
        <Banner tone="danger" title="This file cannot be used">
          {inspection.message}
        </Banner>
      )}
      {inspection?.status === "needs-encoding" && file && options && (
        <div role="alert" class="banner banner--warning encoding-preview">
          <div class="banner-body">
            <p>
              This file is not UTF-8 (line {inspection.line}). It was probably saved by Excel as Windows-1252.
              Here is how it reads that way:
            </p>
            <figure aria-label="Windows-1252 preview">
              <pre>{inspection.preview.map((l) => `${l.line}: ${l.text}`).join("\n")}</pre>
            </figure>
            <button
              type="button"
              class="btn btn--secondary"
              onClick={() => read(file, { ...options, encoding: "windows-1252" })}
            >
              Read as Windows-1252
            </button>
          </div>
        </div>
      )}
      {ready && file && options && (
        <div class="file-summary">
          <p role="status" class="file-facts">
            {sourceLine(ready, origin, options.sourceName ?? file.name)}
          </p>
          {ready.issues
            .filter((i) => i.row === undefined)
            .map((i) => (
              <Banner key={i.message} tone="warning" live="none">
                {i.message}
              </Banner>
            ))}
          {ready.media && ready.media.lowConfidenceCount > 0 && (
            <p class="muted">
              {plural(ready.media.lowConfidenceCount, "cell was", "cells were")} read with low confidence; the
              review marks them for you to check.
            </p>
          )}
          {ready.kind === "csv" && (
            <div class="file-options">
              {ready.media && (
                <TablePicker
                  media={ready.media}
                  onPick={(table) => read(file, { ...options, table, headerRow: undefined })}
                />
              )}
              <SheetPicker
                sheets={ready.sheets ?? []}
                sheet={ready.sheet}
                onPick={(sheet) => read(file, { ...options, sheet, headerRow: undefined })}
              />
              <label class="field">
                <span class="field-label">Header row</span>
                <select
                  class="select"
                  value={String(ready.headerRow ?? 0)}
                  onChange={(e) => read(file, { ...options, headerRow: Number(e.currentTarget.value) })}
                >
                  {(ready.headerCandidates ?? []).map((row, i) => (
                    <option key={row.line} value={String(i)}>
                      Line {row.line}: {row.cells.join(" | ").slice(0, 60)}
                    </option>
                  ))}
                </select>
              </label>
              {ready.sheet === undefined && !ready.media && origin === "file" && (
                <label class="field">
                  <span class="field-label">Separator</span>
                  <select
                    class="select"
                    value={ready.delimiter}
                    onChange={(e) =>
                      read(file, { ...options, delimiter: e.currentTarget.value, headerRow: undefined })
                    }
                  >
                    {Object.entries(DELIMITER_NAMES).map(([d, name]) => (
                      <option key={d} value={d}>
                        {name}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
          )}
        </div>
      )}
      <label
        class={dragging ? "dropzone over" : "dropzone"}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          pick(e.dataTransfer?.files[0]);
        }}
      >
        <FileUp aria-hidden="true" />
        <span class="dropzone-label">
          {ready ? "Another CSV or JSON file" : "CSV or JSON file"}, Excel workbook, PDF or image (or drop it
          here)
        </span>
        <input type="file" accept={FILE_ACCEPT} onChange={(e) => pick(e.currentTarget.files?.[0])} />
      </label>
      <CaptureSource onSource={fromSource("capture")} />
      <PasteSource onSource={fromSource("paste")} />
      {ready && file && (
        <footer class="step-footer">
          <button type="button" class="btn btn--primary" onClick={() => onReady(file, ready)}>
            Continue to mapping
          </button>
        </footer>
      )}
    </section>
  );
}
