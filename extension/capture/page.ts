// The capture as it runs inside the page (injected per gesture by scripting.executeScript, in the
// extension's isolated world): find the candidates, outline them, read one. It answers only its
// caller (the injection's result); the outlines are inert boxes (pointer-events: none) removed
// when a table is read; the pick mode's listeners are removed as soon as the admin clicks a
// table or presses Escape. Nothing else stays behind.
import { type Candidate, candidateLabel, extractTable, findCandidates } from "./extract.ts";
import {
  type Captured,
  type CaptureReply,
  type CaptureRequest,
  NO_TABLE_MESSAGE,
  pageAddress,
  type TableLocator,
} from "./protocol.ts";

const OUTLINE_ATTR = "data-intake-outline";
const ACCENT = "#2563eb";

function clearOutlines(doc: Document): void {
  for (const el of doc.querySelectorAll(`[${OUTLINE_ATTR}]`)) el.remove();
  for (const frame of doc.querySelectorAll("iframe")) {
    try {
      const inner = (frame as HTMLIFrameElement).contentDocument;
      if (inner) clearOutlines(inner);
    } catch {
      // cross-origin: nothing of ours there
    }
  }
}

function outline(candidate: Candidate, label: string, strong = false): HTMLElement {
  const el = candidate.element;
  const doc = el.ownerDocument;
  const view = doc.defaultView;
  const rect = el.getBoundingClientRect();
  const box = doc.createElement("div");
  box.setAttribute(OUTLINE_ATTR, "");
  const x = rect.left + (view?.scrollX ?? 0);
  const y = rect.top + (view?.scrollY ?? 0);
  box.style.cssText = [
    "position:absolute",
    `left:${x - 3}px`,
    `top:${y - 3}px`,
    `width:${rect.width + 6}px`,
    `height:${rect.height + 6}px`,
    `border:${strong ? 3 : 2}px ${strong ? "solid" : "dashed"} ${ACCENT}`,
    "border-radius:6px",
    `background:${strong ? "rgba(37,99,235,.08)" : "transparent"}`,
    "pointer-events:none",
    "z-index:2147483647",
    "box-sizing:border-box",
  ].join(";");
  const tag = doc.createElement("span");
  tag.textContent = label;
  // Above the box, or inside it when the box touches the top of its document.
  const above = y >= 24;
  tag.style.cssText = `position:absolute;left:-2px;top:${above ? "-24px" : "0"};background:${ACCENT};color:#fff;font:600 12px/20px system-ui,sans-serif;padding:0 6px;border-radius:4px;white-space:nowrap`;
  box.append(tag);
  doc.documentElement.append(box);
  return box;
}

function summaryLine(index: number, rows: number, columns: number): string {
  const r = `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"}`;
  const c = `${columns} ${columns === 1 ? "column" : "columns"}`;
  return `${index + 1} · ${r} × ${c}`;
}

function widthOf(headers: string[] | null, rows: string[][]): number {
  return Math.max(headers?.length ?? 0, ...rows.slice(0, 1000).map((r) => r.length), 0);
}

function captured(doc: Document, candidate: Candidate): Captured {
  const table = extractTable(candidate);
  const locator: TableLocator = { path: candidate.path, headers: table.headers };
  return { table, locator, title: doc.title.trim(), url: pageAddress(doc.location.href) };
}

function sameHeaders(a: string[] | null, b: string[] | null): boolean {
  return a === null || b === null ? a === b : a.length === b.length && a.every((h, i) => h === b[i]);
}

function pick(doc: Document, candidates: Candidate[]): Promise<CaptureReply> {
  const view = doc.defaultView;
  return new Promise((resolve) => {
    let hovered: HTMLElement | undefined;
    const targets = new Map<Document, Candidate[]>();
    for (const c of candidates) {
      const d = c.element.ownerDocument;
      targets.set(d, [...(targets.get(d) ?? []), c]);
    }
    // The innermost candidate under the pointer.
    const under = (target: EventTarget | null) => {
      const node = target as Node | null;
      if (!node || typeof node.nodeType !== "number") return undefined;
      let best: Candidate | undefined;
      for (const c of candidates)
        if (c.element.contains(node) && (!best || best.element.contains(c.element))) best = c;
      return best;
    };
    const onMove = (e: Event) => {
      const c = under(e.target);
      hovered?.remove();
      hovered = c ? outline(c, "Click to send this table to Intake", true) : undefined;
    };
    const finish = (reply: CaptureReply) => {
      for (const d of targets.keys()) {
        d.removeEventListener("mousemove", onMove, true);
        d.removeEventListener("click", onClick, true);
        d.removeEventListener("keydown", onKey, true);
      }
      view?.removeEventListener("keydown", onKey, true);
      clearOutlines(doc);
      resolve(reply);
    };
    const onClick = (e: Event) => {
      if (!e.isTrusted) return; // the page cannot pick for the admin
      const c = under(e.target);
      if (!c) return;
      e.preventDefault();
      e.stopPropagation();
      finish({ status: "captured", captured: captured(c.element.ownerDocument, c) });
    };
    const onKey = (e: Event) => {
      if (e.isTrusted && (e as KeyboardEvent).key === "Escape") finish({ status: "cancelled" });
    };
    for (const d of targets.keys()) {
      d.addEventListener("mousemove", onMove, true);
      d.addEventListener("click", onClick, true);
      d.addEventListener("keydown", onKey, true);
    }
    if (!targets.has(doc)) doc.addEventListener("keydown", onKey, true);
  });
}

/** Runs one request against `doc` (the top document of the tab). */
export async function runCapture(doc: Document, request: CaptureRequest): Promise<CaptureReply> {
  clearOutlines(doc);
  if (request.mode === "clear") return { status: "cleared" };
  const candidates = findCandidates(doc);
  if (candidates.length === 0) return { status: "none", message: NO_TABLE_MESSAGE };
  const title = doc.title.trim();
  const url = pageAddress(doc.location.href);
  if (request.mode === "list") {
    const summaries = candidates.map((c, index) => {
      const table = extractTable(c);
      const columns = widthOf(table.headers, table.rows);
      outline(c, summaryLine(index, table.rows.length, columns));
      return {
        index,
        kind: c.kind,
        label: candidateLabel(c.element),
        rows: table.rows.length,
        columns,
        headers: (table.headers ?? table.rows[0] ?? []).slice(0, 4),
      };
    });
    return { status: "list", candidates: summaries };
  }
  if (request.mode === "extract") {
    const c = candidates[request.index];
    if (!c) return { status: "none", message: "That table is no longer on the page. Capture again." };
    return { status: "captured", captured: { ...captured(c.element.ownerDocument, c), title, url } };
  }
  if (request.mode === "again") {
    const { locator } = request;
    const samePlace = candidates.find((c) => c.path === locator.path);
    const reads = (samePlace ? [samePlace] : []).concat(candidates.filter((c) => c !== samePlace));
    for (const c of reads) {
      const table = extractTable(c);
      if (sameHeaders(table.headers, locator.headers) && (c === samePlace || locator.headers !== null))
        return { status: "captured", captured: { table, locator, title, url } };
    }
    return {
      status: "none",
      message: samePlace
        ? "The table on the page now has other columns than the one captured. Go back to the same list and try again."
        : "The captured table is no longer on the page. Go back to the same list and try again.",
    };
  }
  if (candidates.length === 1) {
    const only = candidates[0] as Candidate;
    return { status: "captured", captured: { ...captured(only.element.ownerDocument, only), title, url } };
  }
  candidates.forEach((c, i) => {
    outline(c, `${i + 1}`);
  });
  const reply = await pick(doc, candidates);
  return reply.status === "captured" ? { ...reply, captured: { ...reply.captured, title, url } } : reply;
}
