// What the extension asks the capture script injected into a page, and what it answers. The
// script answers only through scripting.executeScript's result: it listens to no page messages.
import type { CandidateKind, CapturedTable } from "./extract.ts";

/** How the extension names one table again later (for "Add the next page"). */
export interface TableLocator {
  path: string;
  headers: string[] | null;
}

export type CaptureRequest =
  /** Outline the page's candidate tables and list them. */
  | { mode: "list" }
  /** Read candidate `index` of the last list (outlines removed). */
  | { mode: "extract"; index: number }
  /** Read the same table again (after the admin paged or scrolled the console). */
  | { mode: "again"; locator: TableLocator }
  /** Outline the candidates and let the admin click one on the page (Escape cancels). */
  | { mode: "pick" }
  /** Remove the outlines. */
  | { mode: "clear" };

export interface CandidateSummary {
  index: number;
  kind: CandidateKind;
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
}

export type CaptureReply =
  | { status: "list"; candidates: CandidateSummary[] }
  | { status: "captured"; captured: Captured }
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
