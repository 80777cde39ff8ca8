// The CLI's mapping: the extension's auto suggestions, a mapping file over them (by header), the
// refusal when a required field has no column, the file --mapping-out writes, and a full-name
// column split into first and last name (suggested, or named in the file's `splits`).
import { describe, expect, it } from "vitest";
import {
  describeMapping,
  effectiveMapping,
  mappingFileOf,
  parseMappingFile,
  unmappedMessage,
  unmappedRequired,
} from "../../cli/mapping-file.ts";
import { type ColumnSuggestion, suggestMapping } from "../../extension/mapping.ts";
import { getSchema } from "../../schemas/index.ts";
import { put, runCli, tempDir } from "./helpers.ts";

const users = getSchema("saas_users");
if (!users) throw new Error("saas_users is built in");

const auto = (field: string | null, confidence = 0.9): ColumnSuggestion => ({
  field,
  confidence,
  auto: field !== null && confidence >= 0.6,
  reason: "header matches",
});

describe("mapping files", () => {
  it("refuses files of the wrong shape with what is wrong", () => {
    expect(() => parseMappingFile("{", "m.json")).toThrow(/^The mapping file m.json is not JSON: /);
    expect(() => parseMappingFile("[]", "m.json")).toThrow('expected an object such as {"columns"');
    expect(() => parseMappingFile('{"columns": {"A": 3}}', "m.json")).toThrow(
      '"columns" must map each header to a field name or null',
    );
    expect(() => parseMappingFile('{"constants": {"role": true}}', "m.json")).toThrow(
      '"constants" must map fields to text values',
    );
    expect(() => parseMappingFile('{"valueMaps": {"role": ["ADMIN"]}}', "m.json")).toThrow(
      '"valueMaps" must map',
    );
    expect(parseMappingFile('{"columns": ["emailId", null]}', "m.json")).toEqual({
      columns: ["emailId", null],
    });
  });

  it("takes the auto suggestions, and the file's columns over them by header (exact, then by letters)", () => {
    const columns = ["E-mail", "Given", "Mail 2", "Status"];
    const suggestions = [auto("emailId"), auto("firstName", 0.4), auto(null), auto("userStatus")];
    const plain = effectiveMapping(columns, columns, suggestions, users);
    expect(plain.mapping.columns).toEqual(["emailId", null, null, "userStatus"]);
    const { mapping, notes } = effectiveMapping(columns, columns, suggestions, users, {
      columns: { given: "firstName", "Mail 2": "emailId", "E-mail": null, Shoe: "lastName" },
      constants: { accountType: "USER" },
      valueMaps: { userStatus: { on: "ACTIVE" } },
    });
    expect(mapping.columns).toEqual([null, "firstName", "emailId", "userStatus"]);
    expect(mapping.constants).toEqual({ accountType: "USER" });
    expect(mapping.valueMaps).toEqual({ userStatus: { on: "ACTIVE" } });
    expect(notes).toEqual(['The mapping file names a column "Shoe" that the file does not have']);
    // A field the file gives to another column is taken from the column the suggestions gave it.
    const moved = effectiveMapping(columns, columns, suggestions, users, {
      columns: { "Mail 2": "emailId" },
    });
    expect(moved.mapping.columns).toEqual([null, null, "emailId", "userStatus"]);
  });

  it("refuses unknown fields, a field mapped twice and a column list of the wrong length", () => {
    const columns = ["A", "B"];
    const none = [auto(null), auto(null)];
    expect(() => effectiveMapping(columns, columns, none, users, { columns: { A: "email" } })).toThrow(
      'The mapping file names "email" (columns), which is not a field of this context; fields: emailId, ',
    );
    expect(() =>
      effectiveMapping(columns, columns, none, users, { columns: { A: "emailId", B: "emailId" } }),
    ).toThrow('The mapping file maps both "A" and "B" to emailId; map one of them');
    expect(() => effectiveMapping(columns, columns, none, users, { columns: ["emailId"] })).toThrow(
      "The mapping file lists 1 columns; the file has 2",
    );
    expect(() => effectiveMapping(columns, columns, none, users, { constants: { owner: "x" } })).toThrow(
      'names "owner" (constants)',
    );
  });

  it("names the required fields nothing fills, with the hints the suggestions have", () => {
    const columns = ["Contact", "Given"];
    const suggestions = [auto("emailId", 0.45), auto("firstName")];
    const { mapping } = effectiveMapping(columns, columns, suggestions, users);
    expect(unmappedRequired(mapping, users)).toEqual(["emailId"]);
    expect(unmappedRequired({ ...mapping, constants: { emailId: "a@example.com" } }, users)).toEqual([]);
    expect(unmappedMessage(["emailId"], columns, suggestions).split("\n")).toEqual([
      "No column is mapped to the required field emailId.",
      '  "Contact" may be emailId (45 %: header matches)',
      "Map it in a mapping file (--mapping map.json; --mapping-out map.json writes one to edit).",
    ]);
  });

  it("writes the mapping as a file that reads back to the same mapping, and describes it", () => {
    const columns = ["E-mail", "Shoe"];
    const mapping = {
      columns: ["emailId", null],
      constants: { role: "USER" },
      valueMaps: { userStatus: { on: "ACTIVE" } },
    };
    const file = mappingFileOf(mapping, columns, "saas_users");
    expect(file).toEqual({
      context: "saas_users",
      columns: { "E-mail": "emailId", Shoe: null },
      constants: { role: "USER" },
      valueMaps: { userStatus: { on: "ACTIVE" } },
    });
    const back = effectiveMapping(
      columns,
      columns,
      [auto(null), auto(null)],
      users,
      parseMappingFile(JSON.stringify(file), "m"),
    );
    expect(back.mapping).toEqual({ ...mapping, headers: columns });
    expect(describeMapping(mapping, columns)).toBe('E-mail→emailId; constants: role="USER"; ignored: Shoe');
  });

  it("maps a column named exactly as a field even when its values do not fit, so they are reported", async () => {
    const dir = tempDir();
    put(
      dir,
      "users.csv",
      "Email,Status\nann@example.com,ACTIVE\nbob@example.com,ASLEEP\ncarl@example.com,DISABLED\n",
    );
    const ran = await runCli(["validate", "users.csv", "-c", "saas_users"], { cwd: dir });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain("mapping: Email→emailId, Status→userStatus\n");
    expect(ran.stdout).toContain(
      "row 2 line 3 userStatus: userStatus must be one of ACTIVE, DISABLED, DELETED",
    );
    // The suggestions alone leave it out (the extension asks the admin).
    const columns = ["Email", "Status", "Status 2"];
    const suggestions = [auto("emailId"), auto(null), auto(null)];
    const { mapping } = effectiveMapping(columns, ["Email", "Status", "User Status"], suggestions, users);
    expect(mapping.columns).toEqual(["emailId", "userStatus", null]);
  });

  it("tells which ignored columns a mapping file could map, and refuses a file for another context", async () => {
    const dir = tempDir();
    put(
      dir,
      "users.csv",
      "Email,State\nann@example.com,ACTIVE\nbob@example.com,ASLEEP\ncarl@example.com,DISABLED\n",
    );
    const ran = await runCli(["validate", "users.csv", "-c", "saas_users"], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain("mapping: Email→emailId; ignored: State\n");
    expect(ran.stderr).toContain(
      "\nhint: \"State\" header matches synonym 'State', but values (ASLEEP) don't fit ACTIVE, DISABLED, DELETED: not mapped to userStatus; a mapping file can map it\n",
    );
    put(dir, "map.json", JSON.stringify({ context: "list_employees", columns: {} }));
    const other = await runCli(["validate", "users.csv", "-c", "saas_users", "--mapping", "map.json"], {
      cwd: dir,
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("The mapping file is for list_employees, not saas_users");
    put(dir, "map.json", JSON.stringify({ columns: { State: "userStatus" } }));
    const mapped = await runCli(
      ["validate", "users.csv", "-c", "saas_users", "--mapping", "map.json", "-q"],
      {
        cwd: dir,
      },
    );
    expect(mapped.code).toBe(1);
    expect(mapped.stdout).toContain("row 2 line 3 userStatus: userStatus must be one of");
  });

  it("splits a full-name column as the extension does, or as the file's `splits` say", () => {
    const columns = ["Email", "Name", "Given name"];
    const rows = [
      ["ann@example.com", "Ann Lee", "2024-01-02"],
      ["bob@example.com", "Bob Ray", "2024-01-03"],
      ["cy@example.com", "Oz, Cy", "2024-01-04"],
    ];
    const suggestions = suggestMapping({ headers: columns, rows, context: "saas_users" });
    const plain = effectiveMapping(columns, columns, suggestions, users);
    // "Given name" (dates: not suggested) is a firstName alias: the CLI's exact-header rule would
    // take it, but the split has the field.
    expect(plain.mapping).toMatchObject({
      columns: ["emailId", null, null],
      splits: [{ column: 1, first: "firstName", last: "lastName" }],
    });
    expect(describeMapping(plain.mapping, columns)).toBe(
      "Email→emailId, Name→firstName+lastName; ignored: Given name",
    );
    expect(unmappedRequired(plain.mapping, { ...users, required: ["emailId", "lastName"] })).toEqual([]);
    // The file decides the column, or gives a field of the split to another column: no split.
    expect(
      effectiveMapping(columns, columns, suggestions, users, { columns: { Name: null } }).mapping.splits,
    ).toBeUndefined();
    const given = effectiveMapping(columns, columns, suggestions, users, {
      columns: { "Given name": "firstName" },
    });
    expect(given.mapping.columns).toEqual(["emailId", null, "firstName"]);
    expect(given.mapping.splits).toBeUndefined();
    // The file's own split, by header, written back by --mapping-out the same way.
    const none = [auto("emailId"), auto(null), auto(null)];
    const file = parseMappingFile(
      JSON.stringify({ splits: { name: { first: "firstName", last: "lastName" } } }),
      "m.json",
    );
    const { mapping } = effectiveMapping(columns, columns, none, users, file);
    expect(mapping.splits).toEqual([{ column: 1, first: "firstName", last: "lastName" }]);
    const out = mappingFileOf(mapping, columns, "saas_users");
    expect(out.columns).toEqual({ Email: "emailId", "Given name": null });
    expect(out.splits).toEqual({ Name: { first: "firstName", last: "lastName" } });
    expect(effectiveMapping(columns, columns, none, users, out).mapping).toEqual(mapping);
  });

  it("refuses a split of the wrong shape, onto unknown fields, one field twice, or a column also mapped", () => {
    const columns = ["Email", "Name"];
    const none = [auto(null), auto(null)];
    expect(() => parseMappingFile('{"splits": {"Name": ["firstName", "lastName"]}}', "m.json")).toThrow(
      '"splits" must map headers to {"first": "firstName", "last": "lastName"} objects',
    );
    const split = (first: string, last: string) => ({ splits: { Name: { first, last } } });
    expect(() => effectiveMapping(columns, columns, none, users, split("given", "lastName"))).toThrow(
      'The mapping file names "given" (splits)',
    );
    expect(() => effectiveMapping(columns, columns, none, users, split("lastName", "lastName"))).toThrow(
      'The mapping file splits "Name" into lastName twice; name two fields',
    );
    expect(() =>
      effectiveMapping(columns, columns, none, users, {
        ...split("firstName", "lastName"),
        columns: { Name: "department" },
      }),
    ).toThrow('The mapping file both maps "Name" to department and splits it; do one of them');
    expect(() =>
      effectiveMapping(columns, columns, none, users, {
        ...split("firstName", "lastName"),
        columns: { Email: "lastName" },
      }),
    ).toThrow('The mapping file maps both "Email" and "Name" to lastName; map one of them');
    expect(
      effectiveMapping(columns, columns, none, users, {
        splits: { Nom: { first: "firstName", last: "lastName" } },
      }).notes,
    ).toEqual(['The mapping file splits a column "Nom" that the file does not have']);
  });
});
