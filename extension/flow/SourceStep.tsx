// Step 3: pick or drop a CSV/JSON file; encoding fallback with a preview; header row and
// delimiter overrides. Reading happens in the pipeline worker, with progress.
import { useState } from "preact/hooks";
import type { PipelineClient } from "../pipeline/client.ts";
import type { Inspection, InspectOptions, Progress } from "../pipeline/pipeline.ts";
import { ProgressBar } from "../ui/ProgressBar.tsx";

export type ReadyInspection = Extract<Inspection, { status: "ready" }>;

interface Props {
  pipeline: PipelineClient;
  /** The Worker's announced limits, so the file is read and validated as the Worker will. */
  limits?: InspectOptions["limits"];
  onReady: (file: File, inspection: ReadyInspection) => void;
}

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

export function SourceStep({ pipeline, limits, onReady }: Props) {
  const [file, setFile] = useState<File>();
  const [options, setOptions] = useState<InspectOptions>();
  const [inspection, setInspection] = useState<Inspection>();
  const [progress, setProgress] = useState<Progress>();
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string>();

  async function read(next: File, opts: InspectOptions) {
    setFile(next);
    setOptions(opts);
    setError(undefined);
    try {
      const result = await pipeline.inspect(next, opts, setProgress);
      setInspection(result);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(undefined);
    }
  }

  const pick = (picked: File | undefined) => picked && read(picked, { fileName: picked.name, limits });
  const ready = inspection?.status === "ready" ? inspection : undefined;

  return (
    <section class="step" aria-labelledby="source-title">
      <h2 id="source-title">Choose the file</h2>
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
        CSV or JSON file (or drop it here)
        <input
          type="file"
          accept=".csv,.tsv,.txt,.json,.ndjson,.jsonl,text/csv,application/json"
          onChange={(e) => pick(e.currentTarget.files?.[0])}
        />
      </label>
      {progress && (
        <ProgressBar
          label={progress.phase === "read" ? "Reading" : "Parsing"}
          value={progress.done}
          max={progress.total}
        />
      )}
      {error && <p role="alert">{error}</p>}
      {inspection?.status === "error" && <p role="alert">{inspection.message}</p>}
      {inspection?.status === "needs-encoding" && file && options && (
        <div role="alert" class="notice">
          <p>
            This file is not UTF-8 (line {inspection.line}). It was probably saved by Excel as Windows-1252.
            Here is how it reads that way:
          </p>
          <figure aria-label="Windows-1252 preview">
            <pre>{inspection.preview.map((l) => `${l.line}: ${l.text}`).join("\n")}</pre>
          </figure>
          <button type="button" onClick={() => read(file, { ...options, encoding: "windows-1252" })}>
            Read as Windows-1252
          </button>
        </div>
      )}
      {ready && file && options && (
        <div>
          <p role="status">
            {file.name}: {ready.rowCount.toLocaleString()} rows, {ready.columns.length} columns
            {ready.kind === "csv"
              ? `, ${DELIMITER_NAMES[ready.delimiter ?? ","] ?? ready.delimiter}-separated`
              : `, JSON (${ready.jsonShape})`}
            , {ready.encoding}
          </p>
          {ready.issues
            .filter((i) => i.row === undefined)
            .map((i) => (
              <p key={i.message} class="warning">
                {i.message}
              </p>
            ))}
          {ready.kind === "csv" && (
            <div class="row">
              <label>
                Header row
                <select
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
              <label>
                Separator
                <select
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
            </div>
          )}
          <button type="button" class="primary" onClick={() => onReady(file, ready)}>
            Continue to mapping
          </button>
        </div>
      )}
    </section>
  );
}
