// Rows and cells with spans -> a rectangular table: HTML tables (colspan, rowspan, title and
// toolbar rows of a <thead>) and ARIA grids (rows joined by aria-rowindex across pinned and
// scrolling halves, cells placed by aria-colindex, group headers adding no columns).
import type { CapturedTable } from "./protocol.ts";
import { type CellRead, hiddenHere, isBold, isHidden, readCell, visibleText } from "./text.ts";

/** Candidates bigger than this are read only up to it (a page holds no more than a console shows). */
export const MAX_CAPTURED_ROWS = 100_000;
export const TABLE_ROLES = '[role="grid"],[role="table"],[role="treegrid"]';
export const CELL_ROLES = '[role="columnheader"],[role="rowheader"],[role="cell"],[role="gridcell"]';

// ---------------------------------------------------------------------------------------------
// Rows and cells with spans -> a rectangular table.
// ---------------------------------------------------------------------------------------------

export interface RawCell {
  el: Element;
  header: boolean;
  colspan: number;
  rowspan: number;
  /** Its column when the markup says (aria-colindex - 1). */
  col?: number;
}

export interface RawRow {
  el: Element;
  cells: RawCell[];
  /** In a <thead>. */
  inHead: boolean;
  /** Its aria-rowindex. */
  index?: number;
}

export const span = (value: string | null, max: number) => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1;
};

export const positive = (value: string | null) => {
  const n = Number.parseInt(value ?? "", 10);
  return Number.isFinite(n) && n >= 1 ? n : undefined;
};

export interface Slot {
  el: Element;
  origin: boolean;
}

/** Lays the rows out on a grid, expanding colspan and rowspan (a spanned cell fills every slot). */
export function layout(rows: RawRow[]): Slot[][] {
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

export const widthOfGrid = (grid: Slot[][]) => Math.max(0, ...grid.map((g) => g.length));

/** Whether `cols` of a laid-out row are all one cell (a title or group heading across the table). */
export const oneCellAcross = (g: Slot[], cols: number[]) =>
  cols.length > 1 &&
  g[cols[0] as number] !== undefined &&
  cols.every((c) => g[c]?.el === g[cols[0] as number]?.el);

/**
 * The header rows: the leading <thead> rows (without a <thead>, the leading rows of header
 * cells; without those, a first row of bold labels over rows that are not), less title and
 * toolbar rows (one cell across the whole table). `end` is the first row after them.
 */
export function headerRows(
  visible: RawRow[],
  titleRow: (i: number) => boolean,
): { rows: number[]; end: number } {
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

export function assemble(rows: RawRow[], root: Element): CapturedTable {
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
export function htmlRows(table: Element): RawRow[] {
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
export function ariaRows(root: Element): RawRow[] {
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
