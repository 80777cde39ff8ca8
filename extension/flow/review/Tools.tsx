// Column-wide fixes beyond "fix all like this": find and replace, fill the empty cells, leave out
// the rows that match, trim spaces. Each says how many rows it would change before it runs.
import { useEffect, useState } from "preact/hooks";
import type { PipelineClient } from "../../pipeline/client.ts";
import type { EditAction, EditPreview } from "../../pipeline/protocol.ts";
import { plural } from "../../ui/format.ts";

interface Props {
  pipeline: PipelineClient;
  columns: string[];
  version: number;
  onRun: (action: EditAction, done: (n: number) => string) => void;
}

/** The preview of `action` for the dataset's `version` (undefined while asked, or without an action). */
function usePreview(
  pipeline: PipelineClient,
  wanted: EditAction | undefined,
  version: number,
  open: boolean,
) {
  const action = open ? wanted : undefined;
  const [preview, setPreview] = useState<EditPreview>();
  const key = JSON.stringify(action ?? null);
  useEffect(() => {
    setPreview(undefined);
    if (!action) return;
    let live = true;
    const timer = setTimeout(() => {
      pipeline
        .preview(action)
        .then((p) => {
          if (live) setPreview(p);
        })
        .catch(() => {});
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, version]);
  return preview;
}

export function Tools({ pipeline, columns, version, onRun }: Props) {
  const [field, setField] = useState(columns[0] ?? "");
  const [find, setFind] = useState("");
  const [replacement, setReplacement] = useState("");
  const [matchCase, setMatchCase] = useState(false);
  const [wholeCell, setWholeCell] = useState(false);
  const [fill, setFill] = useState("");
  const [open, setOpen] = useState(false);
  const options = { matchCase, wholeCell };
  const canFind = find !== "" || wholeCell;
  const replace: EditAction | undefined =
    field && canFind ? { type: "replace", field, find, replacement, options } : undefined;
  const leaveOut: EditAction | undefined =
    field && canFind ? { type: "exclude-where", field, find, options } : undefined;
  const fillAction: EditAction | undefined =
    field && fill.trim() ? { type: "fill", field, value: fill } : undefined;
  const replacePreview = usePreview(pipeline, replace, version, open);
  const leaveOutPreview = usePreview(pipeline, leaveOut, version, open);
  const fillPreview = usePreview(pipeline, fillAction, version, open);
  const emptyPreview = usePreview(
    pipeline,
    field ? { type: "exclude-where", field, find: "", options: { wholeCell: true } } : undefined,
    version,
    open,
  );

  return (
    <details class="review-tools card" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>More fixes: find and replace, fill empty cells, leave rows out</summary>
      <div class="review-tools-body">
        <div class="field">
          <label for="review-tools-column">Column</label>
          <select
            id="review-tools-column"
            class="select"
            value={field}
            onChange={(e) => setField(e.currentTarget.value)}
          >
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="review-tools-group">
          <legend>Find and replace</legend>
          <div class="review-tools-row">
            <div class="field">
              <label for="review-find">Find</label>
              <input
                id="review-find"
                class="input"
                value={find}
                onInput={(e) => setFind(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="review-replace">Replace with</label>
              <input
                id="review-replace"
                class="input"
                value={replacement}
                onInput={(e) => setReplacement(e.currentTarget.value)}
              />
            </div>
          </div>
          <div class="review-tools-row">
            <label class="checkbox">
              <input
                type="checkbox"
                checked={matchCase}
                onChange={(e) => setMatchCase(e.currentTarget.checked)}
              />
              Match case
            </label>
            <label class="checkbox">
              <input
                type="checkbox"
                checked={wholeCell}
                onChange={(e) => setWholeCell(e.currentTarget.checked)}
              />
              Whole cell
            </label>
          </div>
          <div class="btn-row">
            <button
              type="button"
              class="btn btn--secondary btn--small"
              disabled={!replace || !replacePreview?.rows}
              onClick={() => replace && onRun(replace, (n) => `Replaced in ${plural(n, "row")}`)}
            >
              {replacePreview ? `Replace in ${plural(replacePreview.rows, "row")}` : "Replace"}
            </button>
            <button
              type="button"
              class="btn btn--ghost btn--small"
              disabled={!leaveOut || !leaveOutPreview?.rows}
              onClick={() => leaveOut && onRun(leaveOut, (n) => `Left out ${plural(n, "row")}`)}
            >
              {leaveOutPreview
                ? `Leave out ${plural(leaveOutPreview.rows, "matching row")}`
                : "Leave out matching rows"}
            </button>
          </div>
        </fieldset>
        <fieldset class="review-tools-group">
          <legend>Empty cells</legend>
          <div class="field">
            <label for="review-fill">Fill empty cells with</label>
            <input
              id="review-fill"
              class="input"
              value={fill}
              onInput={(e) => setFill(e.currentTarget.value)}
            />
          </div>
          <div class="btn-row">
            <button
              type="button"
              class="btn btn--secondary btn--small"
              disabled={!fillAction || !fillPreview?.rows}
              onClick={() => fillAction && onRun(fillAction, (n) => `Filled ${plural(n, "empty cell")}`)}
            >
              {fillPreview ? `Fill ${plural(fillPreview.rows, "empty cell")}` : "Fill empty cells"}
            </button>
            <button
              type="button"
              class="btn btn--ghost btn--small"
              disabled={!emptyPreview?.rows}
              onClick={() =>
                onRun(
                  { type: "exclude-where", field, find: "", options: { wholeCell: true } },
                  (n) => `Left out ${plural(n, "row")}`,
                )
              }
            >
              {emptyPreview
                ? `Leave out ${plural(emptyPreview.rows, "row")} with it empty`
                : "Leave out rows with it empty"}
            </button>
            <button
              type="button"
              class="btn btn--ghost btn--small"
              disabled={!field}
              onClick={() => onRun({ type: "trim", field }, (n) => `Trimmed spaces in ${plural(n, "row")}`)}
            >
              Trim spaces
            </button>
          </div>
        </fieldset>
      </div>
    </details>
  );
}
