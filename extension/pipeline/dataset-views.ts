// What the page sees of the dataset under review, computed in the pipeline worker: its columns,
// the summary (counts, the problems grouped by column and rule with their bulk fixes, what undo
// and redo would do), windows of grid rows (all rows, or only those with problems of a kind), and
// "next problem" look-ups. Read through a narrow ViewSource; cached until the version changes.
import { type ContextSchema, type Issue, isObject, type JsonValue } from "../../schemas/index.ts";
import { type Mapping, mappedFields } from "../mapping.ts";
import { EXAMPLES, fixExample } from "./dataset-edits.ts";
import { cellText, SOURCE_KEYWORDS, WHOLE_ROW } from "./protocol.ts";
import type {
  GridCell,
  GridQuery,
  GridRow,
  GridWindow,
  ProblemGroup,
  ProblemKind,
  ProblemLevel,
  ProblemPlace,
  ReviewSummary,
} from "./review-types.ts";

export const MAX_WARNINGS_SHOWN = 200;

/**
 * The order fields are shown and written in: the mapped ones in the file's column order (a split
 * column's two fields in its place), then the others in the schema's order, its record key first. Never an object's key order alone decides
 * it (a schema read back from chrome.storage has its properties sorted by name).
 */
export function fieldOrder(schema: ContextSchema, mapping: Mapping): string[] {
  const has = (f: string) => Object.hasOwn(schema.properties, f);
  const key = (schema["x-intake-key"] ?? []).filter(has);
  const mapped = mappedFields(mapping).filter(has);
  return [...new Set([...mapped, ...key, ...Object.keys(schema.properties)])];
}

/** The allowed values of the columns with a closed set of them (an enum of texts, a boolean). */
function choicesOf(schema: ContextSchema, columns: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const field of columns) {
    const prop = schema.properties[field];
    if (prop?.enum?.length && prop.enum.every((v) => typeof v === "string"))
      out[field] = prop.enum as string[];
    else if (prop?.type === "boolean") out[field] = ["true", "false"];
  }
  return out;
}

/**
 * The grid's columns (the mapped, constant and required fields) and every field (the grid's
 * columns, then the others: the corrected CSV's), in `fieldOrder`; and the values a column may
 * hold, for the columns with a closed set.
 */
export function gridColumns(
  schema: ContextSchema,
  mapping: Mapping,
): { columns: string[]; fields: string[]; choices: Record<string, string[]> } {
  const shown = new Set<string>([
    ...mappedFields(mapping),
    ...Object.keys(mapping.constants).filter((f) => (mapping.constants[f] ?? "").trim() !== ""),
    ...(schema.required ?? []),
  ]);
  const order = fieldOrder(schema, mapping);
  const columns = order.filter((f) => shown.has(f));
  return { columns, fields: [...new Set([...columns, ...order])], choices: choicesOf(schema, columns) };
}

export const kindOf = (i: Issue, level: ProblemLevel): ProblemKind => ({
  column: i.field || WHOLE_ROW,
  keyword: i.keyword,
  level,
});
export const kindKey = (k: ProblemKind) => `${k.level}\u0001${k.column}\u0001${k.keyword}`;

/** Whether issue `i` is in column `column` ("" any, WHOLE_ROW a row-level one) and of rule `keyword` ("" any). */
export const matches = (i: Issue, column: string, keyword: string) =>
  (!column || (column === WHOLE_ROW ? i.field === "" : i.field === column)) &&
  (!keyword || i.keyword === keyword);

/** Index of the first entry of sorted `list` at or after `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What the views read of the dataset. */
export interface ViewSource {
  /** Goes up with every change of the rows or their problems. */
  readonly version: number;
  readonly count: number;
  readonly includedCount: number;
  readonly columns: string[];
  readonly choices: Record<string, string[]>;
  readonly history: { readonly undoLabel: string | undefined; readonly redoLabel: string | undefined };
  raw(i: number): JsonValue;
  /** Row `i`'s line in the file, when it has one. */
  line(i: number): number | undefined;
  isExcluded(i: number): boolean;
  /** The rows (0-based, ascending) with any problem, left out or not. */
  problemRows(): readonly number[];
  /** Appends row `i`'s errors to `out` (none when it is left out). */
  errorsOf(i: number, out: Issue[]): void;
  /** Appends row `i`'s warnings to `out` (whether it is left out or not). */
  warningsOf(i: number, out: Issue[]): void;
  errors(): Issue[];
  /** Every warning of a row, in row order (left-out rows' excepted). */
  rowWarnings(): Issue[];
  /** Warnings about the whole dataset. */
  datasetWarnings(): Issue[];
  fixOf(issue: Issue): JsonValue | undefined;
  ofKind(kind: ProblemKind): Issue[];
}

export class DatasetViews {
  private readonly data: ViewSource;
  /** The version the caches hold. */
  private cachedVersion: number;
  private summaryCache: ReviewSummary | undefined;
  /** The grid's row lists, by problems query. */
  private readonly listCache = new Map<string, number[]>();

  constructor(data: ViewSource) {
    this.data = data;
    this.cachedVersion = data.version;
  }

  private fresh(): void {
    if (this.cachedVersion === this.data.version) return;
    this.cachedVersion = this.data.version;
    this.summaryCache = undefined;
    this.listCache.clear();
  }

  /** Counts, the problems grouped by column and rule with their fixes, and the undo history. */
  summary(): ReviewSummary {
    this.fresh();
    if (this.summaryCache) return this.summaryCache;
    const data = this.data;
    const groups = new Map<string, ProblemGroup & { lastRow: number; seen: Set<string> }>();
    const add = (issue: Issue, level: ProblemLevel) => {
      const kind = kindOf(issue, level);
      const key = kindKey(kind);
      let g = groups.get(key);
      if (!g) {
        g = {
          ...kind,
          count: 0,
          message: issue.message,
          fixable: 0,
          examples: [],
          rows: 0,
          lastRow: 0,
          seen: new Set(),
        };
        groups.set(key, g);
      }
      g.count++;
      if (g.lastRow !== issue.row) {
        g.rows++;
        g.lastRow = issue.row;
      }
      const fix = data.fixOf(issue);
      if (fix === undefined) return;
      g.fixable++;
      if (g.examples.length < EXAMPLES) {
        const pair = fixExample(issue.value, fix);
        const k = pair.join("\u0001");
        if (!g.seen.has(k)) {
          g.seen.add(k);
          g.examples.push(pair);
        }
      }
    };
    const errors = data.errors();
    for (const issue of errors) add(issue, "error");
    const warnings = data.rowWarnings();
    for (const issue of warnings) add(issue, "warning");
    const list = [...groups.values()]
      .map(({ lastRow: _l, seen: _s, ...g }) => g)
      .sort((a, b) => (a.level === b.level ? b.count - a.count : a.level === "error" ? -1 : 1));
    const undo = data.history.undoLabel;
    const redo = data.history.redoLabel;
    const datasetWarnings = data.datasetWarnings();
    this.summaryCache = {
      version: data.version,
      choices: data.choices,
      rowCount: data.count,
      includedCount: data.includedCount,
      errorCount: errors.length,
      warningCount: warnings.length + datasetWarnings.length,
      problemRowCount: this.rowList({ problems: true, column: "", keyword: "" }).length,
      columns: data.columns,
      groups: list,
      datasetWarnings: datasetWarnings.slice(0, MAX_WARNINGS_SHOWN),
      hasDuplicates: errors.some((i) => i.keyword === "duplicate-key"),
      ...(undo !== undefined ? { undo } : {}),
      ...(redo !== undefined ? { redo } : {}),
    };
    return this.summaryCache;
  }

  /** The rows (0-based) a problems query lists. */
  private rowList(query: GridQuery): number[] {
    this.fresh();
    const key = `${query.column}\u0001${query.keyword}`;
    let list = this.listCache.get(key);
    if (!list) {
      list = [];
      const buffer: Issue[] = [];
      for (const i of this.data.problemRows()) {
        if (this.data.isExcluded(i)) continue;
        buffer.length = 0;
        this.data.errorsOf(i, buffer);
        this.data.warningsOf(i, buffer);
        if (buffer.some((issue) => matches(issue, query.column, query.keyword))) list.push(i);
      }
      this.listCache.set(key, list);
    }
    return list;
  }

  private rowAt(query: GridQuery, position: number): number | undefined {
    if (!query.problems) return position >= 0 && position < this.data.count ? position : undefined;
    return this.rowList(query)[position];
  }

  /** How many rows the query lists. */
  total(query: GridQuery): number {
    return query.problems ? this.rowList(query).length : this.data.count;
  }

  /** Where row `row` (1-based) is in the query's list, or the next listed row's place; -1 for an empty list. */
  positionOf(query: GridQuery, row: number): number {
    const total = this.total(query);
    if (total === 0) return -1;
    if (!query.problems) return Math.min(Math.max(row - 1, 0), total - 1);
    return Math.min(lowerBound(this.rowList(query), row - 1), total - 1);
  }

  /** A grid row: the current text of every column, its problems, and the worst of them. */
  private gridRow(i: number): GridRow {
    const data = this.data;
    const issues: Issue[] = [];
    data.errorsOf(i, issues);
    const warnings: Issue[] = [];
    const excluded = data.isExcluded(i);
    if (!excluded) data.warningsOf(i, warnings);
    const raw = data.raw(i);
    const cells: GridCell[] = data.columns.map((field) => ({
      text: isObject(raw) && Object.hasOwn(raw, field) ? cellText(raw[field]) : "",
    }));
    const row: GridRow = { row: i + 1, excluded, cells, errors: [], warnings: [] };
    const line = data.line(i);
    if (line !== undefined) row.line = line;
    const mark = (issue: Issue, level: ProblemLevel) => {
      const c = issue.field && !SOURCE_KEYWORDS.has(issue.keyword) ? data.columns.indexOf(issue.field) : -1;
      const cell = c >= 0 ? cells[c] : undefined;
      if (cell) {
        if (level === "error") {
          cell.errors ??= [];
          cell.errors.push(issue);
        } else {
          cell.warnings ??= [];
          cell.warnings.push(issue);
        }
        if (cell.level !== "error") cell.level = level;
      } else (level === "error" ? row.errors : row.warnings).push(issue);
      if (row.level !== "error") row.level = level;
    };
    for (const issue of issues) mark(issue, "error");
    for (const issue of warnings) mark(issue, "warning");
    return row;
  }

  /** Rows start..end of the grid's list. */
  grid(query: GridQuery, start: number, end: number): GridWindow {
    const total = this.total(query);
    const from = Math.max(0, Math.min(start, total));
    const to = Math.max(from, Math.min(end, total));
    const rows: GridRow[] = [];
    for (let p = from; p < to; p++) {
      const i = this.rowAt(query, p);
      if (i !== undefined) rows.push(this.gridRow(i));
    }
    return { version: this.data.version, total, start: from, rows };
  }

  /**
   * The problem of `kind` after (direction 1) or before (-1) row `fromRow` (1-based; 0 before the
   * first), wrapping around; with its position in the grid's list for `query`.
   */
  locate(query: GridQuery, kind: ProblemKind, fromRow: number, direction: 1 | -1): ProblemPlace | undefined {
    const list = this.data.ofKind(kind);
    if (list.length === 0) return undefined;
    const rows = list.map((i) => i.row);
    let index: number;
    if (direction === 1) {
      index = lowerBound(rows, fromRow + 1);
      if (index >= list.length) index = 0;
    } else {
      index = lowerBound(rows, fromRow) - 1;
      if (index < 0) index = list.length - 1;
    }
    const issue = list[index] as Issue;
    const i = issue.row - 1;
    const position = query.problems ? lowerBound(this.rowList(query), i) : i;
    const listed = this.rowAt(query, position) === i;
    return {
      row: issue.row,
      field: issue.field,
      position: listed ? position : -1,
      index,
      count: list.length,
    };
  }
}
