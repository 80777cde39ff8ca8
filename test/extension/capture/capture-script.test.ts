// The capture script's requests after the first capture (extension/capture/page.ts): the same
// table again (its locator through Chrome, which drops null arguments), and further rows: "Load
// more" clicked until it is gone, the page limit, a page repeating rows or changing columns, and a
// virtualized grid scrolled, merged by row index.
import { beforeEach, describe, expect, it } from "vitest";
import { runCapture } from "../../../extension/capture/page.ts";
import type { CaptureReply, CaptureRequest } from "../../../extension/capture/protocol.ts";

beforeEach(() => {
  document.head.innerHTML = "";
  document.body.innerHTML = "";
});

/** What Chrome's scripting.executeScript does to an argument: a null property arrives missing. */
const throughChrome = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value, (_k, v) => (v === null ? undefined : v)));

const captureOf = (reply: CaptureReply) => {
  if (reply.status !== "captured" && reply.status !== "more") throw new Error(JSON.stringify(reply));
  return reply.captured;
};

describe("the capture script: the same table again, and further rows", () => {
  it("adds the next page of a table without header row though Chrome drops null arguments", async () => {
    document.body.innerHTML = `<table><tr><td>a@x.io</td><td>Ann</td></tr><tr><td>b@x.io</td><td>Bob</td></tr></table>`;
    const first = captureOf(await runCapture(document, { mode: "extract", index: 0 }));
    expect(first.table.headers).toBeNull();
    (document.querySelector("tbody") as Element).innerHTML += "<tr><td>c@x.io</td><td>Cy</td></tr>";
    const again = captureOf(
      await runCapture(document, throughChrome({ mode: "again", locator: first.locator })),
    );
    expect(again.table.rows.map((r) => r[1])).toEqual(["Ann", "Bob", "Cy"]);
  });

  const nothingToWait = async () => {};

  it("clicks “Load more” until it is gone, merging rows, and says why it stopped", async () => {
    const people = ["Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus"];
    document.body.innerHTML = `<h2>People</h2><table id="t"><thead><tr><th>Name</th><th>Email</th></tr></thead><tbody></tbody></table>
      <button id="more" type="button">Load more</button>`;
    let shown = 0;
    const more = () => {
      const next = people.slice(shown, shown + 3);
      shown += next.length;
      (document.querySelector("#t tbody") as Element).innerHTML += next
        .map((p) => `<tr><td>${p}</td><td>${p.toLowerCase()}@x.io</td></tr>`)
        .join("");
      if (shown >= people.length) document.getElementById("more")?.remove();
    };
    document.getElementById("more")?.addEventListener("click", more);
    more();
    const first = captureOf(await runCapture(document, { mode: "extract", index: 0 }));
    expect(first.advance).toBe("more");
    const request: CaptureRequest = { mode: "more", locator: first.locator, advance: "more", pages: 10 };
    const reply = await runCapture(document, throughChrome(request), nothingToWait);
    expect(reply.status === "more" && [reply.pages, reply.stopped]).toEqual([2, "end"]);
    expect(captureOf(reply).table.rows.map((r) => r[0])).toEqual(people);
  });

  it("stops at the page limit, on a page that repeats rows, and when the columns change", async () => {
    document.body.innerHTML = `<table id="t"><thead><tr><th>Name</th><th>Page</th></tr></thead><tbody></tbody></table>
      <button id="next" type="button" aria-label="Next page">›</button>`;
    let page = 0;
    const render = (p: number) =>
      `<tr><td>row ${p}a</td><td>${p}</td></tr><tr><td>row ${p}b</td><td>${p}</td></tr>`;
    const show = () => {
      const body = document.querySelector("#t tbody") as Element;
      body.innerHTML = render(page);
    };
    document.getElementById("next")?.addEventListener("click", () => {
      page = Math.min(page + 1, 3);
      show();
    });
    show();
    const first = captureOf(await runCapture(document, { mode: "extract", index: 0 }));
    expect(first.advance).toBe("next");
    const more = (pages: number) =>
      runCapture(document, { mode: "more", locator: first.locator, advance: "next", pages }, nothingToWait);
    const limited = await more(2);
    expect(limited.status === "more" && [limited.pages, limited.stopped]).toEqual([2, "limit"]);
    expect(captureOf(limited).table.rows.map((r) => r[1])).toEqual(["0", "0", "1", "1", "2", "2"]);
    // Page 3 is the last: Next shows it again.
    const repeated = await more(10);
    expect(repeated.status === "more" && [repeated.pages, repeated.stopped]).toEqual([1, "repeated"]);
    // The header goes while the next page is drawn: that is not the table captured any more.
    page = 0;
    show();
    const changed = await runCapture(
      document,
      { mode: "more", locator: first.locator, advance: "next", pages: 5 },
      async () => {
        document.querySelector("#t thead")?.replaceChildren();
      },
    );
    expect(changed.status === "more" && [changed.pages, changed.stopped]).toEqual([0, "columns"]);
  });

  it("adds the rows below of a virtualized grid by scrolling its viewport, merged by row index", async () => {
    // 20 rows, 5 drawn at a time in a viewport 200px high of rows 40px high; rows 7 and 8 read alike.
    const all = Array.from({ length: 20 }, (_, i) =>
      i === 7 || i === 8 ? ["Same", "same@x.io"] : [`P${i}`, `p${i}@x.io`],
    );
    document.body.innerHTML = `<div role="grid" id="g" aria-rowcount="21">
      <div role="row" aria-rowindex="1"><div role="columnheader" aria-colindex="1">Name</div><div role="columnheader" aria-colindex="2">Email</div></div>
      <div id="viewport" style="overflow-y: auto; height: 200px"><div id="rows"></div></div></div>`;
    const viewport = document.getElementById("viewport") as HTMLElement;
    let top = 0;
    const draw = () => {
      const from = Math.floor(top / 40);
      (document.getElementById("rows") as HTMLElement).innerHTML = all
        .slice(from, from + 5)
        .map(
          (r, k) =>
            `<div role="row" aria-rowindex="${from + k + 2}"><div role="gridcell" aria-colindex="1">${r[0]}</div><div role="gridcell" aria-colindex="2">${r[1]}</div></div>`,
        )
        .join("");
    };
    Object.defineProperties(viewport, {
      scrollHeight: { get: () => 800 },
      clientHeight: { get: () => 200 },
      scrollTop: {
        get: () => top,
        set: (value: number) => {
          top = Math.min(Math.max(0, value), 600);
          draw();
        },
      },
    });
    draw();
    const first = captureOf(await runCapture(document, { mode: "extract", index: 0 }));
    expect([first.advance, first.table.rows.length]).toEqual(["scroll", 5]);
    const reply = await runCapture(
      document,
      { mode: "more", locator: first.locator, advance: "scroll", pages: 50 },
      nothingToWait,
    );
    expect(reply.status === "more" && reply.stopped).toBe("end");
    const table = captureOf(reply).table;
    expect(table.rows).toEqual(all);
    expect(table.rowIndexes).toEqual(all.map((_, i) => i + 2));
  });
});
