// A Preact hook over @tanstack/virtual-core: only the rows in view (plus overscan) are rendered,
// so a table of 100k issues stays as fast as one of 20.
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type Rect,
  Virtualizer,
  type VirtualizerOptions,
} from "@tanstack/virtual-core";
import { useLayoutEffect, useReducer, useState } from "preact/hooks";

/** Used until the scroll box has been laid out (and in DOMs without layout, such as tests). */
const FALLBACK_RECT: Rect = { width: 800, height: 480 };

const observeRect: VirtualizerOptions<HTMLElement, HTMLElement>["observeElementRect"] = (instance, cb) =>
  observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));

export function useVirtualRows(options: {
  count: number;
  getScrollElement: () => HTMLElement | null;
  rowHeight: number;
  overscan?: number;
}): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved: VirtualizerOptions<HTMLElement, HTMLElement> = {
    count: options.count,
    getScrollElement: options.getScrollElement,
    estimateSize: () => options.rowHeight,
    overscan: options.overscan ?? 8,
    scrollToFn: elementScroll,
    observeElementRect: observeRect,
    observeElementOffset,
    initialRect: FALLBACK_RECT,
    onChange: () => rerender(undefined),
  };
  const [virtualizer] = useState(() => new Virtualizer(resolved));
  virtualizer.setOptions(resolved);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  return virtualizer;
}
