// Finding and reading the tables on a page: HTML <table>s, ARIA grids and tables built from divs,
// and lists of repeated same-shaped rows without roles, in the document and its same-origin
// iframes. Pure functions over a Document or Element (no extension API), so they run in the
// capture script injected into the page and in unit tests alike.

/** A table as read from the page: header texts (null when it has no header row) and data rows. */
export interface CapturedTable {
  headers: string[] | null;
  rows: string[][];
}

export type CandidateKind = "table" | "grid" | "list";

export interface Candidate {
  element: Element;
  kind: CandidateKind;
  /** Where it is: iframe indexes from the top document, then child indexes from <body>. */
  path: string;
}

const TABLE_ROLES = '[role="grid"],[role="table"],[role="treegrid"]';
const CELL_ROLES = '[role="columnheader"],[role="rowheader"],[role="cell"],[role="gridcell"]';
const SKIPPED_TAGS = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "HEAD", "svg", "SVG"]);
/** Candidates bigger than this are read only up to it (a page holds no more than a console shows). */
export const MAX_CAPTURED_ROWS = 100_000;

const viewOf = (el: Element) => el.ownerDocument.defaultView;

/** Whether CSS or the `hidden` attribute hides this element itself. */
function hiddenHere(el: Element): boolean {
  if ((el as HTMLElement).hidden) return true;
  // A parsed document (a pasted range) has no view to compute styles in: its inline style tells.
  const view = viewOf(el);
  const style: { display: string; visibility: string } | undefined = view
    ? view.getComputedStyle(el)
    : (el as HTMLElement).style;
  return (
    style !== undefined &&
    (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse")
  );
}

/** Whether `el` or an ancestor up to (not including) `root` is hidden. */
export function isHidden(el: Element, root?: Element): boolean {
  for (let e: Element | null = el; e && e !== root; e = e.parentElement) if (hiddenHere(e)) return true;
  return root ? hiddenHere(root) : false;
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

function mailtoAddress(href: string): string {
  const address = href.replace(/^mailto:/i, "").split("?")[0] ?? "";
  try {
    return decodeURIComponent(address).trim();
  } catch {
    return address.trim();
  }
}

/** The label of an icon-only element: its own or a descendant's aria-label, title or alt. */
function iconLabel(el: Element): string {
  const own = el.getAttribute("aria-label") ?? el.getAttribute("title");
  if (own?.trim()) return collapse(own);
  const labelled = el.querySelector("[aria-label],[title],img[alt]");
  if (!labelled) return "";
  const svgTitle =
    labelled.tagName.toLowerCase() === "svg" ? labelled.querySelector("title")?.textContent : null;
  return collapse(
    labelled.getAttribute("aria-label") ??
      labelled.getAttribute("title") ??
      labelled.getAttribute("alt") ??
      svgTitle ??
      "",
  );
}

function collectText(node: Node, out: string[]): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) out.push(child.nodeValue ?? "");
    else if (child.nodeType === 1) {
      const el = child as Element;
      if (SKIPPED_TAGS.has(el.tagName) || hiddenHere(el)) continue;
      if (el.tagName === "BR") out.push(" ");
      else {
        out.push(" ");
        collectText(el, out);
        out.push(" ");
      }
    }
  }
}

/**
 * A cell's visible text, trimmed and with whitespace collapsed; a cell holding one `mailto:` link
 * reads as the address; an icon-only cell reads as its aria-label or title.
 */
export function cellText(el: Element): string {
  const mailto = el.querySelectorAll('a[href^="mailto:" i]');
  if (mailto.length === 1) {
    const address = mailtoAddress((mailto[0] as Element).getAttribute("href") ?? "");
    if (address) return address;
  }
  const parts: string[] = [];
  collectText(el, parts);
  const text = collapse(parts.join(""));
  return text || iconLabel(el);
}

// ---------------------------------------------------------------------------------------------
// Rows and cells with spans -> a rectangular table.
// ---------------------------------------------------------------------------------------------

interface RawCell {
  el: Element;
  header: boolean;
  colspan: number;
  rowspan: number;
}

interface RawRow {
  el: Element;
  cells: RawCell[];
  /** In a <thead> (or made only of column headers). */
  head: boolean;
}

const span = (value: string | null, max: number) => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1;
};

interface Slot {
  el: Element;
  origin: boolean;
}

/** Lays the rows out on a grid, expanding colspan and rowspan (a spanned cell fills every slot). */
function layout(rows: RawRow[]): Slot[][] {
  const grid: Slot[][] = rows.map(() => []);
  rows.forEach((row, r) => {
    const line = grid[r] as Slot[];
    let c = 0;
    for (const cell of row.cells) {
      while (line[c]) c++;
      for (let dr = 0; dr < cell.rowspan && r + dr < rows.length; dr++) {
        const target = grid[r + dr] as Slot[];
        for (let dc = 0; dc < cell.colspan; dc++)
          target[c + dc] = { el: cell.el, origin: dr === 0 && dc === 0 };
      }
      c += cell.colspan;
    }
  });
  return grid;
}

function assemble(rows: RawRow[], root: Element): CapturedTable {
  const visible = rows.filter((r) => !isHidden(r.el, root));
  const grid = layout(visible);
  const width = Math.max(0, ...grid.map((g) => g.length));
  let headCount = 0;
  while (headCount < visible.length - 1 && (visible[headCount] as RawRow).head) headCount++;
  const texts = new Map<Element, string>();
  const textOf = (el: Element) => {
    let t = texts.get(el);
    if (t === undefined) {
      t = cellText(el);
      texts.set(el, t);
    }
    return t;
  };
  // A column is hidden when its header cells are (or, without a header, every cell is).
  const decisive = headCount > 0 ? grid.slice(0, headCount) : grid;
  const keep: number[] = [];
  for (let c = 0; c < width; c++) {
    const slots = decisive.map((g) => g[c]).filter((s): s is Slot => s !== undefined);
    if (slots.length === 0 || !slots.every((s) => isHidden(s.el, root))) keep.push(c);
  }
  let headers: string[] | null = null;
  if (headCount > 0) {
    headers = keep.map((c) => {
      const parts: string[] = [];
      for (const g of grid.slice(0, headCount)) {
        const slot = g[c];
        const text = slot ? textOf(slot.el) : "";
        if (text && parts[parts.length - 1] !== text) parts.push(text);
      }
      return parts.join(" ");
    });
  }
  const out: string[][] = [];
  const headerLine = headers?.join("\u0000");
  for (const g of grid.slice(headCount)) {
    // A row of one cell across every column is a group heading, not data.
    if (width > 1 && g.length > 0 && g.every((s) => s.el === g[0]?.el)) continue;
    const cells = keep.map((c) => {
      const slot = g[c];
      return slot && !hiddenHere(slot.el) ? textOf(slot.el) : "";
    });
    if (cells.every((t) => t === "")) continue;
    if (headerLine !== undefined && cells.join("\u0000") === headerLine) continue;
    out.push(cells);
    if (out.length >= MAX_CAPTURED_ROWS) break;
  }
  return { headers, rows: out };
}

/** A <table>'s own rows (not those of tables nested in its cells). */
function htmlRows(table: Element): RawRow[] {
  const rows: RawRow[] = [];
  const addRow = (tr: Element, inHead: boolean) => {
    const cells: RawCell[] = [];
    for (const cell of tr.children) {
      if (cell.tagName !== "TD" && cell.tagName !== "TH") continue;
      cells.push({
        el: cell,
        header: cell.tagName === "TH",
        colspan: span(cell.getAttribute("colspan"), 1000),
        rowspan: span(cell.getAttribute("rowspan"), 65_534),
      });
    }
    if (cells.length > 0) rows.push({ el: tr, cells, head: inHead });
  };
  for (const child of table.children) {
    if (child.tagName === "TR") addRow(child, false);
    else if (child.tagName === "THEAD" || child.tagName === "TBODY" || child.tagName === "TFOOT")
      for (const tr of child.children) if (tr.tagName === "TR") addRow(tr, child.tagName === "THEAD");
  }
  // Without a <thead>, the leading rows made only of <th> are the header.
  if (!rows.some((r) => r.head)) {
    for (const row of rows) {
      if (!row.cells.every((c) => c.header)) break;
      row.head = true;
    }
  }
  return rows;
}

/** An ARIA grid's own rows and cells (not those of grids nested in it). */
function ariaRows(root: Element): RawRow[] {
  const rows: RawRow[] = [];
  for (const row of root.querySelectorAll('[role="row"]')) {
    if (row.parentElement?.closest(TABLE_ROLES) !== root) continue;
    const cells: RawCell[] = [];
    for (const cell of row.querySelectorAll(CELL_ROLES)) {
      if (cell.parentElement?.closest('[role="row"]') !== row) continue;
      cells.push({
        el: cell,
        header: cell.getAttribute("role") === "columnheader",
        colspan: span(cell.getAttribute("aria-colspan"), 1000),
        rowspan: span(cell.getAttribute("aria-rowspan"), 65_534),
      });
    }
    if (cells.length > 0) rows.push({ el: row, cells, head: cells.every((c) => c.header) });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Repeated same-shaped rows without roles.
// ---------------------------------------------------------------------------------------------

const signature = (el: Element) => `${el.tagName}.${[...el.classList].sort().join(".")}`;

/** The text-bearing leaves of a row, keyed by their place in it (tag, classes, index among like siblings). */
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
    const isLink = child.tagName === "A";
    if (hasOwnText || isLink || child.children.length === 0) {
      if (cellText(child) !== "") out.set(key, child);
    } else leaves(child, out, key);
  }
  return out;
}

const MIN_LIST_ROWS = 3;

/** The rows of a list candidate: the biggest group of like children, each with at least 2 leaves. */
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
  const withFields = visible.filter((r) => leaves(r).size >= 2);
  return withFields.length >= MIN_LIST_ROWS && withFields.length >= visible.length * 0.7
    ? visible
    : undefined;
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
// Candidates.
// ---------------------------------------------------------------------------------------------

function childPath(el: Element): string {
  const parts: number[] = [];
  const body = el.ownerDocument.body;
  for (let e: Element | null = el; e && e !== body && e.parentElement; e = e.parentElement)
    parts.unshift([...e.parentElement.children].indexOf(e));
  return parts.join(".");
}

/** Whether a table-like element holds at least one data row with two columns, or two rows. */
function worthIt(table: CapturedTable): boolean {
  const width = Math.max(table.headers?.length ?? 0, ...table.rows.map((r) => r.length));
  return table.rows.length >= 1 && (width >= 2 || table.rows.length >= 2);
}

/** Every candidate table of a document and of its same-origin iframes, in document order. */
export function findCandidates(doc: Document, framePath = ""): Candidate[] {
  const body = doc.body;
  if (!body) return [];
  const out: Candidate[] = [];
  const at = (el: Element) => `${framePath}${childPath(el)}`;
  const claimed: Element[] = [];
  const inside = (el: Element) => claimed.some((c) => c.contains(el));
  for (const table of body.querySelectorAll("table")) {
    if (isHidden(table) || table.closest(TABLE_ROLES)) continue;
    const read = extractTable({ element: table, kind: "table", path: "" });
    if (!worthIt(read)) continue;
    out.push({ element: table, kind: "table", path: at(table) });
    claimed.push(table);
  }
  for (const grid of body.querySelectorAll(TABLE_ROLES)) {
    if (grid.tagName === "TABLE" || isHidden(grid)) continue;
    const read = extractTable({ element: grid, kind: "grid", path: "" });
    if (!worthIt(read)) continue;
    out.push({ element: grid, kind: "grid", path: at(grid) });
    claimed.push(grid);
  }
  for (const el of body.querySelectorAll("*")) {
    if (el.children.length < MIN_LIST_ROWS || SKIPPED_TAGS.has(el.tagName)) continue;
    if (el.closest('table,[role="row"],[role="rowgroup"]') || el.closest(TABLE_ROLES)) continue;
    if (inside(el) || isHidden(el)) continue;
    if (!listRowsOf(el)) continue;
    // Lists may nest (a page of cards of rows): each is offered, the admin picks.
    out.push({ element: el, kind: "list", path: at(el) });
  }
  out.sort((a, b) => (a.element.compareDocumentPosition(b.element) & 4 ? -1 : 1));
  doc.querySelectorAll("iframe").forEach((frame, i) => {
    let inner: Document | null = null;
    try {
      inner = (frame as HTMLIFrameElement).contentDocument;
    } catch {
      inner = null;
    }
    if (inner && !isHidden(frame)) out.push(...findCandidates(inner, `${framePath}frame${i}/`));
  });
  return out;
}

/** The candidate's headers and rows (visible text; hidden rows and columns left out). */
export function extractTable(candidate: Candidate): CapturedTable {
  const { element, kind } = candidate;
  if (kind === "table") return assemble(htmlRows(element), element);
  if (kind === "grid") return assemble(ariaRows(element), element);
  return listTable(element);
}

/** A short name for a candidate: its caption, aria-label(ledby), or the heading before it. */
export function candidateLabel(el: Element): string {
  const caption = el.tagName === "TABLE" ? el.querySelector(":scope > caption") : null;
  if (caption) return cellText(caption);
  const label = el.getAttribute("aria-label");
  if (label?.trim()) return collapse(label);
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
  const headings = el.ownerDocument.querySelectorAll("h1,h2,h3,h4,h5,h6");
  let heading = "";
  for (const h of headings) {
    if (h.compareDocumentPosition(el) & 4) heading = cellText(h);
    else break;
  }
  return heading;
}
