// Auto-mapping of real export headers from SaaS admin consoles to schema fields, traps included,
// and applying a mapping (ignore, constants, enum value maps).
import { describe, expect, it } from "vitest";
import {
  AUTO_MAP_THRESHOLD,
  applyMapping,
  autoMap,
  headerFingerprint,
  isUsableMapping,
  suggestValueMap,
} from "../../extension/mapping.ts";
import { type ContextSchema, getSchema } from "../../schemas/index.ts";

const schema = (context: string) => getSchema(context) as ContextSchema;
const mapped = (headers: string[], context: string) =>
  Object.fromEntries(autoMap(headers, schema(context)).map((g) => [g.header, g.field]));

/** [console, context, header -> expected field (null = left for the admin)] */
const EXPORTS: [string, string, Record<string, string | null>][] = [
  [
    "Okta user report",
    "saas_users",
    {
      "User Id": null,
      Username: null,
      "First Name": "firstName",
      "Last Name": "lastName",
      "Primary Email": "emailId",
      "Secondary Email": null,
      Status: "userStatus",
      Created: "createdOn",
      "Last Login": null,
      Department: "department",
      "Manager Email": null,
    },
  ],
  [
    "Google Workspace user download",
    "saas_users",
    {
      "First Name [Required]": "firstName",
      "Last Name [Required]": "lastName",
      "Email Address [Required]": "emailId",
      "Status [READ ONLY]": "userStatus",
      "Last Sign In [READ ONLY]": null,
      "Manager Email": null,
      Department: "department",
      "Employee Type": null,
      "2sv Enrolled [READ ONLY]": "mfaEnrolmentStatus",
      "Org Unit Path [Required]": null,
    },
  ],
  [
    "Microsoft Entra ID users (Graph)",
    "saas_users",
    {
      id: null,
      displayName: null,
      userPrincipalName: null,
      givenName: "firstName",
      surname: "lastName",
      mail: "emailId",
      accountEnabled: null,
      userType: "accountType",
      department: "department",
      jobTitle: null,
      createdDateTime: "createdOn",
    },
  ],
  [
    "Slack member export",
    "saas_users",
    {
      username: null,
      email: "emailId",
      status: "userStatus",
      "billing-active": null,
      "has-2fa": "mfaEnrolmentStatus",
      "has-sso": null,
      userid: null,
      fullname: null,
      displayname: null,
    },
  ],
  [
    "Salesforce user report",
    "saas_users",
    {
      "Full Name": null,
      FirstName: "firstName",
      LastName: "lastName",
      Username: null,
      Email: "emailId",
      Profile: null,
      Role: "role",
      Active: null,
      "Created Date": "createdOn",
      "Last Login": null,
      "User License": null,
    },
  ],
  [
    "Atlassian organization users",
    "saas_users",
    {
      "User id": null,
      "User name": null,
      email: "emailId",
      "User status": "userStatus",
      "Added to org": null,
      "Last seen in Jira": null,
    },
  ],
  [
    "HubSpot users with a US state column",
    "saas_users",
    { Email: "emailId", "First Name": "firstName", "Last Name": "lastName", State: null, Team: "department" },
  ],
  [
    "BambooHR employee report",
    "list_employees",
    {
      "Employee #": "id",
      "First Name": "first_name",
      "Last Name": "last_name",
      "Preferred Name": null,
      "Work Email": "email",
      "Job Title": "job_title",
      Department: "department",
      Division: null,
      "Hire Date": "hiring_date",
      "Termination Date": "termination_date",
      "Employment Status": "employment_status",
      Supervisor: "manager",
      "Supervisor Email": null,
      Status: null,
    },
  ],
  [
    "Workday worker report",
    "list_employees",
    {
      "Employee ID": "id",
      Worker: "employee_name",
      "Legal First Name": "first_name",
      "Legal Last Name": "last_name",
      "Email - Work": "email",
      "Business Title": null,
      Manager: "manager",
      "Hire Date": "hiring_date",
      "Original Hire Date": null,
      "Termination Date": "termination_date",
      "Worker Type": "employment_type",
      "Cost Center": null,
    },
  ],
  [
    "GitHub organization members",
    "list_users",
    { id: null, login: "username", name: null, email: "email", role: "role", two_factor_enabled: null },
  ],
  [
    "AWS IAM credential report",
    "list_users",
    {
      user: "username",
      arn: "identifier",
      user_creation_time: null,
      password_enabled: null,
      mfa_active: null,
      groups: "groups",
      account_id: "account_project_id",
    },
  ],
];

describe("autoMap on real exports", () => {
  it.each(EXPORTS)("%s -> %s", (_console, context, expected) => {
    expect(mapped(Object.keys(expected), context)).toEqual(expected);
  });

  it("never maps two columns to one field", () => {
    for (const [, context, expected] of EXPORTS) {
      const fields = autoMap(Object.keys(expected), schema(context))
        .map((g) => g.field)
        .filter(Boolean);
      expect(new Set(fields).size).toBe(fields.length);
    }
  });
});

describe("autoMap traps", () => {
  it("does not give First Name to lastName when there is no firstName column to compete", () => {
    expect(mapped(["Email", "First Name"], "saas_users")).toEqual({
      Email: "emailId",
      "First Name": "firstName",
    });
    expect(mapped(["First Name"], "list_users")).toEqual({ "First Name": null });
  });

  it("does not map User Name to an id or identifier", () => {
    expect(mapped(["User Name"], "access_pairs")).toEqual({ "User Name": null });
    expect(mapped(["User Name", "Account ID"], "list_users")).toEqual({
      "User Name": "username",
      "Account ID": "account_project_id",
    });
  });

  it("leaves Manager Email for the admin unless the schema has a manager field", () => {
    const guess = autoMap(["Manager Email"], schema("saas_users"))[0];
    expect(guess).toMatchObject({ field: null, hint: { field: "emailId" } });
    expect(guess?.hint?.confidence).toBeLessThan(AUTO_MAP_THRESHOLD);
    expect(mapped(["Manager Email", "Email"], "list_employees")).toEqual({
      "Manager Email": "manager",
      Email: "email",
    });
  });

  it("does not read state as status", () => {
    expect(mapped(["State"], "saas_users")).toEqual({ State: null });
    expect(mapped(["state"], "application_users")).toEqual({ state: null });
  });

  it("explains a column left out because its field was taken by a better match", () => {
    const guesses = autoMap(["Email", "email"], schema("saas_users"));
    expect(guesses[0]).toMatchObject({ field: "emailId", confidence: 0.95 });
    expect(guesses[1]).toMatchObject({ field: null, reason: 'emailId is already mapped from "Email"' });
  });

  it("rates exact field names above aliases above similar names", () => {
    const [byName, byAlias, bySimilar] = autoMap(
      ["emailId", "Surname", "Created Date"],
      schema("saas_users"),
    );
    expect(byName?.confidence).toBe(1);
    expect(byAlias?.confidence).toBe(0.95);
    expect(bySimilar?.confidence).toBeLessThan(0.95);
    expect(bySimilar?.confidence).toBeGreaterThanOrEqual(AUTO_MAP_THRESHOLD);
  });
});

describe("applyMapping", () => {
  const users = schema("saas_users");

  it("fills mapped fields, skips ignored columns, applies constants and value maps", () => {
    const mapping = {
      columns: ["emailId", null, "userStatus"],
      constants: { accountType: "USER" },
      valueMaps: { userStatus: { active: "ACTIVE", "on leave": "DISABLED" } },
    };
    expect(applyMapping({ line: 2, cells: ["a@x.co", "ignored", " active "] }, mapping, users)).toEqual({
      emailId: "a@x.co",
      userStatus: "ACTIVE",
      accountType: "USER",
    });
    expect(applyMapping({ line: 3, cells: ["b@x.co", "", "Retired"] }, mapping, users)).toEqual({
      emailId: "b@x.co",
      userStatus: "Retired",
      accountType: "USER",
    });
  });

  it("ignores fields the schema does not have, even from a saved mapping", () => {
    const mapping = { columns: ["__proto__", "emailId"], constants: { constructor: "x" }, valueMaps: {} };
    const record = applyMapping({ cells: ["polluted", "a@x.co"] }, mapping, users);
    expect(record).toEqual({ emailId: "a@x.co" });
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(isUsableMapping(mapping, 2, users)).toBe(false);
  });

  it("passes a non-object JSON item through for validation to name", () => {
    expect(
      applyMapping({ cells: [], notObject: 42 }, { columns: [], constants: {}, valueMaps: {} }, users),
    ).toBe(42);
  });

  it("suggests enum value maps from the core's suggestions", () => {
    expect(
      suggestValueMap(["active", "ACTIVE", "Disabled", "superadmin", "gone"], users.properties.userStatus),
    ).toEqual({
      active: "ACTIVE",
      Disabled: "DISABLED",
    });
    expect(suggestValueMap(["superadmin", "Super_Admin", "user"], users.properties.role)).toEqual({
      superadmin: "SUPER ADMIN",
      Super_Admin: "SUPER ADMIN",
      user: "USER",
    });
  });

  it("fingerprints headers regardless of case and punctuation, but not of order", () => {
    expect(headerFingerprint(["Email", "First Name"])).toBe(headerFingerprint(["email", "first_name"]));
    expect(headerFingerprint(["Email", "First Name"])).not.toBe(headerFingerprint(["First Name", "Email"]));
  });
});
