// Step 5: see every error, filter, fix in place, find/replace, accept suggestions, resolve
// duplicates, export the report or the corrected file, then go on to submit. The dataset lives in
// the pipeline worker: this step shows its counts and a window of its issues, and sends edits.
import { useEffect, useState } from "preact/hooks";
import { getSchema } from "../../schemas/index.ts";
import type { PipelineClient } from "../pipeline/client.ts";
import { type DatasetView, type EditAction, type IssueFilter, WHOLE_ROW } from "../pipeline/dataset.ts";
import type { DownloadKind } from "../pipeline/pipeline.ts";
import { ErrorTable } from "./ErrorTable.tsx";

const KEYWORD_LABELS: Record<string, string> = {
  required: "Missing required value",
  enum: "Not an allowed value",
  format: "Wrong format",
  type: "Wrong type",
  items: "Wrong list item",
  uniqueItems: "Repeated list item",
  minimum: "Too small",
  maxLength: "Too long",
  "duplicate-key": "Duplicate record",
  "unknown-field": "Unknown field",
  order: "Dates out of order",
  "ragged-row": "Wrong number of values",
  csv: "Unreadable CSV",
  json: "Unreadable JSON",
};

/** Issues sent with the counts: enough to fill the table's first screen. */
const FIRST_WINDOW = 60;

export const keywordLabel = (keyword: string) => KEYWORD_LABELS[keyword] ?? keyword;

interface Props {
  pipeline: PipelineClient;
  context: string;
  fileName: string;
  onDownload: (fileName: string, content: Blob, mimeType: string) => void;
  onBack: () => void;
  onSubmit: () => void;
}

export function FixStep({ pipeline, context, fileName, onDownload, onBack, onSubmit }: Props) {
  const [filter, setFilter] = useState<IssueFilter>({ column: "", keyword: "" });
  const [view, setView] = useState<DatasetView & { filter: IssueFilter }>();
  const [find, setFind] = useState({ field: "", find: "", replace: "", matchCase: false, wholeCell: false });
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const fields = Object.keys(getSchema(context)?.properties ?? {});
  const base = fileName.replace(/\.[^.]+$/, "");

  useEffect(() => {
    let live = true;
    pipeline
      .view(filter, 0, FIRST_WINDOW)
      .then((next) => {
        if (live) setView({ ...next, filter });
      })
      .catch((e: Error) => setError(e.message));
    return () => {
      live = false;
    };
  }, [pipeline, filter, tick]);

  const act = (action: EditAction, message?: (n: number) => string) => {
    pipeline
      .edit(action)
      .then((n) => {
        if (message) setNotice(message(n));
        setTick((t) => t + 1);
      })
      .catch((e: Error) => setError(e.message));
  };

  const download = (kind: DownloadKind, name: string, mimeType: string) => {
    pipeline
      .download(kind)
      .then((blob) => onDownload(name, blob, mimeType))
      .catch((e: Error) => setError(e.message));
  };

  if (!view)
    return (
      <section class="step" aria-labelledby="fix-title">
        <h2 id="fix-title">Validate and fix</h2>
        {error ? <p role="alert">{error}</p> : <p role="status">Loading…</p>}
      </section>
    );

  const viewKey = `${view.version}|${view.filter.column}|${view.filter.keyword}`;
  return (
    <section class="step" aria-labelledby="fix-title">
      <h2 id="fix-title">Validate and fix</h2>
      <p role="status" aria-live="polite">
        {view.includedCount.toLocaleString()} rows · {view.errorCount.toLocaleString()} errors ·{" "}
        {view.warningCount.toLocaleString()} warnings{notice ? ` · ${notice}` : ""}
      </p>
      {error && <p role="alert">{error}</p>}

      <div class="row">
        <label>
          Column
          <select
            value={filter.column}
            onChange={(e) => setFilter({ ...filter, column: e.currentTarget.value })}
          >
            <option value="">All columns</option>
            {view.byColumn.map(([f, n]) => (
              <option key={f} value={f}>
                {f === WHOLE_ROW ? "Whole row" : f} ({n})
              </option>
            ))}
          </select>
        </label>
        <label>
          Error
          <select
            value={filter.keyword}
            onChange={(e) => setFilter({ ...filter, keyword: e.currentTarget.value })}
          >
            <option value="">All errors</option>
            {view.byKeyword.map(([k, n]) => (
              <option key={k} value={k}>
                {keywordLabel(k)} ({n})
              </option>
            ))}
          </select>
        </label>
      </div>

      <div class="row">
        <button
          type="button"
          disabled={view.suggestibleCount === 0}
          onClick={() => act({ type: "suggest-all", filter: view.filter }, (n) => `${n} rows fixed`)}
        >
          Accept {view.suggestibleCount} suggested fixes
        </button>
        <button
          type="button"
          disabled={!view.hasDuplicates}
          onClick={() => act({ type: "keep", keep: "first" }, (n) => `${n} duplicate rows left out`)}
        >
          Duplicates: keep first
        </button>
        <button
          type="button"
          disabled={!view.hasDuplicates}
          onClick={() => act({ type: "keep", keep: "last" }, (n) => `${n} duplicate rows left out`)}
        >
          Duplicates: keep last
        </button>
      </div>

      <ErrorTable
        total={view.shownCount}
        version={viewKey}
        initial={{ version: viewKey, start: view.start, rows: view.rows }}
        load={(start, end) => pipeline.view(view.filter, start, end).then((v) => v.rows)}
        onAction={(action) => act(action)}
      />

      <form
        class="find-replace"
        aria-label="Find and replace in a column"
        onSubmit={(e) => {
          e.preventDefault();
          if (!find.field) return;
          act(
            {
              type: "replace",
              field: find.field,
              find: find.find,
              replacement: find.replace,
              options: { matchCase: find.matchCase, wholeCell: find.wholeCell },
            },
            (n) => `replaced in ${n} rows`,
          );
        }}
      >
        <label>
          In column
          <select value={find.field} onChange={(e) => setFind({ ...find, field: e.currentTarget.value })}>
            <option value="">Choose…</option>
            {fields.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label>
          Find
          <input value={find.find} onInput={(e) => setFind({ ...find, find: e.currentTarget.value })} />
        </label>
        <label>
          Replace with
          <input value={find.replace} onInput={(e) => setFind({ ...find, replace: e.currentTarget.value })} />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={find.matchCase}
            onChange={(e) => setFind({ ...find, matchCase: e.currentTarget.checked })}
          />
          Match case
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={find.wholeCell}
            onChange={(e) => setFind({ ...find, wholeCell: e.currentTarget.checked })}
          />
          Whole cell
        </label>
        <button type="submit" disabled={!find.field}>
          Replace all
        </button>
      </form>

      {view.warningCount > 0 && (
        <details>
          <summary>{view.warningCount} warnings (they do not block the upload)</summary>
          <ul>
            {view.warnings.map((w) => (
              <li key={`${w.row}|${w.pointer}|${w.keyword}`}>
                Row {w.row}
                {w.line ? ` (line ${w.line})` : ""}: {w.message}
              </li>
            ))}
          </ul>
        </details>
      )}

      <div class="row">
        <button type="button" onClick={() => download("errors", `${base}-errors.csv`, "text/csv")}>
          Download error report
        </button>
        <button type="button" onClick={() => download("csv", `${base}-corrected.csv`, "text/csv")}>
          Download corrected CSV
        </button>
        <button type="button" onClick={() => download("json", `${base}-corrected.json`, "application/json")}>
          Download corrected JSON
        </button>
      </div>
      <div class="row">
        <button type="button" onClick={onBack}>
          Change mapping
        </button>
        <button
          type="button"
          class="primary"
          disabled={view.errorCount > 0 || view.includedCount === 0}
          onClick={onSubmit}
        >
          Submit {view.includedCount.toLocaleString()} records
        </button>
      </div>
    </section>
  );
}
