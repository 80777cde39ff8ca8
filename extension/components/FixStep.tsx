// Step 5: see every error, filter, fix in place, find/replace, accept suggestions, resolve
// duplicates, export the report or the corrected file, then go on to submit.
import { useMemo, useState } from "preact/hooks";
import type { Issue } from "../../schemas/index.ts";
import type { DatasetEditor } from "../dataset-editor.ts";
import { correctedCsv, correctedJson, errorReportCsv } from "../export.ts";
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

const WHOLE_ROW = "\u0000row";

export const keywordLabel = (keyword: string) => KEYWORD_LABELS[keyword] ?? keyword;

interface Props {
  editor: DatasetEditor;
  fileName: string;
  onDownload: (fileName: string, content: string, mimeType: string) => void;
  onBack: () => void;
  onSubmit: () => void;
}

function counts(issues: Issue[], by: (i: Issue) => string): [string, number][] {
  const map = new Map<string, number>();
  for (const issue of issues) map.set(by(issue), (map.get(by(issue)) ?? 0) + 1);
  return [...map].sort((a, b) => b[1] - a[1]);
}

export function FixStep({ editor, fileName, onDownload, onBack, onSubmit }: Props) {
  const [version, setVersion] = useState(editor.version);
  const [column, setColumn] = useState("");
  const [keyword, setKeyword] = useState("");
  const [find, setFind] = useState({ field: "", find: "", replace: "", matchCase: false, wholeCell: false });
  const [notice, setNotice] = useState("");
  const refresh = () => setVersion(editor.version);

  // `version` changes whenever the editor's rows do.
  const all = useMemo(() => editor.errors(), [editor, version]);
  const shown = useMemo(
    () =>
      all.filter(
        (i) =>
          (!column || (column === WHOLE_ROW ? i.field === "" : i.field === column)) &&
          (!keyword || i.keyword === keyword),
      ),
    [all, column, keyword],
  );
  const warnings = useMemo(() => editor.warnings(), [editor, version]);
  const fields = Object.keys(editor.schema.properties);
  const suggestible = shown.filter((i) => i.suggestion !== undefined);
  const hasDuplicates = all.some((i) => i.keyword === "duplicate-key");
  const base = fileName.replace(/\.[^.]+$/, "");

  const act = (message: string) => {
    setNotice(message);
    refresh();
  };

  return (
    <section class="step" aria-labelledby="fix-title">
      <h2 id="fix-title">Validate and fix</h2>
      <p role="status" aria-live="polite">
        {editor.includedCount.toLocaleString()} rows · {all.length.toLocaleString()} errors ·{" "}
        {warnings.length.toLocaleString()} warnings{notice ? ` · ${notice}` : ""}
      </p>

      <div class="row">
        <label>
          Column
          <select value={column} onChange={(e) => setColumn(e.currentTarget.value)}>
            <option value="">All columns</option>
            {counts(all, (i) => i.field || WHOLE_ROW).map(([f, n]) => (
              <option key={f} value={f}>
                {f === WHOLE_ROW ? "Whole row" : f} ({n})
              </option>
            ))}
          </select>
        </label>
        <label>
          Error
          <select value={keyword} onChange={(e) => setKeyword(e.currentTarget.value)}>
            <option value="">All errors</option>
            {counts(all, (i) => i.keyword).map(([k, n]) => (
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
          disabled={suggestible.length === 0}
          onClick={() => act(`${editor.applySuggestions(suggestible)} rows fixed`)}
        >
          Accept {suggestible.length} suggested fixes
        </button>
        <button
          type="button"
          disabled={!hasDuplicates}
          onClick={() => act(`${editor.keepDuplicates("first")} duplicate rows left out`)}
        >
          Duplicates: keep first
        </button>
        <button
          type="button"
          disabled={!hasDuplicates}
          onClick={() => act(`${editor.keepDuplicates("last")} duplicate rows left out`)}
        >
          Duplicates: keep last
        </button>
      </div>

      <ErrorTable editor={editor} issues={shown} onChange={refresh} />

      <form
        class="find-replace"
        aria-label="Find and replace in a column"
        onSubmit={(e) => {
          e.preventDefault();
          if (!find.field) return;
          const n = editor.replaceInColumn(find.field, find.find, find.replace, find);
          act(`replaced in ${n} rows`);
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

      {warnings.length > 0 && (
        <details>
          <summary>{warnings.length} warnings (they do not block the upload)</summary>
          <ul>
            {warnings.slice(0, 200).map((w) => (
              <li key={`${w.row}|${w.pointer}|${w.keyword}`}>
                Row {w.row}
                {w.line ? ` (line ${w.line})` : ""}: {w.message}
              </li>
            ))}
          </ul>
        </details>
      )}

      <div class="row">
        <button
          type="button"
          onClick={() => onDownload(`${base}-errors.csv`, errorReportCsv(all), "text/csv")}
        >
          Download error report
        </button>
        <button
          type="button"
          onClick={() => onDownload(`${base}-corrected.csv`, correctedCsv(editor), "text/csv")}
        >
          Download corrected CSV
        </button>
        <button
          type="button"
          onClick={() => onDownload(`${base}-corrected.json`, correctedJson(editor), "application/json")}
        >
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
          disabled={all.length > 0 || editor.includedCount === 0}
          onClick={onSubmit}
        >
          Submit {editor.includedCount.toLocaleString()} records
        </button>
      </div>
    </section>
  );
}
