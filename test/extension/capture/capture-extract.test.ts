// The capture's extractors on tricky markup: nested tables, hidden columns, rowspan/colspan,
// tables with roles, title rows in the thead, a header and a body drawn as two tables, ARIA grids
// with pinned columns and column groups, repeated rows without roles and page layout that is not,
// text as it renders, ranking and names, same-origin iframes; and a corpus of real page structures
// (test/fixtures/capture/). The capture script's "again" and "more" requests: capture-script.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  type Candidate,
  candidateNames,
  extractTable,
  findCandidates,
} from "../../../extension/capture/extract.ts";
import type { CapturedTable } from "../../../extension/capture/protocol.ts";
import { cellText } from "../../../extension/capture/text.ts";

beforeEach(() => {
  document.head.innerHTML = "";
  document.body.innerHTML = "";
});

const page = (html: string) => {
  document.body.innerHTML = html;
  return findCandidates(document);
};

const byId = (candidates: Candidate[], id: string) => {
  const found = candidates.find((c) => c.element.id === id);
  if (!found) throw new Error(`no candidate #${id}`);
  return found;
};

const read = (candidate: Candidate | undefined): CapturedTable => {
  if (!candidate) throw new Error("no candidate");
  return extractTable(candidate);
};

describe("HTML tables", () => {
  it("reads thead headers and body rows, trimmed, mailto links as the address", () => {
    const [c, ...rest] = page(`
      <h2>Users</h2>
      <table><thead><tr><th> Name </th><th>Email</th></tr></thead>
      <tbody><tr><td>  Ann   Lee </td><td><a href="mailto:ann@example.com?subject=hi">Ann</a></td></tr>
      <tr><td>Bob<br>Ray</td><td>bob@example.com</td></tr></tbody></table>`);
    expect(rest).toHaveLength(0);
    expect(c?.kind).toBe("table");
    expect(read(c)).toEqual({
      headers: ["Name", "Email"],
      rows: [
        ["Ann Lee", "ann@example.com"],
        ["Bob Ray", "bob@example.com"],
      ],
    });
    expect(candidateNames([c as Candidate])).toEqual(["Users"]);
  });

  it("expands rowspan and colspan, joins two header rows, skips group rows", () => {
    const [c] = page(`
      <table>
        <tr><th rowspan="2">Name</th><th colspan="2">Contact</th></tr>
        <tr><th>Email</th><th>Phone</th></tr>
        <tr><td colspan="3">Admins</td></tr>
        <tr><td rowspan="2">Ann</td><td>ann@example.com</td><td>1</td></tr>
        <tr><td>ann@work.example</td><td>2</td></tr>
      </table>`);
    expect(read(c)).toEqual({
      headers: ["Name", "Contact Email", "Contact Phone"],
      rows: [
        ["Ann", "ann@example.com", "1"],
        ["Ann", "ann@work.example", "2"],
      ],
    });
  });

  it("skips hidden columns and hidden rows", () => {
    document.head.innerHTML = "<style>.secret { display: none }</style>";
    const [c] = page(`
      <table><thead><tr><th>Name</th><th class="secret">Id</th><th style="display:none">Token</th><th>Role</th></tr></thead>
      <tbody><tr><td>Ann</td><td class="secret">1</td><td style="display:none">t1</td><td>Admin</td></tr>
      <tr hidden><td>Gone</td><td class="secret">2</td><td style="display:none">t2</td><td>User</td></tr>
      <tr><td>Bob</td><td class="secret">3</td><td style="display:none">t3</td><td>User</td></tr></tbody></table>`);
    expect(read(c)).toEqual({
      headers: ["Name", "Role"],
      rows: [
        ["Ann", "Admin"],
        ["Bob", "User"],
      ],
    });
  });

  it("keeps a nested table's rows out of the outer table and offers both, the inner one first", () => {
    const candidates = page(`
      <table id="outer"><thead><tr><th>Group</th><th>Members</th></tr></thead>
      <tbody><tr><td>Admins</td><td>
        <table id="inner"><thead><tr><th>User</th><th>Since</th></tr></thead>
        <tbody><tr><td>ann</td><td>2024</td></tr><tr><td>bob</td><td>2023</td></tr></tbody></table>
      </td></tr><tr><td>Guests</td><td>none</td></tr></tbody></table>`);
    expect(candidates.map((c) => c.element.id)).toEqual(["inner", "outer"]);
    const outer = read(byId(candidates, "outer"));
    expect(outer.headers).toEqual(["Group", "Members"]);
    expect(outer.rows.map((r) => r[0])).toEqual(["Admins", "Guests"]);
    expect(outer.rows[0]?.[1]).toBe("User Since ann 2024 bob 2023");
    expect(read(byId(candidates, "inner"))).toEqual({
      headers: ["User", "Since"],
      rows: [
        ["ann", "2024"],
        ["bob", "2023"],
      ],
    });
  });

  it("takes leading <th> rows as the header when there is no <thead>, and none when there is no <th>", () => {
    const candidates = page(`
      <table id="th"><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
      <table id="none"><tr><td>x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr></table>`);
    expect(read(byId(candidates, "th"))).toEqual({ headers: ["A", "B"], rows: [["1", "2"]] });
    expect(read(byId(candidates, "none"))).toEqual({
      headers: null,
      rows: [
        ["x", "y"],
        ["1", "2"],
      ],
    });
  });
});

describe("ARIA grids", () => {
  it("reads a grid of divs, icon-only cells by aria-label or title", () => {
    const [c] = page(`
      <div role="grid" aria-label="Members">
        <div role="row"><div role="columnheader">User</div><div role="columnheader">MFA</div><div role="columnheader">Admin</div></div>
        <div role="row"><div role="gridcell">ann</div><div role="gridcell"><svg aria-label="Enabled"></svg></div><div role="gridcell"><span title="Yes" class="icon"></span></div></div>
        <div role="row"><div role="gridcell">bob</div><div role="gridcell"><i aria-label="Disabled"></i></div><div role="gridcell" aria-label="No"></div></div>
      </div>`);
    expect(c?.kind).toBe("grid");
    expect(candidateNames([c as Candidate])).toEqual(["Members"]);
    expect(read(c)).toEqual({
      headers: ["User", "MFA", "Admin"],
      rows: [
        ["ann", "Enabled", "Yes"],
        ["bob", "Disabled", "No"],
      ],
    });
  });

  it("ignores the cells of a grid nested in a cell's row", () => {
    const outer = byId(
      page(`
      <div role="table" id="t">
        <div role="row"><span role="columnheader">Name</span><span role="columnheader">Tags</span></div>
        <div role="row"><span role="cell">Ann</span><span role="cell">
          <div role="table"><div role="row"><span role="cell">a</span><span role="cell">b</span></div>
          <div role="row"><span role="cell">c</span><span role="cell">d</span></div></div></span></div>
      </div>`),
      "t",
    );
    expect(read(outer)).toEqual({ headers: ["Name", "Tags"], rows: [["Ann", "a b c d"]] });
  });
});

describe("repeated rows without roles", () => {
  it("reads same-shaped rows as columns, with a header row before them", () => {
    const [c, ...rest] = page(`
      <nav><a href="/a">Home</a><a href="/b">Users</a><a href="/c">Roles</a></nav>
      <ul class="people">
        <li class="head"><span>Name</span><span>Email</span><span>Role</span></li>
        <li class="person"><span class="name">Ann</span><span class="mail">ann@example.com</span><span class="role">Admin</span></li>
        <li class="person"><span class="name">Bob</span><span class="mail">bob@example.com</span><span class="role">User</span></li>
        <li class="person"><span class="name">Cy</span><span class="mail">cy@example.com</span><span class="role"></span></li>
      </ul>`);
    expect(rest).toHaveLength(0);
    expect(c?.kind).toBe("list");
    expect(read(c)).toEqual({
      headers: ["Name", "Email", "Role"],
      rows: [
        ["Ann", "ann@example.com", "Admin"],
        ["Bob", "bob@example.com", "User"],
        ["Cy", "cy@example.com", ""],
      ],
    });
  });

  it("finds no candidate in prose or a menu", () => {
    expect(page("<p>Hello</p><ul><li>One</li><li>Two</li><li>Three</li></ul>")).toEqual([]);
  });
});

describe("iframes and text", () => {
  it("looks into same-origin iframes", () => {
    document.body.innerHTML = "<iframe></iframe>";
    const frame = document.querySelector("iframe") as HTMLIFrameElement;
    const inner = frame.contentDocument as Document;
    inner.body.innerHTML =
      "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>";
    const candidates = findCandidates(document);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.path).toMatch(/^frame0\//);
    expect(read(candidates[0])).toEqual({ headers: ["A", "B"], rows: [["1", "2"]] });
  });

  it("leaves scripts, styles and hidden text out of a cell", () => {
    document.body.innerHTML = `<div id="c">Ann<script>x()</script><style>p{}</style><span hidden>secret</span> Lee</div>`;
    expect(cellText(document.getElementById("c") as Element)).toBe("Ann Lee");
  });
});

describe("tables with roles, title rows and split tables", () => {
  it("offers <table>s whatever their role: grid (DataTables, tablesorter), table (AdminLTE), treegrid, presentation", () => {
    const candidates = page(
      ["grid", "table", "treegrid", "presentation"]
        .map(
          (role) =>
            `<table id="${role}" role="${role}"><thead><tr role="row"><th>Name</th><th>Role</th></tr></thead>
            <tbody><tr role="row"><td>${role}-1</td><td>Admin</td></tr><tr role="row"><td>${role}-2</td><td>User</td></tr></tbody></table>`,
        )
        .join(""),
    );
    expect(candidates.map((c) => [c.element.id, c.kind])).toEqual([
      ["grid", "table"],
      ["table", "table"],
      ["treegrid", "table"],
      // Declared layout: offered, last.
      ["presentation", "table"],
    ]);
    expect(read(candidates[0])).toEqual({
      headers: ["Name", "Role"],
      rows: [
        ["grid-1", "Admin"],
        ["grid-2", "User"],
      ],
    });
  });

  it("leaves title and toolbar rows of the <thead> out of the header, and a wide colspan adds no columns", () => {
    const [c] = page(`
      <table><thead>
        <tr><th colspan="3"><h2>Invoices</h2></th></tr>
        <tr><th colspan="100"><input type="search" aria-label="Search"><button>Export</button></th></tr>
        <tr><th>Invoice</th><th>Billed to</th><th>Amount</th></tr>
      </thead><tbody>
        <tr><td>INV-1</td><td>ann@example.com</td><td>$10.00</td></tr>
        <tr><td>INV-2</td><td>bob@example.com</td><td>$20.00</td></tr>
      </tbody><tfoot><tr><td colspan="20">Showing 1 to 2 of 2</td></tr></tfoot></table>`);
    expect(read(c)).toEqual({
      headers: ["Invoice", "Billed to", "Amount"],
      rows: [
        ["INV-1", "ann@example.com", "$10.00"],
        ["INV-2", "bob@example.com", "$20.00"],
      ],
    });
  });

  it("leaves out a selection column of checkboxes and a column of icon buttons without header, reads a read-only checkbox as its state", () => {
    const [c] = page(`
      <table><thead><tr><th><input type="checkbox" aria-label="Select all rows"></th><th>Name</th><th>Married</th><th></th></tr></thead>
      <tbody>
        <tr><td><input type="checkbox" aria-label="Select row"></td><td>Ann</td><td><input type="checkbox" disabled checked></td><td><button title="Edit"><i class="icon"></i></button></td></tr>
        <tr><td><input type="checkbox" checked aria-label="Select row"></td><td>Bob</td><td><input type="checkbox" disabled></td><td><button title="Edit"><i class="icon"></i></button></td></tr>
      </tbody></table>`);
    expect(read(c)).toEqual({
      headers: ["Name", "Married"],
      rows: [
        ["Ann", "true"],
        ["Bob", "false"],
      ],
    });
  });

  it("takes a first row of bold labels as the header of a table without header cells", () => {
    const [c] = page(`
      <table><tr><td><b>Name</b></td><td><b>Email</b></td></tr>
      <tr><td>Ann</td><td>ann@<b>example.com</b></td></tr><tr><td>Bob</td><td>bob@example.com</td></tr></table>`);
    expect(read(c)).toEqual({
      headers: ["Name", "Email"],
      rows: [
        ["Ann", "ann@example.com"],
        ["Bob", "bob@example.com"],
      ],
    });
  });

  it("offers a header drawn in one table and the body in another (jsGrid, DataTables scrolling) as one candidate", () => {
    const candidates = page(`
      <div id="grid" class="jsgrid">
        <div class="jsgrid-grid-header"><table class="jsgrid-table">
          <tr class="jsgrid-header-row"><th>Name</th><th>Age</th><th><input type="button" title="Switch to inserting"></th></tr>
          <tr class="jsgrid-filter-row"><td><input type="text"></td><td><input type="number"></td><td><input type="button" title="Search"></td></tr>
        </table></div>
        <div class="jsgrid-grid-body"><table class="jsgrid-table"><tbody>
          <tr class="jsgrid-row"><td>Otto Clay</td><td>61</td><td><input type="button" title="Edit"><input type="button" title="Delete"></td></tr>
          <tr class="jsgrid-alt-row"><td>Connor Johnston</td><td>73</td><td><input type="button" title="Edit"><input type="button" title="Delete"></td></tr>
        </tbody></table></div>
      </div>`);
    expect(candidates.map((c) => c.element.id)).toEqual(["grid"]);
    expect(read(candidates[0])).toEqual({
      headers: ["Name", "Age"],
      rows: [
        ["Otto Clay", "61"],
        ["Connor Johnston", "73"],
      ],
    });
  });
});

describe("ARIA grids with pinned columns and column groups", () => {
  // AG Grid's DOM: header and body each split into a pinned-left and a center container; a row is
  // drawn in both with the same aria-rowindex; rows come in any order; a group header row spans
  // columns with aria-colspan.
  const agGrid = (rows: [string, string, string][]) => `
    <div id="ag" role="treegrid" aria-rowcount="${rows.length + 2}" aria-colcount="3">
      <div class="ag-header" role="presentation">
        <div class="ag-pinned-left-header" role="rowgroup">
          <div role="row" aria-rowindex="1"><div role="columnheader" aria-colindex="1" aria-colspan="1"></div></div>
          <div role="row" aria-rowindex="2"><div role="columnheader" aria-colindex="1"><span class="ag-header-cell-text">Athlete</span></div></div>
        </div>
        <div class="ag-header-viewport" role="presentation"><div class="ag-header-container" role="rowgroup">
          <div role="row" aria-rowindex="1"><div role="columnheader" aria-colindex="2" aria-colspan="2"><span>Medals</span></div></div>
          <div role="row" aria-rowindex="2"><div role="columnheader" aria-colindex="2">Gold</div><div role="columnheader" aria-colindex="3">Silver</div></div>
        </div></div>
      </div>
      <div class="ag-body-viewport" role="presentation">
        <div class="ag-pinned-left-cols-container" role="rowgroup">
          ${rows
            .map((r, i) => ({ r, i }))
            .reverse()
            .map(
              ({ r, i }) =>
                `<div role="row" aria-rowindex="${i + 3}"><div role="gridcell" aria-colindex="1">${r[0]}</div></div>`,
            )
            .join("")}
        </div>
        <div class="ag-center-cols-viewport" role="presentation"><div class="ag-center-cols-container" role="rowgroup">
          ${rows
            .map(
              (r, i) =>
                `<div role="row" aria-rowindex="${i + 3}"><div role="gridcell" aria-colindex="2">${r[1]}</div><div role="gridcell" aria-colindex="3">${r[2]}</div></div>`,
            )
            .join("")}
        </div></div>
      </div>
    </div>`;

  it("joins a row's pinned and center halves by aria-rowindex, places cells by aria-colindex, groups add no columns", () => {
    const candidates = page(
      agGrid([
        ["Michael Phelps", "8", "0"],
        ["Natalie Coughlin", "1", "2"],
        ["Aleksey Nemov", "2", "1"],
      ]),
    );
    expect(candidates.map((c) => c.element.id)).toEqual(["ag"]);
    expect(read(candidates[0])).toEqual({
      headers: ["Athlete", "Medals Gold", "Medals Silver"],
      rows: [
        ["Michael Phelps", "8", "0"],
        ["Natalie Coughlin", "1", "2"],
        ["Aleksey Nemov", "2", "1"],
      ],
      rowIndexes: [3, 4, 5],
    });
  });

  it("keeps a row whose only cell is pinned", () => {
    document.body.innerHTML = `
      <div role="grid" id="g">
        <div role="row" aria-rowindex="1"><div role="columnheader" aria-colindex="1">Name</div><div role="columnheader" aria-colindex="2">Role</div></div>
        <div role="row" aria-rowindex="2"><div role="gridcell" aria-colindex="1">Ann</div></div>
        <div role="row" aria-rowindex="3"><div role="gridcell" aria-colindex="1">Bob</div><div role="gridcell" aria-colindex="2">Admin</div></div>
      </div>`;
    expect(read(findCandidates(document)[0])).toEqual({
      headers: ["Name", "Role"],
      rows: [
        ["Ann", ""],
        ["Bob", "Admin"],
      ],
      rowIndexes: [2, 3],
    });
  });
});

describe("text as the admin sees it", () => {
  const cell = (html: string) => {
    document.body.innerHTML = `<table><tr><td id="c">${html}</td></tr></table>`;
    return cellText(document.getElementById("c") as Element);
  };

  it("joins inline markup without spaces; blocks and <br> break words", () => {
    expect(cell("ann@<b>example.com</b>")).toBe("ann@example.com");
    expect(cell("$<span>1,200</span>.00")).toBe("$1,200.00");
    expect(cell("(<code>async.rs</code>)")).toBe("(async.rs)");
    expect(cell("<em>Ann</em> <em>Lee</em>")).toBe("Ann Lee");
    expect(cell("<div>Ann</div><div>Lee</div>")).toBe("Ann Lee");
    expect(cell("<p>Ann</p><p>Lee</p>")).toBe("Ann Lee");
    expect(cell("Bob<br>Ray")).toBe("Bob Ray");
    expect(cell('<span style="display:block">Cy</span><span style="display:block">Oz</span>')).toBe("Cy Oz");
  });

  it("leaves out an avatar's initials before the name they stand for, and nothing else", () => {
    expect(cell('<span class="avatar">AL</span> Ann Lee')).toBe("Ann Lee");
    expect(cell('<div class="avatar"><span>MJ</span></div><div>Mary Ann Jones</div>')).toBe("Mary Ann Jones");
    expect(cell('<span class="avatar">MAJ</span> Mary Ann Jones')).toBe("Mary Ann Jones");
    // Not initials of what follows, or not an element of their own: kept as written.
    expect(cell('<span class="badge">QA</span> Ann Lee')).toBe("QA Ann Lee");
    expect(cell("IT Information Technology")).toBe("IT Information Technology");
  });

  it("reads several icons as a list of their labels, a <select> as its chosen option", () => {
    expect(cell('<img alt="Ann"><img alt="Bob"><span title="Cy" class="avatar"></span>')).toBe(
      "Ann; Bob; Cy",
    );
    expect(cell('<svg><title>Verified</title></svg><i aria-label="Admin"></i>')).toBe("Verified; Admin");
    expect(cell("<select><option>Admin</option><option selected>User</option></select>")).toBe("User");
  });
});

describe("lists, layout and ranking", () => {
  it("does not offer page layout as lists: cards, a menu of icon links, sections holding tables, code", () => {
    const candidates = page(`
      <div class="row"><div class="col-md-4"><div class="card"><h3>Fast</h3><p>Streams files.</p></div></div>
        <div class="col-md-4"><div class="card"><h3>Correct</h3><p>Follows RFC 4180.</p></div></div>
        <div class="col-md-4"><div class="card"><h3>Small</h3><p>Under 10 kB.</p></div></div></div>
      <div class="side-links"><a class="side-link" href="/a"><span class="icon">◧</span><span>Overview</span></a>
        <a class="side-link" href="/b"><span class="icon">☺</span><span>Members</span></a>
        <a class="side-link" href="/c"><span class="icon">☷</span><span>Teams</span></a></div>
      <pre><code><span class="line"><span class="k">const</span> <span class="v">a</span></span>
<span class="line"><span class="k">const</span> <span class="v">b</span></span>
<span class="line"><span class="k">const</span> <span class="v">c</span></span></code></pre>
      <div class="sections">
        ${["A", "B", "C"]
          .map(
            (s) =>
              `<section><h3>Group ${s}</h3><table id="t${s}"><tr><th>Name</th><th>Role</th></tr><tr><td>${s}1</td><td>Admin</td></tr></table></section>`,
          )
          .join("")}
      </div>`);
    expect(candidates.map((c) => [c.kind, c.element.id])).toEqual([
      ["table", "tA"],
      ["table", "tB"],
      ["table", "tC"],
    ]);
  });

  it("ranks the likeliest data first: header, rows × columns of real cells; not a sheet of pairs, not a layout table", () => {
    const candidates = page(`
      <table id="sheet"><tr><td>Account</td><td>Acme</td></tr><tr><td>Plan</td><td>Pro</td></tr><tr><td>Seats</td><td>12</td></tr></table>
      <table id="layout"><tr><td>Menu</td><td>
        <table id="users"><thead><tr><th>Name</th><th>Email</th><th>Role</th></tr></thead><tbody>
          <tr><td>Ann</td><td>ann@example.com</td><td>Admin</td></tr><tr><td>Bob</td><td>bob@example.com</td><td>User</td></tr>
          <tr><td>Cy</td><td>cy@example.com</td><td>User</td></tr></tbody></table>
      </td></tr><tr><td colspan="2">Footer</td></tr></table>`);
    expect(candidates.map((c) => c.element.id)).toEqual(["users", "sheet", "layout"]);
  });

  it("names each candidate by caption, aria-label, heading before it or first header cells, all different", () => {
    const candidates = page(`
      <table id="a"><caption>Invoices</caption><tr><th>Invoice</th><th>Amount</th></tr><tr><td>1</td><td>2</td></tr></table>
      <div role="grid" id="b" aria-label="Members"><div role="row"><div role="columnheader">Name</div><div role="columnheader">Role</div></div>
        <div role="row"><div role="gridcell">Ann</div><div role="gridcell">Admin</div></div></div>
      <section><h2>Users</h2><div class="card"><table id="c"><tr><th>Email</th><th>Name</th></tr><tr><td>a@x.io</td><td>Ann</td></tr></table></div></section>
      <section><h2>Users</h2><table id="d"><tr><th>Email</th><th>Since</th><th>Team</th><th>Seat</th></tr><tr><td>b@x.io</td><td>2024</td><td>Ops</td><td>3</td></tr></table></section>
      <table id="e"><tr><th>Key</th><th>Value</th></tr><tr><td>k</td><td>v</td></tr></table>
      <table id="f"><tr><td>k</td><td>v</td></tr><tr><td>l</td><td>w</td></tr></table>`);
    const names = Object.fromEntries(candidates.map((c, i) => [c.element.id, candidateNames(candidates)[i]]));
    expect(names).toEqual({
      a: "Invoices",
      b: "Members",
      c: "Users (Email, Name)",
      d: "Users (Email, Since, Team, …)",
      e: "Key, Value",
      f: "Table",
    });
  });
});

describe("corpus of real page structures (test/fixtures/capture)", () => {
  interface Expected {
    source: string;
    /** A selector of the table meant (or of its wrapper). */
    intended: string;
    header: string[] | null;
    rows: number;
    first: string[];
  }
  const dir = join(import.meta.dirname, "..", "..", "fixtures", "capture");
  const pages = readdirSync(dir)
    .filter((f) => f.endsWith(".html"))
    .map((f) => f.replace(/\.html$/, ""))
    .sort();

  function load(name: string): Expected {
    const parsed = new DOMParser().parseFromString(
      readFileSync(join(dir, `${name}.html`), "utf8"),
      "text/html",
    );
    document.title = parsed.title;
    document.head.innerHTML = parsed.head.innerHTML;
    document.body.innerHTML = parsed.body.innerHTML;
    return JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as Expected;
  }

  it("lists the intended table first on every page, with its shape, header and first row, under a unique name", () => {
    const results = pages.map((name) => {
      const expected = load(name);
      const target = document.querySelector(expected.intended);
      if (!target) throw new Error(`${name}: nothing matches ${expected.intended}`);
      const candidates = findCandidates(document);
      const index = candidates.findIndex(
        (c) => c.element === target || c.element.contains(target) || target.contains(c.element),
      );
      const table = index >= 0 ? read(candidates[index]) : undefined;
      const width = table ? Math.max(table.headers?.length ?? 0, ...table.rows.map((r) => r.length)) : 0;
      const names = candidateNames(candidates);
      return {
        page: name,
        first: index === 0,
        atAll: index >= 0,
        shape: table?.rows.length === expected.rows && width === expected.first.length,
        header: table !== undefined && JSON.stringify(table.headers) === JSON.stringify(expected.header),
        firstRow: JSON.stringify(table?.rows[0]) === JSON.stringify(expected.first),
        uniqueNames: new Set(names).size === names.length,
      };
    });
    const count = (key: keyof (typeof results)[number]) => results.filter((r) => r[key] === true).length;
    console.info(
      `capture corpus of ${results.length} pages: listed first ${count("first")}, listed at all ${count("atAll")}, exact shape ${count("shape")}, header right ${count("header")}, first row right ${count("firstRow")}`,
    );
    expect(results).toEqual(
      pages.map((page) => ({
        page,
        first: true,
        atAll: true,
        shape: true,
        header: true,
        firstRow: true,
        uniqueNames: true,
      })),
    );
  });
});
