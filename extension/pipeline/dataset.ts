// The dataset being fixed, owned by the pipeline worker: the source rows (held once, compactly),
// the admin's edits (only the rows edited), exclusions, and the issues of the rows that have any.
// Validation runs once over every row; an edit revalidates the rows it changed and the rows that
// share (or shared) their record keys. The page sees it through its views (dataset-views.ts: the
// summary, grid windows, "next problem"); edits are planned, previewed and recorded for undo in
// dataset-edits.ts, and run here.

import {
  type ContextSchema,
  checkRecord,
  DatasetChecks,
  duplicateKeyIssue,
  type IntakeRecord,
  type Issue,
  isObject,
  type JsonValue,
  keyHash,
  type RecordLimits,
  type RecordPlace,
  recordKey,
  resolveSchema,
} from "../../schemas/index.ts";
import { enumTarget } from "../mapping/vocabulary.ts";
import { compileMapping, type Mapping, type TableRow } from "../mapping.ts";
import {
  type Change,
  EditHistory,
  labelOf,
  type Plan,
  planEdit,
  previewEdit,
  rowsOf,
} from "./dataset-edits.ts";
import { DatasetViews, gridColumns, kindKey, matches } from "./dataset-views.ts";
import { KeyGroups } from "./key-groups.ts";
import { OCR_CONFIDENCE_KEYWORD, type OcrField, ocrFieldsOf, ocrWarnings } from "./ocr-warnings.ts";
import { SOURCE_KEYWORDS } from "./protocol.ts";
import type { DuplicateKeep, EditAction, EditPreview, ProblemKind } from "./review-types.ts";
import type { SourceRows } from "./source.ts";

/** A row's record key: its text (as `recordKey` makes it) and its hash (`keyHash`). */
interface RowKey {
  text: string;
  hash: number;
}

interface RowIssues {
  record?: Issue[];
  dup?: Issue;
  ruleErrors?: Issue[];
  ruleWarnings?: Issue[];
  /** Cells read by OCR with low confidence, still as read. */
  ocr?: Issue[];
}

const hasIssues = (entry: RowIssues) =>
  !!(entry.record || entry.dup || entry.ruleErrors || entry.ruleWarnings || entry.ocr);

/** A row's warnings: its rules', then its uncertain OCR readings. */
function warningsOf(entry: RowIssues | undefined, out: Issue[]): void {
  if (entry?.ruleWarnings) for (const issue of entry.ruleWarnings) out.push(issue);
  if (entry?.ocr) for (const issue of entry.ocr) out.push(issue);
}

type Raw = Record<string, JsonValue>;

function write(raw: Raw, field: string, value: JsonValue | undefined): void {
  if (value === undefined || value === "") delete raw[field];
  else Object.defineProperty(raw, field, { value, enumerable: true, writable: true, configurable: true });
}

export class Dataset {
  readonly context: string;
  readonly schema: ContextSchema;
  readonly source: SourceRows;
  readonly limits: Partial<RecordLimits>;
  /** Every field of the schema: the grid's columns, then the others in `fieldOrder` (the corrected CSV's). */
  readonly fields: string[];
  /** The grid's columns: mapped, constant and required fields, in `fieldOrder`. */
  readonly columns: string[];
  /** The values a column may hold, for the columns with a closed set (an enum, a boolean). */
  readonly choices: Record<string, string[]>;
  /** A source row as the mapping reads it (before normalization). */
  private readonly mapRow: (row: TableRow) => JsonValue;
  /** The mapped fields of a source read by OCR, each with its source column (none otherwise). */
  private readonly ocrFields: OcrField[];
  private readonly hasRules: boolean;
  private readonly tracksTargets: boolean;
  /** Whether record keys compare case-insensitively. */
  private readonly foldsKeys: boolean;
  private readonly excluded: Uint8Array;
  private excludedCount = 0;
  private readonly edits = new Map<number, JsonValue>();
  private readonly issues = new Map<number, RowIssues>();
  private readonly sourceIssues = new Map<number, Issue[]>();
  /** Rows by record key, in typed arrays (no key text kept per row). */
  private readonly byKey: KeyGroups;
  private finalWarnings: Issue[] = [];
  /** Every edit with what it changed from, for undo and redo. */
  readonly history = new EditHistory();
  /** What the page sees: the summary, grid windows, "next problem". */
  readonly views: DatasetViews;
  /** The first pass over every row: the next row to validate, and the dataset-wide checks so far. */
  private pass: { next: number; global: DatasetChecks | undefined; done: boolean } | undefined;
  private rowsWithIssues: number[] | undefined;
  private errorCache: Issue[] | undefined;
  private warningCache: Issue[] | undefined;
  /** Per version: the problems of each kind, as asked for. */
  private kindCache = new Map<string, Issue[]>();
  /** Keys of rows as they stand, while `apply` runs (the key index asks for them more than once). */
  private keyMemo: Map<number, RowKey | undefined> | undefined;
  version = 0;

  constructor(source: SourceRows, context: string, mapping: Mapping, limits: Partial<RecordLimits> = {}) {
    const schema = resolveSchema(context);
    if (!schema) throw new RangeError(`Unknown context "${context}"`);
    this.context = context;
    this.schema = schema;
    this.source = source;
    this.mapRow = compileMapping(mapping, schema);
    this.limits = limits;
    const rules = schema["x-intake-rules"] ?? [];
    this.hasRules = rules.length > 0;
    this.tracksTargets = rules.some((r) => r.rule === "connection-target-known");
    this.foldsKeys = schema["x-intake-key-case-insensitive"] === true;
    ({ columns: this.columns, fields: this.fields, choices: this.choices } = gridColumns(schema, mapping));
    this.ocrFields = ocrFieldsOf(source, mapping, schema);
    this.excluded = new Uint8Array(source.count);
    this.byKey = new KeyGroups(source.count, (i) => this.keyOf(i)?.text);
    for (const issue of source.issues) {
      if (issue.row === undefined) continue;
      const list = this.sourceIssues.get(issue.row - 1) ?? [];
      const placed: Issue = { row: issue.row, pointer: "", field: "", keyword: issue.keyword, message: "" };
      if (issue.line !== undefined) placed.line = issue.line;
      placed.message = issue.message;
      list.push(placed);
      this.sourceIssues.set(issue.row - 1, list);
    }
    this.views = new DatasetViews(this);
  }

  get count(): number {
    return this.source.count;
  }

  get includedCount(): number {
    return this.source.count - this.excludedCount;
  }

  line(i: number): number | undefined {
    return this.source.line(i);
  }

  private place(i: number): RecordPlace {
    const line = this.source.line(i);
    return line === undefined ? { row: i + 1 } : { row: i + 1, line };
  }

  /** The mapped values of row `i` (0-based) before normalization: what the admin edits. */
  raw(i: number): JsonValue {
    const edited = this.edits.get(i);
    return edited !== undefined ? edited : this.mapRow(this.source.row(i));
  }

  hasSourceIssues(i: number): boolean {
    return this.sourceIssues.has(i);
  }

  isExcluded(i: number): boolean {
    return this.excluded[i] === 1;
  }

  private check(i: number, raw: JsonValue) {
    return checkRecord(raw, this.context, i + 1, this.source.line(i), this.limits);
  }

  /** Validates every row once, in order, as one dataset; `onProgress` every few thousand rows. */
  validateAll(onProgress?: (done: number, total: number) => void): void {
    this.validateSome(Number.POSITIVE_INFINITY, onProgress);
  }

  /** How many rows the first pass has validated so far. */
  get validatedCount(): number {
    return this.pass?.next ?? 0;
  }

  /**
   * The first pass, resumable: validates up to `limit` more rows in order, from where it stopped
   * (so it can run in slices, between other work); true once every row is validated.
   */
  validateSome(limit: number, onProgress?: (done: number, total: number) => void): boolean {
    const total = this.source.count;
    this.pass ??= {
      next: 0,
      global: this.tracksTargets ? new DatasetChecks(this.schema) : undefined,
      done: false,
    };
    const pass = this.pass;
    if (pass.done) return true;
    const end = Math.min(total, pass.next + limit);
    const global = pass.global;
    for (let i = pass.next; i < end; i++) {
      const raw = this.raw(i);
      const outcome = this.check(i, raw);
      const entry: RowIssues = {};
      if (outcome.errors.length > 0) entry.record = outcome.errors;
      if (isObject(raw)) {
        // The key's hash only: its text is made when another row's key has the same hash.
        const hash = keyHash(outcome.record, this.schema["x-intake-key"], this.foldsKeys);
        if (hash !== undefined) {
          const first = this.byKey.add(hash, i);
          if (first !== i)
            entry.dup = duplicateKeyIssue(this.schema, outcome.record, this.place(first), this.place(i));
        }
        if (this.hasRules) this.checkRules(i, outcome.record, entry, global);
        this.checkOcr(i, raw, entry);
      }
      if (hasIssues(entry)) this.issues.set(i, entry);
      if (onProgress && (i & 4095) === 4095) onProgress(i + 1, total);
    }
    pass.next = end;
    if (end < total) return false;
    pass.done = true;
    this.finalWarnings = global ? global.finish().warnings : [];
    this.changed(true);
    return true;
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

  /** The OCR warnings of row `i` (`raw`: its mapped values as they stand). */
  private checkOcr(i: number, raw: Raw, entry: RowIssues): void {
    delete entry.ocr;
    if (this.ocrFields.length === 0) return;
    const read = this.edits.has(i) ? this.mapRow(this.source.row(i)) : raw;
    const warnings = ocrWarnings(this.source, i, raw, read, this.ocrFields);
    if (warnings.length > 0) entry.ocr = warnings;
  }

  private setEntry(i: number, entry: RowIssues): void {
    const had = this.issues.has(i);
    const has = hasIssues(entry);
    if (has) this.issues.set(i, entry);
    else this.issues.delete(i);
    if (had !== has) this.rowsWithIssues = undefined;
  }

  /** The record key of row `i` as it stands (none when it is left out or not an object). */
  private keyOf(i: number): RowKey | undefined {
    const memo = this.keyMemo;
    if (memo?.has(i)) return memo.get(i);
    const raw = this.excluded[i] ? undefined : this.raw(i);
    const key = isObject(raw) ? this.keyOfRecord(this.check(i, raw).record) : undefined;
    memo?.set(i, key);
    return key;
  }

  private keyOfRecord(record: IntakeRecord): RowKey | undefined {
    const text = recordKey(record, this.schema);
    if (text === undefined) return undefined;
    return { text, hash: keyHash(record, this.schema["x-intake-key"], this.foldsKeys) as number };
  }

  /**
   * Changes rows: `mutate` runs on each, then they are revalidated, and so is every row whose
   * duplicate state may have changed with them (the rows sharing their old and new keys).
   */
  private apply(rows: readonly number[], mutate: (i: number) => void): void {
    this.keyMemo = new Map();
    try {
      this.applyKeyed(rows, mutate);
    } finally {
      this.keyMemo = undefined;
    }
  }

  private applyKeyed(rows: readonly number[], mutate: (i: number) => void): void {
    const memo = this.keyMemo as Map<number, RowKey | undefined>;
    /** The keys whose rows change: text -> hash. */
    const keys = new Map<string, number>();
    // Rows leave the key index before they change (the index confirms a key by the row's own).
    const old = rows.map((i) => this.keyOf(i));
    rows.forEach((i, n) => {
      const before = old[n];
      if (before !== undefined) {
        keys.set(before.text, before.hash);
        this.byKey.remove(before.hash, before.text, i);
      }
    });
    for (const i of rows) memo.delete(i);
    for (const i of rows) mutate(i);
    for (const i of rows) {
      const entry: RowIssues = {};
      memo.set(i, undefined);
      if (!this.excluded[i]) {
        const raw = this.raw(i);
        const outcome = this.check(i, raw);
        if (outcome.errors.length > 0) entry.record = outcome.errors;
        if (isObject(raw)) {
          const key = this.keyOfRecord(outcome.record);
          memo.set(i, key);
          if (key !== undefined) {
            keys.set(key.text, key.hash);
            this.byKey.add(key.hash, i, key.text);
          }
          if (this.hasRules) this.checkRules(i, outcome.record, entry);
          this.checkOcr(i, raw, entry);
        }
      }
      this.setEntry(i, entry);
    }
    const changed = new Set(rows);
    for (const [key, hash] of keys) this.recheckGroup(key, hash, changed);
    this.changed(false);
  }

  /** Duplicate errors of the rows holding `key`: each row after the first repeats the first. */
  private recheckGroup(key: string, hash: number, changed: ReadonlySet<number>): void {
    const group = this.byKey.rowsOf(hash, key);
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
    this.warningCache = undefined;
    this.kindCache.clear();
    this.version++;
  }

  /** The rows (0-based, ascending) with any problem, left out or not. */
  problemRows(): number[] {
    if (!this.rowsWithIssues) {
      const rows = new Set(this.issues.keys());
      for (const i of this.sourceIssues.keys()) rows.add(i);
      this.rowsWithIssues = [...rows].sort((a, b) => a - b);
    }
    return this.rowsWithIssues;
  }

  /** Appends the errors of row `i` to `out` (none when it is left out). */
  errorsOf(i: number, out: Issue[]): void {
    if (this.excluded[i]) return;
    const source = this.sourceIssues.get(i);
    if (source) for (const issue of source) out.push(issue);
    const entry = this.issues.get(i);
    if (!entry) return;
    if (entry.record) for (const issue of entry.record) out.push(issue);
    if (entry.dup) out.push(entry.dup);
    if (entry.ruleErrors) for (const issue of entry.ruleErrors) out.push(issue);
  }

  /** Every current error, in row order (excluded rows left out). */
  errors(): Issue[] {
    if (!this.errorCache) {
      const out: Issue[] = [];
      for (const i of this.problemRows()) this.errorsOf(i, out);
      this.errorCache = out;
    }
    return this.errorCache;
  }

  /** Appends the warnings of row `i` to `out`, left out or not. */
  warningsOf(i: number, out: Issue[]): void {
    warningsOf(this.issues.get(i), out);
  }

  /** Every current warning of a row, in row order (excluded rows left out). */
  rowWarnings(): Issue[] {
    if (!this.warningCache) {
      const out: Issue[] = [];
      for (const i of this.problemRows()) if (!this.excluded[i]) this.warningsOf(i, out);
      this.warningCache = out;
    }
    return this.warningCache;
  }

  /** Warnings about the whole dataset (known once every row is validated). */
  datasetWarnings(): Issue[] {
    return this.finalWarnings;
  }

  warnings(): Issue[] {
    return [...this.rowWarnings(), ...this.finalWarnings];
  }

  /** The value "fix all like this" writes for an issue's cell, or undefined when it has none. */
  fixOf(issue: Issue): JsonValue | undefined {
    if (
      !issue.field ||
      SOURCE_KEYWORDS.has(issue.keyword) ||
      issue.keyword === "duplicate-key" ||
      issue.keyword === OCR_CONFIDENCE_KEYWORD
    )
      return undefined;
    if (issue.suggestion !== undefined) return issue.suggestion;
    const prop = Object.hasOwn(this.schema.properties, issue.field)
      ? this.schema.properties[issue.field]
      : undefined;
    if (!prop?.enum) return undefined;
    const raw = this.raw(issue.row - 1);
    const value = isObject(raw) ? raw[issue.field] : undefined;
    if (typeof value !== "string") return undefined;
    // Synonyms the mapping step knows ("Administrator" -> ADMIN), beyond the core's case fixes.
    const options = prop.enum.filter((o): o is string => typeof o === "string");
    const target = enumTarget(value, options);
    return target !== undefined && target !== value ? target : undefined;
  }

  /** The problems of one kind, in row order. */
  ofKind(kind: ProblemKind): Issue[] {
    const key = kindKey(kind);
    let list = this.kindCache.get(key);
    if (!list) {
      const all = kind.level === "error" ? this.errors() : this.rowWarnings();
      list = all.filter((i) => matches(i, kind.column, kind.keyword));
      this.kindCache.set(key, list);
    }
    return list;
  }

  /** What an edit would change, without changing anything. */
  preview(action: EditAction): EditPreview {
    return previewEdit(this, action);
  }

  /** Runs an edit (recorded for undo); returns how many rows it changed, left out or put back. */
  edit(action: EditAction): number {
    return this.commit(planEdit(this, action), labelOf(action));
  }

  /** Reverts the last edit; returns how many rows it changed back (0 when there is none). */
  undo(): number {
    const change = this.history.undo();
    return change ? this.run(change, "back") : 0;
  }

  /** Repeats the last undone edit. */
  redo(): number {
    const change = this.history.redo();
    return change ? this.run(change, "forth") : 0;
  }

  inRange(row: number): number | undefined {
    const i = row - 1;
    return Number.isInteger(i) && i >= 0 && i < this.count ? i : undefined;
  }

  cellValue(i: number, field: string): { raw: Raw; value: JsonValue | undefined } | undefined {
    const raw = this.raw(i);
    return isObject(raw) ? { raw, value: Object.hasOwn(raw, field) ? raw[field] : undefined } : undefined;
  }

  /** The rows that keeping the first or last of each duplicate group leaves out (of `row`'s group only, if given). */
  duplicatesDropped(keep: DuplicateKeep, row?: number): number[] {
    const groups: number[][] = [];
    if (row === undefined) {
      for (const group of this.byKey.duplicates()) groups.push([...group]);
    } else {
      const i = this.inRange(row);
      const key = i === undefined ? undefined : this.keyOf(i);
      if (key !== undefined) groups.push(this.byKey.rowsOf(key.hash, key.text));
    }
    const dropped: number[] = [];
    for (const group of groups) {
      if (group.length < 2) continue;
      const kept = keep === "first" ? group[0] : group[group.length - 1];
      for (const i of group) if (i !== kept) dropped.push(i);
    }
    return dropped;
  }

  /** Runs a plan and records it for undo (a new edit forgets what was undone). */
  private commit(plan: Plan, label: string): number {
    const change: Change = { label, cells: [], excluded: plan.excluded, kept: [] };
    for (const w of plan.writes) {
      const cell = this.cellValue(w.i, w.field);
      change.cells.push({ i: w.i, field: w.field, before: cell?.value, after: w.value });
    }
    for (const i of plan.kept) change.kept.push({ i, issues: this.sourceIssues.get(i) ?? [] });
    if (rowsOf(change).length === 0) return 0;
    this.history.record(change);
    return this.run(change, "forth");
  }

  /** Applies a change forth (as recorded) or back (its inverse), revalidating what it touched. */
  private run(change: Change, way: "forth" | "back"): number {
    const rows = rowsOf(change);
    const cellsByRow = new Map<number, Change["cells"]>();
    for (const c of change.cells) {
      const list = cellsByRow.get(c.i) ?? [];
      list.push(c);
      cellsByRow.set(c.i, list);
    }
    const flips = new Map(change.excluded.map((e) => [e.i, way === "forth" ? e.to : !e.to]));
    const kept = new Map(change.kept.map((k) => [k.i, k.issues]));
    this.apply(rows, (i) => {
      const cells = cellsByRow.get(i);
      if (cells) {
        const raw = this.raw(i);
        if (isObject(raw)) {
          this.edits.set(i, raw);
          const ordered = way === "forth" ? cells : [...cells].reverse();
          for (const c of ordered) write(raw, c.field, way === "forth" ? c.after : c.before);
        }
      }
      const to = flips.get(i);
      if (to !== undefined && this.isExcluded(i) !== to) {
        this.excluded[i] = to ? 1 : 0;
        this.excludedCount += to ? 1 : -1;
      }
      const issues = kept.get(i);
      if (issues) {
        if (way === "forth") this.sourceIssues.delete(i);
        else this.sourceIssues.set(i, issues);
      }
    });
    if (kept.size > 0) this.changed(true);
    return rows.length;
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
