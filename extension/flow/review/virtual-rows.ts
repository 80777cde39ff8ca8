// A Preact hook for a list of fixed-height rows: only the rows in view (plus overscan, plus the row
// holding the grid's focus) are rendered, so a grid of 586k rows costs a screenful. Every row has
// the same height, so the rows in view are arithmetic on the scroll offset: nothing is kept per row
// (a per-row measurement list, as @tanstack/virtual-core keeps, costs a 40 ms+ main-thread task
// and tens of MB for 586k rows).
import { useLayoutEffect, useReducer, useRef } from "preact/hooks";

/** Used until the scroll box has been laid out (and in DOMs without layout, such as tests). */
const FALLBACK_HEIGHT = 480;

export interface VirtualRow {
  index: number;
  /** Offset of the row's top in the scroll box's content (paddingStart included). */
  start: number;
}

export interface VirtualRows {
  getVirtualItems(): VirtualRow[];
  getTotalSize(): number;
  /** Scrolls the least needed to bring the row into view (below the header of `paddingStart`). */
  scrollToIndex(index: number, options?: { align?: "auto" }): void;
}

export function useVirtualRows(options: {
  count: number;
  getScrollElement: () => HTMLElement | null;
  rowHeight: number;
  /** Space above the first row (a sticky header inside the scroll box). */
  paddingStart?: number;
  /** A row rendered even when out of view (the one holding the focus). */
  keep?: number;
  overscan?: number;
}): VirtualRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const { count, rowHeight, keep } = options;
  const paddingStart = options.paddingStart ?? 0;
  const overscan = options.overscan ?? 8;
  /** The scroll box's offset and height as last seen; the range they give, to re-render only on a change. */
  const view = useRef({ offset: 0, height: FALLBACK_HEIGHT, range: "" });

  const range = (offset: number, height: number): [number, number] => {
    const first = Math.floor((offset - paddingStart) / rowHeight);
    const last = Math.ceil((offset + height - paddingStart) / rowHeight);
    return [Math.max(0, first - overscan), Math.min(count, Math.max(0, last + overscan))];
  };
  /** Takes the box's offset (or the one just asked for) and height; re-renders when the range changes. */
  const update = (element: HTMLElement, offset = element.scrollTop) => {
    const v = view.current;
    v.offset = offset;
    v.height = element.clientHeight > 0 ? element.clientHeight : FALLBACK_HEIGHT;
    const next = range(v.offset, v.height).join("-");
    if (next !== v.range) {
      v.range = next;
      rerender(undefined);
    }
  };
  // The listeners call the latest `update` (they are attached once per scroll box).
  const latest = useRef(update);
  latest.current = update;
  const attached = useRef<{ element: HTMLElement; detach: () => void }>();
  useLayoutEffect(() => {
    const element = options.getScrollElement();
    if (attached.current?.element === element) return;
    attached.current?.detach();
    attached.current = undefined;
    if (!element) return;
    const onChange = () => latest.current(element);
    element.addEventListener("scroll", onChange, { passive: true });
    const observer = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(onChange);
    observer?.observe(element);
    attached.current = {
      element,
      detach: () => {
        element.removeEventListener("scroll", onChange);
        observer?.disconnect();
      },
    };
    onChange();
  });
  useLayoutEffect(() => () => attached.current?.detach(), []);

  const [from, to] = range(view.current.offset, view.current.height);
  view.current.range = `${from}-${to}`;
  return {
    getVirtualItems: () => {
      const indexes: number[] = [];
      for (let i = from; i < to; i++) indexes.push(i);
      if (keep !== undefined && keep >= 0 && keep < count && (keep < from || keep >= to)) {
        if (keep < from) indexes.unshift(keep);
        else indexes.push(keep);
      }
      return indexes.map((index) => ({ index, start: paddingStart + index * rowHeight }));
    },
    getTotalSize: () => paddingStart + count * rowHeight,
    scrollToIndex: (index) => {
      const scroller = options.getScrollElement();
      if (!scroller || count === 0) return;
      const i = Math.max(0, Math.min(index, count - 1));
      const top = paddingStart + i * rowHeight;
      const { offset, height } = view.current;
      let next = offset;
      if (top - paddingStart < offset) next = top - paddingStart;
      else if (top + rowHeight > offset + height) next = top + rowHeight - height;
      if (next === offset) return;
      scroller.scrollTop = next;
      // The offset asked for, not read back: a DOM without layout (tests) may not scroll.
      update(scroller, next);
    },
  };
}
