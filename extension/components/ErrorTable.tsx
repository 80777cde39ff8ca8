// The error table: row, source line, column, value (editable in place), message and one-click
// fixes. Virtualized, so 100k errors render as fast as a screenful.
import { useRef, useState } from "preact/hooks";
import type { Issue, JsonValue } from "../../schemas/index.ts";
import type { DatasetEditor } from "../dataset-editor.ts";
import { useVirtualRows } from "./use-virtual-rows.ts";

const ROW_HEIGHT = 44;
const SOURCE_KEYWORDS = new Set(["ragged-row", "csv", "json"]);

const text = (value: JsonValue | undefined) =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);

export const issueKey = (issue: Issue) => `${issue.row}|${issue.pointer}|${issue.keyword}`;

interface Props {
  editor: DatasetEditor;
  issues: Issue[];
  onChange: () => void;
}

function CellEditor({
  editor,
  issue,
  onChange,
}: {
  editor: DatasetEditor;
  issue: Issue;
  onChange: () => void;
}) {
  const state = editor.row(issue.row);
  const raw = state?.raw;
  const current =
    raw !== null && typeof raw === "object" && !Array.isArray(raw) && Object.hasOwn(raw, issue.field)
      ? text(raw[issue.field])
      : "";
  const [value, setValue] = useState(current);
  const commit = () => {
    if (value === current) return;
    editor.setValue(issue.row, issue.field, value);
    onChange();
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

function Actions({ editor, issue, onChange }: { editor: DatasetEditor; issue: Issue; onChange: () => void }) {
  const run = (action: () => void) => () => {
    action();
    onChange();
  };
  return (
    <span class="actions">
      {issue.suggestion !== undefined && (
        <button
          type="button"
          aria-label={`Use suggested value ${text(issue.suggestion)} for ${issue.field} in row ${issue.row}`}
          onClick={run(() => editor.applySuggestion(issue))}
        >
          Use “{text(issue.suggestion)}”
        </button>
      )}
      {issue.keyword === "duplicate-key" && (
        <>
          <button
            type="button"
            aria-label={`Keep the first of the rows duplicating row ${issue.row}`}
            onClick={run(() => editor.keepDuplicates("first", issue.row))}
          >
            Keep first
          </button>
          <button
            type="button"
            aria-label={`Keep the last of the rows duplicating row ${issue.row}`}
            onClick={run(() => editor.keepDuplicates("last", issue.row))}
          >
            Keep last
          </button>
        </>
      )}
      {SOURCE_KEYWORDS.has(issue.keyword) && (
        <button
          type="button"
          aria-label={`Keep row ${issue.row} as read`}
          onClick={run(() => editor.acceptSourceIssues(issue.row))}
        >
          Keep row
        </button>
      )}
      <button
        type="button"
        aria-label={`Leave row ${issue.row} out of the upload`}
        onClick={run(() => editor.setExcluded(issue.row, true))}
      >
        Exclude row
      </button>
    </span>
  );
}

export function ErrorTable({ editor, issues, onChange }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({
    count: issues.length,
    getScrollElement: () => scrollRef.current,
    rowHeight: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  // Padding stands in for the rows not rendered, so the scrollbar matches the whole list.
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scrollRef} class="error-scroll">
      <div style={{ paddingTop: `${before}px`, paddingBottom: `${after}px` }}>
        <table aria-label="Errors" aria-rowcount={issues.length + 1} class="error-table">
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
              const issue = issues[item.index] as Issue;
              return (
                <tr
                  key={`${issueKey(issue)}|${editor.version}`}
                  aria-rowindex={item.index + 2}
                  style={{ height: `${ROW_HEIGHT}px` }}
                >
                  <td>{issue.row}</td>
                  <td>{issue.line ?? ""}</td>
                  <td>{issue.field}</td>
                  <td>
                    {issue.field && !SOURCE_KEYWORDS.has(issue.keyword) ? (
                      <CellEditor editor={editor} issue={issue} onChange={onChange} />
                    ) : (
                      text(issue.value)
                    )}
                  </td>
                  <td class="message" title={issue.message}>
                    {issue.message}
                  </td>
                  <td>
                    <Actions editor={editor} issue={issue} onChange={onChange} />
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
