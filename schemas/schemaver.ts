// SchemaVer (MODEL-REVISION-ADDITION) for context schemas, written once: how two revisions of a
// schema differ, which bump that difference needs, and the `$id`s that carry the version. The
// SchemaVer test of the built-in schemas (test/schemas/schemaver.test.ts) and the Worker's
// PUT /v1/contexts/{name} both decide with `compareSchemas`.
//
// MODEL: records valid before may be refused or mean something else (a field removed or retyped,
// a new required field, a field made required, the record key or its case rule changed). REVISION: rules of
// existing fields changed (enum values, formats, patterns, bounds, defaults, requiredness
// relaxed, aliases removed, field order). ADDITION: never breaks anything (a new optional field,
// new aliases or synonyms, documentation: title, descriptions, examples, hints, category).
import type { SchemaChange, SchemaChangeKind } from "./api-types.ts";
import type { ContextSchema, PropertySchema } from "./types.ts";

export type { SchemaChange, SchemaChangeKind };

const RANK: Record<SchemaChangeKind, number> = { none: 0, addition: 1, revision: 2, model: 3 };

export interface SchemaVer {
  model: number;
  revision: number;
  addition: number;
}

const VERSION = /^([1-9]\d{0,5})-(0|[1-9]\d{0,5})-(0|[1-9]\d{0,5})$/;
const SCHEMA_ID = /^urn:intake:([A-Za-z0-9_.-]{1,140}):([0-9]{1,7}-[0-9]{1,7}-[0-9]{1,7})$/;

/** `1-2-3` as numbers; undefined when it is not a SchemaVer version. */
export function parseSchemaVer(text: string): SchemaVer | undefined {
  const m = VERSION.exec(text);
  return m ? { model: Number(m[1]), revision: Number(m[2]), addition: Number(m[3]) } : undefined;
}

export function formatSchemaVer(v: SchemaVer): string {
  return `${v.model}-${v.revision}-${v.addition}`;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareSchemaVer(a: SchemaVer, b: SchemaVer): number {
  return a.model - b.model || a.revision - b.revision || a.addition - b.addition;
}

/** The version after `version` for a change of `kind` ("none" keeps it). */
export function bumpSchemaVer(version: SchemaVer, kind: SchemaChangeKind): SchemaVer {
  if (kind === "model") return { model: version.model + 1, revision: 0, addition: 0 };
  if (kind === "revision") return { model: version.model, revision: version.revision + 1, addition: 0 };
  if (kind === "addition") return { ...version, addition: version.addition + 1 };
  return version;
}

/** `urn:intake:<name>:<M-R-A>` split into its scoped name and version; undefined when it is not one. */
export function parseSchemaId(id: string): { name: string; version: SchemaVer } | undefined {
  const m = SCHEMA_ID.exec(id);
  const version = m ? parseSchemaVer(m[2] as string) : undefined;
  return m && version ? { name: m[1] as string, version } : undefined;
}

export function schemaIdOf(scopedName: string, version: SchemaVer | string): string {
  return `urn:intake:${scopedName}:${typeof version === "string" ? version : formatSchemaVer(version)}`;
}

/** The larger of two change kinds. */
export function maxKind(a: SchemaChangeKind, b: SchemaChangeKind): SchemaChangeKind {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether `kind` is at least `floor` (a REVISION bump may stand for a needed ADDITION). */
export function atLeast(kind: SchemaChangeKind, floor: SchemaChangeKind): boolean {
  return RANK[kind] >= RANK[floor];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Property keywords whose change is documentation only (ADDITION). */
const DOC_KEYWORDS = new Set(["description", "examples", "x-intake-hint", "title"]);
/** Property keywords whose own rules decide (handled one by one below). */
const OWN_KEYWORDS = new Set(["type", "items", "enum", "x-intake-aliases", "x-intake-synonyms"]);

function typeOf(p: PropertySchema): string {
  return p.type === "array" ? `array of ${p.items?.type ?? "any"}` : (p.type ?? "any");
}

const quote = (values: unknown[]) =>
  values
    .slice(0, 5)
    .map((v) => JSON.stringify(v))
    .join(", ") + (values.length > 5 ? ` and ${(values.length - 5).toLocaleString("en-US")} more` : "");

function compareProperty(field: string, before: PropertySchema, after: PropertySchema, add: Add): void {
  if (typeOf(before) !== typeOf(after))
    add("model", `${field} changed type from ${typeOf(before)} to ${typeOf(after)}`);
  else if (!same(before.items, after.items)) add("revision", `${field} changed what its list items must be`);
  if (!same(before.enum, after.enum)) {
    const was = before.enum ?? [];
    const now = after.enum ?? [];
    // Compared by their JSON through sets: a pair of 1,000-value lists costs 2,000 steps, not 10^6.
    const wasJson = new Set(was.map((v) => JSON.stringify(v)));
    const nowJson = new Set(now.map((v) => JSON.stringify(v)));
    const removed = was.filter((v) => !nowJson.has(JSON.stringify(v)));
    const added = now.filter((v) => !wasJson.has(JSON.stringify(v)));
    if (after.enum === undefined) add("revision", `${field} no longer limits its values to a list`);
    else if (before.enum === undefined) add("revision", `${field} now accepts only listed values`);
    else {
      if (removed.length > 0) add("revision", `${field} no longer accepts ${quote(removed)}`);
      if (added.length > 0) add("revision", `${field} now also accepts ${quote(added)}`);
      if (removed.length === 0 && added.length === 0)
        add("revision", `${field} lists its values in another order`);
    }
  }
  for (const list of ["x-intake-aliases", "x-intake-synonyms"] as const) {
    const was = before[list] ?? [];
    const now = after[list] ?? [];
    const word = list === "x-intake-aliases" ? "alias" : "synonym";
    const wasSet = new Set(was);
    const nowSet = new Set(now);
    const removed = was.filter((a) => !nowSet.has(a));
    const added = now.filter((a) => !wasSet.has(a));
    if (removed.length > 0)
      add("revision", `${field} lost the ${word}${removed.length === 1 ? "" : "es"} ${quote(removed)}`);
    if (added.length > 0)
      add("addition", `${field} gained the ${word}${added.length === 1 ? "" : "es"} ${quote(added)}`);
    if (removed.length === 0 && added.length === 0 && !same(was, now))
      add("revision", `${field} lists its ${word}es in another order`);
  }
  const keywords = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const keyword of keywords) {
    if (OWN_KEYWORDS.has(keyword)) continue;
    const a = (before as Record<string, unknown>)[keyword];
    const b = (after as Record<string, unknown>)[keyword];
    if (same(a, b)) continue;
    if (DOC_KEYWORDS.has(keyword))
      add("addition", `${field} changed its ${keyword.replace("x-intake-", "")}`);
    else if (a === undefined) add("revision", `${field} gained the rule ${keyword}: ${JSON.stringify(b)}`);
    else if (b === undefined) add("revision", `${field} dropped the rule ${keyword}: ${JSON.stringify(a)}`);
    else add("revision", `${field} changed ${keyword} from ${JSON.stringify(a)} to ${JSON.stringify(b)}`);
  }
}

type Add = (kind: SchemaChangeKind, reason: string) => void;

/** Top-level keywords whose change is documentation only (ADDITION). */
const DOC_TOP = new Set(["title", "description", "examples", "x-intake-category"]);
const OWN_TOP = new Set(["$id", "properties", "required", "x-intake-key", "x-intake-key-case-insensitive"]);

/**
 * How `after` differs from `before` and the smallest SchemaVer bump that difference needs, with one
 * plain sentence per difference. `$id` itself is not compared. `from`/`to` are the two `$id`s'
 * versions as written.
 */
export function compareSchemas(before: ContextSchema, after: ContextSchema): SchemaChange {
  let kind: SchemaChangeKind = "none";
  const reasons: string[] = [];
  const add: Add = (k, reason) => {
    kind = maxKind(kind, k);
    reasons.push(reason);
  };
  const requiredBefore = new Set(before.required ?? []);
  const requiredAfter = new Set(after.required ?? []);
  for (const field of Object.keys(before.properties)) {
    if (!Object.hasOwn(after.properties, field)) add("model", `${field} was removed`);
  }
  for (const [field, prop] of Object.entries(after.properties)) {
    const old = Object.hasOwn(before.properties, field) ? before.properties[field] : undefined;
    if (!old) {
      if (requiredAfter.has(field)) add("model", `${field} is a new required field`);
      else add("addition", `${field} is a new optional field`);
      continue;
    }
    if (!requiredBefore.has(field) && requiredAfter.has(field)) add("model", `${field} became required`);
    if (requiredBefore.has(field) && !requiredAfter.has(field))
      add("revision", `${field} is no longer required`);
    compareProperty(field, old, prop, add);
  }
  const shared = Object.keys(after.properties).filter((f) => Object.hasOwn(before.properties, f));
  const sharedBefore = Object.keys(before.properties).filter((f) => Object.hasOwn(after.properties, f));
  if (!same(shared, sharedBefore))
    add("revision", "the fields are in another order (the CSV template's columns)");
  if (!same(before["x-intake-key"], after["x-intake-key"]))
    add(
      "model",
      `the record key changed from (${before["x-intake-key"].join(", ")}) to (${after["x-intake-key"].join(", ")})`,
    );
  const foldedBefore = before["x-intake-key-case-insensitive"] === true;
  const foldedAfter = after["x-intake-key-case-insensitive"] === true;
  if (foldedBefore !== foldedAfter)
    // Keys that were one record may become two (or two one), so records valid before may not be.
    add(
      "model",
      `the record key is now compared ${foldedAfter ? "case-insensitively" : "case-sensitively"} (it was compared ${foldedBefore ? "case-insensitively" : "case-sensitively"})`,
    );
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const keyword of keys) {
    if (OWN_TOP.has(keyword)) continue;
    const a = (before as unknown as Record<string, unknown>)[keyword];
    const b = (after as unknown as Record<string, unknown>)[keyword];
    if (same(a, b)) continue;
    if (DOC_TOP.has(keyword)) add("addition", `the schema changed its ${keyword.replace("x-intake-", "")}`);
    else add("revision", `the schema changed ${keyword}`);
  }
  return {
    kind,
    from: parseSchemaId(before.$id) ? before.$id.slice(before.$id.lastIndexOf(":") + 1) : null,
    to: after.$id.slice(after.$id.lastIndexOf(":") + 1),
    reasons,
  };
}

/**
 * Why `current` is not a correct SchemaVer successor of the released revision `released`, or
 * undefined when it is: the same scoped name, and either no change and the same `$id`, or a
 * version exactly one bump of the needed kind (or a larger kind) after the released one.
 */
export function bumpProblem(released: ContextSchema, current: ContextSchema): string | undefined {
  const was = parseSchemaId(released.$id);
  const now = parseSchemaId(current.$id);
  if (!was) return `the released $id ${JSON.stringify(released.$id)} is not urn:intake:<name>:M-R-A`;
  if (!now) return `$id ${JSON.stringify(current.$id)} is not urn:intake:<name>:M-R-A`;
  if (was.name !== now.name) return `$id names "${now.name}", the released revision "${was.name}"`;
  const change = compareSchemas(released, current);
  const from = formatSchemaVer(was.version);
  const to = formatSchemaVer(now.version);
  if (change.kind === "none")
    return from === to ? undefined : `nothing changed since ${from}, yet $id says ${to}; keep ${from}`;
  const allowed = (["addition", "revision", "model"] as const)
    .filter((k) => atLeast(k, change.kind))
    .map((k) => formatSchemaVer(bumpSchemaVer(was.version, k)));
  if (allowed.includes(to)) return undefined;
  return `the schema changed since ${from} (${change.reasons.join("; ")}): ${change.kind === "addition" ? "an" : "a"} ${change.kind.toUpperCase()} change, so $id must end in ${allowed.join(" or ")}, not ${to}`;
}
