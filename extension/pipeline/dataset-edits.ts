// Edits of the dataset under review, planned before they run: what an action (set a cell, apply
// suggestions, replace, fill, trim, leave rows out, keep duplicates) would write, which rows it
// leaves out or puts back, its preview, and the undo history (each edit recorded with what it
// changed from, under a name). Dataset runs the plan.
import { clipText, type Issue, isObject, type JsonValue, plural } from "../../schemas/index.ts";
import { cellText, WHOLE_ROW } from "./protocol.ts";
import type { DuplicateKeep, EditAction, EditPreview, ProblemKind, ReplaceOptions } from "./review-types.ts";

/** What planning reads of the dataset. */
export interface EditSource {
  readonly count: number;
  /** Row `row` (1-based) as a 0-based index, or undefined when out of range. */
  inRange(row: number): number | undefined;
  /** Row `i`'s cell `field` as the admin edits it, with its record (undefined: not an object). */
  cellValue(
    i: number,
    field: string,
  ): { raw: Record<string, JsonValue>; value: JsonValue | undefined } | undefined;
  isExcluded(i: number): boolean;
  hasSourceIssues(i: number): boolean;
  ofKind(kind: ProblemKind): Issue[];
  fixOf(issue: Issue): JsonValue | undefined;
  duplicatesDropped(keep: DuplicateKeep, row?: number): number[];
  raw(i: number): JsonValue;
}

/** An edit before it runs: the cells to write, rows to leave out or put back, rows to keep as read. */
export interface Plan {
  writes: { i: number; field: string; value: JsonValue | undefined }[];
  excluded: { i: number; to: boolean }[];
  kept: number[];
}

const absent = (v: JsonValue | undefined) => (v === "" ? undefined : v);
/** Whether two cell values are the same ("" is no value). */
export const same = (a: JsonValue | undefined, b: JsonValue | undefined) =>
  absent(a) === absent(b) ||
  (typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));

function textMatcher(find: string, options: ReplaceOptions): (value: string) => boolean {
  const lower = find.toLowerCase();
  if (options.wholeCell) return options.matchCase ? (v) => v === find : (v) => v.toLowerCase() === lower;
  if (find === "") return () => false;
  return options.matchCase ? (v) => v.includes(find) : (v) => v.toLowerCase().includes(lower);
}

/** The changes an action would make to `data` (nothing is changed). */
export function planEdit(data: EditSource, action: EditAction): Plan {
  const plan: Plan = { writes: [], excluded: [], kept: [] };
  const put = (row: number, field: string, value: JsonValue | undefined) => {
    const i = data.inRange(row);
    if (i === undefined) return;
    const cell = data.cellValue(i, field);
    if (cell && !same(cell.value, value)) plan.writes.push({ i, field, value });
  };
  const leaveOut = (i: number, to: boolean) => {
    if (data.isExcluded(i) !== to) plan.excluded.push({ i, to });
  };
  switch (action.type) {
    case "set":
      put(action.row, action.field, action.value);
      break;
    case "suggest":
      for (const f of action.fixes) put(f.row, f.field, f.suggestion);
      break;
    case "fix-kind":
      for (const issue of data.ofKind(action.kind)) {
        const fix = data.fixOf(issue);
        if (fix !== undefined) put(issue.row, issue.field, fix);
      }
      break;
    case "keep":
      for (const i of data.duplicatesDropped(action.keep, action.row)) leaveOut(i, true);
      break;
    case "exclude": {
      const i = data.inRange(action.row);
      if (i !== undefined) leaveOut(i, action.excluded);
      break;
    }
    case "exclude-kind": {
      let last = -1;
      for (const issue of data.ofKind(action.kind))
        if (issue.row - 1 !== last) {
          last = issue.row - 1;
          leaveOut(last, true);
        }
      break;
    }
    case "exclude-where": {
      const match = textMatcher(action.find, action.options);
      eachText(data, action.field, (i, value) => {
        if (match(value)) leaveOut(i, true);
      });
      break;
    }
    case "keep-row": {
      const i = data.inRange(action.row);
      if (i !== undefined && data.hasSourceIssues(i) && !data.isExcluded(i)) plan.kept.push(i);
      break;
    }
    case "replace":
      planReplace(data, plan, action.field, action.find, action.replacement, action.options);
      break;
    case "fill":
      if (action.value.trim() !== "")
        planReplace(data, plan, action.field, "", action.value, { wholeCell: true });
      break;
    case "trim":
      eachText(data, action.field, (i, value) => {
        const trimmed = value.trim().replace(/\s+/g, " ");
        if (trimmed !== value) plan.writes.push({ i, field: action.field, value: trimmed });
      });
      break;
  }
  return plan;
}

/** Every included row's text in `field` ("" when empty); cells holding lists or numbers are skipped. */
function eachText(data: EditSource, field: string, visit: (i: number, value: string) => void): void {
  for (let i = 0; i < data.count; i++) {
    if (data.isExcluded(i)) continue;
    const raw = data.raw(i);
    if (!isObject(raw)) continue;
    const current = Object.hasOwn(raw, field) ? raw[field] : undefined;
    if (current === undefined || current === null) visit(i, "");
    else if (typeof current === "string") visit(i, current);
  }
}

function planReplace(
  data: EditSource,
  plan: Plan,
  field: string,
  find: string,
  replacement: string,
  options: ReplaceOptions,
): void {
  if (options.wholeCell) {
    const match = textMatcher(find, options);
    eachText(data, field, (i, value) => {
      if (match(value) && value !== replacement) plan.writes.push({ i, field, value: replacement });
    });
    return;
  }
  if (find === "") return;
  const pattern = new RegExp(find.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), options.matchCase ? "g" : "gi");
  eachText(data, field, (i, value) => {
    const replaced = value.replace(pattern, () => replacement);
    if (replaced !== value) plan.writes.push({ i, field, value: replaced });
  });
}

/** Examples of a change shown (a preview's, a problem group's fix). */
export const EXAMPLES = 3;

/** A value and what a fix writes instead, as an example shows them: [current, fixed]. */
export const fixExample = (before: JsonValue | undefined, after: JsonValue | undefined): [string, string] => [
  clipText(cellText(before), 40),
  clipText(cellText(after), 40),
];

/** What an edit would change, without changing anything. */
export function previewEdit(data: EditSource, action: EditAction): EditPreview {
  const plan = planEdit(data, action);
  const rows = new Set<number>();
  const examples: [string, string][] = [];
  const seen = new Set<string>();
  for (const w of plan.writes) {
    rows.add(w.i);
    if (examples.length >= EXAMPLES) continue;
    const raw = data.raw(w.i);
    const pair = fixExample(isObject(raw) ? raw[w.field] : undefined, w.value);
    const k = pair.join("\u0001");
    if (!seen.has(k)) {
      seen.add(k);
      examples.push(pair);
    }
  }
  for (const e of plan.excluded) rows.add(e.i);
  for (const i of plan.kept) rows.add(i);
  return { rows: rows.size, cells: plan.writes.length, examples };
}

/** What an edit changes, and what it changed from: enough to undo and redo it. */
export interface Change {
  label: string;
  cells: { i: number; field: string; before: JsonValue | undefined; after: JsonValue | undefined }[];
  /** Rows whose exclusion flips. */
  excluded: { i: number; to: boolean }[];
  /** Rows whose source problems (ragged row…) are set aside as read, with those problems. */
  kept: { i: number; issues: Issue[] }[];
}

/** The rows a change touches, each once. */
export function rowsOf(change: Change): number[] {
  const rows = new Set<number>();
  for (const c of change.cells) rows.add(c.i);
  for (const e of change.excluded) rows.add(e.i);
  for (const k of change.kept) rows.add(k.i);
  return [...rows];
}

/** Undo steps kept (older ones are forgotten). */
export const HISTORY_LIMIT = 200;

/** The edits done (to undo) and undone (to redo), the latest last. */
export class EditHistory {
  private readonly done: Change[] = [];
  private readonly undone: Change[] = [];

  /** Records a new edit: what was undone is forgotten, and so is the oldest past HISTORY_LIMIT. */
  record(change: Change): void {
    this.undone.length = 0;
    this.done.push(change);
    if (this.done.length > HISTORY_LIMIT) this.done.shift();
  }

  /** The edit to revert, moved to the redo list; undefined when there is none. */
  undo(): Change | undefined {
    const change = this.done.pop();
    if (change) this.undone.push(change);
    return change;
  }

  /** The undone edit to repeat, moved back to the undo list; undefined when there is none. */
  redo(): Change | undefined {
    const change = this.undone.pop();
    if (change) this.done.push(change);
    return change;
  }

  get undoLabel(): string | undefined {
    return this.done.at(-1)?.label;
  }

  get redoLabel(): string | undefined {
    return this.undone.at(-1)?.label;
  }
}

/** How the undo history names an edit ("replace in department"). */
export function labelOf(action: EditAction): string {
  switch (action.type) {
    case "set":
      return `edit of ${action.field} in row ${action.row.toLocaleString("en-US")}`;
    case "suggest":
      return action.fixes.length === 1
        ? `suggested ${action.fixes[0]?.field} in row ${action.fixes[0]?.row.toLocaleString("en-US")}`
        : `${plural(action.fixes.length, "suggested fix", "suggested fixes")}`;
    case "fix-kind":
      return `fix of ${action.kind.column === WHOLE_ROW ? "whole rows" : action.kind.column}`;
    case "keep":
      return `duplicates kept ${action.keep}`;
    case "exclude":
      return `${action.excluded ? "leaving out" : "putting back"} row ${action.row.toLocaleString("en-US")}`;
    case "exclude-kind":
    case "exclude-where":
      return "rows left out";
    case "keep-row":
      return `row ${action.row.toLocaleString("en-US")} kept as read`;
    case "replace":
      return `replace in ${action.field}`;
    case "fill":
      return `fill of empty ${action.field} cells`;
    case "trim":
      return `trim of ${action.field}`;
  }
}
