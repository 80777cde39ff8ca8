// Running the capture script in a tab: the request is set, then the script file injected; its
// answer is the injection's result. Only on a gesture of the admin (a click in the popup or side
// panel, or the context menu), through activeTab: no host permission is needed for the page.
import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import { CAPTURE_REQUEST_KEY, type Captured, type CaptureReply, type CaptureRequest } from "./protocol.ts";

export const CAPTURE_SCRIPT = "/capture-script.js";

export const NO_ACCESS_MESSAGE =
  "Intake cannot read this page. Click the Intake button in the toolbar on the page and capture from the popup, or right-click the table and choose “Send this table to Intake”.";

/** Asks the capture script in `tabId`'s top frame; the page itself never sees the request or the answer. */
export async function captureInTab(tabId: number, request: CaptureRequest): Promise<CaptureReply> {
  try {
    await browser.scripting.executeScript({
      target: { tabId },
      func: (key: string, value: CaptureRequest) => {
        (globalThis as unknown as Record<string, CaptureRequest>)[key] = value;
      },
      args: [CAPTURE_REQUEST_KEY, request],
    });
    const [result] = await browser.scripting.executeScript({ target: { tabId }, files: [CAPTURE_SCRIPT] });
    const reply = result?.result as CaptureReply | undefined;
    return reply ?? { status: "none", message: NO_ACCESS_MESSAGE };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/permission|cannot access|cannot be scripted|missing host/i.test(text))
      return { status: "none", message: NO_ACCESS_MESSAGE };
    return { status: "none", message: `The page could not be read: ${text}` };
  }
}

/**
 * The tab the admin is looking at: the active tab of this window, or, when this extension page is
 * itself that tab (the flow opened in a tab), the active web page of another window.
 */
export async function activeWebTab(): Promise<number | undefined> {
  const own = await browser.tabs.getCurrent().catch(() => undefined);
  const [active] = await browser.tabs.query({ active: true, currentWindow: true });
  if (active?.id !== undefined && active.id !== own?.id) return active.id;
  const others = await browser.tabs.query({ active: true });
  return others.find((t) => t.id !== own?.id && t.id !== undefined)?.id;
}

/**
 * What the context menu captured, waiting for the side panel's source step (session storage:
 * never written to disk, gone when the browser closes).
 */
export const pendingCaptureItem = storage.defineItem<Captured | null>("session:pendingCapture", {
  fallback: null,
});
