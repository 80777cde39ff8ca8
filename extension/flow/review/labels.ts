// Words for problem kinds, shared by the problems panel, the grid and the message under it.
import { type ProblemKind, WHOLE_ROW } from "../../pipeline/protocol.ts";

const RULES: Record<string, string> = {
  required: "missing",
  enum: "not an allowed value",
  format: "wrong format",
  type: "wrong type",
  items: "wrong list item",
  uniqueItems: "repeated list item",
  minimum: "too small",
  maxLength: "too long",
  "duplicate-key": "duplicate record",
  "unknown-field": "unknown field",
  order: "dates out of order",
  "ragged-row": "wrong number of values",
  csv: "unreadable CSV",
  json: "unreadable JSON",
  "ocr-confidence": "read with low confidence",
};

export const ruleLabel = (keyword: string) => RULES[keyword] ?? keyword;

export const columnLabel = (column: string) => (column === WHOLE_ROW ? "Whole row" : column);

/** "createdOn · wrong format" */
export const kindLabel = (kind: ProblemKind) => `${columnLabel(kind.column)} · ${ruleLabel(kind.keyword)}`;

export const kindId = (kind: ProblemKind) =>
  `${kind.level}-${kind.column === WHOLE_ROW ? "row" : kind.column}-${kind.keyword}`.replace(/[^\w-]/g, "_");
