// A person's full name in one column, split into a first and a last name field. One rule, shown to
// the admin in the mapping step (NAME_SPLIT_RULE) and applied per row by compileMapping: "Doe, Jane"
// (one comma) is last name, first name; otherwise the last word is the last name and the words
// before it the first name. A single word is a first name with no last name (never guessed).
// Honorifics and particles ("Dr.", "van der") are not recognised: what the rule does is shown.
import type { ContextSchema } from "../../schemas/index.ts";
import { headerTokens } from "./header.ts";
import { fieldKind } from "./vocabulary.ts";

export interface NameParts {
  first: string;
  last: string;
}

/** The rule in words, for the mapping step's preview. */
export const NAME_SPLIT_RULE =
  "The last word becomes the last name and the words before it the first name; “Doe, Jane” is read as last name, first name. A single word is a first name only.";

const LAST_WORD = /^(.*\S)\s+(\S+)$/s;

/** "Mary Ann Smith" -> Mary Ann / Smith; "Doe, Jane" -> Jane / Doe; "Cher" -> Cher / ""; "" -> "" / "". */
export function splitFullName(text: string): NameParts {
  const t = text.trim();
  if (t === "") return { first: "", last: "" };
  const comma = t.indexOf(",");
  if (comma >= 0 && comma === t.lastIndexOf(","))
    return { first: t.slice(comma + 1).trim(), last: t.slice(0, comma).trim() };
  const m = LAST_WORD.exec(t);
  return m ? { first: m[1] as string, last: m[2] as string } : { first: t, last: "" };
}

/** The schema's first- and last-name fields (firstName/lastName, first_name/last_name…), if it has both. */
export function nameSplitFields(schema: ContextSchema): NameParts | undefined {
  const fields = Object.entries(schema.properties);
  const of = (kind: "first-name" | "last-name") =>
    fields.find(([f, prop]) => prop.type !== "array" && fieldKind(f, prop) === kind)?.[0];
  const first = of("first-name");
  const last = of("last-name");
  return first && last ? { first, last } : undefined;
}

/** Whether the schema has a field for the full name itself (employee_name, displayName…). */
export const hasFullNameField = (schema: ContextSchema) =>
  Object.entries(schema.properties).some(([f, prop]) => fieldKind(f, prop) === "full-name");

/** Words that may qualify "name" in a header of a person's whole name ("Full name", "Employee name"). */
const QUALIFIERS = new Set([
  "full",
  "display",
  "legal",
  "complete",
  "employee",
  "person",
  "member",
  "worker",
]);
/** Qualifiers that make "User …" a person's name: "User display name" is; "User name" is a login. */
const PERSON_QUALIFIERS = new Set(["full", "display", "legal", "complete"]);
const COMPOUNDS: Record<string, string[]> = {
  fullname: ["full", "name"],
  displayname: ["display", "name"],
  legalname: ["legal", "name"],
  employeename: ["employee", "name"],
  membername: ["member", "name"],
  personname: ["person", "name"],
  workername: ["worker", "name"],
};

/**
 * Whether a header names a person's whole name: "Name", "Full name", "Display Name", "Employee
 * name", "Name (full)", "User display name". Never "Username"/"User name" (a login) nor another
 * thing's name ("Manager name", "Entity name", "Preferred name").
 */
export function meansFullName(header: string): boolean {
  const tokens = headerTokens(header).flatMap((t) => COMPOUNDS[t] ?? [t]);
  if (tokens.filter((t) => t === "name").length !== 1) return false;
  const rest = tokens.filter((t) => t !== "name");
  const user = rest.filter((t) => t === "user").length;
  const others = rest.filter((t) => t !== "user");
  if (!others.every((t) => QUALIFIERS.has(t))) return false;
  return user === 0 || (user === 1 && others.some((t) => PERSON_QUALIFIERS.has(t)));
}

const PERSON_PART = /^[\p{L}][\p{L}\p{M}'’.-]*(\s+[\p{L}][\p{L}\p{M}'’.-]*)*$/u;

/** How a value reads as a person's name: "two" (first and last), "one" (one word), or "other". */
export function personNameShape(value: string): "two" | "one" | "other" {
  const { first, last } = splitFullName(value);
  const ok = (part: string) => part === "" || PERSON_PART.test(part);
  if (!ok(first) || !ok(last) || (first === "" && last === "")) return "other";
  return first !== "" && last !== "" ? "two" : "one";
}
