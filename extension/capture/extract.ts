// Finding and reading the tables on a page: HTML <table>s whatever their role, ARIA grids and
// tables built from divs (a row split over pinned and scrolling containers joined by
// aria-rowindex, cells placed by aria-colindex), a header and a body drawn as two tables, and
// lists of repeated same-shaped rows without roles, in the document and its same-origin iframes,
// ranked by how likely each is the data the admin means. Pure functions over a Document or
// Element (no extension API), so they run in the capture script injected into the page and in
// unit tests alike. Written by hand: no library reads arbitrary page markup as tables.

import {
  ariaRows,
  assemble,
  htmlRows,
  layout,
  MAX_CAPTURED_ROWS,
  type RawRow,
  TABLE_ROLES,
  widthOfGrid,
} from "./grid.ts";
import type { CapturedTable } from "./protocol.ts";
import { cellText, firstText, hiddenHere, isHidden, SKIPPED_TAGS, visibleText } from "./text.ts";

export type CandidateKind = "table" | "grid" | "list";

export interface Candidate {
  /** What is outlined and picked: the table, grid or list (for a split table, their wrapper). */
  element: Element;
  kind: CandidateKind;
  /** Where it is: iframe indexes from the top document, then child indexes from <body>. */
  path: string;
  /** The <table>s read as one, header first, when a grid draws its header and body apart. */
  parts?: Element[];
}

// ---------------------------------------------------------------------------------------------
// A header drawn in one <table> and the body in another (jsGrid, DataTables' scrolling).
// ---------------------------------------------------------------------------------------------

const visibleRows = (table: Element) => htmlRows(table).filter((r) => !isHidden(r.el, table));
const isHeaderRow = (r: RawRow) => r.inHead || r.cells.every((c) => c.header);

/** A row of form controls without text (a filter or insert row). */
const controlsOnly = (r: RawRow) => r.cells.every((c) => visibleText(c.el) === "");

/** A table of header rows only (and rows of filter inputs). */
function headerOnly(rows: RawRow[]): boolean {
  return rows.some(isHeaderRow) && rows.every((r) => isHeaderRow(r) || controlsOnly(r));
}

/** The nearest element holding both, at most `levels` above each. */
function wrapperOf(a: Element, b: Element, levels: number): Element | undefined {
  let up = a.parentElement;
  for (let i = 0; up && i < levels; i++, up = up.parentElement) {
    if (!up.contains(b)) continue;
    let depth = 0;
    for (let e = b.parentElement; e && e !== up; e = e.parentElement) depth++;
    return depth < levels ? up : undefined;
  }
  return undefined;
}

/** Header tables followed by a body table of as many columns in the same wrapper. */
function splitTables(tables: Element[]): { head: Element; body: Element; wrapper: Element }[] {
  const out: { head: Element; body: Element; wrapper: Element }[] = [];
  tables.forEach((head, i) => {
    const body = tables[i + 1];
    if (!body) return;
    const headRows = visibleRows(head);
    const bodyRows = visibleRows(body);
    if (!headerOnly(headRows) || bodyRows.length === 0 || bodyRows.some(isHeaderRow)) return;
    const wrapper = wrapperOf(head, body, 3);
    if (wrapper && widthOfGrid(layout(headRows)) === widthOfGrid(layout(bodyRows)))
      out.push({ head, body, wrapper });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Repeated same-shaped rows without roles.
// ---------------------------------------------------------------------------------------------

/** What makes elements alike: tag and first class (later ones tend to be modifiers: odd, active, badge-admin). */
const signature = (el: Element) => `${el.tagName}.${el.classList[0] ?? ""}`;

/** The text-bearing leaves of a row, keyed by their place in it (tag, first class, index among like siblings). */
function leaves(row: Element, out: Map<string, Element> = new Map(), prefix = ""): Map<string, Element> {
  const seen = new Map<string, number>();
  for (const child of row.children) {
    if (SKIPPED_TAGS.has(child.tagName) || hiddenHere(child)) continue;
    const sig = signature(child);
    const n = seen.get(sig) ?? 0;
    seen.set(sig, n + 1);
    const key = `${prefix}/${sig}:${n}`;
    const hasOwnText = [...child.childNodes].some(
      (c) => c.nodeType === 3 && (c.nodeValue ?? "").trim() !== "",
    );
    // A link, an element with text of its own, or one of icons only (a stack of avatars) is one field.
    if (hasOwnText || child.tagName === "A" || child.children.length === 0 || visibleText(child) === "") {
      if (cellText(child) !== "") out.set(key, child);
    } else leaves(child, out, key);
  }
  return out;
}

const MIN_LIST_ROWS = 3;
const MAX_LIST_COLUMNS = 40;
/** Where alike children are page furniture, not data: navigation, menus, toolbars, code. */
const NOT_LIST_SCOPE = [
  "table",
  '[role="row"]',
  '[role="rowgroup"]',
  TABLE_ROLES,
  "nav",
  "aside",
  "header",
  "footer",
  "menu",
  "pre",
  "code",
  ...[
    "navigation",
    "menu",
    "menubar",
    "tablist",
    "toolbar",
    "banner",
    "contentinfo",
    "complementary",
    "tree",
  ].map((r) => `[role="${r}"]`),
].join(",");
/** Classes of layout blocks: cards, tiles, grid columns, menu and pager items. */
const LAYOUT_CLASS =
  /^(?:.*[-_])?(?:card|tile|widget|slide|small-box|info-box)$|^col(?:-.+)?$|^(?:nav|menu|dropdown|breadcrumb|page)-item$/i;
const CODE_CLASS = /^(?:highlight\w*|hljs|codehilite|sourceCode|blob-\w+|diff\w*|linenos?|line-numbers?)$/i;

const hasClass = (el: Element, pattern: RegExp) => [...el.classList].some((c) => pattern.test(c));

/** Whether the rows sit side by side (a row of cards or tiles), when the page has a layout. */
function sideBySide(rows: Element[]): boolean {
  const rects = rows.map((r) => r.getBoundingClientRect());
  if (rects.every((r) => r.width === 0 && r.height === 0)) return false;
  let beside = 0;
  for (let i = 1; i < rects.length; i++) {
    const a = rects[i - 1] as DOMRect;
    const b = rects[i] as DOMRect;
    if (Math.abs(a.top - b.top) < 2 && a.left !== b.left) beside++;
  }
  return beside > (rects.length - 1) / 3;
}

/**
 * The rows of a list candidate: the biggest group of like children, stacked one under another,
 * most with at least 2 leaves, their leaves mostly in the same places (columns), short texts.
 */
function listRowsOf(container: Element): Element[] | undefined {
  const groups = new Map<string, Element[]>();
  for (const child of container.children) {
    if (SKIPPED_TAGS.has(child.tagName)) continue;
    const sig = signature(child);
    const g = groups.get(sig);
    if (g) g.push(child);
    else groups.set(sig, [child]);
  }
  let best: Element[] | undefined;
  for (const g of groups.values()) if (g.length >= MIN_LIST_ROWS && g.length > (best?.length ?? 0)) best = g;
  if (!best) return undefined;
  const visible = best.filter((r) => !isHidden(r, container));
  if (visible.length < MIN_LIST_ROWS) return undefined;
  if (visible.some((r) => hasClass(r, LAYOUT_CLASS) || r.querySelector(`table,${TABLE_ROLES}`)))
    return undefined;
  if (sideBySide(visible)) return undefined;
  const fields = visible.map((r) => leaves(r));
  // Links of an icon and a label each are a menu.
  if (visible.every((r) => r.tagName === "A") && fields.every((f) => f.size <= 2)) return undefined;
  const withFields = fields.filter((f) => f.size >= 2);
  if (withFields.length < MIN_LIST_ROWS || withFields.length < visible.length * 0.7) return undefined;
  const counts = new Map<string, number>();
  for (const f of fields) for (const k of f.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (counts.size > MAX_LIST_COLUMNS) return undefined;
  const common = (k: string) => (counts.get(k) ?? 0) >= visible.length / 2;
  if ([...counts.keys()].filter(common).length < 2) return undefined;
  let shared = 0;
  let total = 0;
  let chars = 0;
  for (const f of fields) {
    for (const [k, el] of f) {
      total++;
      if (common(k)) shared++;
      chars += cellText(el).length;
    }
  }
  if (shared < total * 0.75 || chars / total > 100) return undefined;
  return visible;
}

function listTable(container: Element): CapturedTable {
  const rows = listRowsOf(container) ?? [];
  const keys: string[] = [];
  const known = new Set<string>();
  const read = rows.map((r) => {
    const fields = leaves(r);
    for (const k of fields.keys())
      if (!known.has(k)) {
        known.add(k);
        keys.push(k);
      }
    return fields;
  });
  const data = read.map((fields) =>
    keys.map((k) => (fields.has(k) ? cellText(fields.get(k) as Element) : "")),
  );
  // A header: a different-looking row before the first one (in the list or just before it)
  // with one label per column.
  let headers: string[] | null = null;
  const first = rows[0];
  const before: Element[] = [];
  for (const child of container.children) {
    if (child === first) break;
    before.push(child);
  }
  const sibling = container.previousElementSibling;
  for (const candidate of [...before.reverse(), ...(sibling ? [sibling] : [])]) {
    if (isHidden(candidate)) continue;
    const labels = [...leaves(candidate).values()].map(cellText);
    if (labels.length === keys.length && labels.every((l) => l !== "")) {
      headers = labels;
      break;
    }
  }
  return { headers, rows: data.slice(0, MAX_CAPTURED_ROWS) };
}

// ---------------------------------------------------------------------------------------------
// Candidates, ranked.
// ---------------------------------------------------------------------------------------------

function childPath(el: Element): string {
  const parts: number[] = [];
  const body = el.ownerDocument.body;
  for (let e: Element | null = el; e && e !== body && e.parentElement; e = e.parentElement)
    parts.unshift([...e.parentElement.children].indexOf(e));
  return parts.join(".");
}

const widthOf = (table: CapturedTable) =>
  Math.max(table.headers?.length ?? 0, ...table.rows.slice(0, 1000).map((r) => r.length), 0);

/** Whether a table-like element holds at least one data row with two columns, or two rows. */
function worthIt(table: CapturedTable): boolean {
  return table.rows.length >= 1 && (widthOf(table) >= 2 || table.rows.length >= 2);
}

function read(candidate: Candidate): CapturedTable {
  const { element, kind, parts } = candidate;
  if (kind === "table") return assemble((parts ?? [element]).flatMap(htmlRows), element);
  if (kind === "grid") return assemble(ariaRows(element), element);
  return listTable(element);
}

interface Found {
  candidate: Candidate;
  table: CapturedTable;
}

/** The candidates of one document (and of its same-origin iframes after them), in page order. */
function collect(doc: Document, framePath: string, out: Found[]): void {
  const body = doc.body;
  if (!body) return;
  const here: Found[] = [];
  const at = (el: Element) => `${framePath}${childPath(el)}`;
  const add = (candidate: Candidate) => {
    const table = read(candidate);
    if (!worthIt(table)) return false;
    here.push({ candidate, table });
    return true;
  };
  const tables = [...body.querySelectorAll("table")].filter((t) => !isHidden(t));
  const paired = new Set<Element>();
  for (const { head, body: rows, wrapper } of splitTables(tables))
    if (add({ element: wrapper, kind: "table", path: at(wrapper), parts: [head, rows] })) {
      paired.add(head);
      paired.add(rows);
    }
  for (const table of tables) if (!paired.has(table)) add({ element: table, kind: "table", path: at(table) });
  for (const grid of body.querySelectorAll(TABLE_ROLES))
    if (grid.tagName !== "TABLE" && !isHidden(grid)) add({ element: grid, kind: "grid", path: at(grid) });
  const claimed = here.map((f) => f.candidate.element);
  for (const el of body.querySelectorAll("*")) {
    if (el.children.length < MIN_LIST_ROWS || SKIPPED_TAGS.has(el.tagName) || el.closest(NOT_LIST_SCOPE))
      continue;
    if (claimed.some((c) => c.contains(el)) || isHidden(el) || !listRowsOf(el)) continue;
    // Lists may nest (a page of cards of rows): each is offered, the admin picks.
    add({ element: el, kind: "list", path: at(el) });
  }
  here.sort((a, b) => (a.candidate.element.compareDocumentPosition(b.candidate.element) & 4 ? -1 : 1));
  out.push(...here);
  doc.querySelectorAll("iframe").forEach((frame, i) => {
    let inner: Document | null = null;
    try {
      inner = (frame as HTMLIFrameElement).contentDocument;
    } catch {
      inner = null;
    }
    if (inner && !isHidden(frame)) collect(inner, `${framePath}frame${i}/`, out);
  });
}

const CALENDAR_CLASS = /calendar|datepicker|flatpickr/i;
const NAVIGATION = 'nav,footer,[role="navigation"],[role="menu"],[role="menubar"],[role="contentinfo"]';

/** Whether the element or one of its near ancestors has a class matching `pattern`. */
function nearClass(el: Element, pattern: RegExp, levels = 3): boolean {
  for (let e: Element | null = el, i = 0; e && i <= levels; e = e.parentElement, i++)
    if (hasClass(e, pattern)) return true;
  return false;
}

/** A code listing: in or holding a <pre>, or classed as highlighted code. */
const isCode = (el: Element) =>
  el.closest("pre,code") !== null || el.querySelector("pre") !== null || nearClass(el, CODE_CLASS);

interface OnScreen {
  area: number;
  inView: boolean;
}

function onScreen(el: Element): OnScreen {
  const rect = el.getBoundingClientRect();
  const view = el.ownerDocument.defaultView;
  const inView =
    view !== null &&
    rect.bottom > 0 &&
    rect.right > 0 &&
    rect.top < view.innerHeight &&
    rect.left < view.innerWidth;
  return { area: rect.width * rect.height, inView };
}

/**
 * How likely a candidate is the data the admin means: its real (non-empty) cells, more with a
 * header, less as a list; less for layout (cells holding other tables, role=presentation, long
 * prose, one row), code listings and calendars; more for what is big on screen and in view.
 */
function likelihood({ candidate, table }: Found, screen: OnScreen | undefined, maxArea: number): number {
  const { element, kind, parts } = candidate;
  const sample = table.rows.slice(0, 500);
  let filled = 0;
  let chars = 0;
  for (const row of sample)
    for (const cell of row)
      if (cell !== "") {
        filled++;
        chars += cell.length;
      }
  let score = (filled * table.rows.length) / Math.max(1, sample.length);
  if (table.headers?.some((h) => h !== "")) score *= 2;
  else if (widthOf(table) === 2) score *= 0.6; // a sheet of name/value pairs
  if (kind === "list") score *= 0.5;
  if (table.rows.length === 1) score *= 0.5;
  if (filled > 0 && chars / filled > 120) score *= 0.3;
  const role = element.getAttribute("role");
  if (role === "presentation" || role === "none") score *= 0.2;
  if (isCode(element)) score *= 0.05;
  if (nearClass(element, CALENDAR_CLASS)) score *= 0.1;
  if (element.closest(NAVIGATION)) score *= 0.2;
  if (kind !== "list") {
    const own = new Set([element, ...(parts ?? [])]);
    const nested = [...element.querySelectorAll(`table,${TABLE_ROLES}`)].filter((t) => !own.has(t));
    const total = element.textContent?.length ?? 0;
    if (nested.length > 0 && total > 0) {
      const inner = nested
        .filter((t) => !nested.some((o) => o !== t && o.contains(t)))
        .reduce((n, t) => n + (t.textContent?.length ?? 0), 0);
      score *= 1 - 0.9 * Math.min(1, inner / total);
    }
  }
  if (screen) {
    score *= screen.area === 0 ? 0.1 : 0.25 + 0.75 * Math.sqrt(screen.area / maxArea);
    if (screen.inView) score *= 1.25;
  }
  return score;
}

const reads = new WeakMap<Candidate, CapturedTable>();

/**
 * Every candidate table of a document and of its same-origin iframes, the likeliest first (ties
 * in page order); a candidate reading exactly as a likelier one is left out.
 */
export function findCandidates(doc: Document): Candidate[] {
  const found: Found[] = [];
  collect(doc, "", found);
  const screens = found.map((f) => onScreen(f.candidate.element));
  const maxArea = Math.max(0, ...screens.map((s) => s.area));
  const ranked = found
    .map((f, i) => ({ f, score: likelihood(f, maxArea > 0 ? screens[i] : undefined, maxArea) }))
    .sort((a, b) => b.score - a.score);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const { f } of ranked) {
    const key = JSON.stringify([f.table.headers, f.table.rows.length, f.table.rows.slice(0, 50)]);
    if (seen.has(key)) continue;
    seen.add(key);
    reads.set(f.candidate, f.table);
    out.push(f.candidate);
  }
  return out;
}

/** The candidate's headers and rows (visible text; hidden rows and columns left out). */
export function extractTable(candidate: Candidate): CapturedTable {
  return reads.get(candidate) ?? read(candidate);
}

// ---------------------------------------------------------------------------------------------
// Names.
// ---------------------------------------------------------------------------------------------

const HEADING = 'h1,h2,h3,h4,h5,h6,[role="heading"],legend,.card-title,.box-title,.panel-title';
const KIND_NAMES: Record<CandidateKind, string> = { table: "Table", grid: "Grid", list: "List" };

/** The heading just before `el` in its section, unless another candidate comes between them. */
function headingBefore(el: Element, others: Element[]): string {
  const body = el.ownerDocument.body;
  let node: Element | null = el;
  for (let level = 0; node && node !== body && level < 6; level++, node = node.parentElement) {
    for (let sib = node.previousElementSibling; sib; sib = sib.previousElementSibling) {
      const s = sib;
      if (others.some((o) => s === o || s.contains(o))) return "";
      const headings = s.matches(HEADING) ? [s] : [...s.querySelectorAll(HEADING)];
      for (let i = headings.length - 1; i >= 0; i--) {
        const h = headings[i] as Element;
        const text = isHidden(h) ? "" : cellText(h);
        if (text) return text;
      }
    }
  }
  return "";
}

function ownLabel(candidate: Candidate): string {
  const { element, parts } = candidate;
  for (const el of [element, ...(parts ?? [])]) {
    const caption = el.tagName === "TABLE" ? el.querySelector(":scope > caption") : null;
    const text = caption && !isHidden(caption) ? cellText(caption) : "";
    if (text) return text;
  }
  for (const el of [element, ...(parts ?? [])]) {
    const label = firstText(el.getAttribute("aria-label"));
    if (label) return label;
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const text = by
        .split(/\s+/)
        .map((id) => el.ownerDocument.getElementById(id))
        .filter((e): e is HTMLElement => e !== null)
        .map(cellText)
        .join(" ");
      if (text) return text;
    }
  }
  return "";
}

function headerName(table: CapturedTable): string {
  const named = (table.headers ?? []).filter((h) => h !== "");
  return named.length === 0 ? "" : `${named.slice(0, 3).join(", ")}${named.length > 3 ? ", …" : ""}`;
}

/**
 * A name for each candidate, all different: its caption, aria-label(ledby) or the heading before
 * it, else its first header cells, else its kind; a repeated name gets the first header cells,
 * then a number.
 */
export function candidateNames(candidates: Candidate[]): string[] {
  const elements = candidates.map((c) => c.element);
  const names = candidates.map((c) => {
    const others = elements.filter((e) => e !== c.element && !e.contains(c.element));
    const columns = headerName(extractTable(c));
    // A code listing is no section's table: the heading before it names the page, not the listing.
    const code = isCode(c.element);
    const own = ownLabel(c) || (code ? "" : headingBefore(c.element, others));
    return { own, columns, name: own || columns || (code ? "Code" : KIND_NAMES[c.kind]) };
  });
  const count = (list: string[]) => {
    const counts = new Map<string, number>();
    for (const n of list) counts.set(n, (counts.get(n) ?? 0) + 1);
    return counts;
  };
  const first = count(names.map((n) => n.name));
  const widened = names.map((n) =>
    (first.get(n.name) ?? 0) > 1 && n.own && n.columns ? `${n.own} (${n.columns})` : n.name,
  );
  const second = count(widened);
  const used = new Map<string, number>();
  return widened.map((n) => {
    if ((second.get(n) ?? 0) < 2) return n;
    const k = (used.get(n) ?? 0) + 1;
    used.set(n, k);
    return `${n} ${k}`;
  });
}
