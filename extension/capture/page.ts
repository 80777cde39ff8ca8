// The capture as it runs inside the page (injected per gesture by scripting.executeScript, in the
// extension's isolated world): find the candidates, outline them, read one, and on request reach
// the rows after those shown (scroll the table's viewport, click its "Load more" or Next button).
// It answers only its caller (the injection's result); the outlines are inert boxes
// (pointer-events: none) removed when a table is read, each labelled where the label covers no
// text of the page; the pick mode's listeners are removed as soon as the admin clicks a table or
// presses Escape. Nothing else stays behind.
import { type Candidate, candidateNames, extractTable, findCandidates } from "./extract.ts";
import { MAX_CAPTURED_ROWS } from "./grid.ts";
import {
  type Advance,
  type AdvanceStop,
  type Captured,
  type CapturedTable,
  type CaptureReply,
  type CaptureRequest,
  MAX_ADVANCE_PAGES,
  NO_TABLE_MESSAGE,
  pageAddress,
  type TableLocator,
} from "./protocol.ts";
import { mergePages, sameHeaders } from "./table-file.ts";
import { isHidden } from "./text.ts";

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

/** Elements whose text is never drawn. */
const UNDRAWN = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TITLE", "HEAD"]);

type Area = Pick<DOMRect, "left" | "top" | "right" | "bottom">;
const meets = (r: Area, area: Area) =>
  r.right > r.left &&
  r.bottom > r.top &&
  r.left < area.right &&
  r.right > area.left &&
  r.top < area.bottom &&
  r.bottom > area.top;

/**
 * Whether `area` (viewport coordinates) of `doc` shows text of the page, or another outline's
 * label. Only the elements whose box meets the area are walked into (and those with no box of
 * their own, which may still hold drawn text), so a big table elsewhere costs nothing.
 */
function textWithin(doc: Document, area: Area, own: Element): boolean {
  for (const label of doc.querySelectorAll(`[${OUTLINE_ATTR}] > span`))
    if (label !== own && meets(label.getBoundingClientRect(), area)) return true;
  const view = doc.defaultView;
  const root = doc.body ?? doc.documentElement;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.TEXT_NODE)
        return /\S/.test((node as Text).data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      const el = node as Element;
      if (el.hasAttribute(OUTLINE_ATTR) || UNDRAWN.has(el.tagName)) return NodeFilter.FILTER_REJECT;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0)
        return view?.getComputedStyle(el).display === "none"
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_SKIP;
      return meets(r, area) ? NodeFilter.FILTER_SKIP : NodeFilter.FILTER_REJECT;
    },
  });
  const range = doc.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (meets(r, area)) return true;
  }
  return false;
}

/**
 * Places an outline's label where it covers no text: above the box (where it reads best), else
 * just below it, else — text above and below — inside the box's top-left corner, over the table's
 * own first row. Above and below count only inside the document (an iframe's bottom clips).
 */
function placeLabel(doc: Document, tag: HTMLElement, border: number, bottomLimit: number): void {
  const scrollY = doc.defaultView?.scrollY ?? 0;
  const spots: [string, (r: DOMRect) => boolean][] = [
    ["-24px", (r) => r.top + scrollY >= 0],
    [`calc(100% + ${border + 2}px)`, (r) => r.bottom + scrollY <= bottomLimit],
  ];
  for (const [top, fits] of spots) {
    tag.style.top = top;
    const r = tag.getBoundingClientRect();
    if (fits(r) && !textWithin(doc, r, tag)) return;
  }
  // Inside the table's own box, clear of the outline's border and of the text above.
  tag.style.top = `${4 - border}px`;
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
  const bottomLimit = Math.max(doc.documentElement.scrollHeight, view?.innerHeight ?? 0);
  const border = strong ? 3 : 2;
  box.style.cssText = [
    "position:absolute",
    `left:${x - 3}px`,
    `top:${y - 3}px`,
    `width:${rect.width + 6}px`,
    `height:${rect.height + 6}px`,
    `border:${border}px ${strong ? "solid" : "dashed"} ${ACCENT}`,
    "border-radius:6px",
    `background:${strong ? "rgba(37,99,235,.08)" : "transparent"}`,
    "pointer-events:none",
    "z-index:2147483647",
    "box-sizing:border-box",
  ].join(";");
  const tag = doc.createElement("span");
  tag.textContent = label;
  tag.style.cssText = `position:absolute;left:-2px;top:0;background:${ACCENT};color:#fff;font:600 12px/20px system-ui,sans-serif;padding:0 6px;border-radius:4px;white-space:nowrap`;
  box.append(tag);
  doc.documentElement.append(box);
  placeLabel(doc, tag, border, bottomLimit);
  return box;
}

function summaryLine(index: number, name: string, rows: number, columns: number): string {
  const r = `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"}`;
  const c = `${columns} ${columns === 1 ? "column" : "columns"}`;
  return `${index + 1} · ${name} · ${r} × ${c}`;
}

function widthOf(headers: string[] | null, rows: string[][]): number {
  return Math.max(headers?.length ?? 0, ...rows.slice(0, 1000).map((r) => r.length), 0);
}

// ---------------------------------------------------------------------------------------------
// Reaching the rows after those shown.
// ---------------------------------------------------------------------------------------------

const CLICKABLE = 'button,a,[role="button"],[role="link"],input[type="button" i]';
const MORE_TEXT =
  /^(?:load|show|view|see|display)\s+(?:\d+\s+)?more\b|^more(?:\s+(?:results|rows|items|records|entries))?$/i;
const NEXT_TEXT = /^(?:(?:go\s+to\s+(?:the\s+)?)?next(?:\s+page)?|[›»>→])$/i;

/** What a control says: its text, value, aria-label or title. */
function controlTexts(el: Element): string[] {
  const value = el.tagName === "INPUT" ? (el as HTMLInputElement).value : "";
  return [el.textContent, value, el.getAttribute("aria-label"), el.getAttribute("title")]
    .map((t) => (t ?? "").replace(/\s+/g, " ").trim())
    .filter((t) => t !== "");
}

const isDisabled = (el: Element) =>
  (el as HTMLButtonElement).disabled === true ||
  el.getAttribute("aria-disabled") === "true" ||
  el.classList.contains("disabled") ||
  el.parentElement?.classList.contains("disabled") === true;

/** A click that loads another document would end this script: such controls are left to the admin. */
function loadsPage(el: Element): boolean {
  if (el.tagName === "A" && el.getAttribute("role") !== "button") {
    const href = el.getAttribute("href");
    return href !== null && !href.startsWith("#") && !/^javascript:/i.test(href);
  }
  return (
    el.tagName === "BUTTON" &&
    (el as HTMLButtonElement).type === "submit" &&
    (el as HTMLButtonElement).form !== null
  );
}

const isMore = (el: Element) => controlTexts(el).some((t) => MORE_TEXT.test(t));
/** A Next control; one whose aria-label says otherwise ("Last" on a "»") is not. */
const isNext = (el: Element) => {
  const label = el.getAttribute("aria-label")?.trim();
  if (label) return NEXT_TEXT.test(label);
  return (
    el.getAttribute("rel") === "next" ||
    el.classList.contains("next") ||
    controlTexts(el).some((t) => NEXT_TEXT.test(t))
  );
};

/** The nearest usable control after the table (or in it) that `matches`, looking a few levels up. */
function controlNear(el: Element, matches: (control: Element) => boolean): HTMLElement | undefined {
  let scope: Element | null = el;
  for (let level = 0; scope && level < 5; level++, scope = scope.parentElement) {
    for (const control of scope.querySelectorAll(CLICKABLE)) {
      if (!(el.compareDocumentPosition(control) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      if (isHidden(control) || isDisabled(control) || loadsPage(control) || !matches(control)) continue;
      return control as HTMLElement;
    }
    if (scope === el.ownerDocument.body) break;
  }
  return undefined;
}

/** The element the table's rows scroll in, when it has more below. */
function scrollerBelow(candidate: Candidate): HTMLElement | undefined {
  const { element, kind, parts } = candidate;
  const row =
    kind === "list"
      ? element.lastElementChild
      : [...(parts?.at(-1) ?? element).querySelectorAll(kind === "grid" ? '[role="row"]' : "tr")].at(-1);
  const view = element.ownerDocument.defaultView;
  for (let e = row?.parentElement ?? null; e && e !== element.ownerDocument.body; e = e.parentElement) {
    const overflow = view?.getComputedStyle(e).overflowY ?? "";
    if (/auto|scroll|overlay/.test(overflow) && e.scrollHeight > e.clientHeight + 1)
      return e.scrollTop + e.clientHeight < e.scrollHeight - 1 ? (e as HTMLElement) : undefined;
  }
  return undefined;
}

/** One step further with `advance`, or undefined when it can go no further. */
function stepFor(candidate: Candidate, advance: Advance): (() => void) | undefined {
  if (advance === "scroll") {
    const scroller = scrollerBelow(candidate);
    return scroller
      ? () => {
          scroller.scrollTop += Math.max(1, Math.floor(scroller.clientHeight * 0.9));
        }
      : undefined;
  }
  const control = controlNear(candidate.element, advance === "more" ? isMore : isNext);
  return control ? () => control.click() : undefined;
}

/** How further rows of this table can be reached, if at all: "Load more", scrolling, or Next. */
function advanceFor(candidate: Candidate): Advance | undefined {
  if (stepFor(candidate, "more")) return "more";
  const next = stepFor(candidate, "next");
  if (stepFor(candidate, "scroll") && (candidate.kind === "grid" || !next)) return "scroll";
  return next ? "next" : undefined;
}

/** Waits after a step until `changed()` holds once the page is quiet, or the step's time is up. */
export type Settle = (watch: Node, changed: () => boolean) => Promise<void>;

const QUIET_MS = 250;
const STEP_TIMEOUT_MS = 8_000;
const ADVANCE_TIME_LIMIT_MS = 120_000;

export const settleDom: Settle = (watch, changed) =>
  new Promise((resolve) => {
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      observer.disconnect();
      clearTimeout(quiet);
      clearTimeout(limit);
      resolve();
    };
    const observer = new MutationObserver(() => {
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        if (changed()) finish();
      }, QUIET_MS);
    });
    observer.observe(watch, { childList: true, subtree: true, characterData: true });
    const limit = setTimeout(finish, STEP_TIMEOUT_MS);
  });

type Located = { candidate: Candidate; table: CapturedTable } | { message: string };

/** The table `locator` names, read again: at the same place, else the one with the same header. */
function locate(doc: Document, locator: TableLocator): Located {
  const candidates = findCandidates(doc);
  const wanted = locator.headers.length > 0 ? locator.headers : null;
  const samePlace = candidates.find((c) => c.path === locator.path);
  const reads = (samePlace ? [samePlace] : []).concat(candidates.filter((c) => c !== samePlace));
  for (const candidate of reads) {
    const table = extractTable(candidate);
    if (sameHeaders(table.headers, wanted) && (candidate === samePlace || wanted !== null))
      return { candidate, table };
  }
  return {
    message: samePlace
      ? "The table on the page now has other columns than the one captured. Go back to the same list and try again."
      : "The captured table is no longer on the page. Go back to the same list and try again.",
  };
}

/** Steps further (scroll or click) and reads, until no new rows come or a limit is reached. */
async function reachMore(
  doc: Document,
  request: Extract<CaptureRequest, { mode: "more" }>,
  settle: Settle,
): Promise<CaptureReply> {
  const { locator, advance } = request;
  const limit = Math.max(1, Math.min(MAX_ADVANCE_PAGES, Math.floor(request.pages)));
  const start = locate(doc, locator);
  if ("message" in start) return { status: "none", message: start.message };
  let { candidate, table } = start;
  let pages = 0;
  let stopped: AdvanceStop = "limit";
  const deadline = Date.now() + ADVANCE_TIME_LIMIT_MS;
  for (let step = 0; step < limit; step++) {
    const go = stepFor(candidate, advance);
    if (!go) {
      stopped = "end";
      break;
    }
    if (Date.now() > deadline) {
      stopped = "time";
      break;
    }
    if (table.rows.length >= MAX_CAPTURED_ROWS) break;
    go();
    const base = table;
    await settle(candidate.element.ownerDocument.body, () => {
      const now = locate(doc, locator);
      if ("message" in now) return true;
      const merged = mergePages(base, now.table);
      return !merged.ok || merged.added > 0;
    });
    const now = locate(doc, locator);
    const merged = "message" in now ? undefined : mergePages(table, now.table);
    if ("message" in now || !merged?.ok) {
      stopped = "columns";
      break;
    }
    if (merged.added === 0) {
      stopped = "repeated";
      break;
    }
    ({ candidate } = now);
    table = merged.table;
    pages++;
  }
  const url = pageAddress(doc.location.href);
  return {
    status: "more",
    captured: { table, locator, title: doc.title.trim(), url, advance },
    pages,
    stopped,
  };
}

function captured(doc: Document, candidate: Candidate): Captured {
  const table = extractTable(candidate);
  const locator: TableLocator = { path: candidate.path, headers: table.headers ?? [] };
  const advance = advanceFor(candidate);
  return {
    table,
    locator,
    title: doc.title.trim(),
    url: pageAddress(doc.location.href),
    ...(advance ? { advance } : {}),
  };
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
    let hoveredCandidate: Candidate | undefined;
    const onMove = (e: Event) => {
      const c = under(e.target);
      // Still over the same table: its outline stays (it is placed once, not on every move).
      if (c === hoveredCandidate && hovered?.isConnected) return;
      hoveredCandidate = c;
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
export async function runCapture(
  doc: Document,
  request: CaptureRequest,
  settle: Settle = settleDom,
): Promise<CaptureReply> {
  clearOutlines(doc);
  if (request.mode === "clear") return { status: "cleared" };
  if (request.mode === "more") return reachMore(doc, request, settle);
  if (request.mode === "again") {
    const found = locate(doc, request.locator);
    if ("message" in found) return { status: "none", message: found.message };
    return { status: "captured", captured: { ...captured(doc, found.candidate), locator: request.locator } };
  }
  const candidates = findCandidates(doc);
  if (candidates.length === 0) return { status: "none", message: NO_TABLE_MESSAGE };
  const title = doc.title.trim();
  const url = pageAddress(doc.location.href);
  if (request.mode === "list") {
    const names = candidateNames(candidates);
    const summaries = candidates.map((c, index) => {
      const table = extractTable(c);
      const columns = widthOf(table.headers, table.rows);
      const label = names[index] as string;
      outline(c, summaryLine(index, label, table.rows.length, columns));
      return {
        index,
        label,
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
