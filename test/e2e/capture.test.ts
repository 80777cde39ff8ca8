// End to end in Chromium: tables captured from pages served here on 127.0.0.1 (a <table> with
// thead, an ARIA grid of divs with icon-only cells, a list paginated by a Next button whose last
// page repeats a row, a table in a same-origin iframe, a table grown by "Load more", a virtualized
// grid scrolled by the capture), an Excel workbook and pasted ranges, each mapped, validated and
// submitted to the real Worker, which must then hold exactly those rows and record the source name
// (page title and address, no query string) in its history. The corpus of real page structures
// (test/fixtures/capture/) is listed through the real popup too: the intended table first, with
// its shape, on every page, with the page's real layout. The outlines' labels cover no text of the
// page (a heading right above a table, a line right below it).
// The built extension holds host permission for http://127.0.0.1/* (the local Worker), which lets
// scripting reach these pages from a test; the product relies on activeTab (a gesture) instead.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ExtensionBrowser, launchWithExtension } from "./chromium.ts";

const SHOTS = join(import.meta.dirname, "..", "..", "test-results", "e2e");
const CORPUS_DIR = join(import.meta.dirname, "..", "fixtures", "capture");
const CORPUS = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith(".html"))
  .map((f) => f.slice(0, -".html".length))
  .sort();

/** A virtualized grid: 30 rows of 40px, only those in its 200px viewport drawn, by aria-rowindex. */
const VIRTUAL_GRID = `<!doctype html><title>Seats · Virtual console</title>
    <style>body{font:14px system-ui,sans-serif;margin:32px} [role=row]{display:flex;height:40px;align-items:center} [role=row] > *{width:220px}
      #viewport{height:200px;overflow-y:auto;position:relative;border:1px solid #ccc;width:460px} #spacer{height:1200px;position:relative} #spacer [role=row]{position:absolute;left:0}</style>
    <h1>Seats</h1>
    <div role="grid" aria-label="Seats" aria-rowcount="31">
      <div role="row" aria-rowindex="1"><div role="columnheader" aria-colindex="1">Email</div><div role="columnheader" aria-colindex="2">First name</div></div>
      <div id="viewport"><div id="spacer"></div></div>
    </div>
    <script>
      const people = Array.from({ length: 30 }, (_, i) => i === 11 || i === 12 ? ["same@example.com", "Same"] : ["v" + (i + 1) + "@example.com", "V" + (i + 1)]);
      const viewport = document.getElementById("viewport");
      const draw = () => {
        const from = Math.floor(viewport.scrollTop / 40);
        const to = Math.min(people.length, Math.ceil((viewport.scrollTop + 200) / 40));
        document.getElementById("spacer").innerHTML = people.slice(from, to).map((p, k) =>
          '<div role="row" aria-rowindex="' + (from + k + 2) + '" style="top:' + (from + k) * 40 + 'px"><div role="gridcell" aria-colindex="1">' + p[0] +
          '</div><div role="gridcell" aria-colindex="2">' + p[1] + '</div></div>').join("");
      };
      viewport.addEventListener("scroll", () => requestAnimationFrame(draw));
      draw();
    </script>`;
const README_SHOT = join(import.meta.dirname, "..", "..", "docs", "screenshots", "capture.png");

const PAGES: Record<string, string> = {
  "/table.html": `<!doctype html><title>Users · Table console</title>
    <style>body{font:14px system-ui,sans-serif;margin:32px;color:#1f2937}th,td{padding:8px 14px;border-bottom:1px solid #e5e7eb;text-align:left}table{border-collapse:collapse}a{color:#2563eb}</style>
    <h1>Users</h1>
    <table><thead><tr><th>Email</th><th>First name</th><th>Last name</th><th style="display:none">Internal id</th><th>Status</th></tr></thead>
    <tbody>
      <tr><td><a href="mailto:ann@example.com">Ann Lee</a></td><td> Ann </td><td>Lee</td><td style="display:none">17</td><td>ACTIVE</td></tr>
      <tr><td>bob@example.com</td><td>Bob</td><td>Ray</td><td style="display:none">18</td><td>DISABLED</td></tr>
      <tr><td>cy@example.com</td><td>Cy</td><td>Oz</td><td style="display:none">19</td><td>ACTIVE</td></tr>
    </tbody></table>`,
  "/grid.html": `<!doctype html><title>Members · Grid console</title><style>.icon{display:inline-block;width:12px;height:12px;border-radius:6px;background:green}</style>
    <div role="grid" aria-label="Members">
      <div role="row"><div role="columnheader">Email</div><div role="columnheader">First name</div><div role="columnheader">Status</div></div>
      <div role="row"><div role="gridcell">dee@example.com</div><div role="gridcell">Dee</div><div role="gridcell"><span class="icon" aria-label="ACTIVE"></span></div></div>
      <div role="row"><div role="gridcell">eve@example.com</div><div role="gridcell">Eve</div><div role="gridcell"><span class="icon" title="DISABLED"></span></div></div>
    </div>`,
  "/list.html": `<!doctype html><title>Group members · List console</title><h1>Group members</h1>
    <div id="members"><div class="head"><span>Email</span><span>First name</span><span>Last name</span></div><div id="rows"></div></div>
    <p id="where"></p><button id="next" type="button">Next</button>
    <script>
      const people = [["f1@example.com","Fay","One"],["f2@example.com","Gus","Two"],["f3@example.com","Hal","Three"],
        ["f4@example.com","Ida","Four"],["f5@example.com","Jo","Five"],["f6@example.com","Kim","Six"],
        ["f7@example.com","Lu","Seven"],["f8@example.com","Max","Eight"]];
      const pages = [people.slice(0, 3), people.slice(3, 6), people.slice(5, 8)];
      let page = 0;
      const render = () => {
        document.getElementById("rows").innerHTML = pages[page].map((p) =>
          '<div class="member"><span class="email">' + p[0] + '</span><span class="first">' + p[1] + '</span><span class="last">' + p[2] + '</span></div>').join("");
        document.getElementById("where").textContent = "Page " + (page + 1) + " of 3";
      };
      document.getElementById("next").addEventListener("click", () => { page = Math.min(page + 1, 2); render(); });
      render();
    </script>`,
  "/more.html": `<!doctype html><title>Users · Load more console</title><h1>Users</h1>
    <table><thead><tr><th>Email</th><th>First name</th></tr></thead><tbody id="rows"></tbody></table>
    <button id="more" type="button">Load more</button>
    <script>
      const people = [["m1@example.com","Mia"],["m2@example.com","Ned"],["m3@example.com","Oda"],["m4@example.com","Pia"],
        ["m5@example.com","Quin"],["m6@example.com","Rex"],["m7@example.com","Sol"],["m8@example.com","Tia"]];
      let shown = 0;
      const more = () => {
        document.getElementById("rows").insertAdjacentHTML("beforeend", people.slice(shown, shown + 3).map((p) =>
          "<tr><td>" + p[0] + "</td><td>" + p[1] + "</td></tr>").join(""));
        shown = Math.min(shown + 3, people.length);
        if (shown === people.length) document.getElementById("more").remove();
      };
      // As from a server: the rows arrive a moment after the click.
      document.getElementById("more").addEventListener("click", () => setTimeout(more, 300));
      more();
    </script>`,
  "/virtual.html": VIRTUAL_GRID,
  // Headings right above both tables; a line of text right below the second.
  "/headings.html": `<!doctype html><title>Teams · Headings console</title>
    <style>body{font:14px system-ui,sans-serif;margin:32px;color:#1f2937}h2{margin:0;font-size:20px}section{margin-bottom:56px}
      table{border-collapse:collapse}th,td{padding:6px 12px;border-bottom:1px solid #e5e7eb;text-align:left}p{margin:0}</style>
    <section><h2>Administrators of the workspace</h2>
      <table><thead><tr><th>Email</th><th>First name</th></tr></thead>
      <tbody><tr><td>ada@example.com</td><td>Ada</td></tr><tr><td>bo@example.com</td><td>Bo</td></tr></tbody></table></section>
    <section><h2>Members of the workspace</h2>
      <table><thead><tr><th>Email</th><th>First name</th></tr></thead>
      <tbody><tr><td>cy@example.com</td><td>Cy</td></tr><tr><td>di@example.com</td><td>Di</td></tr></tbody></table>
      <p>Showing 2 of 2 members of the workspace</p></section>`,
  "/frame.html": `<!doctype html><title>Embedded report</title><h1>Report</h1><iframe src="/inner.html" width="600" height="200"></iframe>`,
  "/inner.html": `<!doctype html><title>inner</title>
    <table><thead><tr><th>Email</th><th>First name</th><th>Status</th></tr></thead>
    <tbody><tr><td>nia@example.com</td><td>Nia</td><td>ACTIVE</td></tr><tr><td>oli@example.com</td><td>Oli</td><td>ACTIVE</td></tr></tbody></table>`,
};

let server: Server;
let origin: string;
let browser: ExtensionBrowser;
let popup: Page;
let site: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const corpus = /^\/corpus\/([\w-]+)\.html$/.exec(path)?.[1];
    const body =
      corpus && CORPUS.includes(corpus)
        ? readFileSync(join(CORPUS_DIR, `${corpus}.html`), "utf8")
        : PAGES[path];
    res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(body ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchWithExtension(inject("extensionDir"));
  site = await browser.context.newPage();
  await site.setViewportSize({ width: 900, height: 700 });
  popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 780, height: 1000 });
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByLabel("Intake server URL").fill(inject("workerUrl"));
  await popup.getByLabel("API key").fill(inject("ingestKey"));
  await popup.getByRole("button", { name: "Test connection" }).click();
  await popup.getByLabel("Integration").waitFor();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** The popup at the source step for saas_users. */
async function toSource() {
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByLabel("Data").selectOption("saas_users");
  await popup.getByRole("button", { name: "Continue", exact: true }).click();
  await popup.getByRole("button", { name: "Capture a table from this page" }).waitFor();
}

/** Opens `path` in the site tab and makes it the tab the admin is looking at. */
async function visit(path: string) {
  await site.goto(`${origin}${path}`);
  await site.bringToFront();
}

/** Lists the page's tables from the popup and picks the only one. */
async function captureOnly(rows: number, columns: number, listed?: () => Promise<void>) {
  await popup.getByRole("button", { name: "Capture a table from this page" }).click();
  await popup.getByText("1 table on this page (outlined):").waitFor();
  await listed?.();
  await popup.getByRole("button", { name: new RegExp(`^1 .*${rows} rows? × ${columns} columns?`) }).click();
}

/** Maps, validates and submits; confirms a replacement when the Worker says it removes records. */
async function submit(expectedRecords: number) {
  await popup.bringToFront();
  await popup.getByRole("button", { name: "Continue to mapping" }).click();
  // A header layout mapped before goes straight to the review with its saved mapping.
  const validate = popup.getByRole("button", { name: /^Validate \d/ });
  const submitButton = popup.getByRole("button", { name: new RegExp(`Submit ${expectedRecords} records?$`) });
  await expect
    .poll(async () => (await validate.count()) + (await submitButton.count()), { timeout: 30_000 })
    .toBeGreaterThan(0);
  if ((await submitButton.count()) === 0) await validate.click();
  await submitButton.click();
  const live = popup.getByText(/Dataset version \d+ is live/);
  const replace = popup.getByRole("button", { name: /^Replace version \d+$/ });
  await expect
    .poll(async () => (await live.count()) > 0 || (await replace.count()) > 0, { timeout: 60_000 })
    .toBe(true);
  if ((await live.count()) === 0) await replace.click();
  await live.waitFor({ timeout: 60_000 });
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
const meets = (a: Box, b: Box) =>
  a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;

/** The outline labels on the site page, and the boxes of the text of `selector` (headings, lines). */
function labelsAndText(selector: string): Promise<{ labels: Box[]; text: { what: string; box: Box }[] }> {
  return site.evaluate((sel) => {
    const plain = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const labels = Array.from(document.querySelectorAll("[data-intake-outline] > span")).map((s) =>
      plain(s.getBoundingClientRect()),
    );
    const text = Array.from(document.querySelectorAll(sel)).flatMap((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return Array.from(range.getClientRects()).map((r) => ({ what: el.textContent ?? "", box: plain(r) }));
    });
    return { labels, text };
  }, selector);
}

/** No outline label lies over any text of `selector`. */
async function expectLabelsClearOf(selector: string, count: number) {
  const { labels, text } = await labelsAndText(selector);
  expect(labels).toHaveLength(count);
  expect(text.length).toBeGreaterThan(0);
  const covered = labels.flatMap((label) => text.filter((t) => meets(label, t.box)).map((t) => t.what));
  expect(covered).toEqual([]);
}

async function records(): Promise<Record<string, unknown>[]> {
  const response = await fetch(
    `${inject("workerUrl")}/v1/integrations/${inject("integrationId")}/contexts/saas_users/records?limit=100`,
    { headers: { "x-api-key": inject("adminKey") } },
  );
  return ((await response.json()) as { data: Record<string, unknown>[] }).data;
}

async function lastSourceName(): Promise<string | null> {
  const response = await fetch(
    `${inject("workerUrl")}/v1/integrations/${inject("integrationId")}/ingestions`,
    {
      headers: { "x-api-key": inject("adminKey") },
    },
  );
  const { data } = (await response.json()) as { data: { kind: string; sourceName: string | null }[] };
  return data.find((e) => e.kind === "commit")?.sourceName ?? null;
}

it("captures a <table> with thead (hidden column, mailto link) and submits exactly its rows", async () => {
  await toSource();
  await visit("/table.html?session=secret-token#top");
  await captureOnly(3, 4, async () => {
    expect(await site.locator("[data-intake-outline]").count()).toBe(1);
    // The label leaves the page's heading above the table readable.
    await expectLabelsClearOf("h1", 1);
    await shootForReadme();
  });
  await popup.getByText(/Captured 3 rows × 4 columns from 1 page of “Users · Table console”/).waitFor();
  await popup.screenshot({ path: join(SHOTS, "capture-01-table.png"), fullPage: true });
  // Reading the table removed the outlines.
  expect(await site.locator("[data-intake-outline]").count()).toBe(0);
  await submit(3);
  expect(await records()).toEqual([
    { emailId: "ann@example.com", firstName: "Ann", lastName: "Lee", userStatus: "ACTIVE" },
    { emailId: "bob@example.com", firstName: "Bob", lastName: "Ray", userStatus: "DISABLED" },
    { emailId: "cy@example.com", firstName: "Cy", lastName: "Oz", userStatus: "ACTIVE" },
  ]);
  // The page's address without its query string or fragment.
  expect(await lastSourceName()).toBe(`Users · Table console (${origin}/table.html)`);
});

it("puts each table's label where it covers no text of the page: not over the heading above it, nor the line below it", async () => {
  await toSource();
  await visit("/headings.html");
  await popup.getByRole("button", { name: "Capture a table from this page" }).click();
  await popup.getByText("2 tables on this page (outlined and numbered):").waitFor();
  expect(await site.locator("[data-intake-outline]").count()).toBe(2);
  await expectLabelsClearOf("h2, p", 2);
  // Each label stays at its own table: the first just below it (the strip above holds the
  // heading), the second, with text above and below, inside its top edge.
  const tables = await site.locator("table").evaluateAll((all) =>
    all.map((t) => {
      const r = t.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }),
  );
  const { labels } = await labelsAndText("h2");
  const [first, second] = tables as [Box, Box];
  const nearest = (t: Box) =>
    [...labels].sort(
      (a, b) => Math.abs(a.top - (t.top + t.bottom) / 2) - Math.abs(b.top - (t.top + t.bottom) / 2),
    )[0] as Box;
  const below = nearest(first);
  const inside = nearest(second);
  expect(below).not.toBe(inside);
  expect(below.top).toBeGreaterThanOrEqual(first.bottom);
  expect(below.top).toBeLessThan(first.bottom + 12);
  expect(inside.top).toBeGreaterThanOrEqual(second.top - 4);
  expect(inside.bottom).toBeLessThanOrEqual(second.bottom);
  for (const [label, table] of [
    [below, first],
    [inside, second],
  ] as const)
    expect(Math.abs(label.left - table.left)).toBeLessThan(8);
  await site.screenshot({ path: join(SHOTS, "capture-02-labels.png") });
});

it("captures an ARIA grid of divs, reading icon-only cells by their label", async () => {
  await toSource();
  await visit("/grid.html");
  await captureOnly(2, 3);
  await submit(2);
  expect(await records()).toEqual([
    { emailId: "dee@example.com", firstName: "Dee", userStatus: "ACTIVE" },
    { emailId: "eve@example.com", firstName: "Eve", userStatus: "DISABLED" },
  ]);
});

it("captures a list page by page with Next, dropping the rows a page repeats", async () => {
  await toSource();
  await visit("/list.html");
  await captureOnly(3, 3);
  await popup.getByText(/Captured 3 rows × 3 columns from 1 page/).waitFor();
  for (const [page, total, note] of [
    [2, 6, /Added 3 rows: 6 rows in all/],
    [3, 8, /Added 2 rows \(1 row already captured left out\): 8 rows in all/],
  ] as const) {
    await site.getByRole("button", { name: "Next" }).click();
    await site.getByText(`Page ${page} of 3`).waitFor();
    await site.bringToFront();
    await popup.getByRole("button", { name: "Add the next page" }).click();
    await popup.getByText(note).waitFor();
    await popup.getByText(new RegExp(`Captured ${total} rows × 3 columns from ${page} pages`)).waitFor();
  }
  // The same page again: nothing new, and it says so.
  await popup.getByRole("button", { name: "Add the next page" }).click();
  await popup.getByText(/No new rows: this page shows only rows already captured/).waitFor();
  await site.screenshot({ path: join(SHOTS, "capture-03-list-page.png") });
  await submit(8);
  const held = await records();
  expect(held.map((r) => r.emailId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `f${i}@example.com`));
  expect(held[5]).toEqual({ emailId: "f6@example.com", firstName: "Kim", lastName: "Six" });
  expect(await lastSourceName()).toBe(`Group members · List console (${origin}/list.html)`);
});

it("captures a table inside a same-origin iframe, outlined on the page", async () => {
  await toSource();
  await visit("/frame.html");
  await popup.getByRole("button", { name: "Capture a table from this page" }).click();
  await popup.getByText("1 table on this page (outlined):").waitFor();
  // The outline is drawn in the frame, around the table.
  const frame = site.frames().find((f) => f.url().endsWith("/inner.html"));
  expect(await frame?.locator("[data-intake-outline]").count()).toBe(1);
  await site.screenshot({ path: join(SHOTS, "capture-04-outlined.png") });
  await popup.getByRole("button", { name: /^1 .*2 rows × 3 columns/ }).click();
  // Reading the table removes the outlines.
  await expect.poll(() => frame?.locator("[data-intake-outline]").count()).toBe(0);
  await submit(2);
  expect(await records()).toEqual([
    { emailId: "nia@example.com", firstName: "Nia", userStatus: "ACTIVE" },
    { emailId: "oli@example.com", firstName: "Oli", userStatus: "ACTIVE" },
  ]);
});

it("grows a table with the page's own “Load more” up to the end, and submits every row", async () => {
  await toSource();
  await visit("/more.html");
  await captureOnly(3, 2);
  await popup.getByLabel("Pages at most").fill("5");
  await popup.getByRole("button", { name: "Load more rows" }).click();
  await popup
    .getByText("Added 5 rows from 2 more pages: 8 rows in all. There is nothing more to load.")
    .waitFor({ timeout: 30_000 });
  await popup.getByText(/Captured 8 rows × 2 columns from 3 pages/).waitFor();
  await submit(8);
  expect((await records()).map((r) => r.firstName)).toEqual([
    "Mia",
    "Ned",
    "Oda",
    "Pia",
    "Quin",
    "Rex",
    "Sol",
    "Tia",
  ]);
});

it("adds the rows below of a virtualized grid by scrolling it, rows that read alike kept by their index", async () => {
  await toSource();
  await visit("/virtual.html");
  await captureOnly(5, 2);
  await popup.getByRole("button", { name: "Add the rows below" }).click();
  await popup
    .getByText(/^Added 25 rows from \d+ more pages: 30 rows in all\. There is nothing more to load\.$/)
    .waitFor({ timeout: 60_000 });
  await popup.getByText(/Captured 30 rows × 2 columns/).waitFor();
});

describe("the corpus of real page structures, through the real popup", () => {
  const results: { page: string; first: boolean; captured: boolean }[] = [];
  beforeAll(toSource);
  afterAll(() => {
    const tally = (key: "first" | "captured") => results.filter((r) => r[key]).length;
    console.info(
      `capture corpus in Chromium, ${results.length} pages: listed first ${tally("first")}, captured with its shape ${tally("captured")}`,
    );
  });

  it.each(CORPUS)(
    "%s: the intended table is listed first, with its shape and header, and captured",
    async (name) => {
      const html = readFileSync(join(CORPUS_DIR, `${name}.html`), "utf8");
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
      const expected = JSON.parse(readFileSync(join(CORPUS_DIR, `${name}.json`), "utf8")) as {
        header: string[] | null;
        rows: number;
        first: string[];
      };
      await visit(`/corpus/${name}.html`);
      await popup.getByRole("button", { name: "Capture a table from this page" }).click();
      const listed = popup.locator(".capture-list button").first();
      await listed.waitFor();
      const shape = `${expected.rows} ${expected.rows === 1 ? "row" : "rows"} × ${expected.first.length} columns`;
      const shown = (expected.header ?? expected.first).slice(0, 4).join(", ");
      const text = (await listed.textContent()) ?? "";
      await listed.click();
      const count = popup.locator(".capture-count");
      await expect.poll(async () => (await count.textContent()) ?? "").toContain(`“${title}”`);
      const result = {
        page: name,
        first: text.includes(`: ${shape} (${shown})`),
        captured: ((await count.textContent()) ?? "").startsWith(`Captured ${shape}`),
      };
      results.push(result);
      expect(result).toEqual({ page: name, first: true, captured: true });
    },
  );
});

it("reads an Excel workbook (sheet picker, title row, merged header, dates, formula) and submits it", async () => {
  const ws = XLSX.utils.aoa_to_sheet([
    ["Exported users"],
    ["Email", "Name", "", "Created on", "Seats"],
    ["pat@example.com", "Pat", "Ng", 45_322, 2],
    ["quinn@example.com", "Quinn", "Roe", 45_323, 4],
  ]);
  for (const addr of ["D3", "D4"]) (ws[addr] as XLSX.CellObject).z = "yyyy-mm-dd";
  ws.E4 = { t: "n", v: 4, f: "E3*2" };
  ws["!merges"] = [{ s: { r: 1, c: 1 }, e: { r: 1, c: 2 } }];
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([["Read me first"], ["-"]]), "Notes");
  XLSX.utils.book_append_sheet(book, ws, "Users");
  const file = join(tmpdir(), `intake-e2e-users-${Date.now()}.xlsx`);
  writeFileSync(file, XLSX.write(book, { type: "buffer", bookType: "xlsx" }) as Buffer);

  await toSource();
  await popup.getByLabel(/CSV or JSON file/).setInputFiles(file);
  await popup.getByLabel("Sheet").selectOption("Users");
  await popup.getByText(/: 2 rows, 5 columns, sheet “Users”/).waitFor();
  await popup.getByRole("button", { name: "Continue to mapping" }).click();
  await popup.getByLabel("Field for column Name", { exact: true }).selectOption("firstName");
  await popup.getByLabel("Field for column Name (2)").selectOption("lastName");
  await popup.getByLabel("Field for column Created on").selectOption("createdOn");
  await popup.getByRole("button", { name: /^Validate \d/ }).click();
  await popup.getByRole("button", { name: /Submit 2 records$/ }).click();
  const replace = popup.getByRole("button", { name: /^Replace version \d+$/ });
  const live = popup.getByText(/Dataset version \d+ is live/);
  await expect
    .poll(async () => (await live.count()) + (await replace.count()), { timeout: 60_000 })
    .toBeGreaterThan(0);
  if ((await live.count()) === 0) await replace.click();
  await live.waitFor({ timeout: 60_000 });
  expect(await records()).toEqual([
    { emailId: "pat@example.com", firstName: "Pat", lastName: "Ng", createdOn: "31012024" },
    { emailId: "quinn@example.com", firstName: "Quinn", lastName: "Roe", createdOn: "01022024" },
  ]);
  expect(await lastSourceName()).toMatch(/^intake-e2e-users-\d+\.xlsx$/);
});

it("reads pasted ranges: tab-separated text and an HTML table", async () => {
  await toSource();
  const paste = (data: Record<string, string>) =>
    popup.getByLabel("Paste a range").evaluate((area, entries) => {
      const transfer = new DataTransfer();
      for (const [type, value] of Object.entries(entries)) transfer.setData(type, value);
      area.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    }, data);
  await paste({ "text/plain": "Email\tFirst name\r\nrae@example.com\tRae\r\nsam@example.com\tSam\r\n" });
  await popup.getByText(/^Pasted range: 2 rows, 2 columns$/).waitFor();
  await paste({
    "text/html":
      "<table><tr><td>Email</td><td>First name</td><td>Status</td></tr><tr><td>tia@example.com</td><td>Tia</td><td>ACTIVE</td></tr></table>",
    "text/plain": "ignored",
  });
  await popup.getByText(/^Pasted range: 1 row, 3 columns$/).waitFor();
  // No separator to choose for a paste.
  expect(await popup.getByLabel("Separator").count()).toBe(0);
  await submit(1);
  expect(await records()).toEqual([{ emailId: "tia@example.com", firstName: "Tia", userStatus: "ACTIVE" }]);
  expect(await lastSourceName()).toBe("Pasted range");
});

/** The README's picture: the page with its table outlined beside the popup listing it. */
async function shootForReadme() {
  const shots = await Promise.all([
    site.screenshot({ clip: { x: 0, y: 0, width: 700, height: 560 } }),
    popup.screenshot({ clip: { x: 0, y: 0, width: 770, height: 560 } }),
  ]);
  const composer = await browser.context.newPage();
  await composer.setViewportSize({ width: 700 + 770 + 16, height: 560 });
  const src = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;
  await composer.setContent(
    `<body style="margin:0;display:flex;gap:16px;background:#e5e7eb"><img src="${src(shots[0])}" width="700" height="560"><img src="${src(shots[1])}" width="770" height="560"></body>`,
  );
  // The README's image is refreshed only on request (as in surfaces.test.ts); otherwise it goes to test-results.
  const target = process.env.INTAKE_UPDATE_DOCS === "1" ? README_SHOT : join(SHOTS, "capture-readme.png");
  mkdirSync(join(target, ".."), { recursive: true });
  await composer.screenshot({ path: target });
  await composer.close();
  await site.bringToFront();
}
