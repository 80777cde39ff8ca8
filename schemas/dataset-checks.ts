// Checks that look beyond one field: record keys (duplicates, reporting both rows), the
// cross-field rules of a schema's `x-intake-rules`, and dataset-wide access_relations warnings.
import { show } from "./messages.ts";
import type { ContextSchema, DatasetRule, IntakeRecord, Issue, JsonValue } from "./types.ts";
import { encodeSegment } from "./validate.ts";

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

/** The key of a record as one string, or undefined when a key field is missing. */
export function recordKey(record: IntakeRecord, schema: ContextSchema): string | undefined {
  const fields = schema["x-intake-key"];
  const fold = schema["x-intake-key-case-insensitive"] === true;
  let key = "";
  for (let i = 0; i < fields.length; i++) {
    const value = record[fields[i] as string];
    if (value === undefined) return undefined;
    // Strings as they are (the common case); anything else tagged, so 1 and "1" stay apart.
    const part =
      typeof value === "string" ? (fold ? value.toLowerCase() : value) : `\u0001${JSON.stringify(value)}`;
    key = i === 0 ? part : `${key}\u0000${part}`;
  }
  return key;
}

export class DatasetChecks {
  private readonly schema: ContextSchema;
  private readonly rules: DatasetRule[];
  private readonly firstRowByKey = new Map<string, { row: number; line: number | undefined }>();
  private readonly entityIds = new Set<string>();
  private readonly connectionTargets = new Map<
    string,
    { row: number; line: number | undefined; name: JsonValue | undefined }
  >();
  private readonly tracksTargets: boolean;

  constructor(schema: ContextSchema) {
    this.schema = schema;
    this.rules = schema["x-intake-rules"] ?? [];
    this.tracksTargets = this.rules.some((r) => r.rule === "connection-target-known");
  }

  /** Checks one record (already normalized and valid or not) at its 1-based row. */
  check(record: IntakeRecord, row: number, line?: number): CheckResult {
    const result: CheckResult = { errors: [], warnings: [] };
    this.checkKey(record, row, line, result);
    for (const rule of this.rules) {
      const target = rule.severity === "error" ? result.errors : result.warnings;
      if (rule.rule === "order") {
        const to = instant(record[rule.to]);
        const from = to === undefined ? undefined : instant(record[rule.from]);
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
        const applies = Object.entries(rule.when ?? {}).every(([field, value]) => record[field] === value);
        if (applies && rule.fields.every((field) => record[field] === undefined)) {
          const field = rule.fields[0] ?? "";
          const name = show(record.entityName ?? record[this.schema["x-intake-key"][0] ?? ""]);
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
    return result;
  }

  private checkKey(record: IntakeRecord, row: number, line: number | undefined, result: CheckResult): void {
    const key = recordKey(record, this.schema);
    if (key === undefined) return;
    const first = this.firstRowByKey.get(key);
    if (!first) {
      this.firstRowByKey.set(key, { row, line });
      return;
    }
    const fields = this.schema["x-intake-key"];
    const field = fields[0] ?? "";
    const keyText = fields.map((f) => `${f} "${show(record[f])}"`).join(", ");
    const where = first.line !== undefined && line !== undefined ? ` (lines ${first.line} and ${line})` : "";
    result.errors.push(
      place(
        {
          pointer: `/${encodeSegment(field)}`,
          field,
          keyword: "duplicate-key",
          message: `Duplicate record: rows ${first.row} and ${row}${where} have the same ${keyText}; each record must be unique`,
          value: record[field] as JsonValue,
          relatedRow: first.row,
        },
        row,
        line,
      ),
    );
  }

  private trackTargets(record: IntakeRecord, row: number, line: number | undefined): void {
    if (typeof record.entitySourceId === "string") this.entityIds.add(record.entitySourceId);
    const target = record.accessSourceId;
    if (
      record.accessEntityType === "connection" &&
      typeof target === "string" &&
      !this.connectionTargets.has(target)
    ) {
      this.connectionTargets.set(target, { row, line, name: record.accessName });
    }
  }

  /** Dataset-wide findings, once every record has been checked. */
  finish(): CheckResult {
    const result: CheckResult = { errors: [], warnings: [] };
    for (const [id, seen] of this.connectionTargets) {
      if (this.entityIds.has(id)) continue;
      result.warnings.push(
        place(
          {
            pointer: "/accessSourceId",
            field: "accessSourceId",
            keyword: "connection-target-known",
            message: `Connection "${show(seen.name ?? id)}" (${id}) is an access target but never appears as an entity, so what it grants is unknown`,
            value: id,
          },
          seen.row,
          seen.line,
        ),
      );
    }
    return result;
  }
}
