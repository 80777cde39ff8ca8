// Finding and reading the tables on a page: HTML <table>s whatever their role, ARIA grids and
// tables built from divs (a row split over pinned and scrolling containers joined by
// aria-rowindex, cells placed by aria-colindex), a header and a body drawn as two tables, and
// lists of repeated same-shaped rows without roles, in the document and its same-origin iframes,
// ranked by how likely each is the data the admin means. Pure functions over a Document or
// Element (no extension API), so they run in the capture script injected into the page and in
// unit tests alike. Written by hand: no library reads arbitrary page markup as tables.

/** A table as read from the page: header texts (null when it has no header row) and data rows. */
export interface CapturedTable {
  headers: string[] | null;
  rows: string[][];
  /** Each row's aria-rowindex, when every row has one (a virtualized grid shows a window of them). */
  rowIndexes?: number[];
}

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

const TABLE_ROLES = '[role="grid"],[role="table"],[role="treegrid"]';
const CELL_ROLES = '[role="columnheader"],[role="rowheader"],[role="cell"],[role="gridcell"]';
const SKIPPED_TAGS = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "HEAD", "svg", "SVG"]);
/** Cells and rows break words whatever their display (spans laid out as a grid). */
const CELL_OR_ROW = new Set(["cell", "gridcell", "columnheader", "rowheader", "row"]);
/** Form controls and buttons: what they do is not data, so their titles are no cell's label. */
const CONTROL_TAGS = new Set(["BUTTON", "INPUT", "SELECT", "TEXTAREA"]);
/** Elements that start and end a word where the page gives no computed style (a parsed range). */
const BOUNDARY_TAGS = new Set(
  (
    "ADDRESS ARTICLE ASIDE BLOCKQUOTE BUTTON CAPTION DD DETAILS DIALOG DIV DL DT FIELDSET FIGCAPTION " +
    "FIGURE FOOTER FORM H1 H2 H3 H4 H5 H6 HEADER HGROUP HR INPUT LEGEND LI MAIN MENU NAV OL P PRE " +
    "SECTION SELECT SUMMARY TABLE TBODY TD TEXTAREA TFOOT TH THEAD TR UL"
  ).split(" "),
);
/** Candidates bigger than this are read only up to it (a page holds no more than a console shows). */
export const MAX_CAPTURED_ROWS = 100_000;

// ---------------------------------------------------------------------------------------------
// Text as the admin sees it.
// ---------------------------------------------------------------------------------------------

type Box = "hidden" | "boundary" | "inline";

/** How an element shows: not at all, as a box of its own (a word boundary), or inline in its line. */
function boxOf(el: Element): Box {
  if ((el as HTMLElement).hidden) return "hidden";
  // A parsed document (a pasted range) has no view to compute styles in: its inline style tells.
  const view = el.ownerDocument.defaultView;
  const style: { display: string; visibility: string } | undefined = view
    ? view.getComputedStyle(el)
    : (el as HTMLElement).style;
  const display = style?.display ?? "";
  if (display === "none" || style?.visibility === "hidden" || style?.visibility === "collapse")
    return "hidden";
  if (display === "inline" || display === "contents") return "inline";
  if (display !== "") return "boundary";
  return BOUNDARY_TAGS.has(el.tagName) ? "boundary" : "inline";
}

const hiddenHere = (el: Element) => boxOf(el) === "hidden";

/** Whether all of an element's text is bold (its own weight, or <b>/<strong> around it all). */
function isBold(el: Element): boolean {
  const weight = el.ownerDocument.defaultView?.getComputedStyle(el).fontWeight ?? "";
  if (weight === "bold" || Number(weight) >= 600) return true;
  const strong = [...el.querySelectorAll("b,strong")].map((b) => b.textContent ?? "").join("");
  return strong.replace(/\s/g, "") === (el.textContent ?? "").replace(/\s/g, "");
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

/** The chosen options of a <select>: what it shows, not every option it holds. */
function selectedText(select: HTMLSelectElement): string {
  return [...select.options]
    .filter((o) => o.selected)
    .map((o) => o.textContent ?? "")
    .join("; ");
}

/** Visible text with inline markup joined as it renders ("$<b>1</b>.00" is "$1.00"). */
function collectText(node: Node, out: string[]): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) out.push(child.nodeValue ?? "");
    else if (child.nodeType === 1) {
      const el = child as Element;
      if (SKIPPED_TAGS.has(el.tagName)) continue;
      const box = boxOf(el);
      if (box === "hidden") continue;
      if (el.tagName === "BR") {
        out.push(" ");
        continue;
      }
      const edge = box === "boundary" || CELL_OR_ROW.has(el.getAttribute("role") ?? "") ? " " : "";
      out.push(edge);
      if (el.tagName === "SELECT") out.push(selectedText(el as HTMLSelectElement));
      else if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA") collectText(el, out);
      out.push(edge);
    }
  }
}

function visibleText(el: Element): string {
  const parts: string[] = [];
  collectText(el, parts);
  return collapse(parts.join(""));
}

const firstText = (...values: (string | null | undefined)[]) => collapse(values.find((v) => v?.trim()) ?? "");

/** An element's own label: aria-label, title, an image's alt, an SVG's <title>. */
function labelOf(el: Element): string {
  const tag = el.tagName.toLowerCase();
  return firstText(
    el.getAttribute("aria-label"),
    el.getAttribute("title"),
    tag === "img" ? el.getAttribute("alt") : null,
    tag === "svg" ? el.querySelector("title")?.textContent : null,
  );
}

/** The labels of the icons in an element without text, in order: one per icon ("Ann; Bob"). */
function iconLabels(el: Element): string {
  const own = firstText(el.getAttribute("aria-label"), el.getAttribute("title"));
  if (own) return own;
  const labels: string[] = [];
  const walk = (parent: Element) => {
    for (const child of parent.children) {
      if (CONTROL_TAGS.has(child.tagName) || child.getAttribute("role") === "button") continue;
      if (child.getAttribute("aria-hidden") === "true" || hiddenHere(child)) continue;
      const label = labelOf(child);
      if (label) labels.push(label);
      else if (child.tagName.toLowerCase() !== "svg") walk(child);
    }
  };
  walk(el);
  return labels.join("; ");
}

interface CellRead {
  text: string;
  /** The text is the state of the cell's only checkbox (a selection column reads as nothing else). */
  checkbox: boolean;
}

/**
 * A cell as the admin sees it: its visible text; a cell holding one `mailto:` link reads as the
 * address; one without text as its icons' labels; a data cell holding only a checkbox as its
 * state ("true"/"false").
 */
function readCell(el: Element, header = false): CellRead {
  if (!header) {
    const mailto = el.querySelectorAll('a[href^="mailto:" i]');
    if (mailto.length === 1) {
      const address = mailtoAddress((mailto[0] as Element).getAttribute("href") ?? "");
      if (address) return { text: address, checkbox: false };
    }
  }
  const text = visibleText(el);
  if (text) return { text: header ? text : withoutAvatarInitials(el, text), checkbox: false };
  const boxes = [...el.querySelectorAll('input[type="checkbox" i],input[type="radio" i]')].filter(
    (b) => !isHidden(b, el),
  );
  // A header holding a "select all" checkbox heads a selection column, whatever its aria-label.
  if (header) return { text: boxes.length > 0 ? "" : iconLabels(el), checkbox: false };
  const icons = iconLabels(el);
  if (icons) return { text: icons, checkbox: false };
  if (boxes.length === 1) return { text: String((boxes[0] as HTMLInputElement).checked), checkbox: true };
  return { text: "", checkbox: false };
}

/**
 * A cell's text without a decorative avatar before the name it stands for ("AL Ann Lee" -> "Ann
 * Lee"): an element of its own holding only the initials of the words after it (all of them, or
 * the first and the last).
 */
function withoutAvatarInitials(el: Element, text: string): string {
  const m = /^(\p{Lu}{1,3}) (.+)$/u.exec(text);
  if (!m) return text;
  const [, initials, rest] = m as unknown as [string, string, string];
  const firsts = rest
    .split(" ")
    .map((word) => /\p{L}/u.exec(word)?.[0]?.toUpperCase() ?? "")
    .filter(Boolean);
  const matches =
    firsts.join("") === initials || (firsts.length > 1 && `${firsts[0]}${firsts.at(-1)}` === initials);
  if (!matches) return text;
  const avatar = [...el.querySelectorAll("*")].some(
    (child) => child.children.length === 0 && collapse(child.textContent ?? "") === initials,
  );
  return avatar ? rest : text;
}

/** A cell's text as the admin sees it (see readCell). */
export const cellText = (el: Element) => readCell(el).text;

// ---------------------------------------------------------------------------------------------
// Rows and cells with spans -> a rectangular table.
// ---------------------------------------------------------------------------------------------

interface RawCell {
  el: Element;
  header: boolean;
  colspan: number;
  rowspan: number;
  /** Its column when the markup says (aria-colindex - 1). */
  col?: number;
}

interface RawRow {
  el: Element;
  cells: RawCell[];
  /** In a <thead>. */
  inHead: boolean;
  /** Its aria-rowindex. */
  index?: number;
}

const span = (value: string | null, max: number) => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1;
};

const positive = (value: string | null) => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) && n >= 1 ? n : undefined;
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
      if (cell.col !== undefined) c = cell.col;
      else while (line[c]) c++;
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

const widthOfGrid = (grid: Slot[][]) => Math.max(0, ...grid.map((g) => g.length));

/** Whether `cols` of a laid-out row are all one cell (a title or group heading across the table). */
const oneCellAcross = (g: Slot[], cols: number[]) =>
  cols.length > 1 &&
  g[cols[0] as number] !== undefined &&
  cols.every((c) => g[c]?.el === g[cols[0] as number]?.el);

/**
 * The header rows: the leading <thead> rows (without a <thead>, the leading rows of header
 * cells; without those, a first row of bold labels over rows that are not), less title and
 * toolbar rows (one cell across the whole table). `end` is the first row after them.
 */
function headerRows(visible: RawRow[], titleRow: (i: number) => boolean): { rows: number[]; end: number } {
  const hasHead = visible.some((r) => r.inHead);
  const allHeader = (i: number) => (visible[i] as RawRow).cells.every((c) => c.header);
  let end = 0;
  while (end < visible.length && (hasHead ? (visible[end] as RawRow).inHead : allHeader(end))) end++;
  // A table of header cells only: its first row is the header.
  if (!hasHead && end === visible.length) end = Math.min(end, 1);
  const rows = Array.from({ length: end }, (_, i) => i).filter((i) => !titleRow(i));
  if (rows.length > 0) return { rows, end };
  if (hasHead) {
    // The <thead> held only a title: the rows of header cells after it are the header.
    while (end < visible.length - 1 && allHeader(end) && !titleRow(end)) rows.push(end++);
    return { rows, end };
  }
  const bold = (i: number) => {
    const cells = (visible[i] as RawRow).cells.filter((c) => visibleText(c.el) !== "");
    return cells.length > 0 && cells.every((c) => isBold(c.el));
  };
  return end === 0 && visible.length >= 3 && bold(0) && !bold(1) ? { rows: [0], end: 1 } : { rows, end };
}

function assemble(rows: RawRow[], root: Element): CapturedTable {
  const visible = rows.filter((r) => !isHidden(r.el, root));
  const grid = layout(visible);
  // Columns where some cell starts: a wide colspan adds none.
  const origins = new Set<number>();
  for (const g of grid)
    g.forEach((s, c) => {
      if (s.origin) origins.add(c);
    });
  const columns = [...origins].sort((a, b) => a - b);
  const { rows: headRows, end: headEnd } = headerRows(visible, (i) =>
    oneCellAcross(grid[i] as Slot[], columns),
  );
  const head = headRows.map((i) => grid[i] as Slot[]);

  // Columns not hidden by their header cells (or, without a header, by every cell).
  const decisive = head.length > 0 ? head : grid;
  const keep = columns.filter((c) => {
    const slots = decisive.map((g) => g[c]).filter((s): s is Slot => s !== undefined);
    return slots.length === 0 || !slots.every((s) => isHidden(s.el, root));
  });

  const reads = new Map<Element, CellRead>();
  const readOf = (el: Element) => {
    let read = reads.get(el);
    if (read === undefined) {
      read = readCell(el);
      reads.set(el, read);
    }
    return read;
  };
  const headerOf = (c: number) => {
    const parts: string[] = [];
    for (const g of head) {
      const text = g[c] ? readCell((g[c] as Slot).el, true).text : "";
      if (text && parts[parts.length - 1] !== text) parts.push(text);
    }
    return parts.join(" ");
  };
  const headers = head.length > 0 ? keep.map(headerOf) : null;
  const headerLine = headers?.join("\u0000");

  const data: { cells: (CellRead | undefined)[]; index: number | undefined }[] = [];
  for (let r = headEnd; r < grid.length && data.length < MAX_CAPTURED_ROWS; r++) {
    const g = grid[r] as Slot[];
    // A row of one cell across every column is a group heading, not data.
    if (oneCellAcross(g, keep)) continue;
    const cells = keep.map((c) => {
      const slot = g[c];
      return slot && !hiddenHere(slot.el) ? readOf(slot.el) : undefined;
    });
    const texts = cells.map((cell) => cell?.text ?? "");
    // Empty, or only the state of checkboxes (a filter or insert row of form controls).
    if (cells.every((cell) => cell === undefined || cell.text === "" || cell.checkbox)) continue;
    // A footer repeating the header.
    if (headerLine !== undefined && texts.join("\u0000") === headerLine) continue;
    data.push({ cells, index: (visible[r] as RawRow).index });
  }

  // A column without a header holding nothing but empty cells or selection checkboxes is no data.
  const useful = keep.map(
    (_, k) =>
      (headers !== null && headers[k] !== "") ||
      data.some((d) => {
        const cell = d.cells[k];
        return cell !== undefined && cell.text !== "" && !cell.checkbox;
      }),
  );
  const table: CapturedTable = {
    headers: headers ? headers.filter((_, k) => useful[k]) : null,
    rows: data.map((d) => d.cells.filter((_, k) => useful[k]).map((cell) => cell?.text ?? "")),
  };
  const indexes = data.map((d) => d.index);
  if (indexes.length > 0 && indexes.every((i) => i !== undefined)) table.rowIndexes = indexes as number[];
  return table;
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
    if (cells.length > 0) rows.push({ el: tr, cells, inHead });
  };
  for (const child of table.children) {
    if (child.tagName === "TR") addRow(child, false);
    else if (child.tagName === "THEAD" || child.tagName === "TBODY" || child.tagName === "TFOOT")
      for (const tr of child.children) if (tr.tagName === "TR") addRow(tr, child.tagName === "THEAD");
  }
  return rows;
}

/**
 * An ARIA grid's own rows and cells (not those of grids nested in it). Rows with the same
 * aria-rowindex are one row drawn in several containers (pinned columns beside scrolling ones);
 * rows are put in aria-rowindex order, since a virtualized grid adds them in any order.
 */
function ariaRows(root: Element): RawRow[] {
  const rows: RawRow[] = [];
  const byIndex = new Map<number, RawRow>();
  for (const row of root.querySelectorAll('[role="row"]')) {
    if (row.parentElement?.closest(TABLE_ROLES) !== root || isHidden(row, root)) continue;
    const cells: RawCell[] = [];
    for (const cell of row.querySelectorAll(CELL_ROLES)) {
      if (cell.parentElement?.closest('[role="row"]') !== row) continue;
      const col = positive(cell.getAttribute("aria-colindex"));
      cells.push({
        el: cell,
        header: cell.getAttribute("role") === "columnheader",
        colspan: span(cell.getAttribute("aria-colspan"), 1000),
        rowspan: span(cell.getAttribute("aria-rowspan"), 65_534),
        ...(col !== undefined ? { col: col - 1 } : {}),
      });
    }
    if (cells.length === 0) continue;
    const index = positive(row.getAttribute("aria-rowindex"));
    const same = index !== undefined ? byIndex.get(index) : undefined;
    if (same) same.cells.push(...cells);
    else {
      const raw: RawRow = { el: row, cells, inHead: false, ...(index !== undefined ? { index } : {}) };
      rows.push(raw);
      if (index !== undefined) byIndex.set(index, raw);
    }
  }
  if (rows.every((r) => r.index !== undefined))
    rows.sort((a, b) => (a.index as number) - (b.index as number));
  return rows;
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
