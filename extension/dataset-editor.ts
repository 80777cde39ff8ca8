// The rows being fixed: edits, find/replace, suggestions and duplicate resolution, each followed
// by revalidation of the changed rows only (and of the rows sharing their record keys).
import {
  type ContextSchema,
  checkRecord,
  type IntakeRecord,
  type Issue,
  type JsonValue,
  type RecordLimits,
} from "../schemas/index.ts";
import { checkRow, type RowState, recheckGroup, requireSchema, rowErrors } from "./row-validation.ts";

export type DuplicateKeep = "first" | "last";

export interface ReplaceOptions {
  matchCase?: boolean;
  /** Replace only cells equal to `find` (an empty `find` then fills empty cells). */
  wholeCell?: boolean;
}

const isObject = (v: JsonValue): v is Record<string, JsonValue> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export class DatasetEditor {
  readonly context: string;
  readonly schema: ContextSchema;
  readonly rows: RowState[] = [];
  /** Dataset-wide warnings from the last full validation. */
  finalWarnings: Issue[] = [];
  /** Bumped on every change, so views know when to re-read. */
  version = 0;
  /** Rows by record key: the row itself while it is the only one (most keys), a set once repeated. */
  private readonly byKey = new Map<string, RowState | Set<RowState>>();
  private errorCache: Issue[] | undefined;

  /** The limits rows are validated with (the Worker's announced ones); the core's defaults otherwise. */
  readonly limits: Partial<RecordLimits>;

  constructor(context: string, limits: Partial<RecordLimits> = {}) {
    this.context = context;
    this.schema = requireSchema(context);
    this.limits = limits;
  }

  /** Adds validated rows as they stream in from the pipeline. */
  append(rows: readonly RowState[]): void {
    for (const state of rows) {
      this.rows.push(state);
      this.index(state);
    }
    this.changed();
  }

  row(row: number): RowState | undefined {
    const state = this.rows[row - 1];
    return state?.row === row ? state : this.rows.find((s) => s.row === row);
  }

  /** Every current error, in row order. */
  errors(): Issue[] {
    if (!this.errorCache) {
      const out: Issue[] = [];
      for (const state of this.rows) {
        // Most rows have no error: skip them without building their (empty) error list.
        if (state.excluded) continue;
        if (state.sourceIssues.length + state.recordIssues.length + state.datasetErrors.length === 0)
          continue;
        for (const issue of rowErrors(state)) out.push(issue);
      }
      this.errorCache = out;
    }
    return this.errorCache;
  }

  warnings(): Issue[] {
    const out: Issue[] = [];
    for (const state of this.rows) if (!state.excluded) out.push(...state.datasetWarnings);
    return [...out, ...this.finalWarnings];
  }

  get includedCount(): number {
    let n = 0;
    for (const state of this.rows) if (!state.excluded) n++;
    return n;
  }

  /** Sets one value (undefined or "" removes it) and revalidates the row. */
  setValue(row: number, field: string, value: JsonValue | undefined): void {
    const state = this.row(row);
    if (!state || !isObject(state.raw)) return;
    this.write(state.raw, field, value);
    this.revalidate([state]);
  }

  applySuggestion(issue: Issue): boolean {
    return this.applySuggestions([issue]) > 0;
  }

  /** Accepts the core's suggested value of each issue; returns how many were applied. */
  applySuggestions(issues: readonly Issue[]): number {
    const changed = new Set<RowState>();
    for (const issue of issues) {
      if (issue.suggestion === undefined) continue;
      const state = this.row(issue.row);
      if (!state || !isObject(state.raw)) continue;
      this.write(state.raw, issue.field, issue.suggestion);
      changed.add(state);
    }
    this.revalidate([...changed]);
    return changed.size;
  }

  /** Find/replace within one field over every row; returns how many rows changed. */
  replaceInColumn(field: string, find: string, replacement: string, options: ReplaceOptions = {}): number {
    const changed: RowState[] = [];
    const flags = options.matchCase ? "g" : "gi";
    const pattern = find === "" ? undefined : new RegExp(find.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags);
    for (const state of this.rows) {
      if (state.excluded || !isObject(state.raw)) continue;
      const current = state.raw[field];
      const text =
        current === undefined || current === null ? "" : typeof current === "string" ? current : null;
      if (text === null) continue;
      let next: string;
      if (options.wholeCell) {
        const equal = options.matchCase ? text === find : text.toLowerCase() === find.toLowerCase();
        if (!equal) continue;
        next = replacement;
      } else {
        if (!pattern) continue;
        next = text.replace(pattern, () => replacement);
      }
      if (next === text) continue;
      this.write(state.raw, field, next);
      changed.push(state);
    }
    this.revalidate(changed);
    return changed.length;
  }

  /** Rows sharing a record key, in row order (excluded rows left out). */
  duplicatesOf(row: number): RowState[] {
    const key = this.row(row)?.key;
    if (key === undefined) return [];
    return this.group(key).sort((a, b) => a.row - b.row);
  }

  /** Keeps the first or last row of the key group of `row`, or of every group when omitted. */
  keepDuplicates(keep: DuplicateKeep, row?: number): number {
    const groups =
      row === undefined
        ? [...this.byKey.values()]
            .filter((g) => g instanceof Set && g.size > 1)
            .map((g) => [...(g as Set<RowState>)].sort((a, b) => a.row - b.row))
        : [this.duplicatesOf(row)];
    const dropped: RowState[] = [];
    for (const group of groups) {
      if (group.length < 2) continue;
      const kept = keep === "first" ? group[0] : group[group.length - 1];
      for (const state of group) if (state !== kept) dropped.push(state);
    }
    for (const state of dropped) state.excluded = true;
    this.revalidate(dropped);
    return dropped.length;
  }

  /** Leaves a row out of the upload (or puts it back). */
  setExcluded(row: number, excluded: boolean): void {
    const state = this.row(row);
    if (!state || state.excluded === excluded) return;
    state.excluded = excluded;
    this.revalidate([state]);
  }

  /** Keeps a row the file reader flagged (e.g. a ragged row whose cells the admin checked). */
  acceptSourceIssues(row: number): void {
    const state = this.row(row);
    if (!state || state.sourceIssues.length === 0) return;
    state.sourceIssues = [];
    this.changed();
  }

  /** Normalized records of the included rows, lazily, for the upload. */
  *records(): Generator<IntakeRecord> {
    for (const state of this.rows) {
      if (!state.excluded)
        yield checkRecord(state.raw, this.context, state.row, state.line, this.limits).record;
    }
  }

  private write(raw: Record<string, JsonValue>, field: string, value: JsonValue | undefined): void {
    if (value === undefined || value === "") delete raw[field];
    else Object.defineProperty(raw, field, { value, enumerable: true, writable: true, configurable: true });
  }

  /** The rows holding `key` (a fresh array). */
  private group(key: string): RowState[] {
    const group = this.byKey.get(key);
    return group === undefined ? [] : group instanceof Set ? [...group] : [group];
  }

  private index(state: RowState): void {
    if (state.excluded || state.key === undefined) return;
    const group = this.byKey.get(state.key);
    if (group === undefined) this.byKey.set(state.key, state);
    else if (group instanceof Set) group.add(state);
    else if (group !== state) this.byKey.set(state.key, new Set([group, state]));
  }

  private unindex(state: RowState): void {
    if (state.key === undefined) return;
    const group = this.byKey.get(state.key);
    if (group === state) this.byKey.delete(state.key);
    else if (group instanceof Set) {
      group.delete(state);
      if (group.size === 0) this.byKey.delete(state.key);
    }
  }

  /** Revalidates changed rows and every row whose duplicate status may have changed with them. */
  private revalidate(states: readonly RowState[]): void {
    const keys = new Set<string>();
    const alone: RowState[] = [];
    for (const state of states) {
      if (state.key !== undefined) keys.add(state.key);
      this.unindex(state);
      checkRow(state, this.context, this.schema, this.limits);
      this.index(state);
      if (state.excluded) {
        state.datasetErrors = [];
        state.datasetWarnings = [];
      } else if (state.key !== undefined) keys.add(state.key);
      else alone.push(state);
    }
    for (const key of keys) recheckGroup(this.context, this.schema, this.group(key), this.limits);
    for (const state of alone) recheckGroup(this.context, this.schema, [state], this.limits);
    this.changed();
  }

  private changed(): void {
    this.errorCache = undefined;
    this.version++;
  }
}
