// intake validate, in-process: the extension's readers, auto mapping (and a mapping file over it)
// and the core, with the exit codes and the `row line column: message` lines a scheduler reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import type { ValidationReport } from "../../schemas/index.ts";
import { employeesCsv, put, runCli, tempDir } from "./helpers.ts";

const USERS = [
  "Email,First Name,Status,Created On",
  "ann@example.com,Ann,ACTIVE,01012024",
  "bob(at)example.com,Bob,ACTIVE,31012024",
  ",Carl,DISABLED,02022024",
  "dan@example.com,Dan,DELETED,2024-03-03",
  "eve@example.com,Eve,Active,04042024",
].join("\n");

describe("intake validate", () => {
  it("exits 0 on a valid file and says what it read and how it mapped it", async () => {
    const dir = tempDir();
    put(dir, "employees.csv", employeesCsv(5));
    const ran = await runCli(["validate", "employees.csv", "--context", "list_employees"], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe("5 records: valid, 0 errors, 0 warnings\n");
    expect(ran.stderr).toContain("mapping: id, employee_name, email, department\n");
  });

  it("exits 1 on an invalid file and prints row, line, column and message per problem", async () => {
    const dir = tempDir();
    put(dir, "users.csv", USERS);
    const ran = await runCli(["validate", "users.csv", "-c", "saas_users", "-q"], { cwd: dir });
    expect(ran.code).toBe(1);
    expect(ran.stdout.split("\n")).toEqual([
      'row 2 line 3 emailId: emailId must be an email address, e.g. jane.doe@example.com; got "bob(at)example.com"',
      "row 3 line 4 emailId: emailId is required but missing, e.g. jane.doe@example.com",
      'row 4 line 5 createdOn: createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got "2024-03-03"',
      "5 records: invalid, 3 errors, 0 warnings",
      "",
    ]);
    expect(ran.stderr).toBe("");
  });

  it("--json prints the report in the Worker's shape", async () => {
    const dir = tempDir();
    put(dir, "users.csv", USERS);
    const ran = await runCli(["validate", "users.csv", "-c", "saas_users", "--json", "-q"], { cwd: dir });
    expect(ran.code).toBe(1);
    const report = JSON.parse(ran.stdout) as ValidationReport;
    expect(report).toMatchObject({
      valid: false,
      recordCount: 5,
      errorCount: 3,
      warningCount: 0,
      truncated: false,
    });
    expect(report.errors[2]).toEqual({
      row: 4,
      line: 5,
      pointer: "/createdOn",
      field: "createdOn",
      keyword: "format",
      message: 'createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got "2024-03-03"',
      value: "2024-03-03",
      suggestion: "03032024",
    });
    expect(report.errors.map((e) => [e.row, e.keyword])).toEqual([
      [2, "format"],
      [3, "required"],
      [4, "format"],
    ]);
  });

  it("caps the listed problems as the Worker does, counts them all, and --errors writes them all", async () => {
    const dir = tempDir();
    const rows = Array.from(
      { length: 1200 },
      (_, i) => `u${i}@example.com,2024-01-${String((i % 28) + 1).padStart(2, "0")}`,
    );
    put(dir, "many.csv", `Email,Created On\n${rows.join("\n")}\n`);
    const ran = await runCli(["validate", "many.csv", "-c", "saas_users", "--errors", "errors.csv", "-q"], {
      cwd: dir,
    });
    expect(ran.code).toBe(1);
    const lines = ran.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1002);
    expect(lines.at(-2)).toBe("… and 200 more errors (--errors FILE writes them all)");
    expect(lines.at(-1)).toBe("1,200 records: invalid, 1,200 errors, 0 warnings");
    const csv = readFileSync(join(dir, "errors.csv"), "utf8").trimEnd().split("\r\n");
    expect(csv[0]).toBe("row,line,column,value,message,rule,suggestion");
    expect(csv).toHaveLength(1201);
    expect(csv[1200]).toBe(
      '1200,1201,createdOn,2024-01-24,"createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got ""2024-01-24""",format,24012024',
    );
    const json = await runCli(["validate", "many.csv", "-c", "saas_users", "--json", "-q"], { cwd: dir });
    const report = JSON.parse(json.stdout) as ValidationReport;
    expect([report.errors.length, report.errorCount, report.truncated]).toEqual([1000, 1200, true]);
  });

  it("prints warnings and still exits 0 (only errors make a file invalid)", async () => {
    const dir = tempDir();
    put(
      dir,
      "leavers.csv",
      [
        "id,employee_name,hiring_date,termination_date",
        "E001,Ann,2024-05-01T00:00:00Z,2023-01-01T00:00:00Z",
        "E002,Bob,2024-05-01T00:00:00Z,",
        "E003,Carl,2024-05-01T00:00:00Z,",
      ].join("\n"),
    );
    const ran = await runCli(["validate", "leavers.csv", "-c", "list_employees", "-q"], { cwd: dir });
    expect(ran.code).toBe(0);
    const lines = ran.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      "warning: row 1 line 2 termination_date: termination_date (2023-01-01T00:00:00Z) is before hiring_date (2024-05-01T00:00:00Z); check both dates",
      "3 records: valid, 0 errors, 1 warning",
    ]);
  });

  it("reads JSON, NDJSON and Excel files with the same verdict as the CSV", async () => {
    const dir = tempDir();
    const records = [
      { Email: "ann@example.com", "First Name": "Ann", Status: "ACTIVE", "Created On": "01012024" },
      { Email: "bob@example.com", "First Name": "Bob", Status: "ACTIVE", "Created On": "2024-01-31" },
    ];
    put(dir, "users.json", JSON.stringify({ data: records }));
    put(dir, "users.ndjson", records.map((r) => JSON.stringify(r)).join("\n"));
    const sheet = XLSX.utils.json_to_sheet(records);
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, "Users");
    put(dir, "users.xlsx", XLSX.write(book, { type: "buffer", bookType: "xlsx" }) as Buffer);
    for (const file of ["users.json", "users.ndjson", "users.xlsx"]) {
      const ran = await runCli(["validate", file, "-c", "saas_users", "--json", "-q"], { cwd: dir });
      expect(ran.code, file).toBe(1);
      const report = JSON.parse(ran.stdout) as ValidationReport;
      expect(
        [report.recordCount, report.errorCount, report.errors[0]?.row, report.errors[0]?.field],
        file,
      ).toEqual([2, 1, 2, "createdOn"]);
    }
  });

  it("refuses a file whose required fields no column fills, naming them, unless a mapping file maps them", async () => {
    const dir = tempDir();
    put(dir, "contacts.csv", "Contact,Given\nann@example.com,Ann\nbob@example.com,Bob\n");
    const refused = await runCli(["validate", "contacts.csv", "-c", "saas_users", "-q"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^No column is mapped to the required field emailId\.\n/);
    expect(refused.stdout).toContain("--mapping map.json; --mapping-out map.json writes one to edit");
    const json = await runCli(
      ["validate", "contacts.csv", "-c", "saas_users", "--json", "-q", "--mapping-out", "map.json"],
      { cwd: dir },
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      recordCount: 2,
      errorCount: 1,
      unmappedRequired: ["emailId"],
      errors: [{ row: 0, field: "emailId", keyword: "required" }],
    });
    // The mapping written, edited, and read back.
    const written = JSON.parse(readFileSync(join(dir, "map.json"), "utf8"));
    expect(written.context).toBe("saas_users");
    expect(Object.keys(written.columns)).toEqual(["Contact", "Given"]);
    written.columns.Contact = "emailId";
    written.columns.Given = "firstName";
    put(dir, "map.json", JSON.stringify(written));
    const mapped = await runCli(["validate", "contacts.csv", "-c", "saas_users", "--mapping", "map.json"], {
      cwd: dir,
    });
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toBe("2 records: valid, 0 errors, 0 warnings\n");
    expect(mapped.stderr).toContain("mapping: Contact→emailId, Given→firstName\n");
  });

  it("asks for --encoding on a file that is not UTF-8, and reads it with it", async () => {
    const dir = tempDir();
    // "Zoë" in Windows-1252.
    const bytes = Buffer.concat([
      Buffer.from("id,employee_name\nE001,Zo"),
      Buffer.from([0xeb]),
      Buffer.from("\nE002,Ann\nE003,Bob\n"),
    ]);
    put(dir, "legacy.csv", bytes);
    const refused = await runCli(["validate", "legacy.csv", "-c", "list_employees", "-q"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe(
      "The file is not UTF-8 (line 2); if it is a Windows export, pass --encoding windows-1252\n",
    );
    const read = await runCli(
      ["validate", "legacy.csv", "-c", "list_employees", "--encoding", "windows-1252", "-q"],
      { cwd: dir },
    );
    expect(read.code).toBe(0);
    expect(read.stdout).toBe("3 records: valid, 0 errors, 0 warnings\n");
  });

  it("exits 2 on usage errors, saying what is wrong", async () => {
    const dir = tempDir();
    put(dir, "employees.csv", employeesCsv(2));
    const cases: [string[], string][] = [
      [["validate", "employees.csv"], "--context is required (e.g. --context saas_users)"],
      [
        ["validate", "employees.csv", "-c", "payroll"],
        'Unknown context "payroll"; built-in contexts: saas_users',
      ],
      [["validate", "missing.csv", "-c", "list_employees"], "No such file: missing.csv"],
      [["validate", "employees.csv", "-c", "list_employees", "--colour"], "Unknown option '--colour'"],
      [["validate", "-c", "list_employees"], "Missing argument; usage: intake validate FILE"],
      [["frobnicate"], 'Unknown command "frobnicate".'],
    ];
    for (const [argv, message] of cases) {
      const ran = await runCli(argv, { cwd: dir });
      expect([argv.join(" "), ran.code]).toEqual([argv.join(" "), 2]);
      expect(ran.stderr).toContain(message);
    }
  });

  it("prints help for the tool and every command with exit 0, and help with exit 2 when run bare", async () => {
    const dir = tempDir();
    const help = await runCli(["--help"], { cwd: dir });
    expect(help.code).toBe(0);
    for (const name of ["validate", "push", "pull", "status", "contexts", "schema"]) {
      expect(help.stdout).toContain(`  ${name} `);
      const own = await runCli([name, "--help"], { cwd: dir });
      expect(own.code).toBe(0);
      expect(own.stdout).toMatch(/^Usage: intake /);
      const examples = own.stdout.split("Examples:\n")[1]?.trimEnd().split("\n") ?? [];
      expect(examples.length).toBeGreaterThanOrEqual(2);
      for (const example of examples) expect(example).toMatch(/^ {2}intake /);
    }
    const bare = await runCli([], { cwd: dir });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: intake <command> [options]");
  });
});
