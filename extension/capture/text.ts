// Text as the admin sees it in a page's table cells: inline markup adds no spaces, blocks and <br>
// break words, icons read as their labels, a mailto link as its address, a decorative avatar's
// initials are left out. Pure functions over elements, for the capture script and unit tests.
export const SKIPPED_TAGS = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "HEAD", "svg", "SVG"]);
/** Cells and rows break words whatever their display (spans laid out as a grid). */
export const CELL_OR_ROW = new Set(["cell", "gridcell", "columnheader", "rowheader", "row"]);
/** Form controls and buttons: what they do is not data, so their titles are no cell's label. */
export const CONTROL_TAGS = new Set(["BUTTON", "INPUT", "SELECT", "TEXTAREA"]);
/** Elements that start and end a word where the page gives no computed style (a parsed range). */
export const BOUNDARY_TAGS = new Set(
  (
    "ADDRESS ARTICLE ASIDE BLOCKQUOTE BUTTON CAPTION DD DETAILS DIALOG DIV DL DT FIELDSET FIGCAPTION " +
    "FIGURE FOOTER FORM H1 H2 H3 H4 H5 H6 HEADER HGROUP HR INPUT LEGEND LI MAIN MENU NAV OL P PRE " +
    "SECTION SELECT SUMMARY TABLE TBODY TD TEXTAREA TFOOT TH THEAD TR UL"
  ).split(" "),
);

// ---------------------------------------------------------------------------------------------
// Text as the admin sees it.
// ---------------------------------------------------------------------------------------------

type Box = "hidden" | "boundary" | "inline";

/** How an element shows: not at all, as a box of its own (a word boundary), or inline in its line. */
export function boxOf(el: Element): Box {
  if ((el as HTMLElement).hidden) return "hidden";
  // A parsed document (a pasted range) has no view to compute styles in: its inline style tells.
  const view = el.ownerDocument.defaultView;
  const style: { display: string; visibility: string } | undefined = view
    ? view.getComputedStyle(el)
    : (el as HTMLElement).style;
  const display = style?.display ?? "";
  if (display === "none" || style?.visibility === "hidden" || style?.visibility === "collapse")
    return "hidden";
  if (display === "inline" || display === "contents") return "inline";
  if (display !== "") return "boundary";
  return BOUNDARY_TAGS.has(el.tagName) ? "boundary" : "inline";
}

export const hiddenHere = (el: Element) => boxOf(el) === "hidden";

/** Whether all of an element's text is bold (its own weight, or <b>/<strong> around it all). */
export function isBold(el: Element): boolean {
  const weight = el.ownerDocument.defaultView?.getComputedStyle(el).fontWeight ?? "";
  if (weight === "bold" || Number(weight) >= 600) return true;
  const strong = [...el.querySelectorAll("b,strong")].map((b) => b.textContent ?? "").join("");
  return strong.replace(/\s/g, "") === (el.textContent ?? "").replace(/\s/g, "");
}

/** Whether `el` or an ancestor up to (not including) `root` is hidden. */
export function isHidden(el: Element, root?: Element): boolean {
  for (let e: Element | null = el; e && e !== root; e = e.parentElement) if (hiddenHere(e)) return true;
  return root ? hiddenHere(root) : false;
}

export const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

export function mailtoAddress(href: string): string {
  const address = href.replace(/^mailto:/i, "").split("?")[0] ?? "";
  try {
    return decodeURIComponent(address).trim();
  } catch {
    return address.trim();
  }
}

/** The chosen options of a <select>: what it shows, not every option it holds. */
function selectedText(select: HTMLSelectElement): string {
  return [...select.options]
    .filter((o) => o.selected)
    .map((o) => o.textContent ?? "")
    .join("; ");
}

/** Visible text with inline markup joined as it renders ("$<b>1</b>.00" is "$1.00"). */
function collectText(node: Node, out: string[]): void {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) out.push(child.nodeValue ?? "");
    else if (child.nodeType === 1) {
      const el = child as Element;
      if (SKIPPED_TAGS.has(el.tagName)) continue;
      const box = boxOf(el);
      if (box === "hidden") continue;
      if (el.tagName === "BR") {
        out.push(" ");
        continue;
      }
      const edge = box === "boundary" || CELL_OR_ROW.has(el.getAttribute("role") ?? "") ? " " : "";
      out.push(edge);
      if (el.tagName === "SELECT") out.push(selectedText(el as HTMLSelectElement));
      else if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA") collectText(el, out);
      out.push(edge);
    }
  }
}

export function visibleText(el: Element): string {
  const parts: string[] = [];
  collectText(el, parts);
  return collapse(parts.join(""));
}

export const firstText = (...values: (string | null | undefined)[]) =>
  collapse(values.find((v) => v?.trim()) ?? "");

/** An element's own label: aria-label, title, an image's alt, an SVG's <title>. */
export function labelOf(el: Element): string {
  const tag = el.tagName.toLowerCase();
  return firstText(
    el.getAttribute("aria-label"),
    el.getAttribute("title"),
    tag === "img" ? el.getAttribute("alt") : null,
    tag === "svg" ? el.querySelector("title")?.textContent : null,
  );
}

/** The labels of the icons in an element without text, in order: one per icon ("Ann; Bob"). */
export function iconLabels(el: Element): string {
  const own = firstText(el.getAttribute("aria-label"), el.getAttribute("title"));
  if (own) return own;
  const labels: string[] = [];
  const walk = (parent: Element) => {
    for (const child of parent.children) {
      if (CONTROL_TAGS.has(child.tagName) || child.getAttribute("role") === "button") continue;
      if (child.getAttribute("aria-hidden") === "true" || hiddenHere(child)) continue;
      const label = labelOf(child);
      if (label) labels.push(label);
      else if (child.tagName.toLowerCase() !== "svg") walk(child);
    }
  };
  walk(el);
  return labels.join("; ");
}

export interface CellRead {
  text: string;
  /** The text is the state of the cell's only checkbox (a selection column reads as nothing else). */
  checkbox: boolean;
}

/**
 * A cell as the admin sees it: its visible text; a cell holding one `mailto:` link reads as the
 * address; one without text as its icons' labels; a data cell holding only a checkbox as its
 * state ("true"/"false").
 */
export function readCell(el: Element, header = false): CellRead {
  if (!header) {
    const mailto = el.querySelectorAll('a[href^="mailto:" i]');
    if (mailto.length === 1) {
      const address = mailtoAddress((mailto[0] as Element).getAttribute("href") ?? "");
      if (address) return { text: address, checkbox: false };
    }
  }
  const text = visibleText(el);
  if (text) return { text: header ? text : withoutAvatarInitials(el, text), checkbox: false };
  const boxes = [...el.querySelectorAll('input[type="checkbox" i],input[type="radio" i]')].filter(
    (b) => !isHidden(b, el),
  );
  // A header holding a "select all" checkbox heads a selection column, whatever its aria-label.
  if (header) return { text: boxes.length > 0 ? "" : iconLabels(el), checkbox: false };
  const icons = iconLabels(el);
  if (icons) return { text: icons, checkbox: false };
  if (boxes.length === 1) return { text: String((boxes[0] as HTMLInputElement).checked), checkbox: true };
  return { text: "", checkbox: false };
}

/**
 * A cell's text without a decorative avatar before the name it stands for ("AL Ann Lee" -> "Ann
 * Lee"): an element of its own holding only the initials of the words after it (all of them, or
 * the first and the last).
 */
function withoutAvatarInitials(el: Element, text: string): string {
  const m = /^(\p{Lu}{1,3}) (.+)$/u.exec(text);
  if (!m) return text;
  const [, initials, rest] = m as unknown as [string, string, string];
  const firsts = rest
    .split(" ")
    .map((word) => /\p{L}/u.exec(word)?.[0]?.toUpperCase() ?? "")
    .filter(Boolean);
  const matches =
    firsts.join("") === initials || (firsts.length > 1 && `${firsts[0]}${firsts.at(-1)}` === initials);
  if (!matches) return text;
  const avatar = [...el.querySelectorAll("*")].some(
    (child) => child.children.length === 0 && collapse(child.textContent ?? "") === initials,
  );
  return avatar ? rest : text;
}

/** A cell's text as the admin sees it (see readCell). */
export const cellText = (el: Element) => readCell(el).text;
