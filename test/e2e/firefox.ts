// Debian's Firefox ESR for the end-to-end tests: found, or installed with apt when missing (as
// root, as on CI machines); web-ext's lint of the Firefox build; the build loaded as a temporary
// add-on over WebDriver BiDi (puppeteer-core) and its pages driven by role, label and button text.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import puppeteer, { type Browser, type ElementHandle, type Page } from "puppeteer-core";
import { ROOT } from "../../scripts/local-worker.ts";
import { ensureDebianPackage } from "./debian.ts";

export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

export const ensureFirefox = (): string => ensureDebianPackage(FIREFOX, "firefox-esr", "Firefox ESR");

export interface LintMessage {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface LintReport {
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

/** `web-ext lint` (Mozilla's addons-linter, as addons.mozilla.org runs it) on a built add-on. */
export async function lintFirefoxBuild(extensionDir: string): Promise<LintReport> {
  const webExt = join(ROOT, "node_modules", ".bin", "web-ext");
  const args = ["lint", "--source-dir", extensionDir, "--output", "json", "--no-config-discovery"];
  // web-ext exits 1 when it finds errors; its JSON report on stdout says which.
  const env = { ...process.env, NO_UPDATE_NOTIFIER: "1" }; // no check of npm for a newer web-ext
  const stdout = await promisify(execFile)(webExt, args, { cwd: ROOT, env, maxBuffer: 16 << 20 }).then(
    (result) => result.stdout,
    (error: { stdout?: string; message: string }) => {
      if (error.stdout?.trim().startsWith("{")) return error.stdout;
      throw new Error(`web-ext lint did not run: ${error.message}`);
    },
  );
  const report = JSON.parse(stdout) as LintReport;
  const pick = (list: LintMessage[]) =>
    list.map(({ code, message, file, line, column }) => ({ code, message, file, line, column }));
  return { errors: pick(report.errors), warnings: pick(report.warnings), notices: pick(report.notices) };
}

/** One line per lint message: "CODE message (file:line:column)". */
export function formatLint(messages: LintMessage[]): string {
  return messages
    .map((m) => `${m.code} ${m.message}${m.file ? ` (${m.file}:${m.line ?? "?"}:${m.column ?? "?"})` : ""}`)
    .join("\n");
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** The tab the add-on opened, showing its pages. */
  page: Page;
  addonId: string;
  /** What Firefox says it is, e.g. "firefox/153.8.0". */
  version: string;
  /** moz-extension://<uuid>/<path>: the UUID is pinned at launch, so the URL is known. */
  extensionUrl(path: string): string;
  /** Loads one of the extension's pages in the tab. */
  open(path: string): Promise<void>;
  close(): Promise<void>;
}

/** The page an end-to-end build opens in a tab when installed (WXT_E2E_OPEN_PAGE, background.ts). */
export const E2E_OPEN_PAGE = "popup.html";

/**
 * A fresh Firefox profile with the add-on in `extensionDir` installed as a temporary add-on over
 * WebDriver BiDi (`webExtension.install`). Its UUID is pinned with the
 * `extensions.webextensions.uuids` pref, so its pages' moz-extension:// URLs are known.
 *
 * The add-on must be an end-to-end build (`WXT_E2E_OPEN_PAGE=popup.html`): BiDi's
 * `browsingContext.navigate` refuses moz-extension:// URLs since Firefox 153 ("not allowed in this
 * context"; only http, https, file, blob and about:blank are WebDriver-safe), so the add-on opens
 * its own page in a tab, the test attaches to that tab, and further pages are loaded by the page
 * itself (a same-origin `location.assign`), which no Firefox refuses.
 */
export async function launchFirefoxWithExtension(extensionDir: string): Promise<FirefoxWithExtension> {
  const manifest = JSON.parse(readFileSync(join(extensionDir, "manifest.json"), "utf8")) as {
    browser_specific_settings?: { gecko?: { id?: string } };
  };
  const addonId = manifest.browser_specific_settings?.gecko?.id;
  if (!addonId) throw new Error(`${extensionDir}/manifest.json has no browser_specific_settings.gecko.id`);
  const uuid = randomUUID();
  const extensionUrl = (path: string) => `moz-extension://${uuid}/${path.replace(/^\/+/, "")}`;
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: ensureFirefox(),
    protocol: "webDriverBiDi",
    headless: true,
    // The popup's widest size; page.setViewport needs BiDi commands Firefox ESR lacks.
    defaultViewport: null,
    args: ["--width=800", "--height=1000"],
    extraPrefsFirefox: { "extensions.webextensions.uuids": JSON.stringify({ [addonId]: uuid }) },
  });
  try {
    const version = await browser.version();
    const installed = await browser.installExtension(extensionDir);
    if (installed !== addonId) throw new Error(`${version} installed ${installed}, expected ${addonId}`);
    const page = await findTab(browser, extensionUrl(""), 30_000).catch((error: Error) => {
      throw new Error(
        `${version} installed ${addonId} but no tab of it opened (${error.message}): is ${extensionDir} ` +
          `an end-to-end build (WXT_E2E_OPEN_PAGE=${E2E_OPEN_PAGE}), which opens its page when installed?`,
      );
    });
    await waitForDocument(page, extensionUrl(E2E_OPEN_PAGE));
    return {
      browser,
      page,
      addonId,
      version,
      extensionUrl,
      async open(path) {
        const url = extensionUrl(path);
        const at = await page.evaluate(() => location.href).catch(() => "");
        // The tab the add-on opened already shows its popup: loading it again races the first load.
        if (at !== url) {
          // The navigation tears down the realm the call runs in: Firefox may answer that with an
          // error; the document that loads is what counts.
          await page.evaluate((to) => location.assign(to), url).catch(() => undefined);
        }
        await waitForDocument(page, url);
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * The tab whose document is under `prefix`. Asked of each tab's document: puppeteer's own URL of a
 * tab stays "about:blank" when it moves to moz-extension://, for which Firefox sends no BiDi load event.
 */
async function findTab(browser: Browser, prefix: string, timeoutMs: number): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    const pages = await browser.pages();
    const hrefs = await Promise.all(
      pages.map((page) => page.evaluate(() => location.href).catch(() => "(loading)")),
    );
    const index = hrefs.findIndex((href) => href.startsWith(prefix));
    if (index >= 0) return pages[index] as Page;
    seen = hrefs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`within ${timeoutMs / 1000} s; the tabs show ${seen.join(", ") || "nothing"}`);
}

/** Waits until the tab shows `url`, loaded. */
async function waitForDocument(page: Page, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let at = "";
  while (Date.now() < deadline) {
    // A navigation under way destroys the context the script runs in: that is "not yet".
    const state = await page
      .evaluate(() => ({ href: location.href, ready: document.readyState }))
      .catch(() => undefined);
    at = state?.href ?? at;
    if (state?.href === url && state.ready === "complete") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The tab did not load ${url} within ${timeoutMs / 1000} s; it shows ${at || "nothing"}`);
}

// Finding controls as a user names them. The page is asked for every candidate's accessible name
// (aria-label, aria-labelledby, <label>, else its text), so selectors survive restyling.

type Matcher = string | RegExp;
const WAIT_MS = 30_000;

function describe(matcher: Matcher): string {
  return typeof matcher === "string" ? `"${matcher}"` : String(matcher);
}

/** The first visible element matching `css` whose accessible name matches, waited for. */
async function findByName(
  page: Page,
  css: string,
  name: Matcher,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<ElementHandle<Element>> {
  const pattern =
    typeof name === "string"
      ? { source: name, exact: true }
      : { source: name.source, exact: false, flags: name.flags };
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (true) {
    const handle = await page.evaluateHandle(
      (css, pattern) => {
        const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
        const nameOf = (el: Element): string => {
          const label = el.getAttribute("aria-label");
          if (label) return label.trim();
          const by = el.getAttribute("aria-labelledby");
          if (by)
            return by
              .split(/\s+/)
              .map((id) => text(document.getElementById(id)))
              .join(" ");
          const labels = (el as HTMLInputElement).labels;
          if (labels && labels.length > 0)
            return Array.from(labels)
              .map((l) => text(l))
              .join(" ");
          return text(el);
        };
        const matches = (value: string) =>
          pattern.exact ? value === pattern.source : new RegExp(pattern.source, pattern.flags).test(value);
        const candidates = Array.from(document.querySelectorAll(css)).filter((el) => {
          const box = el.getBoundingClientRect();
          const input = el as HTMLInputElement;
          // A file input is often visually hidden inside its label; it still counts.
          return (box.width > 0 && box.height > 0) || input.type === "file";
        });
        const found = candidates.find((el) => matches(nameOf(el)));
        return found ?? candidates.map(nameOf);
      },
      css,
      pattern,
    );
    const element = handle.asElement();
    if (element) return element as ElementHandle<Element>;
    seen = (await handle.jsonValue()) as string[];
    await handle.dispose();
    if (Date.now() > deadline) {
      throw new Error(
        `No ${what} named ${describe(name)} within ${timeoutMs / 1000} s; the page has: ${seen.join(" | ") || "none"}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A form control (input, select, textarea) by its label. */
export function field(page: Page, label: Matcher, timeoutMs?: number) {
  return findByName(page, "input, select, textarea", label, "field", timeoutMs);
}

/** A button (or role=button) by its name. */
export function button(page: Page, name: Matcher, timeoutMs?: number) {
  return findByName(page, 'button, [role="button"]', name, "button", timeoutMs);
}

/** Types into a text field, replacing what it held. */
export async function fill(page: Page, label: Matcher, value: string): Promise<void> {
  const input = await field(page, label);
  await input.click();
  // Typing replaces the selection.
  await input.evaluate((el) => (el as HTMLInputElement).select());
  await input.type(value);
  const typed = await input.evaluate((el) => (el as HTMLInputElement).value);
  if (typed !== value) throw new Error(`Field ${describe(label)} holds "${typed}" after typing "${value}"`);
}

/** Chooses an option of a select by its value. */
export async function choose(page: Page, label: Matcher, value: string): Promise<void> {
  const select = (await field(page, label)) as ElementHandle<HTMLSelectElement>;
  const deadline = Date.now() + WAIT_MS;
  // The options may arrive after the select (loaded from the Worker).
  while (!(await select.evaluate((el, v) => Array.from(el.options).some((o) => o.value === v), value))) {
    if (Date.now() > deadline) throw new Error(`Select ${describe(label)} has no option ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await select.select(value);
}

/** Picks a file in a file input, by the input's label. */
export async function pickFile(page: Page, label: Matcher, path: string): Promise<void> {
  const input = (await field(page, label)) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

export async function click(page: Page, name: Matcher, timeoutMs?: number): Promise<void> {
  const target = await button(page, name, timeoutMs);
  // A busy or disabled button is waited out rather than clicked.
  const deadline = Date.now() + (timeoutMs ?? WAIT_MS);
  while (
    await target.evaluate(
      (el) => (el as HTMLButtonElement).disabled || el.getAttribute("aria-disabled") === "true",
    )
  ) {
    if (Date.now() > deadline) throw new Error(`Button ${describe(name)} stayed disabled`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await target.click();
}

/** Waits until the page's text matches; returns the matching text. */
export async function waitForText(page: Page, pattern: RegExp, timeoutMs = WAIT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const body = await page.evaluate(() => document.body.innerText);
    const match = pattern.exec(body);
    if (match) return match[0];
    if (Date.now() > deadline) {
      throw new Error(`No text matching ${pattern} within ${timeoutMs / 1000} s; the page reads:\n${body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
