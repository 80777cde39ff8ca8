// The mapper's value vocabulary: what kind of value each field holds, which source values mean
// which enum value, and the header words that make a column about something else (a manager's
// email, a last-login date). Header aliases and synonyms live in the schema files; these are
// about values and apply to any context with fields of the same kind.
import type { PropertySchema } from "../../schemas/index.ts";

export type FieldKind =
  | "email"
  | "date"
  | "boolean"
  | "enum"
  | "number"
  | "first-name"
  | "last-name"
  | "full-name"
  | "department"
  | "job-title"
  | "manager"
  | "record-id"
  | "identifier"
  | "account-id"
  | "username"
  | "status-text"
  | "type-text"
  | "role-list"
  | "group-list"
  | "text";

/** Field names whose kind the schema's type and format alone do not tell. */
const KIND_BY_NAME: Record<string, FieldKind> = {
  firstname: "first-name",
  givenname: "first-name",
  lastname: "last-name",
  surname: "last-name",
  familyname: "last-name",
  employeename: "full-name",
  fullname: "full-name",
  displayname: "full-name",
  department: "department",
  jobtitle: "job-title",
  title: "job-title",
  manager: "manager",
  id: "record-id",
  identifier: "identifier",
  accountprojectid: "account-id",
  username: "username",
  employmentstatus: "status-text",
  employmentstatusnormalized: "status-text",
  lifecyclestatus: "status-text",
  employmenttype: "type-text",
  role: "role-list",
  roles: "role-list",
  groups: "group-list",
};

export function fieldKind(field: string, prop: PropertySchema): FieldKind {
  if (prop.format === "email") return "email";
  if (prop.format && ["ddmmyyyy", "date-time", "date", "intake-timestamp"].includes(prop.format))
    return "date";
  if (prop.type === "boolean") return "boolean";
  if (prop.enum) return "enum";
  if (prop.type === "integer" || prop.type === "number") return "number";
  return KIND_BY_NAME[field.toLowerCase().replace(/[^a-z0-9]/g, "")] ?? "text";
}

/** Lower-cased, without spaces, dashes and underscores: "Primary Owner" -> "primaryowner". */
export const squash = (s: string) => s.toLowerCase().replace(/[\s_\-./]+/g, "");

/**
 * Source values that mean an enum value, per enum value (squashed). Keyed by the enum value, so
 * any field with the same enum values (a status, a role, an account type) shares them.
 */
const ENUM_WORDS: Record<string, string[]> = {
  ACTIVE: [
    "active",
    "enabled",
    "activated",
    "provisioned",
    "confirmed",
    "verified",
    "live",
    "current",
    "recovery",
    "passwordexpired",
  ],
  DISABLED: [
    "disabled",
    "suspended",
    "inactive",
    "deactivated",
    "locked",
    "lockedout",
    "blocked",
    "staged",
    "invited",
    "pending",
    "archived",
    "expired",
    "notactive",
  ],
  DELETED: ["deleted", "removed", "deprovisioned", "purged"],
  "SUPER ADMIN": [
    "superadmin",
    "superadministrator",
    "owner",
    "primaryowner",
    "orgowner",
    "accountowner",
    "workspaceowner",
    "globaladmin",
    "globaladministrator",
    "superuser",
    "root",
  ],
  ADMIN: ["admin", "administrator", "orgadmin", "teamadmin", "workspaceadmin", "accountadmin", "siteadmin"],
  USER: ["user", "standard", "standarduser", "regular", "normal", "person", "human", "employee", "internal"],
  SERVICE: [
    "service",
    "serviceaccount",
    "bot",
    "app",
    "application",
    "integration",
    "machine",
    "system",
    "api",
    "technical",
    "nonhuman",
    "workload",
  ],
  PAID: ["paid", "licensed", "billable", "billed", "paying"],
  UNPAID: ["unpaid", "unlicensed", "free", "nonbillable", "notbilled", "trial"],
  NA: ["na", "notapplicable"],
};

/** Roles that are an ordinary user where the enum has ADMIN and USER (not an account type). */
const ROLE_USER = new Set([
  "member",
  "teammember",
  "orgmember",
  "basic",
  "viewer",
  "reader",
  "readonly",
  "editor",
  "contributor",
  "collaborator",
  "guest",
  "standard",
  "user",
  "enduser",
  "licenseduser",
]);

/** Roles written as "<scope> admin" ("Team admin", "User management admin"). */
function roleByPattern(s: string, options: readonly string[]): string | undefined {
  if (/(super|global|primary|org|account|workspace)?(owner)$/.test(s) && options.includes("SUPER ADMIN"))
    return "SUPER ADMIN";
  if (/^(super|global)/.test(s) && /admin/.test(s) && options.includes("SUPER ADMIN")) return "SUPER ADMIN";
  if (/admin(istrator)?$/.test(s) && options.includes("ADMIN")) return "ADMIN";
  if (options.includes("ADMIN") && options.includes("USER") && ROLE_USER.has(s)) return "USER";
  return undefined;
}

/** The enum value a source value plausibly means, or undefined. */
export function enumTarget(value: string, options: readonly string[]): string | undefined {
  const s = squash(value);
  const exact = options.find((o) => squash(o) === s);
  if (exact) return exact;
  for (const option of options)
    if (Object.hasOwn(ENUM_WORDS, option) && ENUM_WORDS[option]?.includes(s)) return option;
  return roleByPattern(s, options);
}

/** A flag column (accountEnabled, billing-active, Suspended) read as an enum: true -> first, false -> second. */
const FLAG_TARGETS: [string, string][] = [
  ["ACTIVE", "DISABLED"],
  ["PAID", "UNPAID"],
];
export function flagTargets(options: readonly string[]): [string, string] | undefined {
  return FLAG_TARGETS.find(([t, f]) => options.includes(t) && options.includes(f));
}
/** Header words that turn a flag around: "Suspended" true means DISABLED. */
export const NEGATIVE_FLAG_WORDS = new Set([
  "suspended",
  "disabled",
  "locked",
  "block",
  "blocked",
  "deleted",
  "inactive",
  "archived",
  "deactivated",
  "unpaid",
  "unlicensed",
]);

/** Spellings of a boolean beyond true/false/yes/no/1/0 (squashed). */
export const BOOLEAN_WORDS: Record<string, boolean> = {
  enabled: true,
  disabled: false,
  enrolled: true,
  notenrolled: false,
  unenrolled: false,
  active: true,
  inactive: false,
  configured: true,
  notconfigured: false,
  registered: true,
  notregistered: false,
  checked: true,
  unchecked: false,
};

/** Words that free-text fields typically hold: they tell a department from a title from a status. */
export const CUES: Partial<Record<FieldKind, Set<string>>> = {
  department: new Set(
    "engineering sales marketing finance hr people legal operations ops support success customer product design it security research accounting procurement executive data analytics facilities services partnerships qa quality revenue growth infrastructure platform administration communications compliance risk".split(
      " ",
    ),
  ),
  "job-title": new Set(
    "engineer manager director analyst specialist designer representative rep lead senior sr head officer vp president associate coordinator consultant developer accountant recruiter administrator architect scientist intern assistant executive advisor technician writer counsel chief principal staff partner agent strategist generalist controller".split(
      " ",
    ),
  ),
  "status-text": new Set(
    "active inactive terminated leave pending hired prehire suspended retired resigned deceased notice probation employed former current onboarding offboarding leaver joiner garden".split(
      " ",
    ),
  ),
  "type-text": new Set(
    "fulltime parttime full part time contractor contract intern internship temporary temp permanent employee regular seasonal fixedterm fixed term freelance freelancer consultant casual hourly salaried exempt apprentice".split(
      " ",
    ),
  ),
  "role-list": new Set(
    "admin administrator owner member user guest viewer editor reader writer read write readonly developer maintainer reporter billing poweruser manager contributor collaborator auditor security operator support".split(
      " ",
    ),
  ),
};

/**
 * Header words that say a column describes someone or something else than the record's own
 * value ("Manager Email", "Recovery Email", "Last Login", "Invite Date"): never mapped to a
 * field whose own name or alias does not contain the word.
 */
export const FOREIGN_WORDS = new Set(
  (
    "manager supervisor recovery secondary alternate alternative alt personal private backup other assistant delegate sponsor inviter invited invite invitation creator emergency home previous old former spouse parent contact " +
    "last login logon signin sign seen activity accessed used expire expiry expiration expires password pwd changed modified updated rotated suspension suspended deleted deletion review birth dob anniversary probation " +
    "count number total size storage usage quota phone mobile city country location region domain url link photo avatar timezone zone locale language"
  ).split(" "),
);

/** One-word headers that say little on their own: auto-mapped only when the values agree. */
export const GENERIC_WORDS = new Set(
  "status type name title team login role roles id admin group groups state user account level position division supervisor manager created active enabled mail start joined added person member".split(
    " ",
  ),
);
