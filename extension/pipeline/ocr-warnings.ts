// Warnings on the cells of a source read by OCR (a screenshot, a scanned PDF) with less than
// LOW_CONFIDENCE: each says how sure the reading was, for as long as the cell holds what was read
// (an edit, even one undone and redone, is the admin's own value). Extension-only: the Worker never
// sees an image.
import { type ContextSchema, type Issue, isObject, type JsonValue } from "../../schemas/index.ts";
import { type Mapping, splitOf } from "../mapping.ts";
import { same } from "./dataset-edits.ts";
import { LOW_CONFIDENCE, type SourceRows } from "./source.ts";

/** The warning on a cell read by OCR with less than LOW_CONFIDENCE that the admin has not changed. */
export const OCR_CONFIDENCE_KEYWORD = "ocr-confidence";

/** Extension-only words (the Worker never sees an image): "Read from the image with 62 % confidence — check it". */
export const ocrConfidenceMessage = (confidence: number): string =>
  `Read from the image with ${Math.round(confidence * 100)} % confidence — check it`;

/** A mapped field of a source read by OCR, with the source column it is read from. */
export interface OcrField {
  field: string;
  column: number;
}

/** The mapped fields of a source read by OCR, each with its source column (none for other sources). */
export function ocrFieldsOf(source: SourceRows, mapping: Mapping, schema: ContextSchema): OcrField[] {
  const out: OcrField[] = [];
  if (source.confidence)
    mapping.columns.forEach((field, column) => {
      // A split column's read confidence holds for both of its fields.
      const split = splitOf(mapping, column);
      for (const f of field ? [field] : split ? [split.first, split.last] : [])
        if (Object.hasOwn(schema.properties, f)) out.push({ field: f, column });
    });
  return out;
}

/**
 * The warnings of row `i` (`raw`: its mapped values as they stand; `read`: as they were read) on
 * its cells read with less than LOW_CONFIDENCE that still hold what was read.
 */
export function ocrWarnings(
  source: SourceRows,
  i: number,
  raw: Record<string, JsonValue>,
  read: JsonValue,
  fields: readonly OcrField[],
): Issue[] {
  const out: Issue[] = [];
  const line = source.line(i);
  for (const { field, column } of fields) {
    const confidence = source.confidence?.(i, column);
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
    out.push(issue);
  }
  return out;
}
