// A "Name" / "Full name" column split into first and last name (issue 27): the one rule, the
// mapping that carries it (applied per row, saved and reused, compared), and when suggestMapping
// proposes it — never for a login ("Username", "User name"), never beside First/Last name columns,
// never where the schema has a full-name field of its own.
import { describe, expect, it } from "vitest";
import {
  applyMapping,
  compileMapping,
  isUsableMapping,
  type Mapping,
  mappedFields,
  mappingFromSuggestions,
  meansFullName,
  nameSplitFields,
  sameMapping,
  splitFullName,
  suggestMapping,
} from "../../../extension/mapping.ts";
import { fieldOrder } from "../../../extension/pipeline/dataset-views.ts";
import { type ContextSchema, getSchema } from "../../../schemas/index.ts";
import { datasetOf } from "../pipeline/dataset-helpers.ts";

const schema = (context: string) => getSchema(context) as ContextSchema;

describe("splitFullName", () => {
  it.each([
    ["Jane Doe", "Jane", "Doe"],
    ["  Mary Ann  Smith ", "Mary Ann", "Smith"],
    ["Doe, Jane", "Jane", "Doe"],
    ["Smith ,  Mary Ann", "Mary Ann", "Smith"],
    ["Cher", "Cher", ""],
    ["Doe,", "", "Doe"],
    ["", "", ""],
    ["   ", "", ""],
    // Two commas: not "last, first"; the last word rule applies as written.
    ["Doe, Jane, Jr.", "Doe, Jane,", "Jr."],
    // Particles are not recognised (the preview says what the rule does).
    ["Ludwig van Beethoven", "Ludwig van", "Beethoven"],
  ])("%j -> %j / %j", (text, first, last) => {
    expect(splitFullName(text)).toEqual({ first, last });
  });
});

describe("a mapping with a split column", () => {
  const users = schema("saas_users");
  const mapping: Mapping = {
    columns: ["emailId", null, "department"],
    constants: {},
    valueMaps: {},
    splits: [{ column: 1, first: "firstName", last: "lastName" }],
  };

  it("fills both fields per row; a single word is a first name only, an empty cell neither", () => {
    const map = compileMapping(mapping, users);
    expect(map({ cells: ["a@x.co", "Mary Ann Smith", "Sales"] })).toEqual({
      emailId: "a@x.co",
      firstName: "Mary Ann",
      lastName: "Smith",
      department: "Sales",
    });
    expect(map({ cells: ["b@x.co", "Doe, Jane", "IT"] })).toMatchObject({
      firstName: "Jane",
      lastName: "Doe",
    });
    expect(map({ cells: ["c@x.co", "Cher", "IT"] })).toEqual({
      emailId: "c@x.co",
      firstName: "Cher",
      department: "IT",
    });
    expect(map({ cells: ["d@x.co", " ", "IT"] })).toEqual({ emailId: "d@x.co", department: "IT" });
    // A value that is not text (a JSON number) is kept whole for validation to name.
    expect(map({ cells: ["e@x.co", 42, "IT"] })).toMatchObject({ firstName: 42 });
  });

  it("ignores a split onto fields the schema does not have, or onto one field twice", () => {
    const bad = { ...mapping, splits: [{ column: 1, first: "__proto__", last: "lastName" }] };
    expect(applyMapping({ cells: ["a@x.co", "Jane Doe", ""] }, bad, users)).toEqual({
      emailId: "a@x.co",
      department: "",
    });
    expect(isUsableMapping(bad, 3, users)).toBe(false);
    const twice = { ...mapping, splits: [{ column: 1, first: "lastName", last: "lastName" }] };
    expect(isUsableMapping(twice, 3, users)).toBe(false);
  });

  it("is usable when saved and reused; a mapping saved before splits existed still is", () => {
    const saved = JSON.parse(JSON.stringify(mapping)) as Mapping;
    expect(isUsableMapping(saved, 3, users)).toBe(true);
    expect(
      isUsableMapping({ columns: ["emailId", null, null], constants: {}, valueMaps: {} }, 3, users),
    ).toBe(true);
    // The split column must be free, inside the file, and its fields not mapped elsewhere.
    expect(isUsableMapping({ ...mapping, columns: ["emailId", "role", "department"] }, 3, users)).toBe(false);
    expect(
      isUsableMapping(
        { ...mapping, splits: [{ column: 3, first: "firstName", last: "lastName" }] },
        3,
        users,
      ),
    ).toBe(false);
    expect(isUsableMapping({ ...mapping, columns: ["emailId", null, "lastName"] }, 3, users)).toBe(false);
    expect(isUsableMapping({ ...mapping, constants: { firstName: "x" } }, 3, users)).toBe(false);
    expect(isUsableMapping({ ...mapping, splits: "yes" } as unknown as Mapping, 3, users)).toBe(false);
  });

  it("differs from the same columns without the split; order of splits aside", () => {
    const without: Mapping = { ...mapping, splits: undefined };
    expect(sameMapping(mapping, without)).toBe(false);
    expect(sameMapping(without, { ...without, splits: [] })).toBe(true);
    expect(sameMapping(mapping, JSON.parse(JSON.stringify(mapping)) as Mapping)).toBe(true);
  });

  it("puts the two fields in the column's place in file order", () => {
    expect(mappedFields(mapping)).toEqual(["emailId", "firstName", "lastName", "department"]);
    expect(fieldOrder(users, mapping).slice(0, 4)).toEqual([
      "emailId",
      "firstName",
      "lastName",
      "department",
    ]);
  });
});

describe("the review of a file with a split column", () => {
  it("shows the two fields as grid columns in the column's place, with what each row became", () => {
    const dataset = datasetOf(
      ["Email,Name,Department", "ann@x.co,Ann Lee,Sales", "cher@x.co,Cher,IT", 'dee@x.co,"Kay, Dee",IT'].join(
        "\n",
      ),
    );
    expect(dataset.columns.slice(0, 4)).toEqual(["emailId", "firstName", "lastName", "department"]);
    expect([0, 1, 2].map((i) => dataset.raw(i))).toEqual([
      { emailId: "ann@x.co", firstName: "Ann", lastName: "Lee", department: "Sales" },
      { emailId: "cher@x.co", firstName: "Cher", department: "IT" },
      { emailId: "dee@x.co", firstName: "Dee", lastName: "Kay", department: "IT" },
    ]);
  });
});

const people = ["Ann Lee", "Bob Ray", "Mary Ann Smith", "Okafor, Chidi", "Dee Kay", "Cy Oz"];
const rowsOf = (n: number, columns: ((i: number) => string)[]) =>
  Array.from({ length: n }, (_, i) => columns.map((f) => f(i)));
const email = (i: number) => `user${i}@acme.com`;
const person = (i: number) => people[i % people.length] as string;

describe("suggestMapping: a full name column", () => {
  it("splits a Name column into firstName and lastName for saas_users and says so", () => {
    const headers = ["Email", "Name"];
    const got = suggestMapping({ headers, rows: rowsOf(30, [email, person]), context: "saas_users" });
    expect(got[1]).toMatchObject({
      field: null,
      auto: true,
      split: { first: "firstName", last: "lastName" },
    });
    expect(got[1]?.reason).toMatch(/full name.*split into firstName and lastName/);
    const mapping = mappingFromSuggestions(headers, got);
    expect(mapping.splits).toEqual([{ column: 1, first: "firstName", last: "lastName" }]);
    expect(applyMapping({ cells: ["a@x.co", "Okafor, Chidi"] }, mapping, schema("saas_users"))).toEqual({
      emailId: "a@x.co",
      firstName: "Chidi",
      lastName: "Okafor",
    });
  });

  it.each([
    "Full name",
    "Full Name",
    "fullName",
    "Display name",
    "Employee name",
    "Name (full)",
    "User display name",
  ])("reads %j as a person's full name", (header) => {
    expect(meansFullName(header)).toBe(true);
    const got = suggestMapping({
      headers: ["Email", header],
      rows: rowsOf(30, [email, person]),
      context: "saas_users",
    });
    expect(got[1]).toMatchObject({ auto: true, split: { first: "firstName", last: "lastName" } });
  });

  it("never splits a login: Username, User name, Login name, Account name", () => {
    for (const header of [
      "Username",
      "User name",
      "userName",
      "Login name",
      "Account name",
      "Manager name",
    ]) {
      expect(meansFullName(header)).toBe(false);
      const got = suggestMapping({
        headers: ["Email", header],
        rows: rowsOf(30, [email, person]),
        context: "saas_users",
      });
      expect(got[1]?.split).toBeUndefined();
    }
  });

  it("does not split beside First name and Last name columns (they have the stronger claim)", () => {
    const headers = ["Email", "Name", "First name", "Last name"];
    const first = (i: number) => person(i).split(" ")[0] as string;
    const last = (i: number) => person(i).split(" ").at(-1) as string;
    const got = suggestMapping({
      headers,
      rows: rowsOf(30, [email, person, first, last]),
      context: "saas_users",
    });
    expect(got.map((s) => s.split)).toEqual([undefined, undefined, undefined, undefined]);
    expect(got.map((s) => s.auto && s.field)).toEqual(["emailId", false, "firstName", "lastName"]);
    expect(mappingFromSuggestions(headers, got).splits).toBeUndefined();
  });

  it("offers the split only as a hint when most values are one word", () => {
    const got = suggestMapping({
      headers: ["Email", "Name"],
      rows: rowsOf(30, [email, (i) => ["Cher", "Prince", "Ann Lee"][i % 3] as string]),
      context: "saas_users",
    });
    expect(got[1]).toMatchObject({ auto: false, split: { first: "firstName", last: "lastName" } });
    expect(got[1]?.confidence).toBeLessThan(0.6);
    expect(got[1]?.reason).toMatch(/^Possibly a person's full name.*single word/);
    expect(mappingFromSuggestions(["Email", "Name"], got).splits).toBeUndefined();
  });

  it("does not offer to split values that are not names", () => {
    const got = suggestMapping({
      headers: ["Email", "Name"],
      rows: rowsOf(30, [email, email]),
      context: "saas_users",
    });
    expect(got[1]?.split).toBeUndefined();
  });

  it("maps list_employees' Full Name to its own field, and splits for access_relations", () => {
    const got = suggestMapping({
      headers: ["Employee ID", "Full Name"],
      rows: rowsOf(30, [(i) => `E${1000 + i}`, person]),
      context: "list_employees",
    });
    expect(got[1]).toMatchObject({ field: "employee_name", auto: true });
    expect(got[1]?.split).toBeUndefined();
    expect(nameSplitFields(schema("list_employees"))).toEqual({ first: "first_name", last: "last_name" });
    expect(nameSplitFields(schema("access_relations"))).toEqual({ first: "firstName", last: "lastName" });
    expect(nameSplitFields(schema("access_pairs"))).toBeUndefined();
    const access = suggestMapping({
      headers: ["Entity Source ID", "Display name"],
      rows: rowsOf(30, [(i) => `u-${i}`, person]),
      context: "access_entities",
    });
    expect(access[1]).toMatchObject({ auto: true, split: { first: "firstName", last: "lastName" } });
  });
});
