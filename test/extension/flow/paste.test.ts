// Pasted ranges: Excel's and Google Sheets' HTML tables and the tab-separated text spreadsheets
// put on the clipboard, through the pipeline like a file.
import { describe, expect, it } from "vitest";
import { PASTED_SOURCE_NAME, pastedSource } from "../../../extension/flow/sources/paste.ts";
import { Pipeline } from "../../../extension/pipeline/pipeline.ts";

async function read(data: { html?: string; text?: string }) {
  const pasted = pastedSource(data);
  if (!pasted.ok) throw new Error(pasted.message);
  const pipeline = new Pipeline();
  const inspection = await pipeline.inspect(pasted.file, pasted.options);
  if (inspection.status !== "ready") throw new Error(JSON.stringify(inspection));
  const rows: string[][] = [];
  for (let c = 0; c < inspection.columns.length; c++) rows.push(await pipeline.columnValues(c, 10));
  return { pasted, inspection, columns: rows };
}

describe("pasted ranges", () => {
  it("reads Excel's tab-separated text, a quoted cell with a line break and a tab included", async () => {
    const text =
      'Email\tName\tNote\r\nann@example.com\tAnn Lee\t"two\nlines"\r\nbob@example.com\tBob\t"a\tb"\r\n';
    const { pasted, inspection, columns } = await read({ text });
    expect(pasted.ok && pasted.options.sourceName).toBe(PASTED_SOURCE_NAME);
    expect(inspection.headers).toEqual(["Email", "Name", "Note"]);
    expect(inspection.delimiter).toBe("\t");
    expect(columns).toEqual([
      ["ann@example.com", "bob@example.com"],
      ["Ann Lee", "Bob"],
      ["two\nlines", "a\tb"],
    ]);
  });

  it("reads Excel's HTML table: merged cells expanded, hidden columns left out", async () => {
    const html = `<html><body><!--StartFragment--><table border=0>
      <col width=120><col width=80 style="display:none"><col width=80>
      <tr><td>Email</td><td style="display:none">Internal id</td><td>Role</td></tr>
      <tr><td>ann@example.com</td><td style="display:none">17</td><td rowspan=2>Admin</td></tr>
      <tr><td>bob@example.com</td><td style="display:none">18</td></tr>
      <!--EndFragment--></table></body></html>`;
    const { inspection, columns } = await read({ html });
    expect(inspection.headers).toEqual(["Email", "Role"]);
    expect(columns).toEqual([
      ["ann@example.com", "bob@example.com"],
      ["Admin", "Admin"],
    ]);
  });

  it("reads a Google Sheets range (a table wrapped in its own element) and prefers HTML to text", async () => {
    const html = `<meta charset="utf-8"><google-sheets-html-origin><table><tbody>
      <tr><td>User</td><td>Last login</td></tr>
      <tr><td><a href="mailto:cy@example.com">Cy</a></td><td>2024-05-01</td></tr>
      <tr><td>dee@example.com</td><td>2024-05-02</td></tr></tbody></table></google-sheets-html-origin>`;
    const { inspection, columns } = await read({ html, text: "User\tLast login\nCy\t2024-05-01" });
    expect(inspection.headers).toEqual(["User", "Last login"]);
    expect(columns[0]).toEqual(["cy@example.com", "dee@example.com"]);
  });

  it("says clearly when nothing usable was pasted", () => {
    const empty = pastedSource({ text: "  \n " });
    expect(empty.ok).toBe(false);
    expect(!empty.ok && empty.message).toMatch(/Copy a range of cells/);
    expect(pastedSource({ html: "<p>no table</p>", text: "" }).ok).toBe(false);
  });
});
