// Auto-mapping of real export headers from SaaS admin consoles to schema fields, traps included,
// and applying a mapping (ignore, constants, enum value maps).
import { describe, expect, it } from "vitest";
import { AUTO_CONFIDENCE } from "../../../extension/mapping/suggest.ts";
import {
  applyMapping,
  headerFingerprint,
  headerlessNames,
  historyFromSaved,
  isUsableMapping,
  looksLikeHeaderless,
  mappingFromSuggestions,
  rowsFromInspection,
  suggestMapping,
  suggestValueMap,
} from "../../../extension/mapping.ts";
import { type ContextSchema, getSchema } from "../../../schemas/index.ts";

const schema = (context: string) => getSchema(context) as ContextSchema;
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

/** n rows of a table given as column -> value per row index. */
const table = (n: number, columns: Record<string, (i: number) => string>) => ({
  headers: Object.keys(columns),
  rows: Array.from({ length: n }, (_, i) => Object.values(columns).map((f) => f(i))),
});
const cycle =
  (...values: string[]) =>
  (i: number) =>
    values[i % values.length] as string;
const email = (i: number) => `user${i}@acme.com`;
const byHeader = (input: ReturnType<typeof table>, context: string) => {
  const got = suggestMapping({ ...input, context });
  return Object.fromEntries(input.headers.map((h, i) => [h, got[i]]));
};

describe("suggestMapping: values as evidence", () => {
  it("maps the only column of unique emails to the email key whatever its header", () => {
    const got = byHeader(
      table(30, { "User Principal Name": email, Login: (i) => `login${i}` }),
      "saas_users",
    );
    expect(got["User Principal Name"]).toMatchObject({ field: "emailId", auto: true });
    expect(got["User Principal Name"]?.reason).toMatch(/values are unique emails/);
    expect(got.Login).toMatchObject({ field: null, auto: false });
  });

  it("never takes a manager's or a recovery address for the email, even when it is the only one", () => {
    const mgr = byHeader(table(30, { "Manager Email": cycle("a@x.co", "b@x.co") }), "saas_users");
    const recovery = byHeader(table(30, { "Recovery Email": (i) => `p${i}@gmail.com` }), "saas_users");
    expect(mgr["Manager Email"]).toMatchObject({ field: null, auto: false });
    expect(recovery["Recovery Email"]).toMatchObject({ field: null, auto: false });
  });

  it("applies a generic header only when the values agree, and says why it did not", () => {
    const fits = byHeader(
      table(30, { Email: email, Status: cycle("Active", "Active", "Suspended") }),
      "saas_users",
    );
    expect(fits.Status).toMatchObject({ field: "userStatus", auto: true });
    const mixed = byHeader(
      table(30, { Email: email, status: cycle("Member", "Admin", "Primary Owner", "Deactivated") }),
      "saas_users",
    );
    expect(mixed.status).toMatchObject({ field: null, auto: false });
    expect(mixed.status?.reason).toMatch(/alias 'Status'.*don't fit ACTIVE, DISABLED, DELETED/);
    const guests = byHeader(
      table(30, { Email: email, userType: cycle("Member", "Member", "Guest") }),
      "saas_users",
    );
    expect(guests.userType).toMatchObject({ field: null, auto: false });
    expect(guests.userType?.reason).toMatch(/Guest/);
  });

  it("leaves a generic header as a hint when there are no values to confirm it", () => {
    const [status] = suggestMapping({ headers: ["Status"], rows: [], context: "saas_users" });
    expect(status).toMatchObject({ field: "userStatus", auto: false });
    expect(status?.confidence).toBeLessThan(AUTO_CONFIDENCE);
  });

  it("does not read a date column as the creation date because it holds dates", () => {
    const got = byHeader(
      table(30, { Email: email, "Last Login": (i) => `2024-01-${String((i % 28) + 1).padStart(2, "0")}` }),
      "saas_users",
    );
    expect(got["Last Login"]).toMatchObject({ field: null, auto: false });
  });

  it("reports confidences between 0 and 1, discounted when two fields are close", () => {
    for (const s of suggestMapping({
      ...table(30, { Email: email, "First Name": cycle("Ana", "Ben"), Created: cycle("2024-01-02") }),
      context: "saas_users",
    })) {
      expect(s.confidence).toBeGreaterThanOrEqual(s.auto ? AUTO_CONFIDENCE : 0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe("suggestMapping: value maps", () => {
  it("offers True/False -> ACTIVE/DISABLED for an enabled flag (the reverse for a suspended one), never applies it", () => {
    const got = byHeader(table(30, { mail: email, accountEnabled: cycle("True", "False") }), "saas_users");
    expect(got.accountEnabled).toMatchObject({
      field: "userStatus",
      auto: true,
      valueHints: { True: "ACTIVE", False: "DISABLED" },
    });
    expect(got.accountEnabled?.valueMap).toBeUndefined();
    const suspended = byHeader(table(30, { mail: email, suspended: cycle("True", "False") }), "saas_users");
    expect(suspended.suspended?.valueHints).toEqual({ True: "DISABLED", False: "ACTIVE" });
  });

  it("applies Yes/No -> true/false for a boolean, and offers 1/0 -> PAID/UNPAID for a billing flag", () => {
    const got = byHeader(
      table(30, { email, "MFA Enabled": cycle("Yes", "No"), "billing-active": cycle("1", "0") }),
      "saas_users",
    );
    expect(got["MFA Enabled"]).toMatchObject({
      field: "mfaEnrolmentStatus",
      valueMap: { Yes: "true", No: "false" },
    });
    expect(got["MFA Enabled"]?.valueHints).toBeUndefined();
    expect(got["billing-active"]).toMatchObject({
      field: "accountPaymentStatus",
      valueHints: { "1": "PAID", "0": "UNPAID" },
    });
    expect(got["billing-active"]?.valueMap).toBeUndefined();
  });

  it("applies a value only on exact evidence (case, yes/no); a synonym is offered and stays as is", () => {
    const got = byHeader(
      table(30, { email, Status: cycle("active", "Enabled", "DISABLED"), MFA: cycle("Enrolled", "no") }),
      "saas_users",
    );
    expect(got.Status).toMatchObject({
      field: "userStatus",
      valueMap: { active: "ACTIVE" },
      valueHints: { Enabled: "ACTIVE" },
    });
    expect(got.MFA).toMatchObject({
      field: "mfaEnrolmentStatus",
      valueMap: { no: "false" },
      valueHints: { Enrolled: "true" },
    });
    const mapping = mappingFromSuggestions(
      ["email", "Status", "MFA"],
      suggestMapping({
        ...table(30, { email, Status: cycle("active", "Enabled", "DISABLED"), MFA: cycle("Enrolled", "no") }),
        context: "saas_users",
      }),
    );
    expect(mapping.valueMaps).toEqual({
      userStatus: { active: "ACTIVE" },
      mfaEnrolmentStatus: { no: "false" },
    });
    expect(applyMapping({ cells: ["a@x.co", "Enabled", "Enrolled"] }, mapping, schema("saas_users"))).toEqual(
      {
        emailId: "a@x.co",
        userStatus: "Enabled",
        mfaEnrolmentStatus: "Enrolled",
      },
    );
  });

  it("saves only the exact value maps with the mapping: a flag's values stay as they are", () => {
    const input = table(4, { mail: email, accountEnabled: cycle("True", "False"), "Manager Email": email });
    const mapping = mappingFromSuggestions(
      input.headers,
      suggestMapping({ ...input, context: "saas_users" }),
    );
    expect(mapping).toEqual({
      columns: ["emailId", "userStatus", null],
      constants: {},
      valueMaps: {},
      headers: ["mail", "accountEnabled", "Manager Email"],
    });
    expect(applyMapping({ cells: ["a@x.co", "False", "m@x.co"] }, mapping, schema("saas_users"))).toEqual({
      emailId: "a@x.co",
      userStatus: "False",
    });
  });
});

describe("suggestMapping: files without a header row", () => {
  const rows = Array.from({ length: 25 }, (_, i) => [
    email(i),
    ["Active", "Suspended"][i % 2] as string,
    `2021-0${(i % 9) + 1}-1${i % 9}`,
  ]);

  it("recognises a first row that looks like the data under it, not a real header", () => {
    expect(looksLikeHeaderless(rows)).toBe(true);
    expect(looksLikeHeaderless([["Email", "Status", "Created"], ...rows])).toBe(false);
  });

  it("maps Column 1…N by values", () => {
    const got = suggestMapping({ headers: headerlessNames(3), rows, context: "saas_users" });
    expect(got.map((s) => s.auto && s.field)).toEqual(["emailId", "userStatus", "createdOn"]);
    expect(got[0]?.reason).toMatch(/values are unique emails/);
  });
});

describe("suggestMapping: the tenant's history", () => {
  it("seeds a header another integration mapped before and says so", () => {
    const saved = {
      "int_a/saas_users/3-1": {
        mapping: { columns: ["emailId", "department"], headers: ["Identity", "Cost Unit"] },
        savedAt: "2024-01-01T00:00:00Z",
      },
      "int_b/list_users/2-1": { mapping: { columns: ["email"], headers: ["Cost Unit"] } },
    };
    const history = historyFromSaved(saved, "saas_users", "int_new");
    expect(history).toEqual([
      { header: "Identity", field: "emailId" },
      { header: "Cost Unit", field: "department" },
    ]);
    const input = table(30, { Identity: email, "Cost Unit": cycle("Sales", "Engineering") });
    const got = suggestMapping({ ...input, context: "saas_users", history });
    expect(got[1]).toMatchObject({ field: "department", auto: true, usedBefore: true });
    expect(got[1]?.reason).toMatch(/used before/);
    expect(suggestMapping({ ...input, context: "saas_users" })[1]).toMatchObject({ field: null });
    expect(historyFromSaved(saved, "saas_users", "int_a")).toEqual([]);
  });

  it("does not follow history onto values that cannot fit", () => {
    const got = suggestMapping({
      ...table(30, { Email: email, Flag: cycle("maybe", "perhaps") }),
      context: "saas_users",
      history: [{ header: "Flag", field: "mfaEnrolmentStatus" }],
    });
    expect(got[1]).toMatchObject({ field: null, auto: false });
  });
});

describe("rowsFromInspection", () => {
  it("cycles each column through its distinct values", () => {
    expect(
      rowsFromInspection({
        columns: ["a", "b", "c"],
        distinct: [["x", "y", "z"], ["1"], []],
      }),
    ).toEqual([
      ["x", "1", ""],
      ["y", "1", ""],
      ["z", "1", ""],
    ]);
  });
});
