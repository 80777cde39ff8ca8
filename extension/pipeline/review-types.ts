// The review's wire types: what the pipeline worker answers the page about the dataset under
// review (its summary, grid windows, problem kinds) and the edits the page asks for. The page
// reaches them through protocol.ts.
import type { Issue, JsonValue } from "../../schemas/index.ts";

export type DuplicateKeep = "first" | "last";

export interface ReplaceOptions {
  matchCase?: boolean;
  /** Match only cells equal to `find` (an empty `find` then matches empty cells). */
  wholeCell?: boolean;
}

export type ProblemLevel = "error" | "warning";

/** One kind of problem: a column (or WHOLE_ROW), a rule, and whether it blocks the upload. */
export interface ProblemKind {
  column: string;
  keyword: string;
  level: ProblemLevel;
}

/** A problem kind with its count and what "fix all like this" would do. */
export interface ProblemGroup extends ProblemKind {
  count: number;
  /** The first problem's message (every problem of a kind reads alike). */
  message: string;
  /** How many of its cells have a fix, and a few of them: [current, fixed]. */
  fixable: number;
  examples: [string, string][];
  /** How many rows have it. */
  rows: number;
}

export interface ReviewSummary {
  version: number;
  rowCount: number;
  includedCount: number;
  errorCount: number;
  warningCount: number;
  /** Rows with at least one problem (the "only rows with problems" view). */
  problemRowCount: number;
  /** The grid's columns: the mapped, constant and required fields, in `fieldOrder`. */
  columns: string[];
  /** The values a column may hold, for the columns with a closed set (an enum, a boolean). */
  choices: Record<string, string[]>;
  /** Errors first, then warnings; most frequent first. */
  groups: ProblemGroup[];
  /** Warnings about the whole dataset (no row of their own). */
  datasetWarnings: Issue[];
  hasDuplicates: boolean;
  /** What undo and redo would revert or repeat, when they can. */
  undo?: string;
  redo?: string;
}

/** Which rows the grid lists: all of them, or only those with a problem (of one kind, optionally). */
export interface GridQuery {
  problems: boolean;
  /** With `problems`: only rows with a problem in this column ("" any; WHOLE_ROW row-level). */
  column: string;
  /** With `problems`: only rows with a problem of this rule ("" any). */
  keyword: string;
}

export interface GridCell {
  text: string;
  /** The worst of its problems. */
  level?: ProblemLevel;
  errors?: Issue[];
  warnings?: Issue[];
}

export interface GridRow {
  /** 1-based row of the file, and its line when it has one. */
  row: number;
  line?: number;
  excluded: boolean;
  /** One per summary column. */
  cells: GridCell[];
  /** Problems of the whole row (or of fields not in the grid). */
  errors: Issue[];
  warnings: Issue[];
  /** The worst problem of the row, its cells' included. */
  level?: ProblemLevel;
}

export interface GridWindow {
  version: number;
  /** Rows the query lists, and rows start.. of them. */
  total: number;
  start: number;
  rows: GridRow[];
}

/** A problem found by `locate`: its cell, its place in the grid's list, and its place in its kind. */
export interface ProblemPlace {
  row: number;
  field: string;
  position: number;
  index: number;
  count: number;
}

export interface EditPreview {
  rows: number;
  cells: number;
  examples: [string, string][];
}

export type EditAction =
  | { type: "set"; row: number; field: string; value: string }
  | { type: "suggest"; fixes: { row: number; field: string; suggestion: JsonValue }[] }
  /** "Fix all like this": every fixable cell of one problem kind. */
  | { type: "fix-kind"; kind: ProblemKind }
  | { type: "keep"; keep: DuplicateKeep; row?: number }
  | { type: "exclude"; row: number; excluded: boolean }
  /** Leaves out every row having one problem kind. */
  | { type: "exclude-kind"; kind: ProblemKind }
  /** Leaves out every row whose cell in `field` matches `find`. */
  | { type: "exclude-where"; field: string; find: string; options: ReplaceOptions }
  | { type: "keep-row"; row: number }
  | { type: "replace"; field: string; find: string; replacement: string; options: ReplaceOptions }
  | { type: "fill"; field: string; value: string }
  | { type: "trim"; field: string };
