// Step 3: pick or drop a CSV/JSON file or workbook, capture a table from the page, or paste a
// range; encoding fallback with a preview; header row and separator overrides. What was read (its
// source line, warnings and controls) shows first, above the ways in. Reading happens in the
// pipeline worker, with progress.
import { FileUp } from "lucide-preact";
import { useState } from "preact/hooks";
import type { PipelineClient } from "../pipeline/client.ts";
import type { Inspection, InspectOptions, Progress } from "../pipeline/pipeline.ts";
import { Banner } from "../ui/Banner.tsx";
import { plural } from "../ui/format.ts";
import { ProgressBar } from "../ui/ProgressBar.tsx";
import { CaptureSource } from "./sources/CaptureSource.tsx";
import { PasteSource } from "./sources/PasteSource.tsx";
import { SheetPicker } from "./sources/SheetPicker.tsx";
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

/**
 * The source line: what was read and how. A file says its separator (or sheet, or JSON shape) and
 * encoding; a workbook its sheet, a captured table its page: a separator means nothing for them.
 */
export function sourceLine(ready: ReadyInspection, origin: Origin, name: string): string {
  const size = `${plural(ready.rowCount, "row")}, ${plural(ready.columns.length, "column")}`;
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

export function SourceStep({ pipeline, limits, prepare, onReady }: Props) {
  const [file, setFile] = useState<File>();
  const [options, setOptions] = useState<InspectOptions>();
  const [inspection, setInspection] = useState<Inspection>();
  const [progress, setProgress] = useState<Progress>();
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string>();
  const [origin, setOrigin] = useState<Origin>("file");

  async function read(next: File, opts: InspectOptions) {
    setFile(next);
    setOptions(opts);
    setError(undefined);
    try {
      const ahead = opts.prepare ?? (await prepare?.());
      const result = await pipeline.inspect(next, ahead ? { ...opts, prepare: ahead } : opts, setProgress);
      setInspection(result);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(undefined);
    }
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
    <section class="step" aria-labelledby="source-title">
      <h2 class="step-title" id="source-title" tabIndex={-1}>
        Your file
      </h2>
      <p class="step-lede">
        A CSV, JSON or Excel export, a table on the page you are looking at, or a pasted range; it is read on
        this computer and nothing is sent yet.
      </p>
      {/* What was read comes first, so it is in view as soon as it is there. */}
      {progress && (
        <ProgressBar
          label={progress.phase === "read" ? "Reading" : "Parsing"}
          value={progress.done}
          max={progress.total}
          unit={progress.phase === "read" ? undefined : "rows"}
        />
      )}
      {error && (
        <Banner tone="danger" title="The file could not be read" details={error}>
          Check that it is a CSV or JSON export, then pick it again.
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
          {ready.kind === "csv" && (
            <div class="file-options">
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
              {ready.sheet === undefined && origin === "file" && (
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
          {ready ? "Another CSV or JSON file, or Excel workbook" : "CSV or JSON file, or Excel workbook"} (or
          drop it here)
        </span>
        <input
          type="file"
          accept=".csv,.tsv,.txt,.json,.ndjson,.jsonl,.xlsx,.xlsm,.xls,text/csv,application/json"
          onChange={(e) => pick(e.currentTarget.files?.[0])}
        />
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
