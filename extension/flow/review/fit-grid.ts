// Sizes the review grid so that the grid, the focused cell's message under it and the sticky
// footer are in view together from the top of the page (the popup at 800 × 600, the side panel at
// 360 × 800): the grid gives up height, down to a few rows, before the message goes behind the
// footer. Measured, not guessed: what sits above the grid changes (banners, the problems strip).
import type { RefObject } from "preact";
import { useLayoutEffect } from "preact/hooks";
import { ROW_HEIGHT } from "./Grid.tsx";

/** The grid's height bounds: its header and three rows, and what it had before (26rem). */
const MIN_HEIGHT = 38 + 3 * ROW_HEIGHT + 2;
const MAX_HEIGHT = 416;
/** Room kept between the message and the footer. */
const GAP = 8;

export const GRID_HEIGHT_VAR = "--review-grid-height";

/** The grid's height for the layout under `main` (its .review-grid-scroll and .review-message). */
export function fittedHeight(main: HTMLElement, viewportHeight: number, scrollY: number): number | undefined {
  const grid = main.querySelector<HTMLElement>(".review-grid-scroll");
  const message = main.querySelector<HTMLElement>(".review-message");
  const footer = main.closest(".step")?.querySelector<HTMLElement>(".step-footer");
  if (!grid || !message) return undefined;
  const top = grid.getBoundingClientRect().top + scrollY;
  const below =
    message.getBoundingClientRect().top - grid.getBoundingClientRect().bottom + message.offsetHeight;
  const room = viewportHeight - top - below - (footer?.offsetHeight ?? 0) - GAP;
  return Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, room)));
}

/**
 * Keeps `main`'s grid at its fitted height as the window, the message or what is above change;
 * `shown`: whether `main` is rendered.
 */
export function useFittedGrid(main: RefObject<HTMLElement>, shown: boolean): void {
  useLayoutEffect(() => {
    const element = main.current;
    if (!element) return;
    const refit = () => {
      const height = fittedHeight(element, window.innerHeight, window.scrollY);
      if (height === undefined) return;
      const now = Number.parseFloat(element.style.getPropertyValue(GRID_HEIGHT_VAR));
      if (Math.abs(now - height) > 1 || Number.isNaN(now))
        element.style.setProperty(GRID_HEIGHT_VAR, `${height}px`);
    };
    refit();
    window.addEventListener("resize", refit);
    // The message grows and shrinks with the focused cell; banners and the problems strip above
    // move the grid: the step's size changes either way.
    const observer = typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(refit);
    const step = element.closest(".step") ?? element;
    observer?.observe(step);
    const message = element.querySelector(".review-message");
    if (message) observer?.observe(message);
    return () => {
      window.removeEventListener("resize", refit);
      observer?.disconnect();
    };
  }, [shown]);
}
