// "Capture a table from this page": the tables of the page the admin is on, outlined and listed
// with their names and row and column counts; the one picked is read like a file. "Add the next
// page" appends another capture of the same table (after the admin paged or scrolled the
// console): identical rows dropped, headers checked. When the page script can reach further rows
// itself (scroll the grid, click "Load more" or Next), one more button does so, up to the number
// of pages the admin sets. A table sent by the context menu arrives here too.
import { ChevronsDown, ListPlus, TableProperties } from "lucide-preact";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  type Advance,
  type AdvanceStop,
  type CandidateSummary,
  type Captured,
  type CapturedTable,
  type CaptureReply,
  type CaptureRequest,
  MAX_ADVANCE_PAGES,
} from "../../capture/protocol.ts";
import { activeWebTab, captureInTab, NO_ACCESS_MESSAGE, pendingCaptureItem } from "../../capture/tab.ts";
import { captureFileName, mergePages, tableFile } from "../../capture/table-file.ts";
import { Banner } from "../../ui/Banner.tsx";
import { plural } from "../../ui/format.ts";
import type { OnSource } from "./types.ts";
import "./sources.css";

/** The page-side of capturing (the browser's tabs and scripting; a fake in tests). */
export interface CaptureApi {
  activeTab(): Promise<number | undefined>;
  run(tabId: number, request: CaptureRequest): Promise<CaptureReply>;
  /** A table the context menu captured, waiting for the flow (taken once). */
  takePending(): Promise<Captured | null>;
  onPending(listener: () => void): () => void;
}

export const browserCapture: CaptureApi = {
  activeTab: activeWebTab,
  run: captureInTab,
  takePending: async () => {
    const pending = await pendingCaptureItem.getValue();
    if (pending) await pendingCaptureItem.setValue(null);
    return pending;
  },
  onPending: (listener) => pendingCaptureItem.watch((value) => value && listener()),
};

/** The name a capture is recorded under: the page's title and its address (no query string). */
export function captureSourceName(c: Pick<Captured, "title" | "url">): string {
  return c.title ? `${c.title} (${c.url})` : c.url;
}

interface Capture {
  tabId: number | undefined;
  captured: Captured;
  table: CapturedTable;
  pages: number;
}

const widthOf = (t: CapturedTable) => Math.max(t.headers?.length ?? 0, ...t.rows.map((r) => r.length), 0);

const ADVANCE_LABELS: Record<Advance, string> = {
  scroll: "Add the rows below",
  more: "Load more rows",
  next: "Add the following pages",
};

const STOPPED: Record<AdvanceStop, (limit: number) => string> = {
  end: () => "There is nothing more to load.",
  repeated: () => "The table showed only rows already captured.",
  columns: () => "The table's columns changed: go back to the same list to go on.",
  limit: (limit) => `Stopped after ${plural(limit, "page")}, the limit set.`,
  time: () => "Stopped: it took too long. Try again to go on.",
};

export function CaptureSource({ onSource, api = browserCapture }: { onSource: OnSource; api?: CaptureApi }) {
  const [busy, setBusy] = useState(false);
  const [candidates, setCandidates] = useState<{ tabId: number; list: CandidateSummary[] }>();
  const [capture, setCapture] = useState<Capture>();
  const [message, setMessage] = useState<{ tone: "danger" | "warning" | "success"; text: string }>();
  const [pageLimit, setPageLimit] = useState(10);
  const current = useRef<Capture>();
  current.current = capture;

  const use = (next: Capture) => {
    setCapture(next);
    current.current = next;
    setCandidates(undefined);
    const file = tableFile(next.table, captureFileName(next.captured.title));
    onSource(file, {
      fileName: file.name,
      sourceName: captureSourceName(next.captured),
      // A table with a header row says so; one without lets the reading find it, as for a CSV.
      ...(next.table.headers ? { headerRow: 0 } : {}),
      delimiter: ",",
    });
  };

  const addPage = (base: Capture, captured: Captured, tabId: number | undefined) => {
    const merged = mergePages(base.table, captured.table);
    if (!merged.ok) {
      setMessage({ tone: "danger", text: merged.message });
      return;
    }
    setMessage({
      tone: merged.added > 0 ? "success" : "warning",
      text:
        merged.added > 0
          ? `Added ${plural(merged.added, "row")}${merged.duplicates > 0 ? ` (${plural(merged.duplicates, "row")} already captured left out)` : ""}: ${plural(merged.table.rows.length, "row")} in all.`
          : "No new rows: this page shows only rows already captured. Go to the next page of the list first.",
    });
    if (merged.added > 0) use({ ...base, tabId, table: merged.table, pages: base.pages + 1 });
  };

  // A table sent with the context menu: a new capture, or the next page of this one.
  useEffect(() => {
    const take = async () => {
      const pending = await api.takePending();
      if (!pending) return;
      const base = current.current;
      const samePlace =
        base && base.captured.url === pending.url && base.captured.locator.path === pending.locator.path;
      if (base && samePlace) addPage(base, pending, base.tabId);
      else {
        setMessage(undefined);
        use({ tabId: undefined, captured: pending, table: pending.table, pages: 1 });
      }
    };
    void take();
    return api.onPending(() => void take());
  }, [api]);

  async function run(
    request: CaptureRequest,
    tabId?: number,
  ): Promise<{ reply: CaptureReply; tabId: number } | undefined> {
    setBusy(true);
    setMessage(undefined);
    try {
      const tab = tabId ?? (await api.activeTab());
      if (tab === undefined) {
        setMessage({ tone: "danger", text: NO_ACCESS_MESSAGE });
        return undefined;
      }
      const reply = await api.run(tab, request);
      if (reply.status === "none") setMessage({ tone: "danger", text: reply.message });
      return { reply, tabId: tab };
    } finally {
      setBusy(false);
    }
  }

  async function list() {
    const done = await run({ mode: "list" });
    if (done?.reply.status === "list") setCandidates({ tabId: done.tabId, list: done.reply.candidates });
  }

  async function pick(tabId: number, index: number) {
    const done = await run({ mode: "extract", index }, tabId);
    if (done?.reply.status === "captured")
      use({ tabId, captured: done.reply.captured, table: done.reply.captured.table, pages: 1 });
  }

  async function nextPage(base: Capture) {
    const done = await run({ mode: "again", locator: base.captured.locator }, base.tabId);
    if (done?.reply.status === "captured") addPage(base, done.reply.captured, done.tabId);
  }

  async function reachMore(base: Capture, advance: Advance) {
    const locator = base.captured.locator;
    const done = await run({ mode: "more", locator, advance, pages: pageLimit }, base.tabId);
    if (done?.reply.status !== "more") return;
    const { captured, pages, stopped } = done.reply;
    const merged = mergePages(base.table, captured.table);
    if (!merged.ok) {
      setMessage({ tone: "danger", text: merged.message });
      return;
    }
    const why = STOPPED[stopped](pageLimit);
    if (merged.added === 0) {
      setMessage({ tone: "warning", text: `No new rows. ${why}` });
      return;
    }
    setMessage({
      tone: "success",
      text: `Added ${plural(merged.added, "row")} from ${plural(pages, "more page")}: ${plural(merged.table.rows.length, "row")} in all. ${why}`,
    });
    use({ ...base, tabId: done.tabId, table: merged.table, pages: base.pages + pages });
  }

  return (
    <div class="capture-source">
      <div class="btn-row">
        <button type="button" class="btn btn--secondary" aria-busy={busy ? "true" : undefined} onClick={list}>
          <TableProperties aria-hidden="true" />
          Capture a table from this page
        </button>
        {capture && (
          <button
            type="button"
            class="btn btn--secondary"
            aria-busy={busy ? "true" : undefined}
            onClick={() => nextPage(capture)}
          >
            <ListPlus aria-hidden="true" />
            Add the next page
          </button>
        )}
        {capture?.captured.advance && (
          <>
            <button
              type="button"
              class="btn btn--secondary"
              aria-busy={busy ? "true" : undefined}
              onClick={() => reachMore(capture, capture.captured.advance as Advance)}
            >
              <ChevronsDown aria-hidden="true" />
              {ADVANCE_LABELS[capture.captured.advance]}
            </button>
            <label class="capture-limit">
              Pages at most{" "}
              <input
                class="input"
                type="number"
                min={1}
                max={MAX_ADVANCE_PAGES}
                value={pageLimit}
                onInput={(e) => {
                  const n = Number.parseInt(e.currentTarget.value, 10);
                  if (Number.isFinite(n)) setPageLimit(Math.max(1, Math.min(MAX_ADVANCE_PAGES, n)));
                }}
              />
            </label>
          </>
        )}
      </div>
      {candidates && (
        <fieldset class="capture-candidates">
          <legend>
            {candidates.list.length === 1
              ? "1 table on this page (outlined):"
              : `${candidates.list.length} tables on this page (outlined and numbered):`}
          </legend>
          <ul class="capture-list">
            {candidates.list.map((c) => (
              <li key={c.index}>
                <button type="button" class="btn btn--ghost" onClick={() => pick(candidates.tabId, c.index)}>
                  <span class="num">{c.index + 1}</span> {c.label}: {plural(c.rows, "row")} ×{" "}
                  {plural(c.columns, "column")}
                  {c.headers.length > 0 && <span class="muted"> ({c.headers.join(", ")})</span>}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {capture && (
        <p role="status" class="capture-count">
          Captured <span class="num">{plural(capture.table.rows.length, "row")}</span> ×{" "}
          {plural(widthOf(capture.table), "column")} from {plural(capture.pages, "page")} of “
          {capture.captured.title || capture.captured.url}”
        </p>
      )}
      {message && (
        <Banner tone={message.tone} live={message.tone === "danger" ? "alert" : "status"}>
          {message.text}
        </Banner>
      )}
    </div>
  );
}
