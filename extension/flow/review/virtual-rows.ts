// A Preact hook over @tanstack/virtual-core: only the rows in view (plus overscan, plus the row
// holding the grid's focus) are rendered, so a grid of 586k rows costs a screenful.
import {
  defaultRangeExtractor,
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
  /** Space above the first row (a sticky header inside the scroll box). */
  paddingStart?: number;
  /** A row rendered even when out of view (the one holding the focus). */
  keep?: number;
  overscan?: number;
}): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const keep = options.keep;
  const resolved: VirtualizerOptions<HTMLElement, HTMLElement> = {
    count: options.count,
    getScrollElement: options.getScrollElement,
    estimateSize: () => options.rowHeight,
    overscan: options.overscan ?? 8,
    paddingStart: options.paddingStart ?? 0,
    scrollPaddingStart: options.paddingStart ?? 0,
    rangeExtractor: (range) => {
      const indexes = defaultRangeExtractor(range);
      if (keep === undefined || keep < 0 || keep >= options.count || indexes.includes(keep)) return indexes;
      return [...indexes, keep].sort((a, b) => a - b);
    },
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
