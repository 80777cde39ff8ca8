// The dataset being fixed, owned by the pipeline worker: the source rows (held once, compactly),
// the admin's edits (only the rows edited), exclusions, and the issues of the rows that have any.
// Validation runs once over every row; an edit revalidates the rows it changed and the rows that
// share (or shared) their record keys. The page sees it through views: counts, and windows of
// the filtered issue list.
import {
  type ContextSchema,
  checkRecord,
  DatasetChecks,
  duplicateKeyIssue,
  getSchema,
  type IntakeRecord,
  type Issue,
  type JsonValue,
  type RecordLimits,
  type RecordPlace,
  recordKey,
} from "../../schemas/index.ts";
import { applyMapping, type Mapping } from "../mapping.ts";
import { KeyGroups } from "./key-groups.ts";
import type { SourceRows } from "./source.ts";

export type DuplicateKeep = "first" | "last";

export interface ReplaceOptions {
  matchCase?: boolean;
  /** Replace only cells equal to `find` (an empty `find` then fills empty cells). */
  wholeCell?: boolean;
}

/** Which issues the table shows: a field ("" all, WHOLE_ROW the row-level ones) and a rule ("" all). */
export interface IssueFilter {
  column: string;
  keyword: string;
}

export const WHOLE_ROW = "\u0000row";

/** An issue as the table shows it, with the cell's current text when the cell can be edited. */
export interface IssueRow {
  issue: Issue;
  current?: string;
}

export interface DatasetView {
  version: number;
  includedCount: number;
  errorCount: number;
  warningCount: number;
  /** The first warnings (they do not block the upload). */
  warnings: Issue[];
  /** Error counts per field (WHOLE_ROW for row-level ones) and per rule, most first. */
  byColumn: [string, number][];
  byKeyword: [string, number][];
  hasDuplicates: boolean;
  /** Issues passing the filter, and how many of them have a suggested value. */
  shownCount: number;
  suggestibleCount: number;
  /** Issues start.. of the filtered list. */
  start: number;
  rows: IssueRow[];
}

export type EditAction =
  | { type: "set"; row: number; field: string; value: string }
  | { type: "suggest"; fixes: { row: number; field: string; suggestion: JsonValue }[] }
  | { type: "suggest-all"; filter: IssueFilter }
  | { type: "keep"; keep: DuplicateKeep; row?: number }
  | { type: "exclude"; row: number; excluded: boolean }
  | { type: "keep-row"; row: number }
  | { type: "replace"; field: string; find: string; replacement: string; options: ReplaceOptions };

export const MAX_WARNINGS_SHOWN = 200;
export const SOURCE_KEYWORDS: ReadonlySet<string> = new Set(["ragged-row", "csv", "json"]);

interface RowIssues {
  record?: Issue[];
  dup?: Issue;
  ruleErrors?: Issue[];
  ruleWarnings?: Issue[];
}

type Raw = Record<string, JsonValue>;

const isObject = (v: JsonValue | undefined): v is Raw =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);

const text = (value: JsonValue | undefined) =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);

function write(raw: Raw, field: string, value: JsonValue | undefined): void {
  if (value === undefined || value === "") delete raw[field];
  else Object.defineProperty(raw, field, { value, enumerable: true, writable: true, configurable: true });
}

function counts(issues: readonly Issue[], by: (i: Issue) => string): [string, number][] {
  const map = new Map<string, number>();
  for (const issue of issues) {
    const k = by(issue);
    map.set(k, (map.get(k) ?? 0) + 1);
  }
  return [...map].sort((a, b) => b[1] - a[1]);
}

export const matchesFilter = (i: Issue, f: IssueFilter) =>
  (!f.column || (f.column === WHOLE_ROW ? i.field === "" : i.field === f.column)) &&
  (!f.keyword || i.keyword === f.keyword);

export class Dataset {
  readonly context: string;
  readonly schema: ContextSchema;
  readonly source: SourceRows;
  readonly limits: Partial<RecordLimits>;
  private readonly mapping: Mapping;
  private readonly hasRules: boolean;
  private readonly tracksTargets: boolean;
  private readonly excluded: Uint8Array;
  private excludedCount = 0;
  private readonly edits = new Map<number, JsonValue>();
  private readonly issues = new Map<number, RowIssues>();
  private readonly sourceIssues = new Map<number, Issue[]>();
  /** Rows by record key, in typed arrays (no key text kept per row). */
  private readonly byKey: KeyGroups;
  private finalWarnings: Issue[] = [];
  private rowsWithIssues: number[] | undefined;
  private errorCache: Issue[] | undefined;
  private filtered: { filter: IssueFilter; issues: Issue[] } | undefined;
  version = 0;

  constructor(source: SourceRows, context: string, mapping: Mapping, limits: Partial<RecordLimits> = {}) {
    const schema = getSchema(context);
    if (!schema) throw new RangeError(`Unknown context "${context}"`);
    this.context = context;
    this.schema = schema;
    this.source = source;
    this.mapping = mapping;
    this.limits = limits;
    const rules = schema["x-intake-rules"] ?? [];
    this.hasRules = rules.length > 0;
    this.tracksTargets = rules.some((r) => r.rule === "connection-target-known");
    this.excluded = new Uint8Array(source.count);
    this.byKey = new KeyGroups(source.count, (i) => this.keyOf(i));
    for (const issue of source.issues) {
      if (issue.row === undefined) continue;
      const list = this.sourceIssues.get(issue.row - 1) ?? [];
      const placed: Issue = { row: issue.row, pointer: "", field: "", keyword: issue.keyword, message: "" };
      if (issue.line !== undefined) placed.line = issue.line;
      placed.message = issue.message;
      list.push(placed);
      this.sourceIssues.set(issue.row - 1, list);
    }
  }

  get count(): number {
    return this.source.count;
  }

  get includedCount(): number {
    return this.source.count - this.excludedCount;
  }

  private place(i: number): RecordPlace {
    const line = this.source.line(i);
    return line === undefined ? { row: i + 1 } : { row: i + 1, line };
  }

  /** The mapped values of row `i` (0-based) before normalization: what the admin edits. */
  raw(i: number): JsonValue {
    const edited = this.edits.get(i);
    return edited !== undefined ? edited : applyMapping(this.source.row(i), this.mapping, this.schema);
  }

  private check(i: number, raw: JsonValue) {
    return checkRecord(raw, this.context, i + 1, this.source.line(i), this.limits);
  }

  /** Validates every row once, in order, as one dataset; `onProgress` every few thousand rows. */
  validateAll(onProgress?: (done: number, total: number) => void): void {
    const total = this.source.count;
    const global = this.tracksTargets ? new DatasetChecks(this.schema) : undefined;
    for (let i = 0; i < total; i++) {
      const raw = this.raw(i);
      const outcome = this.check(i, raw);
      const entry: RowIssues = {};
      if (outcome.errors.length > 0) entry.record = outcome.errors;
      if (isObject(raw)) {
        const key = recordKey(outcome.record, this.schema);
        if (key !== undefined) {
          const first = this.byKey.add(key, i);
          if (first !== i)
            entry.dup = duplicateKeyIssue(this.schema, outcome.record, this.place(first), this.place(i));
        }
        if (this.hasRules) this.checkRules(i, outcome.record, entry, global);
      }
      if (entry.record || entry.dup || entry.ruleErrors || entry.ruleWarnings) this.issues.set(i, entry);
      if (onProgress && (i & 4095) === 4095) onProgress(i + 1, total);
    }
    this.finalWarnings = global ? global.finish().warnings : [];
    this.changed(true);
  }

  private checkRules(i: number, record: IntakeRecord, entry: RowIssues, global?: DatasetChecks): void {
    const place = this.place(i);
    const result = (global ?? new DatasetChecks(this.schema)).check(record, place.row, place.line);
    const errors = result.errors.filter((e) => e.keyword !== "duplicate-key");
    if (errors.length > 0) entry.ruleErrors = errors;
    else delete entry.ruleErrors;
    if (result.warnings.length > 0) entry.ruleWarnings = result.warnings;
    else delete entry.ruleWarnings;
  }

  private setEntry(i: number, entry: RowIssues): void {
    const had = this.issues.has(i);
    const has = !!(entry.record || entry.dup || entry.ruleErrors || entry.ruleWarnings);
    if (has) this.issues.set(i, entry);
    else this.issues.delete(i);
    if (had !== has) this.rowsWithIssues = undefined;
  }

  private keyOf(i: number): string | undefined {
    if (this.excluded[i]) return undefined;
    const raw = this.raw(i);
    return isObject(raw) ? recordKey(this.check(i, raw).record, this.schema) : undefined;
  }

  private groupOf(key: string): number[] {
    return this.byKey.rowsOf(key);
  }

  /**
   * Changes rows: `mutate` runs on each, then they are revalidated, and so is every row whose
   * duplicate state may have changed with them (the rows sharing their old and new keys).
   */
  private apply(rows: readonly number[], mutate: (i: number) => void): void {
    const keys = new Set<string>();
    // Rows leave the key index before they change (the index confirms a key by the row's own).
    const old = rows.map((i) => this.keyOf(i));
    rows.forEach((i, n) => {
      const before = old[n];
      if (before !== undefined) {
        keys.add(before);
        this.byKey.remove(before, i);
      }
    });
    for (const i of rows) mutate(i);
    rows.forEach((i) => {
      const entry: RowIssues = {};
      if (!this.excluded[i]) {
        const raw = this.raw(i);
        const outcome = this.check(i, raw);
        if (outcome.errors.length > 0) entry.record = outcome.errors;
        if (isObject(raw)) {
          const key = recordKey(outcome.record, this.schema);
          if (key !== undefined) {
            keys.add(key);
            this.byKey.add(key, i);
          }
          if (this.hasRules) this.checkRules(i, outcome.record, entry);
        }
      }
      this.setEntry(i, entry);
    });
    const changed = new Set(rows);
    for (const key of keys) this.recheckGroup(key, changed);
    this.changed(false);
  }

  /** Duplicate errors of the rows holding `key`: each row after the first repeats the first. */
  private recheckGroup(key: string, changed: ReadonlySet<number>): void {
    const group = this.groupOf(key);
    const first = group[0];
    group.forEach((i, n) => {
      const entry = this.issues.get(i) ?? {};
      if (n === 0 || first === undefined) delete entry.dup;
      else if (changed.has(i) || entry.dup?.relatedRow !== first + 1) {
        const record = this.check(i, this.raw(i)).record;
        entry.dup = duplicateKeyIssue(this.schema, record, this.place(first), this.place(i));
      }
      this.setEntry(i, entry);
    });
  }

  private changed(all: boolean): void {
    if (all) this.rowsWithIssues = undefined;
    this.errorCache = undefined;
    this.filtered = undefined;
    this.version++;
  }

  private sortedRows(): number[] {
    if (!this.rowsWithIssues) {
      const rows = new Set(this.issues.keys());
      for (const i of this.sourceIssues.keys()) rows.add(i);
      this.rowsWithIssues = [...rows].sort((a, b) => a - b);
    }
    return this.rowsWithIssues;
  }

  /** Every current error, in row order (excluded rows left out). */
  errors(): Issue[] {
    if (!this.errorCache) {
      const out: Issue[] = [];
      for (const i of this.sortedRows()) {
        if (this.excluded[i]) continue;
        const source = this.sourceIssues.get(i);
        if (source) for (const issue of source) out.push(issue);
        const entry = this.issues.get(i);
        if (!entry) continue;
        if (entry.record) for (const issue of entry.record) out.push(issue);
        if (entry.dup) out.push(entry.dup);
        if (entry.ruleErrors) for (const issue of entry.ruleErrors) out.push(issue);
      }
      this.errorCache = out;
    }
    return this.errorCache;
  }

  warnings(): Issue[] {
    const out: Issue[] = [];
    for (const i of this.sortedRows()) {
      const list = this.excluded[i] ? undefined : this.issues.get(i)?.ruleWarnings;
      if (list) for (const issue of list) out.push(issue);
    }
    for (const issue of this.finalWarnings) out.push(issue);
    return out;
  }

  private filteredErrors(filter: IssueFilter): Issue[] {
    const f = this.filtered;
    if (f && f.filter.column === filter.column && f.filter.keyword === filter.keyword) return f.issues;
    const all = this.errors();
    const issues = !filter.column && !filter.keyword ? all : all.filter((i) => matchesFilter(i, filter));
    this.filtered = { filter, issues };
    return issues;
  }

  /** The counts, and issues start..end of the filtered list with their cells' current text. */
  view(filter: IssueFilter, start: number, end: number): DatasetView {
    const all = this.errors();
    const shown = this.filteredErrors(filter);
    const warnings = this.warnings();
    let suggestible = 0;
    for (const issue of shown) if (issue.suggestion !== undefined) suggestible++;
    const rows: IssueRow[] = [];
    const from = Math.max(0, Math.min(start, shown.length));
    for (const issue of shown.slice(from, Math.max(from, end))) {
      const row: IssueRow = { issue };
      if (issue.field && !SOURCE_KEYWORDS.has(issue.keyword)) {
        const raw = this.raw(issue.row - 1);
        row.current = isObject(raw) && Object.hasOwn(raw, issue.field) ? text(raw[issue.field]) : "";
      }
      rows.push(row);
    }
    return {
      version: this.version,
      includedCount: this.includedCount,
      errorCount: all.length,
      warningCount: warnings.length,
      warnings: warnings.slice(0, MAX_WARNINGS_SHOWN),
      byColumn: counts(all, (i) => i.field || WHOLE_ROW),
      byKeyword: counts(all, (i) => i.keyword),
      hasDuplicates: all.some((i) => i.keyword === "duplicate-key"),
      shownCount: shown.length,
      suggestibleCount: suggestible,
      start: from,
      rows,
    };
  }

  /** Runs an edit; returns how many rows it changed (or left out). */
  edit(action: EditAction): number {
    switch (action.type) {
      case "set":
        return this.setValues([{ row: action.row, field: action.field, value: action.value }]);
      case "suggest":
        return this.setValues(action.fixes.map((f) => ({ row: f.row, field: f.field, value: f.suggestion })));
      case "suggest-all":
        return this.setValues(
          this.filteredErrors(action.filter)
            .filter((i) => i.suggestion !== undefined)
            .map((i) => ({ row: i.row, field: i.field, value: i.suggestion })),
        );
      case "keep":
        return this.keepDuplicates(action.keep, action.row);
      case "exclude":
        return this.setExcluded(action.row, action.excluded);
      case "keep-row":
        if (!this.sourceIssues.delete(action.row - 1)) return 0;
        this.changed(true);
        return 1;
      case "replace":
        return this.replaceInColumn(action.field, action.find, action.replacement, action.options);
    }
  }

  private editable(i: number): Raw | undefined {
    if (i < 0 || i >= this.source.count) return undefined;
    const raw = this.raw(i);
    if (!isObject(raw)) return undefined;
    this.edits.set(i, raw);
    return raw;
  }

  private setValues(values: { row: number; field: string; value: JsonValue | undefined }[]): number {
    const byRow = new Map<number, { field: string; value: JsonValue | undefined }[]>();
    for (const v of values) {
      const i = v.row - 1;
      if (i < 0 || i >= this.source.count || !isObject(this.raw(i))) continue;
      const list = byRow.get(i) ?? [];
      list.push(v);
      byRow.set(i, list);
    }
    const rows = [...byRow.keys()];
    this.apply(rows, (i) => {
      const raw = this.editable(i) as Raw;
      for (const v of byRow.get(i) ?? []) write(raw, v.field, v.value);
    });
    return rows.length;
  }

  private replaceInColumn(field: string, find: string, replacement: string, options: ReplaceOptions): number {
    const flags = options.matchCase ? "g" : "gi";
    const pattern = find === "" ? undefined : new RegExp(find.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags);
    const lowerFind = find.toLowerCase();
    const next = new Map<number, string>();
    for (let i = 0; i < this.source.count; i++) {
      if (this.excluded[i]) continue;
      const raw = this.raw(i);
      if (!isObject(raw)) continue;
      const current = raw[field];
      const value =
        current === undefined || current === null ? "" : typeof current === "string" ? current : null;
      if (value === null) continue;
      let replaced: string;
      if (options.wholeCell) {
        const equal = options.matchCase ? value === find : value.toLowerCase() === lowerFind;
        if (!equal) continue;
        replaced = replacement;
      } else {
        if (!pattern) continue;
        replaced = value.replace(pattern, () => replacement);
      }
      if (replaced !== value) next.set(i, replaced);
    }
    const rows = [...next.keys()];
    this.apply(rows, (i) => write(this.editable(i) as Raw, field, next.get(i)));
    return rows.length;
  }

  /** Keeps the first or last row of the key group of `row`, or of every group when omitted. */
  private keepDuplicates(keep: DuplicateKeep, row?: number): number {
    const groups: number[][] = [];
    if (row === undefined) {
      for (const group of this.byKey.duplicates()) groups.push([...group]);
    } else {
      const key = this.keyOf(row - 1);
      if (key !== undefined) groups.push(this.groupOf(key));
    }
    const dropped: number[] = [];
    for (const group of groups) {
      if (group.length < 2) continue;
      const kept = keep === "first" ? group[0] : group[group.length - 1];
      for (const i of group) if (i !== kept) dropped.push(i);
    }
    this.apply(dropped, (i) => this.exclude(i, true));
    return dropped.length;
  }

  private exclude(i: number, excluded: boolean): void {
    if (!!this.excluded[i] === excluded) return;
    this.excluded[i] = excluded ? 1 : 0;
    this.excludedCount += excluded ? 1 : -1;
  }

  private setExcluded(row: number, excluded: boolean): number {
    const i = row - 1;
    if (i < 0 || i >= this.source.count || !!this.excluded[i] === excluded) return 0;
    this.apply([i], () => this.exclude(i, excluded));
    return 1;
  }

  /** The mapped values of the included rows that are objects (the corrected file's rows). */
  *includedRaws(): Generator<Raw> {
    for (let i = 0; i < this.source.count; i++) {
      if (this.excluded[i]) continue;
      const raw = this.raw(i);
      if (isObject(raw)) yield raw;
    }
  }

  /** Normalized records of the included rows, lazily, for the upload and the corrected JSON. */
  *records(): Generator<IntakeRecord> {
    for (let i = 0; i < this.source.count; i++)
      if (!this.excluded[i]) yield this.check(i, this.raw(i)).record;
  }

  /** File rows (and lines) of upload positions: record n of an upload is the n-th included row. */
  placesOf(positions: readonly number[]): Map<number, RecordPlace> {
    const wanted = new Set(positions);
    const out = new Map<number, RecordPlace>();
    let seen = 0;
    for (let i = 0; i < this.source.count && out.size < wanted.size; i++) {
      if (this.excluded[i]) continue;
      if (wanted.has(++seen)) out.set(seen, this.place(i));
    }
    return out;
  }
}
