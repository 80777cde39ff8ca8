// The capture in the source step, against a fake page: list and pick a table, add the next pages
// (duplicates dropped, other columns refused with a clear message; a virtualized grid's rows merged
// by row index), further rows reached by the page script up to the pages set, a table sent by the
// context menu, and what reaches the pipeline (a CSV file, its source name and header row).
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import type {
  Advance,
  Captured,
  CapturedTable,
  CaptureReply,
  CaptureRequest,
} from "../../../extension/capture/protocol.ts";
import { type CaptureApi, CaptureSource } from "../../../extension/flow/sources/CaptureSource.tsx";
import type { SourceOptions } from "../../../extension/flow/sources/types.ts";

afterEach(cleanup);

const captured = (table: CapturedTable, advance?: Advance): Captured => ({
  table,
  locator: { path: "1.2", headers: table.headers ?? [] },
  title: "Users · Acme",
  url: "https://admin.acme.example/users",
  ...(advance ? { advance } : {}),
});

function fakePage(pages: CapturedTable[], pending: Captured | null = null, more?: CaptureReply) {
  const requests: CaptureRequest[] = [];
  let page = 0;
  let listener: (() => void) | undefined;
  const api: CaptureApi = {
    activeTab: async () => 7,
    run: async (_tab, request): Promise<CaptureReply> => {
      requests.push(request);
      if (request.mode === "more" && more) return more;
      if (request.mode === "list")
        return {
          status: "list",
          candidates: [{ index: 0, label: "Users", rows: 2, columns: 2, headers: ["Email", "Name"] }],
        };
      return { status: "captured", captured: captured(pages[page++] as CapturedTable, more && "more") };
    },
    takePending: async () => {
      const p = pending;
      pending = null;
      return p;
    },
    onPending: (l) => {
      listener = l;
      return () => {};
    },
  };
  const send = (next: Captured) => {
    pending = next;
    listener?.();
  };
  return { api, requests, send };
}

function mount(api: CaptureApi) {
  const sources: { text: Promise<string>; options: SourceOptions }[] = [];
  render(
    <CaptureSource api={api} onSource={(file, options) => sources.push({ text: file.text(), options })} />,
  );
  return sources;
}

const H = ["Email", "Name"];

describe("capturing a table in the source step", () => {
  it("lists the page's tables, reads the one picked, and appends next pages without repeats", async () => {
    const { api, requests } = fakePage([
      {
        headers: H,
        rows: [
          ["a@x.io", "Ann"],
          ["b@x.io", "Bob"],
        ],
      },
      {
        headers: H,
        rows: [
          ["b@x.io", "Bob"],
          ["c@x.io", "Cy"],
        ],
      },
      { headers: ["Email", "Role"], rows: [["d@x.io", "Admin"]] },
    ]);
    const sources = mount(api);
    fireEvent.click(screen.getByRole("button", { name: "Capture a table from this page" }));
    fireEvent.click(await screen.findByRole("button", { name: /Users: 2 rows × 2 columns/ }));
    await screen.findByText(/Captured/);
    expect(screen.getByRole("status").textContent).toBe(
      "Captured 2 rows × 2 columns from 1 page of “Users · Acme”",
    );
    expect(sources).toHaveLength(1);
    expect(await sources[0]?.text).toBe("Email,Name\r\na@x.io,Ann\r\nb@x.io,Bob\r\n");
    expect(sources[0]?.options).toEqual({
      fileName: "Users · Acme.csv",
      sourceName: "Users · Acme (https://admin.acme.example/users)",
      headerRow: 0,
      delimiter: ",",
    });

    fireEvent.click(screen.getByRole("button", { name: "Add the next page" }));
    await screen.findByText("Added 1 row (1 row already captured left out): 3 rows in all.");
    expect(requests.at(-1)).toEqual({ mode: "again", locator: { path: "1.2", headers: H } });
    expect(await sources[1]?.text).toBe("Email,Name\r\na@x.io,Ann\r\nb@x.io,Bob\r\nc@x.io,Cy\r\n");
    expect(screen.getByText(/from 2 pages/)).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Add the next page" }));
    await screen.findByText(
      /This page's table has other columns \(Email, Role\) than the one captured \(Email, Name\)/,
    );
    expect(sources).toHaveLength(2);
  });

  it("merges the next rows of a virtualized grid by row index: rows that read alike are both kept", async () => {
    const { api } = fakePage([
      {
        headers: H,
        rows: [
          ["a@x.io", "Ann"],
          ["b@x.io", "Bob"],
        ],
        rowIndexes: [2, 3],
      },
      {
        headers: H,
        rows: [
          ["b@x.io", "Bob"],
          ["a@x.io", "Ann"],
          ["c@x.io", "Cy"],
        ],
        rowIndexes: [3, 4, 5],
      },
    ]);
    const sources = mount(api);
    fireEvent.click(screen.getByRole("button", { name: "Capture a table from this page" }));
    fireEvent.click(await screen.findByRole("button", { name: /Users: 2 rows × 2 columns/ }));
    await screen.findByText(/Captured/);
    fireEvent.click(screen.getByRole("button", { name: "Add the next page" }));
    await screen.findByText("Added 2 rows (1 row already captured left out): 4 rows in all.");
    expect(await sources[1]?.text).toBe(
      "Email,Name\r\na@x.io,Ann\r\nb@x.io,Bob\r\na@x.io,Ann\r\nc@x.io,Cy\r\n",
    );
  });

  it("reaches further rows with the page's own “Load more”, up to the pages the admin sets, and says why it stopped", async () => {
    const more: CaptureReply = {
      status: "more",
      captured: captured(
        {
          headers: H,
          rows: [
            ["b@x.io", "Bob"],
            ["c@x.io", "Cy"],
            ["d@x.io", "Dee"],
          ],
        },
        "more",
      ),
      pages: 2,
      stopped: "end",
    };
    const { api, requests } = fakePage(
      [
        {
          headers: H,
          rows: [
            ["a@x.io", "Ann"],
            ["b@x.io", "Bob"],
          ],
        },
      ],
      null,
      more,
    );
    const sources = mount(api);
    fireEvent.click(screen.getByRole("button", { name: "Capture a table from this page" }));
    fireEvent.click(await screen.findByRole("button", { name: /Users: 2 rows × 2 columns/ }));
    await screen.findByText(/Captured/);
    fireEvent.input(screen.getByLabelText("Pages at most"), { target: { value: "3" } });
    fireEvent.click(screen.getByRole("button", { name: "Load more rows" }));
    await screen.findByText("Added 2 rows from 2 more pages: 4 rows in all. There is nothing more to load.");
    expect(requests.at(-1)).toEqual({
      mode: "more",
      locator: { path: "1.2", headers: H },
      advance: "more",
      pages: 3,
    });
    expect(screen.getByText(/from 3 pages/).textContent).toBe(
      "Captured 4 rows × 2 columns from 3 pages of “Users · Acme”",
    );
    expect(await sources[1]?.text).toBe(
      "Email,Name\r\na@x.io,Ann\r\nb@x.io,Bob\r\nc@x.io,Cy\r\nd@x.io,Dee\r\n",
    );
  });

  it("takes a table the context menu sent, and the next one from the same place as its next page", async () => {
    const first = captured({ headers: H, rows: [["a@x.io", "Ann"]] });
    const { api, send } = fakePage([], first);
    const sources = mount(api);
    await waitFor(() => expect(sources).toHaveLength(1));
    send(
      captured({
        headers: H,
        rows: [
          ["a@x.io", "Ann"],
          ["e@x.io", "Eve"],
        ],
      }),
    );
    await screen.findByText("Added 1 row (1 row already captured left out): 2 rows in all.");
    expect(await sources[1]?.text).toBe("Email,Name\r\na@x.io,Ann\r\ne@x.io,Eve\r\n");
  });

  it("says what to do when the page cannot be read", async () => {
    const api: CaptureApi = {
      activeTab: async () => 3,
      run: async () => ({ status: "none", message: "No table was found on this page." }),
      takePending: async () => null,
      onPending: () => () => {},
    };
    const sources = mount(api);
    fireEvent.click(screen.getByRole("button", { name: "Capture a table from this page" }));
    expect((await screen.findByRole("alert")).textContent).toContain("No table was found on this page.");
    expect(sources).toHaveLength(0);
  });
});
