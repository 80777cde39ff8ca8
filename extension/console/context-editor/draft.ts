// A custom context being written: its fields as the editor holds them, the problems that keep it
// from being saved, and the definition sent to the Worker.
import {
  type ContextSchema,
  type CUSTOM_FIELD_TYPES,
  checkCustomContext,
  type JsonValue,
} from "../../../schemas/index.ts";
import type { CustomSchemaDefinition } from "../../api-client.ts";

export type FieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const FIELD_TYPES: { value: FieldType; label: string }[] = [
  { value: "string", label: "Text" },
  { value: "integer", label: "Whole number" },
  { value: "number", label: "Number" },
  { value: "boolean", label: "True or false" },
  { value: "array", label: "List of text" },
];

/** One field as the editor holds it; lists are typed as comma-separated text. */
export interface FieldDraft {
  id: number;
  name: string;
  type: FieldType;
  required: boolean;
  key: boolean;
  format: string;
  /** Allowed values, comma-separated ("" for any value). */
  allowed: string;
  /** Other header names that mean this field, comma-separated. */
  aliases: string;
  description: string;
  /** The field's other keywords as the Worker had them (pattern, minLength…), kept on save. */
  rest: Record<string, JsonValue>;
}

export interface ContextDraft {
  name: string;
  title: string;
  category: string;
  description: string;
  fields: FieldDraft[];
}

/** Keywords the editor writes itself; any other keyword of a loaded field is kept as it was. */
const EDITED = new Set(["type", "items", "format", "enum", "x-intake-aliases", "description"]);

let nextFieldId = 1;

export function emptyField(): FieldDraft {
  return {
    id: nextFieldId++,
    name: "",
    type: "string",
    required: false,
    key: false,
    format: "",
    allowed: "",
    aliases: "",
    description: "",
    rest: {},
  };
}

const splitList = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/** A loaded schema's fields, as the editor shows them. */
export function fieldsFromSchema(schema: ContextSchema): FieldDraft[] {
  const required = new Set(schema.required ?? []);
  const key = new Set(schema["x-intake-key"] ?? []);
  return Object.entries(schema.properties).map(([name, prop]) => {
    const rest: Record<string, JsonValue> = {};
    for (const [keyword, value] of Object.entries(prop))
      if (!EDITED.has(keyword)) rest[keyword] = value as JsonValue;
    return {
      ...emptyField(),
      name,
      type: (prop.type ?? "string") as FieldType,
      required: required.has(name),
      key: key.has(name),
      format: prop.format ?? "",
      allowed: (prop.enum ?? []).map(String).join(", "),
      aliases: (prop["x-intake-aliases"] ?? []).join(", "),
      description: prop.description ?? "",
      rest,
    };
  });
}

/**
 * What is wrong with the draft, in words (empty when it can be reviewed): the Worker's own checks
 * of a definition (schemas/custom-context.ts), and what only the editor can see (two fields with
 * one name, allowed values that are not numbers).
 */
export function draftProblems(draft: ContextDraft, editing?: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const field of draft.fields) {
    const name = field.name.trim();
    if (name && seen.has(name)) problems.push(`two fields are named ${name}`);
    seen.add(name);
    if (field.allowed && (field.type === "number" || field.type === "integer")) {
      const bad = splitList(field.allowed).filter(
        (v) => !Number.isFinite(Number(v)) || (field.type === "integer" && !Number.isInteger(Number(v))),
      );
      if (bad.length > 0)
        problems.push(
          `field ${name || "without a name"}: allowed ${bad.length === 1 ? "value" : "values"} ${bad.map((v) => `“${v}”`).join(", ")} ${bad.length === 1 ? "is not a" : "are not"} ${field.type === "integer" ? "whole number" : "number"}${bad.length === 1 ? "" : "s"}`,
        );
    }
  }
  if (draft.fields.length === 0) problems.push("add at least one field");
  const checked = checkCustomContext(bodyOf(draft, editing), {
    name: editing,
    scopedName: (name) => name,
  });
  if (!checked.ok)
    for (const e of checked.errors) if (!problems.includes(e.message)) problems.push(e.message);
  return problems;
}

/** The body of POST /v1/contexts (PUT: without the name) for the draft. */
export function bodyOf(draft: ContextDraft, editing?: string) {
  return {
    ...(editing === undefined ? { name: draft.name.trim() } : {}),
    title: draft.title.trim(),
    category: draft.category.trim(),
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    schema: definitionOf(draft),
  };
}

/** The JSON Schema the Worker is sent for the draft (it adds `$id`, title and category itself). */
export function definitionOf(draft: ContextDraft): CustomSchemaDefinition {
  const properties: ContextSchema["properties"] = {};
  for (const field of draft.fields) {
    const name = field.name.trim();
    const prop: Record<string, JsonValue> = { type: field.type };
    if (field.type === "array") prop.items = { type: "string" };
    if (field.description.trim()) prop.description = field.description.trim();
    if (field.type === "string" && field.format) prop.format = field.format;
    const allowed = splitList(field.allowed);
    if (allowed.length > 0 && field.type !== "boolean" && field.type !== "array")
      prop.enum = field.type === "string" ? allowed : allowed.map(Number).filter(Number.isFinite);
    const aliases = splitList(field.aliases);
    if (aliases.length > 0) prop["x-intake-aliases"] = aliases;
    properties[name] = { ...field.rest, ...prop } as ContextSchema["properties"][string];
  }
  const key = draft.fields.filter((f) => f.key).map((f) => f.name.trim());
  // A key field is always required: a record without its key cannot be told apart.
  const required = draft.fields.filter((f) => f.required || f.key).map((f) => f.name.trim());
  return {
    type: "object",
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    required,
    additionalProperties: false,
    "x-intake-key": key,
    properties,
  };
}

/**
 * camelCase of a header's words: "Badge Number" -> "badgeNumber", "Badge ID" and "badgeID" ->
 * "badgeId", "MFA Enabled" -> "mfaEnabled", "2FA" -> "field2fa".
 */
export function fieldNameOf(header: string): string {
  const words = header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    // Words run together in camel case ("badgeID", "HTTPStatus") are words too.
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const name = words.map((w, i) => (i === 0 ? w : (w[0]?.toUpperCase() ?? "") + w.slice(1))).join("");
  if (!name) return "field";
  return /^[A-Za-z]/.test(name) ? name.slice(0, 64) : `field${name}`.slice(0, 64);
}
