// The dataset being fixed, owned by the pipeline worker: the source rows (held once, compactly),
// the admin's edits (only the rows edited), exclusions, and the issues of the rows that have any.
// Validation runs once over every row; an edit revalidates the rows it changed and the rows that
// share (or shared) their record keys. The page sees it through a summary (counts, the problems
// grouped by column and rule with their bulk fixes), windows of grid rows, and "next problem"
// look-ups. Every edit is recorded with its inverse, so it can be undone and redone.

import {
  type ContextSchema,
  checkRecord,
  clipText,
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
import { compileMapping, type Mapping, mappedFields, splitOf } from "../mapping.ts";
import { labelOf, type Plan, planEdit, same } from "./dataset-edits.ts";
import { KeyGroups } from "./key-groups.ts";
import type { TableRow } from "./parse/source-table.ts";
import { cellText, SOURCE_KEYWORDS, WHOLE_ROW } from "./protocol.ts";
import type {
  DuplicateKeep,
  EditAction,
  EditPreview,
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
import { LOW_CONFIDENCE, type SourceRows } from "./source.ts";

/** A row's record key: its text (as `recordKey` makes it) and its hash (`keyHash`). */
interface RowKey {
  text: string;
  hash: number;
}

export const MAX_WARNINGS_SHOWN = 200;

/** The warning on a cell read by OCR with less than LOW_CONFIDENCE that the admin has not changed. */
export const OCR_CONFIDENCE_KEYWORD = "ocr-confidence";

/** Extension-only words (the Worker never sees an image): "Read from the image with 62 % confidence — check it". */
export const ocrConfidenceMessage = (confidence: number): string =>
  `Read from the image with ${Math.round(confidence * 100)} % confidence — check it`;
/** Undo steps kept (older ones are forgotten). */
export const HISTORY_LIMIT = 200;
const EXAMPLES = 3;

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

/** What an edit changes, and what it changed from: enough to undo and redo it. */
interface Change {
  label: string;
  cells: { i: number; field: string; before: JsonValue | undefined; after: JsonValue | undefined }[];
  /** Rows whose exclusion flips. */
  excluded: { i: number; to: boolean }[];
  /** Rows whose source problems (ragged row…) are set aside as read, with those problems. */
  kept: { i: number; issues: Issue[] }[];
}

function write(raw: Raw, field: string, value: JsonValue | undefined): void {
  if (value === undefined || value === "") delete raw[field];
  else Object.defineProperty(raw, field, { value, enumerable: true, writable: true, configurable: true });
}

export const kindOf = (i: Issue, level: ProblemLevel): ProblemKind => ({
  column: i.field || WHOLE_ROW,
  keyword: i.keyword,
  level,
});
const kindKey = (k: ProblemKind) => `${k.level}\u0001${k.column}\u0001${k.keyword}`;

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
  private readonly ocrFields: { field: string; column: number }[] = [];
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
  /** The first pass over every row: the next row to validate, and the dataset-wide checks so far. */
  private pass: { next: number; global: DatasetChecks | undefined; done: boolean } | undefined;
  private rowsWithIssues: number[] | undefined;
  private errorCache: Issue[] | undefined;
  private warningCache: Issue[] | undefined;
  private summaryCache: ReviewSummary | undefined;
  /** Per version: the problems of each kind, and the grid's row lists, as asked for. */
  private kindCache = new Map<string, Issue[]>();
  private listCache = new Map<string, number[]>();
  /** Keys of rows as they stand, while `apply` runs (the key index asks for them more than once). */
  private keyMemo: Map<number, RowKey | undefined> | undefined;
  private readonly undone: Change[] = [];
  private readonly done: Change[] = [];
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
    const shown = new Set<string>([
      ...mappedFields(mapping),
      ...Object.keys(mapping.constants).filter((f) => (mapping.constants[f] ?? "").trim() !== ""),
      ...(schema.required ?? []),
    ]);
    const order = fieldOrder(schema, mapping);
    this.columns = order.filter((f) => shown.has(f));
    this.fields = [...new Set([...this.columns, ...order])];
    this.choices = choicesOf(schema, this.columns);
    if (source.confidence)
      mapping.columns.forEach((field, column) => {
        // A split column's read confidence holds for both of its fields.
        const split = splitOf(mapping, column);
        for (const f of field ? [field] : split ? [split.first, split.last] : [])
          if (Object.hasOwn(schema.properties, f)) this.ocrFields.push({ field: f, column });
      });
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

  /**
   * Warnings on the cells of row `i` read by OCR with less than LOW_CONFIDENCE, as long as they
   * hold what was read (an edit, even one undone and redone, is the admin's own value).
   */
  private checkOcr(i: number, raw: Raw, entry: RowIssues): void {
    delete entry.ocr;
    if (this.ocrFields.length === 0) return;
    const read = this.edits.has(i) ? this.mapRow(this.source.row(i)) : raw;
    const line = this.source.line(i);
    for (const { field, column } of this.ocrFields) {
      const confidence = this.source.confidence?.(i, column);
      if (confidence === undefined || confidence >= LOW_CONFIDENCE) continue;
      const value = Object.hasOwn(raw, field) ? raw[field] : undefined;
      if (
        read !== raw &&
        (!isObject(read) || !same(value, Object.hasOwn(read, field) ? read[field] : undefined))
      )
        continue;
      const issue: Issue = {
        row: i + 1,
        pointer: `/${field.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        field,
        keyword: OCR_CONFIDENCE_KEYWORD,
        message: ocrConfidenceMessage(confidence),
      };
      if (line !== undefined) issue.line = line;
      if (value !== undefined) issue.value = value;
      entry.ocr ??= [];
      entry.ocr.push(issue);
    }
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
    this.summaryCache = undefined;
    this.kindCache.clear();
    this.listCache.clear();
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

  /** The errors of row `i` (none when it is left out). */
  private rowErrors(i: number, out: Issue[]): void {
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
      for (const i of this.sortedRows()) this.rowErrors(i, out);
      this.errorCache = out;
    }
    return this.errorCache;
  }

  /** Every current warning of a row, in row order (excluded rows left out). */
  private rowWarnings(): Issue[] {
    if (!this.warningCache) {
      const out: Issue[] = [];
      for (const i of this.sortedRows()) if (!this.excluded[i]) warningsOf(this.issues.get(i), out);
      this.warningCache = out;
    }
    return this.warningCache;
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

  /** Counts, the problems grouped by column and rule with their fixes, and the undo history. */
  summary(): ReviewSummary {
    if (this.summaryCache) return this.summaryCache;
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
      const fix = this.fixOf(issue);
      if (fix === undefined) return;
      g.fixable++;
      if (g.examples.length < EXAMPLES) {
        const pair: [string, string] = [clipText(cellText(issue.value), 40), clipText(cellText(fix), 40)];
        const k = pair.join("\u0001");
        if (!g.seen.has(k)) {
          g.seen.add(k);
          g.examples.push(pair);
        }
      }
    };
    const errors = this.errors();
    for (const issue of errors) add(issue, "error");
    const warnings = this.rowWarnings();
    for (const issue of warnings) add(issue, "warning");
    const list = [...groups.values()]
      .map(({ lastRow: _l, seen: _s, ...g }) => g)
      .sort((a, b) => (a.level === b.level ? b.count - a.count : a.level === "error" ? -1 : 1));
    const undo = this.done.at(-1);
    const redo = this.undone.at(-1);
    this.summaryCache = {
      version: this.version,
      choices: this.choices,
      rowCount: this.count,
      includedCount: this.includedCount,
      errorCount: errors.length,
      warningCount: warnings.length + this.finalWarnings.length,
      problemRowCount: this.rowList({ problems: true, column: "", keyword: "" }).length,
      columns: this.columns,
      groups: list,
      datasetWarnings: this.finalWarnings.slice(0, MAX_WARNINGS_SHOWN),
      hasDuplicates: errors.some((i) => i.keyword === "duplicate-key"),
      ...(undo ? { undo: undo.label } : {}),
      ...(redo ? { redo: redo.label } : {}),
    };
    return this.summaryCache;
  }

  /** The rows (0-based) a problems query lists; undefined for all rows. */
  private rowList(query: GridQuery): number[] {
    const key = `${query.column}\u0001${query.keyword}`;
    let list = this.listCache.get(key);
    if (!list) {
      list = [];
      const buffer: Issue[] = [];
      for (const i of this.sortedRows()) {
        if (this.excluded[i]) continue;
        buffer.length = 0;
        this.rowErrors(i, buffer);
        warningsOf(this.issues.get(i), buffer);
        if (buffer.some((issue) => matches(issue, query.column, query.keyword))) list.push(i);
      }
      this.listCache.set(key, list);
    }
    return list;
  }

  private rowAt(query: GridQuery, position: number): number | undefined {
    if (!query.problems) return position >= 0 && position < this.count ? position : undefined;
    return this.rowList(query)[position];
  }

  /** How many rows the query lists. */
  total(query: GridQuery): number {
    return query.problems ? this.rowList(query).length : this.count;
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
    const issues: Issue[] = [];
    this.rowErrors(i, issues);
    const warnings: Issue[] = [];
    if (!this.excluded[i]) warningsOf(this.issues.get(i), warnings);
    const raw = this.raw(i);
    const cells: GridCell[] = this.columns.map((field) => ({
      text: isObject(raw) && Object.hasOwn(raw, field) ? cellText(raw[field]) : "",
    }));
    const row: GridRow = { row: i + 1, excluded: this.excluded[i] === 1, cells, errors: [], warnings: [] };
    const line = this.source.line(i);
    if (line !== undefined) row.line = line;
    const mark = (issue: Issue, level: ProblemLevel) => {
      const c = issue.field && !SOURCE_KEYWORDS.has(issue.keyword) ? this.columns.indexOf(issue.field) : -1;
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
    return { version: this.version, total, start: from, rows };
  }

  /**
   * The problem of `kind` after (direction 1) or before (-1) row `fromRow` (1-based; 0 before the
   * first), wrapping around; with its position in the grid's list for `query`.
   */
  locate(query: GridQuery, kind: ProblemKind, fromRow: number, direction: 1 | -1): ProblemPlace | undefined {
    const list = this.ofKind(kind);
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

  /** What an edit would change, without changing anything. */
  preview(action: EditAction): EditPreview {
    const plan = planEdit(this, action);
    const rows = new Set<number>();
    const examples: [string, string][] = [];
    const seen = new Set<string>();
    for (const w of plan.writes) {
      rows.add(w.i);
      if (examples.length >= EXAMPLES) continue;
      const raw = this.raw(w.i);
      const pair: [string, string] = [
        clipText(cellText(isObject(raw) ? raw[w.field] : undefined), 40),
        clipText(cellText(w.value), 40),
      ];
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

  /** Runs an edit (recorded for undo); returns how many rows it changed, left out or put back. */
  edit(action: EditAction): number {
    return this.commit(planEdit(this, action), labelOf(action));
  }

  /** Reverts the last edit; returns how many rows it changed back (0 when there is none). */
  undo(): number {
    const change = this.done.pop();
    if (!change) return 0;
    this.undone.push(change);
    return this.run(change, "back");
  }

  /** Repeats the last undone edit. */
  redo(): number {
    const change = this.undone.pop();
    if (!change) return 0;
    this.done.push(change);
    return this.run(change, "forth");
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
    const rows = this.rowsOf(change);
    if (rows.length === 0) return 0;
    this.undone.length = 0;
    this.done.push(change);
    if (this.done.length > HISTORY_LIMIT) this.done.shift();
    return this.run(change, "forth");
  }

  private rowsOf(change: Change): number[] {
    const rows = new Set<number>();
    for (const c of change.cells) rows.add(c.i);
    for (const e of change.excluded) rows.add(e.i);
    for (const k of change.kept) rows.add(k.i);
    return [...rows];
  }

  /** Applies a change forth (as recorded) or back (its inverse), revalidating what it touched. */
  private run(change: Change, way: "forth" | "back"): number {
    const rows = this.rowsOf(change);
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
