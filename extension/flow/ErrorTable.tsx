// The error table: row, source line, column, value (editable in place), message and one-click
// fixes. Virtualized over the pipeline's issue list: only the rows in view are asked for and
// rendered, so 100k errors cost a screenful.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Issue, JsonValue } from "../../schemas/index.ts";
import type { EditAction, IssueRow } from "../pipeline/dataset.ts";
import { useVirtualRows } from "./use-virtual-rows.ts";

const ROW_HEIGHT = 44;
/** Rows asked for beyond the ones in view, each side. */
const MARGIN = 30;
const SOURCE_KEYWORDS = new Set(["ragged-row", "csv", "json"]);

const text = (value: JsonValue | undefined) =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);

export const issueKey = (issue: Issue) => `${issue.row}|${issue.pointer}|${issue.keyword}`;

/** Issues start.. of the list as of `version`. */
export interface IssueWindow {
  version: string;
  start: number;
  rows: IssueRow[];
}

interface Props {
  /** How many issues the list holds, and its version (it changes with every edit and filter). */
  total: number;
  version: string;
  /** The window already at hand (the first rows, sent with the counts). */
  initial: IssueWindow;
  load: (start: number, end: number) => Promise<IssueRow[]>;
  onAction: (action: EditAction) => void;
}

function CellEditor({ row, onAction }: { row: IssueRow; onAction: (action: EditAction) => void }) {
  const { issue } = row;
  const current = row.current ?? "";
  const [value, setValue] = useState(current);
  const commit = () => {
    if (value === current) return;
    onAction({ type: "set", row: issue.row, field: issue.field, value });
  };
  return (
    <input
      class="cell-input"
      aria-label={`${issue.field} in row ${issue.row}`}
      value={value}
      onInput={(e) => setValue(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
        if (e.key === "Escape") setValue(current);
      }}
    />
  );
}

function Actions({ issue, onAction }: { issue: Issue; onAction: (action: EditAction) => void }) {
  return (
    <span class="actions">
      {issue.suggestion !== undefined && (
        <button
          type="button"
          aria-label={`Use suggested value ${text(issue.suggestion)} for ${issue.field} in row ${issue.row}`}
          onClick={() =>
            onAction({
              type: "suggest",
              fixes: [{ row: issue.row, field: issue.field, suggestion: issue.suggestion as JsonValue }],
            })
          }
        >
          Use “{text(issue.suggestion)}”
        </button>
      )}
      {issue.keyword === "duplicate-key" && (
        <>
          <button
            type="button"
            aria-label={`Keep the first of the rows duplicating row ${issue.row}`}
            onClick={() => onAction({ type: "keep", keep: "first", row: issue.row })}
          >
            Keep first
          </button>
          <button
            type="button"
            aria-label={`Keep the last of the rows duplicating row ${issue.row}`}
            onClick={() => onAction({ type: "keep", keep: "last", row: issue.row })}
          >
            Keep last
          </button>
        </>
      )}
      {SOURCE_KEYWORDS.has(issue.keyword) && (
        <button
          type="button"
          aria-label={`Keep row ${issue.row} as read`}
          onClick={() => onAction({ type: "keep-row", row: issue.row })}
        >
          Keep row
        </button>
      )}
      <button
        type="button"
        aria-label={`Leave row ${issue.row} out of the upload`}
        onClick={() => onAction({ type: "exclude", row: issue.row, excluded: true })}
      >
        Exclude row
      </button>
    </span>
  );
}

export function ErrorTable({ total, version, initial, load, onAction }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<IssueWindow>();
  const asked = useRef("");
  const virtualizer = useVirtualRows({
    count: total,
    getScrollElement: () => scrollRef.current,
    rowHeight: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const slice = loaded && loaded.version === version ? loaded : initial;
  const first = items[0]?.index ?? 0;
  const last = (items.at(-1)?.index ?? -1) + 1;
  const covered =
    slice.version === version && first >= slice.start && last <= slice.start + slice.rows.length;

  useEffect(() => {
    if (covered || last <= first) return;
    const start = Math.max(0, first - MARGIN);
    const end = Math.min(total, last + MARGIN);
    const key = `${version}|${start}|${end}`;
    if (asked.current === key) return;
    asked.current = key;
    let live = true;
    load(start, end)
      .then((rows) => {
        if (live) setLoaded({ version, start, rows });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [covered, first, last, version, total]);

  // Padding stands in for the rows not rendered, so the scrollbar matches the whole list.
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scrollRef} class="error-scroll">
      <div style={{ paddingTop: `${before}px`, paddingBottom: `${after}px` }}>
        <table aria-label="Errors" aria-rowcount={total + 1} class="error-table">
          <colgroup>
            <col class="c-row" />
            <col class="c-line" />
            <col class="c-field" />
            <col class="c-value" />
            <col />
            <col class="c-fix" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">Row</th>
              <th scope="col">Line</th>
              <th scope="col">Column</th>
              <th scope="col">Value</th>
              <th scope="col">Problem</th>
              <th scope="col">Fix</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const row = slice.version === version ? slice.rows[item.index - slice.start] : undefined;
              if (!row)
                return (
                  <tr
                    key={`loading|${item.index}`}
                    aria-rowindex={item.index + 2}
                    style={{ height: `${ROW_HEIGHT}px` }}
                  >
                    <td colSpan={6} />
                  </tr>
                );
              const { issue } = row;
              return (
                <tr
                  key={`${issueKey(issue)}|${version}`}
                  aria-rowindex={item.index + 2}
                  style={{ height: `${ROW_HEIGHT}px` }}
                >
                  <td>{issue.row}</td>
                  <td>{issue.line ?? ""}</td>
                  <td>{issue.field}</td>
                  <td>
                    {issue.field && !SOURCE_KEYWORDS.has(issue.keyword) ? (
                      <CellEditor row={row} onAction={onAction} />
                    ) : (
                      text(issue.value)
                    )}
                  </td>
                  <td class="message" title={issue.message}>
                    {issue.message}
                  </td>
                  <td>
                    <Actions issue={issue} onAction={onAction} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
