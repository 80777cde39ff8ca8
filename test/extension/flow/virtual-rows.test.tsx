// The review grid's row virtualizer: a screenful of rows (plus overscan and the kept row) out of
// hundreds of thousands, placed by arithmetic; scrolling to a row brings it into view below the header.
import { act, cleanup, render } from "@testing-library/preact";
import { useRef } from "preact/hooks";
import { afterEach, describe, expect, it } from "vitest";
import { useVirtualRows, type VirtualRows } from "../../../extension/flow/review/virtual-rows.ts";

afterEach(cleanup);

const ROWS = 586_880;
const ROW = 36;
const HEADER = 38;

function List({ count, keep, expose }: { count: number; keep?: number; expose: (v: VirtualRows) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const rows = useVirtualRows({
    count,
    getScrollElement: () => ref.current,
    rowHeight: ROW,
    paddingStart: HEADER,
    keep,
  });
  expose(rows);
  return (
    <div ref={ref} data-testid="box">
      {rows.getVirtualItems().map((item) => (
        <p key={item.index} data-index={item.index} data-start={item.start} />
      ))}
    </div>
  );
}

const shown = (container: Element) =>
  [...container.querySelectorAll("p")].map((p) => Number(p.getAttribute("data-index")));

describe("useVirtualRows", () => {
  it("renders the rows in view plus overscan, not one per row of the list", () => {
    let rows: VirtualRows | undefined;
    const { container } = render(<List count={ROWS} expose={(v) => (rows = v)} />);
    // No layout in the test DOM: a 480 px box, 14 rows in view from the top, 8 more below.
    expect(shown(container)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(container.querySelector('[data-index="3"]')?.getAttribute("data-start")).toBe(
      String(HEADER + 3 * ROW),
    );
    expect(rows?.getTotalSize()).toBe(HEADER + ROWS * ROW);
  });

  it("scrolls the least needed to show a row, and keeps the focused row rendered out of view", () => {
    let rows: VirtualRows | undefined;
    const { container, rerender } = render(<List count={ROWS} keep={0} expose={(v) => (rows = v)} />);
    act(() => rows?.scrollToIndex(300_000, { align: "auto" }));
    const box = container.querySelector<HTMLElement>('[data-testid="box"]');
    // The row's bottom at the box's bottom: offset = its end - 480.
    expect(box?.scrollTop).toBe(HEADER + 300_001 * ROW - 480);
    // The kept row 0, then the 14 rows in view (299,987 partly under the header) and 8 each side.
    expect(shown(container)).toEqual([0, ...Array.from({ length: 30 }, (_, i) => 299_979 + i)]);
    // A row above the view: its top just below the header.
    act(() => rows?.scrollToIndex(299_970, { align: "auto" }));
    expect(box?.scrollTop).toBe(299_970 * ROW);
    rerender(<List count={ROWS} expose={(v) => (rows = v)} />);
    // From the row under the header (partly hidden by it), less 8 of overscan.
    expect(shown(container)[0]).toBe(299_968 - 8);
  });
});
