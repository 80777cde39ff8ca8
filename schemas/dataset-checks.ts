// Checks that look beyond one field: record keys (duplicates, reporting both rows), the
// cross-field rules of a schema's `x-intake-rules`, and dataset-wide access_relations warnings.

import { KeyIndex } from "./key-index.ts";
import { clipValue, show } from "./messages.ts";
import type { ContextSchema, DatasetRule, IntakeRecord, Issue, JsonValue } from "./types.ts";
import { encodeSegment } from "./validate.ts";

/** An issue found after later ones were reported: `at` is how many errors came before it. */
export interface PlacedIssue {
  at: number;
  issue: Issue;
}

export interface CheckResult {
  errors: Issue[];
  warnings: Issue[];
}

function place(issue: Omit<Issue, "row" | "line">, row: number, line: number | undefined): Issue {
  return line === undefined ? { row, ...issue } : { row, line, ...issue };
}

/** A sortable instant for a date or date-time value, or undefined when it is not one. */
function instant(value: JsonValue | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** A record's own field (never Object.prototype's toString or valueOf), or undefined. */
const ownValue = (record: Readonly<Record<string, JsonValue | undefined>>, field: string) =>
  Object.hasOwn(record, field) ? record[field] : undefined;

/**
 * The key of a record as one string, or undefined when a key field is missing: a JSON array of the
 * key's parts, so no value can run into the next (("a\u0000b","c") and ("a","b\u0000c") differ).
 * Text parts are case-folded when the schema says so; any other value is wrapped in a list, so 1
 * and "1" differ. The Worker stores this string (records.record_key) and compares it at commit.
 */
export function recordKey(record: IntakeRecord, schema: ContextSchema): string | undefined {
  const fields = schema["x-intake-key"];
  const fold = schema["x-intake-key-case-insensitive"] === true;
  if (fields.length === 1) {
    // The common case, without an intermediate list.
    const value = ownValue(record, fields[0] as string);
    if (value === undefined) return undefined;
    return typeof value === "string"
      ? `[${JSON.stringify(fold ? value.toLowerCase() : value)}]`
      : `[${JSON.stringify([value])}]`;
  }
  const parts: JsonValue[] = [];
  for (const field of fields) {
    const value = ownValue(record, field);
    if (value === undefined) return undefined;
    parts.push(typeof value === "string" ? (fold ? value.toLowerCase() : value) : [value]);
  }
  return JSON.stringify(parts);
}

/** The key fields' values a record key was made from (text as compared, i.e. case-folded when the schema folds). */
export function keyValues(key: string, schema: ContextSchema): Record<string, JsonValue> {
  const parts = JSON.parse(key) as JsonValue[];
  // Own data properties whatever the field names.
  return Object.fromEntries(
    schema["x-intake-key"].map((field, i) => {
      const part = parts[i] as JsonValue;
      return [field, Array.isArray(part) ? (part[0] as JsonValue) : part];
    }),
  );
}

/** Where a record is: its 1-based row and, when known, its source line. */
export interface RecordPlace {
  row: number;
  line?: number;
}

/**
 * The error for a record whose key repeats an earlier record's: `values` holds the key fields'
 * values (the record itself will do), `first` the earlier record, `second` this one. The one
 * wording of a duplicate, for a one-shot report and for a sync's commit alike.
 */
export function duplicateKeyIssue(
  schema: ContextSchema,
  values: Readonly<Record<string, JsonValue | undefined>>,
  first: RecordPlace,
  second: RecordPlace,
): Issue {
  const fields = schema["x-intake-key"];
  const field = fields[0] ?? "";
  const keyText = fields.map((f) => `${f} "${show(ownValue(values, f))}"`).join(", ");
  const where =
    first.line !== undefined && second.line !== undefined ? ` (lines ${first.line} and ${second.line})` : "";
  const issue: Issue = place(
    {
      pointer: `/${encodeSegment(field)}`,
      field,
      keyword: "duplicate-key",
      message: `Duplicate record: rows ${first.row} and ${second.row}${where} have the same ${keyText}; each record must be unique`,
      relatedRow: first.row,
    },
    second.row,
    second.line,
  );
  const value = ownValue(values, field);
  if (value !== undefined) issue.value = clipValue(value);
  return issue;
}

/** The warning for a connection that is an access target but never appears as an entity. */
export function connectionTargetIssue(target: { id: string; name?: JsonValue }, at: RecordPlace): Issue {
  return place(
    {
      pointer: "/accessSourceId",
      field: "accessSourceId",
      keyword: "connection-target-known",
      message: `Connection "${show(target.name ?? target.id)}" (${show(target.id)}) is an access target but never appears as an entity, so what it grants is unknown`,
      value: clipValue(target.id),
    },
    at.row,
    at.line,
  );
}

export class DatasetChecks {
  private readonly schema: ContextSchema;
  private readonly rules: DatasetRule[];
  /** The records' keys, numbered; each one's row and line by that number. */
  private readonly keys: KeyIndex;
  private seenRows: Int32Array;
  /** The record's line + 1; 0 where it had none. */
  private seenLines: Int32Array;
  /** Per key checked later (`checkIntoLater`): how many errors were reported before it. */
  private errorsBefore: Int32Array | undefined;
  /** Duplicate keys of records checked later, found by settling them (see `takeLater`). */
  private readonly later: PlacedIssue[] = [];
  private readonly entityIds = new Set<string>();
  private readonly connectionTargets = new Map<string, RecordPlace & { name: JsonValue | undefined }>();
  private readonly tracksTargets: boolean;

  /** `expected`: how many records are coming, when known (room made for their keys at once). */
  constructor(schema: ContextSchema, expected = 0) {
    this.schema = schema;
    this.rules = schema["x-intake-rules"] ?? [];
    this.tracksTargets = this.rules.some((r) => r.rule === "connection-target-known");
    this.keys = new KeyIndex(schema, expected);
    this.seenRows = new Int32Array(Math.max(512, expected));
    this.seenLines = new Int32Array(this.seenRows.length);
  }

  /** Checks one record (already normalized and valid or not) at its 1-based row. */
  check(record: IntakeRecord, row: number, line?: number): CheckResult {
    const result: CheckResult = { errors: [], warnings: [] };
    this.checkInto(record, row, line, result.errors, result.warnings);
    return result;
  }

  /** As `check`, adding what it finds to the caller's lists (no lists of its own per record). */
  checkInto(
    record: IntakeRecord,
    row: number,
    line: number | undefined,
    errors: Issue[],
    warnings: Issue[],
  ): void {
    this.settleLater();
    this.checkKey(record, row, line, errors);
    this.checkRules(record, row, line, errors, warnings);
  }

  /**
   * As `checkInto`, except that whether the record's key repeats an earlier one is found later,
   * for all such records at once (see `takeLater`): `errorsBefore` is how many errors the caller
   * has reported before this record's duplicate-key error would come.
   */
  checkIntoLater(
    record: IntakeRecord,
    row: number,
    line: number | undefined,
    errorsBefore: number,
    errors: Issue[],
    warnings: Issue[],
  ): void {
    const id = this.keys.add(record);
    if (id >= 0) {
      this.place(id, row, line);
      if (this.errorsBefore === undefined || id >= this.errorsBefore.length)
        this.errorsBefore = this.grown(this.errorsBefore);
      this.errorsBefore[id] = errorsBefore;
    }
    this.checkRules(record, row, line, errors, warnings);
  }

  /**
   * The duplicate-key errors of the records checked with `checkIntoLater`, in row order, each
   * with how many errors were reported before it; each error is answered once.
   */
  takeLater(): PlacedIssue[] {
    this.settleLater();
    return this.later.splice(0);
  }

  private settleLater(): void {
    if (this.keys.unsettled === 0) return;
    const found = this.keys.settle();
    for (let k = 0; k < found.length; k += 2) {
      const id = found[k] as number;
      const first = found[k + 1] as number;
      this.later.push({
        at: (this.errorsBefore as Int32Array)[id] as number,
        issue: duplicateKeyIssue(this.schema, this.keys.valuesOf(id), this.placeOf(first), this.placeOf(id)),
      });
    }
  }

  private placeOf(id: number): RecordPlace {
    const row = this.seenRows[id] as number;
    const line = this.seenLines[id] as number;
    return line === 0 ? { row } : { row, line: line - 1 };
  }

  /** Remembers where the record of key number `id` is. */
  private place(id: number, row: number, line: number | undefined): void {
    if (id >= this.seenRows.length) {
      this.seenRows = this.grown(this.seenRows);
      this.seenLines = this.grown(this.seenLines);
    }
    this.seenRows[id] = row;
    this.seenLines[id] = line === undefined ? 0 : line + 1;
  }

  /** A list twice as long (or a first one), holding the old one's numbers. */
  private grown(list: Int32Array | undefined): Int32Array {
    const out = new Int32Array(Math.max(512, this.seenRows.length, 2 * (list?.length ?? 0)));
    if (list !== undefined) out.set(list);
    return out;
  }

  private checkRules(
    record: IntakeRecord,
    row: number,
    line: number | undefined,
    errors: Issue[],
    warnings: Issue[],
  ): void {
    for (const rule of this.rules) {
      const target = rule.severity === "error" ? errors : warnings;
      if (rule.rule === "order") {
        const to = instant(ownValue(record, rule.to));
        const from = to === undefined ? undefined : instant(ownValue(record, rule.from));
        if (from !== undefined && to !== undefined && to < from) {
          const message =
            rule.severity === "error"
              ? `${rule.to} (${show(record[rule.to])}) must not be before ${rule.from} (${show(record[rule.from])})`
              : `${rule.to} (${show(record[rule.to])}) is before ${rule.from} (${show(record[rule.from])}); check both dates`;
          target.push(
            place(
              {
                pointer: `/${encodeSegment(rule.to)}`,
                field: rule.to,
                keyword: "order",
                message,
                value: record[rule.to] as JsonValue,
              },
              row,
              line,
            ),
          );
        }
      } else if (rule.rule === "any-present") {
        const applies = Object.entries(rule.when ?? {}).every(
          ([field, value]) => ownValue(record, field) === value,
        );
        if (applies && rule.fields.every((field) => ownValue(record, field) === undefined)) {
          const field = rule.fields[0] ?? "";
          const name = show(
            ownValue(record, "entityName") ?? ownValue(record, this.schema["x-intake-key"][0] ?? ""),
          );
          target.push(
            place(
              {
                pointer: `/${encodeSegment(field)}`,
                field,
                keyword: "any-present",
                message: `"${name}" has none of ${rule.fields.join(", ")}, so it cannot be matched to a person automatically`,
              },
              row,
              line,
            ),
          );
        }
      }
    }
    if (this.tracksTargets) this.trackTargets(record, row, line);
  }

  private checkKey(record: IntakeRecord, row: number, line: number | undefined, errors: Issue[]): void {
    const first = this.keys.firstOf(record);
    if (first === -2) return;
    const id = this.keys.size - 1;
    this.place(id, row, line);
    if (first === -1) return;
    errors.push(duplicateKeyIssue(this.schema, record, this.placeOf(first), this.placeOf(id)));
  }

  private trackTargets(record: IntakeRecord, row: number, line: number | undefined): void {
    if (typeof record.entitySourceId === "string") this.entityIds.add(record.entitySourceId);
    const target = record.accessSourceId;
    if (
      record.accessEntityType === "connection" &&
      typeof target === "string" &&
      !this.connectionTargets.has(target)
    ) {
      this.connectionTargets.set(
        target,
        line === undefined ? { row, name: record.accessName } : { row, line, name: record.accessName },
      );
    }
  }

  /** Dataset-wide findings, once every record has been checked. */
  finish(): CheckResult {
    const result: CheckResult = { errors: [], warnings: [] };
    for (const [id, seen] of this.connectionTargets) {
      if (this.entityIds.has(id)) continue;
      result.warnings.push(connectionTargetIssue({ id, name: seen.name }, seen));
    }
    return result;
  }
}
