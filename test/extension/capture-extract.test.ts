// The capture's extractors on tricky markup: nested tables, hidden columns, rowspan/colspan,
// an ARIA grid of divs with icon-only cells, repeated rows without roles, same-origin iframes.
import { beforeEach, describe, expect, it } from "vitest";
import { candidateLabel, cellText, extractTable, findCandidates } from "../../extension/capture/extract.ts";

beforeEach(() => {
  document.head.innerHTML = "";
  document.body.innerHTML = "";
});

const page = (html: string) => {
  document.body.innerHTML = html;
  return findCandidates(document);
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
    expect(extractTable(c as never)).toEqual({
      headers: ["Name", "Email"],
      rows: [
        ["Ann Lee", "ann@example.com"],
        ["Bob Ray", "bob@example.com"],
      ],
    });
    expect(candidateLabel((c as { element: Element }).element)).toBe("Users");
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
    expect(extractTable(c as never)).toEqual({
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
    expect(extractTable(c as never)).toEqual({
      headers: ["Name", "Role"],
      rows: [
        ["Ann", "Admin"],
        ["Bob", "User"],
      ],
    });
  });

  it("keeps a nested table's rows out of the outer table and offers both", () => {
    const candidates = page(`
      <table id="outer"><thead><tr><th>Group</th><th>Members</th></tr></thead>
      <tbody><tr><td>Admins</td><td>
        <table id="inner"><thead><tr><th>User</th><th>Since</th></tr></thead>
        <tbody><tr><td>ann</td><td>2024</td></tr><tr><td>bob</td><td>2023</td></tr></tbody></table>
      </td></tr><tr><td>Guests</td><td>none</td></tr></tbody></table>`);
    expect(candidates.map((c) => c.element.id)).toEqual(["outer", "inner"]);
    const outer = extractTable(candidates[0] as never);
    expect(outer.headers).toEqual(["Group", "Members"]);
    expect(outer.rows.map((r) => r[0])).toEqual(["Admins", "Guests"]);
    expect(outer.rows[0]?.[1]).toBe("User Since ann 2024 bob 2023");
    expect(extractTable(candidates[1] as never)).toEqual({
      headers: ["User", "Since"],
      rows: [
        ["ann", "2024"],
        ["bob", "2023"],
      ],
    });
  });

  it("takes leading <th> rows as the header when there is no <thead>, and none when there is no <th>", () => {
    const [withTh, without] = page(`
      <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
      <table><tr><td>x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr></table>`);
    expect(extractTable(withTh as never)).toEqual({ headers: ["A", "B"], rows: [["1", "2"]] });
    expect(extractTable(without as never)).toEqual({
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
    expect(candidateLabel((c as { element: Element }).element)).toBe("Members");
    expect(extractTable(c as never)).toEqual({
      headers: ["User", "MFA", "Admin"],
      rows: [
        ["ann", "Enabled", "Yes"],
        ["bob", "Disabled", "No"],
      ],
    });
  });

  it("ignores the cells of a grid nested in a cell's row", () => {
    const [outer] = page(`
      <div role="table" id="t">
        <div role="row"><span role="columnheader">Name</span><span role="columnheader">Tags</span></div>
        <div role="row"><span role="cell">Ann</span><span role="cell">
          <div role="table"><div role="row"><span role="cell">a</span><span role="cell">b</span></div>
          <div role="row"><span role="cell">c</span><span role="cell">d</span></div></div></span></div>
      </div>`);
    expect(outer?.element.id).toBe("t");
    expect(extractTable(outer as never)).toEqual({ headers: ["Name", "Tags"], rows: [["Ann", "a b c d"]] });
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
    expect(extractTable(c as never)).toEqual({
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
    expect(extractTable(candidates[0] as never)).toEqual({ headers: ["A", "B"], rows: [["1", "2"]] });
  });

  it("leaves scripts, styles and hidden text out of a cell", () => {
    document.body.innerHTML = `<div id="c">Ann<script>x()</script><style>p{}</style><span hidden>secret</span> Lee</div>`;
    expect(cellText(document.getElementById("c") as Element)).toBe("Ann Lee");
  });
});
