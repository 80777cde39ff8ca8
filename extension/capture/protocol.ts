// What the extension asks the capture script injected into a page, and what it answers. The
// script answers only through scripting.executeScript's result: it listens to no page messages.

/** A table as read from the page: header texts (null when it has no header row) and data rows. */
export interface CapturedTable {
  headers: string[] | null;
  rows: string[][];
  /** Each row's aria-rowindex, when every row has one (a virtualized grid shows a window of them). */
  rowIndexes?: number[];
}

/** How the extension names one table again later (for "Add the next page"). */
export interface TableLocator {
  path: string;
  /**
   * Its header texts, empty when it has no header row: never null, since Chrome's executeScript
   * drops null arguments.
   */
  headers: string[];
}

/**
 * How the capture script itself reaches the rows after those shown: scroll the table's own
 * viewport (a virtualized grid, an infinite list), click its "Load more" button, or its Next
 * button (one that does not load another page).
 */
export type Advance = "scroll" | "more" | "next";

/** Why reaching further rows stopped. */
export type AdvanceStop = "end" | "repeated" | "columns" | "limit" | "time";

/** At most this many steps (scrolls or clicks) per request. */
export const MAX_ADVANCE_PAGES = 100;

export type CaptureRequest =
  /** Outline the page's candidate tables and list them. */
  | { mode: "list" }
  /** Read candidate `index` of the last list (outlines removed). */
  | { mode: "extract"; index: number }
  /** Read the same table again (after the admin paged or scrolled the console). */
  | { mode: "again"; locator: TableLocator }
  /** Reach and read the rows after those shown (see Advance), at most `pages` steps. */
  | { mode: "more"; locator: TableLocator; advance: Advance; pages: number }
  /** Outline the candidates and let the admin click one on the page (Escape cancels). */
  | { mode: "pick" }
  /** Remove the outlines. */
  | { mode: "clear" };

export interface CandidateSummary {
  index: number;
  /** Its name: caption, aria-label, heading before it or first header cells; unique on the page. */
  label: string;
  rows: number;
  columns: number;
  /** The first few header texts, to tell tables apart. */
  headers: string[];
}

export interface Captured {
  table: CapturedTable;
  locator: TableLocator;
  /** The page's title and its URL without query string or fragment. */
  title: string;
  url: string;
  /** How the capture script can reach further rows of this table, when it can. */
  advance?: Advance;
}

export type CaptureReply =
  | { status: "list"; candidates: CandidateSummary[] }
  | { status: "captured"; captured: Captured }
  /** The table with the rows reached (`pages` steps brought new rows). */
  | { status: "more"; captured: Captured; pages: number; stopped: AdvanceStop }
  | { status: "none"; message: string }
  | { status: "cancelled" }
  | { status: "cleared" };

/** The page's URL as recorded: origin and path, no query string or fragment (they may hold tokens). */
export function pageAddress(href: string): string {
  try {
    const url = new URL(href);
    return `${url.origin}${url.pathname}`;
  } catch {
    return href.split(/[?#]/)[0] ?? "";
  }
}

export const NO_TABLE_MESSAGE =
  "No table was found on this page. Open the list you want (users, roles, members) and try again.";

/** Where the request waits for the capture script (a global of the extension's isolated world). */
export const CAPTURE_REQUEST_KEY = "__intakeCaptureRequest";
