// The review step over a real (in-process) pipeline: the grid's keyboard model (APG grid: one tab
// stop, arrows, Home/End, Page Up/Down, Enter/F2 to edit, Esc to cancel, Tab out), the problems
// panel's jumps and "fix all", the focused cell's full message and suggestion, undo/redo, the
// "only rows with problems" view, the empty state, the downloads — and axe in each state.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { ReviewStep } from "../../../extension/flow/review/ReviewStep.tsx";
import { createPipelineClient, inlineTransport } from "../../../extension/pipeline/client.ts";
import { LiveRegion } from "../../../extension/ui/LiveRegion.tsx";

afterEach(cleanup);

const CSV = [
  "Email,Role,Created On,Status",
  "a@x.co,ADMIN,01012024,ACTIVE",
  "<b@x.co>,USER,2024-01-31,active",
  "c@x.co,USER,01022024,ACTIVE",
  "d@x.co,ADMIN,2023-02-29,Active",
  "e@x.co,USER,03022024,ACTIVE",
].join("\n");
const COLUMNS = ["emailId", "role", "createdOn", "userStatus"];
/** The grid's columns: the file's order, after the row number (column 0). */
const ORDER = COLUMNS;
const col = (field: string) => ORDER.indexOf(field) + 1;

async function mount(csv = CSV) {
  const downloads: { name: string; content: string }[] = [];
  const submitted: number[] = [];
  const pipeline = createPipelineClient(inlineTransport());
  const inspection = await pipeline.inspect(new Blob([csv]), { fileName: "users.csv" });
  if (inspection.status !== "ready") throw new Error(inspection.status);
  // The columns mapped as the admin would, without value maps: the test fixes the file's own values.
  await pipeline.validate("saas_users", { columns: COLUMNS, constants: {}, valueMaps: {} });
  render(
    <main>
      <LiveRegion />
      <ReviewStep
        pipeline={pipeline}
        fileName="users.csv"
        onDownload={(name, content) =>
          void content.text().then((text) => downloads.push({ name, content: text }))
        }
        onBack={() => {}}
        onSubmit={() => submitted.push(1)}
      />
    </main>,
  );
  const grid = await screen.findByRole("grid", { name: "Your file" });
  await waitFor(() => expect(within(grid).getAllByRole("row").length).toBeGreaterThan(1));
  return { grid, downloads, submitted, pipeline };
}

const active = () => document.activeElement as HTMLElement;
const place = (el: Element | null) => [
  Number(el?.getAttribute("data-pos")),
  Number(el?.getAttribute("data-col")),
];
const key = (k: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(active(), { key: k, ...init });
const tabStops = (grid: HTMLElement) => grid.querySelectorAll('[tabindex="0"]');
const lede = () => document.querySelector(".step-lede")?.textContent ?? "";
const message = () => document.getElementById("review-message")?.textContent ?? "";

async function violations() {
  const results = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" ")}`);
}

describe("ReviewStep", () => {
  it("is an ARIA grid with one tab stop, moved by arrows, Home/End and Page Up/Down", async () => {
    const { grid } = await mount();
    expect(grid.getAttribute("aria-rowcount")).toBe("6");
    expect(grid.getAttribute("aria-colcount")).toBe("5");
    expect(
      within(grid)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["#Row", ...ORDER]);
    expect(tabStops(grid)).toHaveLength(1);
    (tabStops(grid)[0] as HTMLElement).focus();
    expect(place(active())).toEqual([0, 1]);
    key("ArrowDown");
    key("ArrowRight");
    expect(place(active())).toEqual([1, 2]);
    expect(active().textContent).toBe("USER");
    key("ArrowRight");
    key("ArrowRight");
    expect(active().textContent).toBe("active, error");
    key("End");
    expect(place(active())).toEqual([1, 4]);
    key("Home");
    expect(place(active())).toEqual([1, 0]);
    expect(active().getAttribute("role")).toBe("rowheader");
    key("End", { ctrlKey: true });
    expect(place(active())).toEqual([4, 4]);
    key("PageUp");
    expect(place(active())[0]).toBe(0);
    key("ArrowUp");
    expect(place(active())).toEqual([0, 4]);
    key("PageDown");
    expect(place(active())[0]).toBe(4);
    expect(tabStops(grid)).toHaveLength(1);
  });

  it("edits in place with Enter or F2 (Esc cancels), revalidates and keeps the focus on the cell", async () => {
    const { grid } = await mount();
    expect(lede()).toBe("5 rows · 5 errors");
    (tabStops(grid)[0] as HTMLElement).focus();
    key("ArrowDown");
    key("End"); // row 2, userStatus "active"
    key("Enter");
    const input = screen.getByRole("textbox", { name: "userStatus, row 2" }) as HTMLInputElement;
    expect(input.value).toBe("active");
    expect(active()).toBe(input);
    fireEvent.input(input, { target: { value: "nonsense" } });
    fireEvent.keyDown(input, { key: "Escape" });
    expect(screen.queryByRole("textbox", { name: "userStatus, row 2" })).toBeNull();
    expect(place(active())).toEqual([1, col("userStatus")]);
    key("F2");
    const again = screen.getByRole("textbox", { name: "userStatus, row 2" }) as HTMLInputElement;
    expect(again.value).toBe("active");
    fireEvent.input(again, { target: { value: "ACTIVE" } });
    fireEvent.keyDown(again, { key: "Enter" });
    await waitFor(() => expect(lede()).toBe("5 rows · 4 errors"));
    await waitFor(() => expect(place(active())).toEqual([1, col("userStatus")]));
    await waitFor(() => expect(active().textContent).toBe("ACTIVE"));
    // Typing starts an edit with what was typed.
    key("x");
    expect((screen.getByRole("textbox", { name: "userStatus, row 2" }) as HTMLInputElement).value).toBe("x");
    expect(await violations()).toEqual([]);
  });

  it("jumps from a problem to its cell, shows the full message and uses the suggestion", async () => {
    const { grid } = await mount();
    const panel = screen.getByRole("navigation", { name: "Problems" });
    fireEvent.click(within(panel).getByRole("button", { name: /^createdOn · wrong format/ }));
    await waitFor(() => expect(place(active())).toEqual([1, col("createdOn")]));
    expect(grid.contains(active())).toBe(true);
    await waitFor(() =>
      expect(message()).toContain(
        'createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got "2024-01-31"',
      ),
    );
    expect(active().getAttribute("aria-describedby")).toBe("review-message");
    fireEvent.click(within(panel).getByRole("button", { name: "Next: createdOn wrong format" }));
    await waitFor(() => expect(place(active())).toEqual([3, col("createdOn")]));
    await waitFor(() => expect(message()).toContain('got "2023-02-29"'));
    expect(message()).not.toContain("Suggested");
    fireEvent.click(within(panel).getByRole("button", { name: "Next: createdOn wrong format" }));
    await waitFor(() => expect(place(active())).toEqual([1, col("createdOn")]));
    fireEvent.click(await screen.findByRole("button", { name: "Use 31012024" }));
    await waitFor(() => expect(lede()).toBe("5 rows · 4 errors"));
    expect(await violations()).toEqual([]);
  });

  it("fixes all of a kind, undoes and redoes by button and keyboard, and keeps the place", async () => {
    const { grid } = await mount();
    const panel = screen.getByRole("navigation", { name: "Problems" });
    const fix = within(panel).getByRole("button", { name: "Fix all 2 userStatus values" });
    expect(within(panel).getByText("active → ACTIVE, Active → ACTIVE")).toBeTruthy();
    (tabStops(grid)[0] as HTMLElement).focus();
    key("ArrowDown", {});
    key("ArrowDown");
    fireEvent.click(fix);
    await waitFor(() => expect(lede()).toBe("5 rows · 3 errors"));
    expect(within(panel).queryByRole("button", { name: /userStatus values/ })).toBeNull();
    expect(screen.getByText("Fixed userStatus in 2 rows")).toBeTruthy();
    const undo = screen.getByRole("button", { name: "Undo" });
    expect(undo.getAttribute("title")).toBe("Undo the fix of userStatus");
    fireEvent.click(undo);
    await waitFor(() => expect(lede()).toBe("5 rows · 5 errors"));
    fireEvent.keyDown(grid, { key: "z", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(lede()).toBe("5 rows · 3 errors"));
    fireEvent.keyDown(grid, { key: "z", ctrlKey: true });
    await waitFor(() => expect(lede()).toBe("5 rows · 5 errors"));
    expect((screen.getByRole("button", { name: "Redo" }) as HTMLButtonElement).disabled).toBe(false);
    // The focused cell stayed where it was through all of it.
    await waitFor(() => expect(place(grid.querySelector('[tabindex="0"]'))).toEqual([2, 1]));
  });

  it("shows only the rows with problems, and says when there are none left", async () => {
    const { grid, submitted } = await mount();
    fireEvent.click(screen.getByRole("switch", { name: "Only rows with problems" }));
    await waitFor(() => expect(grid.getAttribute("aria-rowcount")).toBe("3"));
    expect(
      within(grid)
        .getAllByRole("rowheader")
        .map((h) => h.textContent),
    ).toEqual(["2", "4"]);
    // Submitting with errors left jumps to the first one instead.
    fireEvent.click(screen.getByRole("button", { name: "Review changes → Submit 5 records" }));
    expect(submitted).toEqual([]);
    const panel = screen.getByRole("navigation", { name: "Problems" });
    for (const name of [
      "Fix all 2 userStatus values",
      "Fix all 1 emailId values",
      "Fix all 1 createdOn values",
    ]) {
      fireEvent.click(await within(panel).findByRole("button", { name }));
      await waitFor(() => expect(within(panel).queryByRole("button", { name })).toBeNull());
    }
    fireEvent.click(
      within(panel).getByRole("button", { name: "Leave out 1 row with createdOn wrong format" }),
    );
    await screen.findByText("No problems — ready to submit 4 records");
    expect(screen.getByText("No rows with problems.")).toBeTruthy();
    expect(lede()).toBe("5 rows · 0 errors · 1 row left out");
    fireEvent.click(screen.getByRole("button", { name: "Review changes → Submit 4 records" }));
    expect(submitted).toEqual([1]);
    expect(await violations()).toEqual([]);
  });

  it("replaces with a preview count and downloads the error report", async () => {
    const { downloads } = await mount();
    fireEvent.click(screen.getByText("More fixes: find and replace, fill empty cells, leave rows out"));
    const details = document.querySelector("details.review-tools") as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event("toggle"));
    fireEvent.change(screen.getByLabelText("Column"), { target: { value: "role" } });
    fireEvent.input(screen.getByLabelText("Find"), { target: { value: "user" } });
    fireEvent.input(screen.getByLabelText("Replace with"), { target: { value: "ADMIN" } });
    const replace = await screen.findByRole("button", { name: "Replace in 3 rows" });
    fireEvent.click(replace);
    await screen.findByText("Replaced in 3 rows");
    fireEvent.click(screen.getByRole("button", { name: "Download error report" }));
    await waitFor(() => expect(downloads[0]?.name).toBe("users-errors.csv"));
    expect(downloads[0]?.content).toContain("2024-01-31");
  });
});
