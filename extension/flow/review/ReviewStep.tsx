// Step 5, Review: the file's own rows in a grid with the wrong cells marked, the problems grouped
// by column and rule beside it (above it when narrow) with "fix all like this", the focused cell's
// full message and suggestion under it (the allowed values, for a value an enum or a boolean has
// no place for), undo and redo for every edit, column-wide fixes, the downloads, then on to
// submit. The grid, the message and the footer fit the viewport together (fit-grid.ts). The
// dataset lives in the pipeline worker: this step shows its summary and windows of its rows, and
// sends edits.
import { CircleAlert, CircleCheck, Download, Redo2, TriangleAlert, Undo2 } from "lucide-preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { JsonValue } from "../../../schemas/index.ts";
import type { PipelineClient } from "../../pipeline/client.ts";
import type { DownloadKind } from "../../pipeline/protocol.ts";
import {
  cellText,
  type DuplicateKeep,
  type EditAction,
  type GridQuery,
  type GridRow,
  type ProblemGroup,
  type ProblemKind,
  type ReviewSummary,
  SOURCE_KEYWORDS,
  WHOLE_ROW,
} from "../../pipeline/protocol.ts";
import { count, plural } from "../../ui/format.ts";
import { announce } from "../../ui/LiveRegion.tsx";
import { useFittedGrid } from "./fit-grid.ts";
import { type Focus, Grid } from "./Grid.tsx";
import { columnLabel, kindLabel } from "./labels.ts";
import { ProblemsPanel } from "./ProblemsPanel.tsx";
import { Tools } from "./Tools.tsx";
import "./review.css";

const MESSAGE_ID = "review-message";
/** Warnings about the whole file listed at once; the rest behind a disclosure. */
const FILE_WARNINGS_SHOWN = 3;

interface Props {
  pipeline: PipelineClient;
  fileName: string;
  onDownload: (fileName: string, content: Blob, mimeType: string) => void;
  onBack: () => void;
  onSubmit: () => void;
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable);

export function ReviewStep({ pipeline, fileName, onDownload, onBack, onSubmit }: Props) {
  const [summary, setSummary] = useState<ReviewSummary>();
  const [problemsOnly, setProblemsOnly] = useState(false);
  const query = useMemo<GridQuery>(
    () => ({ problems: problemsOnly, column: "", keyword: "" }),
    [problemsOnly],
  );
  const [focus, setFocus] = useState<Focus>({ position: 0, col: 1 });
  const [focusRequest, setFocusRequest] = useState(0);
  const [focused, setFocused] = useState<GridRow>();
  // The column the message below the grid is about, set with `focused` so both change in one render.
  const [focusedCol, setFocusedCol] = useState(1);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState<string>();
  const busy = useRef(false);
  const main = useRef<HTMLDivElement>(null);
  useFittedGrid(main, summary !== undefined);
  // After a jump from the problems panel, the cell and its message are brought into view together
  // (the page scrolls as little as it can, clear of the footer).
  const reveal = useRef(false);
  useEffect(() => {
    if (!reveal.current || !focused) return;
    reveal.current = false;
    main.current?.scrollIntoView?.({ block: "nearest" });
  }, [focused]);
  const base = fileName.replace(/\.[^.]+$/, "");

  const fail = (e: Error) => setError(e.message);
  const refresh = () => pipeline.summary().then(setSummary);
  useEffect(() => {
    refresh().catch(fail);
  }, [pipeline]);

  const say = (text: string) => {
    setNotice(text);
    announce(text);
  };

  /** Runs one change, then shows the new state; the keyboard focus stays where it was (or returns to the grid). */
  const run = async (work: () => Promise<number>, message: (n: number) => string) => {
    if (busy.current) return;
    busy.current = true;
    setError(undefined);
    setNotice("Working…");
    try {
      const n = await work();
      await refresh();
      say(message(n));
    } catch (e) {
      fail(e as Error);
    } finally {
      busy.current = false;
      // A button that went away with its problem takes the focus with it: back to the grid.
      setTimeout(() => {
        if (!document.activeElement || document.activeElement === document.body)
          setFocusRequest((n) => n + 1);
      }, 0);
    }
  };
  const edit = (action: EditAction, message: (n: number) => string) =>
    run(() => pipeline.edit(action), message);
  const undo = () => {
    const label = summary?.undo;
    if (label)
      void run(
        () => pipeline.undo(),
        () => `Undone: ${label}`,
      );
  };
  const redo = () => {
    const label = summary?.redo;
    if (label)
      void run(
        () => pipeline.redo(),
        () => `Redone: ${label}`,
      );
  };

  const jump = async (kind: ProblemKind, direction: 1 | -1 | 0) => {
    if (!summary) return;
    const from = direction === 0 ? 0 : (focused?.row ?? 0);
    const place = await pipeline.locate(query, kind, from, direction === 0 ? 1 : direction).catch(() => null);
    if (!place || place.position < 0) return;
    const col = kind.column === WHOLE_ROW ? 0 : summary.columns.indexOf(place.field) + 1;
    setFocus({ position: place.position, col: Math.max(0, col) });
    setFocusRequest((n) => n + 1);
    reveal.current = true;
    announce(
      `${kindLabel(kind)}: ${count(place.index + 1)} of ${count(place.count)}, row ${count(place.row)}`,
    );
  };

  const toggleProblems = async (on: boolean) => {
    const next: GridQuery = { ...query, problems: on };
    const position = await pipeline.position(next, focused?.row ?? 1).catch(() => 0);
    setProblemsOnly(on);
    setFocus({ position: Math.max(0, position), col: focus.col });
  };

  const download = (kind: DownloadKind, name: string, mimeType: string) => {
    pipeline
      .download(kind)
      .then((blob) => onDownload(name, blob, mimeType))
      .catch(fail);
  };

  if (!summary)
    return (
      <section class="step" aria-labelledby="review-title">
        <h2 class="step-title" id="review-title" tabIndex={-1}>
          Review
        </h2>
        {error ? (
          <div class="banner banner--danger" role="alert">
            <p>{error}</p>
          </div>
        ) : (
          <p class="muted">Loading the rows…</p>
        )}
      </section>
    );

  const { columns } = summary;
  const blocked = summary.errorCount > 0 || summary.includedCount === 0;
  const fixKind = (g: ProblemGroup) =>
    void edit(
      { type: "fix-kind", kind: { column: g.column, keyword: g.keyword, level: g.level } },
      (n) => `Fixed ${columnLabel(g.column)} in ${plural(n, "row")}`,
    );
  const excludeKind = (g: ProblemGroup) =>
    void edit(
      { type: "exclude-kind", kind: { column: g.column, keyword: g.keyword, level: g.level } },
      (n) => `Left out ${plural(n, "row")}`,
    );
  const keepDuplicates = (keep: DuplicateKeep, row?: number) =>
    void edit(
      row === undefined ? { type: "keep", keep } : { type: "keep", keep, row },
      (n) => `Left out ${plural(n, "duplicate row")}`,
    );

  const submit = () => {
    if (!blocked) return onSubmit();
    if (summary.includedCount === 0) return say("Every row is left out: put a row back to submit");
    say(`Fix or leave out the rows with ${plural(summary.errorCount, "error")} first`);
    const first = summary.groups.find((g) => g.level === "error");
    if (first) void jump(first, 0);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || isTyping(e.target)) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) undo();
    else if ((key === "z" && e.shiftKey) || key === "y") redo();
    else return;
    e.preventDefault();
  };

  const field = focusedCol > 0 ? columns[focusedCol - 1] : undefined;
  const cell = focused && focusedCol > 0 ? focused.cells[focusedCol - 1] : undefined;
  const messages = focused
    ? [
        ...(cell?.errors ?? []).map((issue) => ({ issue, level: "error" as const })),
        ...(cell?.warnings ?? []).map((issue) => ({ issue, level: "warning" as const })),
        ...focused.errors.map((issue) => ({ issue, level: "error" as const })),
        ...focused.warnings.map((issue) => ({ issue, level: "warning" as const })),
      ]
    : [];
  // A value a closed set has no place for (an enum, a boolean) is never guessed: its choices are
  // offered here, for every cell of the column holding the same value (as a value map would).
  const allowed = field && Object.hasOwn(summary.choices, field) ? summary.choices[field] : undefined;
  const offered =
    allowed && cell?.errors?.length && cell.text.trim() !== "" && !allowed.includes(cell.text)
      ? { field: field as string, value: cell.text, allowed }
      : undefined;
  const choose = (fieldName: string, value: string, choice: string) =>
    void edit(
      {
        type: "replace",
        field: fieldName,
        find: value,
        replacement: choice,
        options: { wholeCell: true, matchCase: true },
      },
      (n) => `“${value}” became ${choice} in ${plural(n, "row")}`,
    );
  const useSuggestion = (row: number, fieldName: string, suggestion: JsonValue) =>
    void edit(
      { type: "suggest", fixes: [{ row, field: fieldName, suggestion }] },
      () => `Used ${cellText(suggestion)} in row ${count(row)}`,
    );

  return (
    <section class="step review" aria-labelledby="review-title" onKeyDown={onKeyDown}>
      <div class="review-top">
        <div>
          <h2 class="step-title" id="review-title" tabIndex={-1}>
            Review
          </h2>
          <p class="step-lede num">
            {plural(summary.rowCount, "row")} · {plural(summary.errorCount, "error")}
            {summary.warningCount > 0 ? ` · ${plural(summary.warningCount, "warning")}` : ""}
            {summary.includedCount < summary.rowCount
              ? ` · ${plural(summary.rowCount - summary.includedCount, "row")} left out`
              : ""}
          </p>
        </div>
        <div class="review-toolbar">
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              aria-checked={problemsOnly}
              checked={problemsOnly}
              onChange={(e) => void toggleProblems(e.currentTarget.checked)}
            />
            Only rows with problems
          </label>
          <span class="review-history">
            <button
              type="button"
              class="btn btn--secondary btn--small"
              disabled={!summary.undo}
              aria-keyshortcuts="Control+Z"
              title={summary.undo ? `Undo the ${summary.undo}` : "Nothing to undo"}
              onClick={undo}
            >
              <Undo2 aria-hidden="true" />
              <span class="review-narrow-hidden">Undo</span>
            </button>
            <button
              type="button"
              class="btn btn--secondary btn--small"
              disabled={!summary.redo}
              aria-keyshortcuts="Control+Shift+Z"
              title={summary.redo ? `Redo the ${summary.redo}` : "Nothing to redo"}
              onClick={redo}
            >
              <Redo2 aria-hidden="true" />
              <span class="review-narrow-hidden">Redo</span>
            </button>
          </span>
        </div>
      </div>

      {error && (
        <div class="banner banner--danger" role="alert">
          <CircleAlert aria-hidden="true" />
          <p>{error}</p>
        </div>
      )}
      {notice && <p class="review-notice muted">{notice}</p>}

      {summary.errorCount === 0 && summary.includedCount > 0 && (
        <div class="empty-state review-ready">
          <CircleCheck aria-hidden="true" />
          <p>
            No problems — ready to submit {plural(summary.includedCount, "record")}
            {summary.warningCount > 0
              ? ` (${plural(summary.warningCount, "warning")} to look at; they do not block it)`
              : ""}
          </p>
        </div>
      )}

      {/* Above the grid, so they are in view: a long list opens on demand. */}
      {summary.datasetWarnings.length > 0 && (
        <div class="banner banner--warning" role="status">
          <TriangleAlert aria-hidden="true" />
          <div class="banner-body">
            <p class="banner-title">
              {plural(summary.datasetWarnings.length, "warning")} about the whole file (they do not block the
              upload)
            </p>
            <ul>
              {summary.datasetWarnings.slice(0, FILE_WARNINGS_SHOWN).map((w) => (
                <li key={`${w.pointer}|${w.keyword}|${w.message}`}>{w.message}</li>
              ))}
            </ul>
            {summary.datasetWarnings.length > FILE_WARNINGS_SHOWN && (
              <details class="details">
                <summary>
                  {plural(summary.datasetWarnings.length - FILE_WARNINGS_SHOWN, "more warning")}
                </summary>
                <ul>
                  {summary.datasetWarnings.slice(FILE_WARNINGS_SHOWN).map((w) => (
                    <li key={`${w.pointer}|${w.keyword}|${w.message}`}>{w.message}</li>
                  ))}
                </ul>
              </details>
            )}
          </div>
        </div>
      )}

      <div class={`review-layout${summary.groups.length === 0 ? " review-layout--single" : ""}`}>
        {summary.groups.length > 0 && (
          <ProblemsPanel
            summary={summary}
            onJump={(kind, direction) => void jump(kind, direction)}
            onFix={fixKind}
            onExclude={excludeKind}
            onKeepDuplicates={(keep) => keepDuplicates(keep)}
          />
        )}
        <div class="review-main" ref={main}>
          {problemsOnly && summary.problemRowCount === 0 ? (
            <p class="muted review-none">No rows with problems.</p>
          ) : (
            <Grid
              pipeline={pipeline}
              columns={columns}
              query={query}
              version={summary.version}
              focus={focus}
              onFocus={setFocus}
              focusRequest={focusRequest}
              onFocusedRow={(row) => {
                setFocused(row);
                setFocusedCol(focus.col);
              }}
              onEdit={(row, name, value) =>
                void edit(
                  { type: "set", row, field: name, value },
                  () => `Changed ${name} in row ${count(row)}`,
                )
              }
              messageId={MESSAGE_ID}
            />
          )}
          <div class="review-message">
            {focused ? (
              <>
                <div id={MESSAGE_ID}>
                  <p class="review-message-where">
                    <strong>{field ?? "Row"}</strong> · row {count(focused.row)}
                    {focused.line !== undefined ? ` (line ${count(focused.line)})` : ""}
                    {focused.excluded ? " · left out of the upload" : ""}
                  </p>
                  {messages.map(({ issue, level }) => (
                    <div
                      key={`${issue.pointer}|${issue.keyword}|${level}`}
                      class={`review-issue review-issue--${level}`}
                    >
                      {level === "error" ? (
                        <CircleAlert class="review-mark" aria-hidden="true" />
                      ) : (
                        <TriangleAlert class="review-mark" aria-hidden="true" />
                      )}
                      <div>
                        <p>
                          <span class="sr-only">{level === "error" ? "Error: " : "Warning: "}</span>
                          {issue.message}
                        </p>
                        {issue.suggestion !== undefined && issue.field && (
                          <p class="review-suggestion">
                            Suggested: <code>{cellText(issue.suggestion)}</code>{" "}
                            <button
                              type="button"
                              class="btn btn--secondary btn--small"
                              onClick={() =>
                                useSuggestion(issue.row, issue.field, issue.suggestion as JsonValue)
                              }
                            >
                              Use {cellText(issue.suggestion)}
                            </button>
                          </p>
                        )}
                        {issue.keyword === "duplicate-key" && (
                          <p class="btn-row review-inline-actions">
                            <button
                              type="button"
                              class="btn btn--ghost btn--small"
                              onClick={() => keepDuplicates("first", issue.row)}
                            >
                              Keep the first of these rows
                            </button>
                            <button
                              type="button"
                              class="btn btn--ghost btn--small"
                              onClick={() => keepDuplicates("last", issue.row)}
                            >
                              Keep the last of these rows
                            </button>
                          </p>
                        )}
                        {SOURCE_KEYWORDS.has(issue.keyword) && (
                          <p class="btn-row review-inline-actions">
                            <button
                              type="button"
                              class="btn btn--ghost btn--small"
                              onClick={() =>
                                void edit(
                                  { type: "keep-row", row: issue.row },
                                  () => `Kept row ${count(issue.row)} as read`,
                                )
                              }
                            >
                              Keep row {count(issue.row)} as read
                            </button>
                          </p>
                        )}
                      </div>
                    </div>
                  ))}
                  {offered && (
                    <fieldset class="review-choices">
                      <legend>
                        Every “{offered.value}” in {offered.field} becomes
                      </legend>
                      <div class="btn-row review-inline-actions">
                        {offered.allowed.map((choice) => (
                          <button
                            key={choice}
                            type="button"
                            class="btn btn--secondary btn--small"
                            onClick={() => choose(offered.field, offered.value, choice)}
                          >
                            {choice}
                          </button>
                        ))}
                      </div>
                    </fieldset>
                  )}
                  {messages.length === 0 && (
                    <p class="muted">
                      {focusedCol > 0
                        ? `“${cell?.text ?? ""}” — no problems here.`
                        : "No problems in this row."}{" "}
                      Enter or F2 edits a cell.
                    </p>
                  )}
                </div>
                <p class="btn-row review-inline-actions">
                  <button
                    type="button"
                    class="btn btn--ghost btn--small"
                    onClick={() =>
                      void edit({ type: "exclude", row: focused.row, excluded: !focused.excluded }, () =>
                        focused.excluded
                          ? `Put row ${count(focused.row)} back`
                          : `Left out row ${count(focused.row)}`,
                      )
                    }
                  >
                    {focused.excluded
                      ? `Put row ${count(focused.row)} back`
                      : `Leave row ${count(focused.row)} out`}
                  </button>
                </p>
              </>
            ) : (
              <p class="muted">{summary.rowCount === 0 ? "The file has no rows." : "Loading the rows…"}</p>
            )}
          </div>
        </div>
      </div>

      <Tools
        pipeline={pipeline}
        columns={columns}
        version={summary.version}
        onRun={(action, message) => void edit(action, message)}
      />

      <div class="btn-row review-downloads">
        <button
          type="button"
          class="btn btn--ghost btn--small"
          onClick={() => download("errors", `${base}-errors.csv`, "text/csv")}
        >
          <Download aria-hidden="true" />
          Download error report
        </button>
        <button
          type="button"
          class="btn btn--ghost btn--small"
          onClick={() => download("csv", `${base}-corrected.csv`, "text/csv")}
        >
          <Download aria-hidden="true" />
          Download corrected CSV
        </button>
        <button
          type="button"
          class="btn btn--ghost btn--small"
          onClick={() => download("json", `${base}-corrected.json`, "application/json")}
        >
          <Download aria-hidden="true" />
          Download corrected JSON
        </button>
      </div>

      <footer class="step-footer">
        <button type="button" class="btn btn--secondary" onClick={onBack}>
          Back
        </button>
        {blocked && (
          <span class="footer-note">
            {summary.includedCount === 0
              ? "Every row is left out"
              : `${plural(summary.errorCount, "error")} left`}
          </span>
        )}
        <button type="button" class="btn btn--primary" aria-disabled={blocked} onClick={submit}>
          <span class="review-narrow-hidden">Review changes →</span>
          {` Submit ${plural(summary.includedCount, "record")}`}
        </button>
      </footer>
    </section>
  );
}
