// The review grid: the file's own rows × the mapped fields, with the invalid cells marked (an icon
// as well as a colour). An ARIA grid (WAI-ARIA APG): one cell in the tab order (roving tabindex),
// arrows, Home/End (Ctrl for the first/last row), Page Up/Down, Enter or F2 to edit (or just
// type), Esc to cancel, Tab to leave. Virtualized over the pipeline's grid windows: only the rows
// in view are asked for and rendered.
import { CircleAlert, TriangleAlert } from "lucide-preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { PipelineClient } from "../../pipeline/client.ts";
import type { GridQuery, GridRow, GridWindow, ProblemLevel } from "../../pipeline/protocol.ts";
import { count } from "../../ui/format.ts";
import { useVirtualRows } from "./virtual-rows.ts";

export const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 38;
/** Rows asked for beyond the ones in view, each side. */
const MARGIN = 40;

/** The focused cell: a position in the grid's list, and a column (0 = the row number). */
export interface Focus {
  position: number;
  col: number;
}

interface Props {
  pipeline: PipelineClient;
  columns: string[];
  query: GridQuery;
  /** The dataset's version: windows are asked for again when it changes. */
  version: number;
  focus: Focus;
  onFocus: (focus: Focus) => void;
  /** Bumped to move the keyboard focus into the grid's focused cell (a jump from the problems panel). */
  focusRequest: number;
  /** The focused row as loaded (undefined while it loads). */
  onFocusedRow: (row: GridRow | undefined, total: number) => void;
  onEdit: (row: number, field: string, value: string) => void;
  /** Id of the message shown for the focused cell (it describes the cell). */
  messageId: string;
}

const queryKey = (q: GridQuery) => `${q.problems ? 1 : 0}|${q.column}|${q.keyword}`;

function LevelIcon({ level }: { level: ProblemLevel }) {
  return level === "error" ? (
    <CircleAlert class="review-mark" aria-hidden="true" />
  ) : (
    <TriangleAlert class="review-mark" aria-hidden="true" />
  );
}

function CellEditor({
  initial,
  label,
  onDone,
}: {
  initial: string;
  label: string;
  /** `value` undefined: cancelled; `refocus`: the keyboard focus goes back to the cell. */
  onDone: (value: string | undefined, refocus: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useLayoutEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, []);
  const finish = (value: string | undefined, refocus: boolean) => {
    if (done.current) return;
    done.current = true;
    onDone(value, refocus);
  };
  return (
    <input
      ref={ref}
      class="review-cell-input"
      aria-label={label}
      defaultValue={initial}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") {
          e.preventDefault();
          finish(e.currentTarget.value, true);
        } else if (e.key === "Escape") {
          e.preventDefault();
          finish(undefined, true);
        } else if (e.key === "Tab") finish(e.currentTarget.value, false);
      }}
      onBlur={(e) => finish(e.currentTarget.value, false)}
    />
  );
}

export function Grid({
  pipeline,
  columns,
  query,
  version,
  focus,
  onFocus,
  focusRequest,
  onFocusedRow,
  onEdit,
  messageId,
}: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const [win, setWin] = useState<GridWindow & { key: string }>();
  const [editing, setEditing] = useState<{ position: number; col: number; initial: string }>();
  const asked = useRef("");
  /** Whether the keyboard focus should follow `focus` into the grid after the next render. */
  const follow = useRef(false);
  const key = `${version}|${queryKey(query)}`;
  const total = win?.total ?? 0;
  const virtualizer = useVirtualRows({
    count: total,
    getScrollElement: () => scrollRef.current,
    rowHeight: ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    keep: focus.position,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = (items.at(-1)?.index ?? -1) + 1;
  const covered =
    win !== undefined && win.key === key && first >= win.start && last <= win.start + win.rows.length;

  // The first window of a query or version: the rows around the focus (the list may have changed).
  useEffect(() => {
    if (covered) return;
    const start = Math.max(0, Math.min(first, focus.position) - MARGIN);
    const end = Math.max(last, focus.position + 1) + MARGIN;
    const ask = `${key}|${start}|${end}`;
    if (asked.current === ask) return;
    asked.current = ask;
    let live = true;
    pipeline
      .grid(query, start, end)
      .then((next) => {
        if (live) setWin({ ...next, key });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [covered, key, first, last, focus.position]);

  const rowAt = (position: number): GridRow | undefined => (win ? win.rows[position - win.start] : undefined);
  const focusedRow = rowAt(focus.position);

  useEffect(() => {
    // While a new version's window loads, the row as it was stands in (no flicker, no lost buttons).
    onFocusedRow(focusedRow, total);
  }, [focusedRow, win, total, focus.col]);

  // A focus past the end of a shrunken list moves to its last row.
  useEffect(() => {
    if (win?.key === key && total > 0 && focus.position >= total)
      onFocus({ position: total - 1, col: focus.col });
  }, [win, total]);

  useEffect(() => {
    if (focusRequest === 0) return;
    follow.current = true;
    virtualizer.scrollToIndex(focus.position, { align: "auto" });
  }, [focusRequest]);

  useLayoutEffect(() => {
    if (!follow.current || editing) return;
    const cell = gridRef.current?.querySelector<HTMLElement>(
      `[data-pos="${focus.position}"][data-col="${focus.col}"]`,
    );
    if (cell) {
      follow.current = false;
      if (document.activeElement !== cell) cell.focus();
      // Scrolled into view, a cell may still sit under the frozen row numbers: bring it out.
      const scroller = scrollRef.current;
      const frozen =
        gridRef.current?.querySelector<HTMLElement>(".review-head .review-num")?.offsetWidth ?? 0;
      if (scroller && cell.getAttribute("data-col") !== "0" && cell.offsetLeft - scroller.scrollLeft < frozen)
        scroller.scrollLeft = Math.max(0, cell.offsetLeft - frozen);
    }
  });

  const move = (position: number, col: number) => {
    const next = {
      position: Math.max(0, Math.min(position, total - 1)),
      col: Math.max(0, Math.min(col, columns.length)),
    };
    follow.current = true;
    if (next.position !== focus.position) virtualizer.scrollToIndex(next.position, { align: "auto" });
    onFocus(next);
  };

  const startEdit = (initial?: string) => {
    const row = focusedRow;
    const field = columns[focus.col - 1];
    if (!row || field === undefined || row.excluded) return;
    setEditing({
      position: focus.position,
      col: focus.col,
      initial: initial ?? row.cells[focus.col - 1]?.text ?? "",
    });
  };

  const pageRows = Math.max(
    1,
    Math.floor(((scrollRef.current?.clientHeight || 480) - HEADER_HEIGHT) / ROW_HEIGHT) - 1,
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (editing || total === 0) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const { position, col } = focus;
    switch (e.key) {
      case "ArrowDown":
        move(position + 1, col);
        break;
      case "ArrowUp":
        move(position - 1, col);
        break;
      case "ArrowRight":
        move(position, col + 1);
        break;
      case "ArrowLeft":
        move(position, col - 1);
        break;
      case "Home":
        move(ctrl ? 0 : position, 0);
        break;
      case "End":
        move(ctrl ? total - 1 : position, columns.length);
        break;
      case "PageDown":
        move(position + pageRows, col);
        break;
      case "PageUp":
        move(position - pageRows, col);
        break;
      case "Enter":
      case "F2":
        startEdit();
        break;
      default:
        // Typing into a cell starts editing it with what was typed, as in a spreadsheet.
        if (e.key.length === 1 && !ctrl && !e.altKey && focus.col > 0) {
          startEdit(e.key);
          break;
        }
        return;
    }
    e.preventDefault();
  };

  const rowHeader = (row: GridRow | undefined, position: number) => (
    // biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern)
    <div
      role="rowheader"
      class="review-num"
      data-pos={position}
      data-col={0}
      tabIndex={focus.position === position && focus.col === 0 ? 0 : -1}
      aria-describedby={focus.position === position && focus.col === 0 ? messageId : undefined}
      onMouseDown={() => move(position, 0)}
    >
      {row ? count(row.row) : ""}
      {row && row.errors.length + row.warnings.length > 0 && (
        <>
          <LevelIcon level={row.errors.length > 0 ? "error" : "warning"} />
          <span class="sr-only">, row {row.errors.length > 0 ? "error" : "warning"}</span>
        </>
      )}
      {row?.excluded && <span class="sr-only">, left out</span>}
    </div>
  );

  return (
    <div ref={scrollRef} class="review-grid-scroll">
      {/* biome-ignore lint/a11y: a virtualized ARIA grid (APG grid pattern), not a static table */}
      <div
        ref={gridRef}
        role="grid"
        aria-label="Your file"
        aria-rowcount={total + 1}
        aria-colcount={columns.length + 1}
        class="review-grid"
        style={{
          height: `${virtualizer.getTotalSize()}px`,
          "--review-cols": `64px repeat(${columns.length}, minmax(9rem, 1fr))`,
          minWidth: `calc(64px + ${columns.length} * 9rem)`,
        }}
        onKeyDown={onKeyDown}
      >
        {/* biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern) */}
        <div role="rowgroup" class="review-head">
          {/* biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern) */}
          <div role="row" aria-rowindex={1} class="review-row">
            {/* biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern) */}
            <div role="columnheader" class="review-num">
              <span aria-hidden="true">#</span>
              <span class="sr-only">Row</span>
            </div>
            {columns.map((c) => (
              // biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern)
              <div key={c} role="columnheader" class="review-colhead">
                {c}
              </div>
            ))}
          </div>
        </div>
        {/* biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern) */}
        <div role="rowgroup" class="review-body">
          {items.map((item) => {
            const row = rowAt(item.index);
            return (
              // biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern)
              <div
                key={item.index}
                role="row"
                aria-rowindex={item.index + 2}
                class={`review-row${row?.excluded ? " review-row--excluded" : ""}`}
                style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
              >
                {rowHeader(row, item.index)}
                {columns.map((field, c) => {
                  const cell = row?.cells[c];
                  const col = c + 1;
                  const focused = focus.position === item.index && focus.col === col;
                  const level = cell?.level;
                  const isEditing = editing?.position === item.index && editing.col === col;
                  return (
                    // biome-ignore lint/a11y: an ARIA grid row part (APG grid pattern)
                    <div
                      key={field}
                      role="gridcell"
                      class={`review-cell${level ? ` review-cell--${level}` : ""}`}
                      data-pos={item.index}
                      data-col={col}
                      tabIndex={focused && !isEditing ? 0 : -1}
                      aria-describedby={focused && level ? messageId : undefined}
                      onMouseDown={() => move(item.index, col)}
                      onDblClick={() => startEdit()}
                    >
                      {isEditing && row ? (
                        <CellEditor
                          initial={editing.initial}
                          label={`${field}, row ${count(row.row)}`}
                          onDone={(value, refocus) => {
                            setEditing(undefined);
                            follow.current = refocus;
                            if (value !== undefined && value !== cell?.text) onEdit(row.row, field, value);
                          }}
                        />
                      ) : (
                        <>
                          <span class="review-cell-text">{cell?.text ?? ""}</span>
                          {level && (
                            <>
                              <LevelIcon level={level} />
                              <span class="sr-only">, {level}</span>
                            </>
                          )}
                        </>
                      )}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
