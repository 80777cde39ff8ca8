// What the upload flow needs from the platform, injected so component tests run without a browser.
import { browser } from "wxt/browser";
import type { ApiClientOptions } from "../api-client.ts";
import { requestHostPermission } from "../connect.ts";
import { createDefaultPipeline, type PipelineClient } from "../pipeline/client.ts";

export interface FlowDeps {
  fetch?: typeof fetch;
  sleep?: ApiClientOptions["sleep"];
  createPipeline: () => PipelineClient;
  requestHostPermission: (originPattern: string) => Promise<boolean>;
  /** Saves a file: text, or a Blob the pipeline worker made (reports, corrected files). */
  download: (fileName: string, content: Blob | string, mimeType: string) => void;
  /** Opens the side panel with the same flow (absent where the surface is the side panel). */
  openSidePanel?: () => Promise<void>;
}

export { type ConnectDeps, createClient } from "../connect.ts";

export function downloadText(fileName: string, content: Blob | string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Opens the side panel; the window is looked up beforehand because open() must run inside the click. */
function sidePanelOpener(): () => Promise<void> {
  let windowId: number | undefined;
  void browser.windows
    ?.getCurrent()
    .then((w) => {
      windowId = w.id;
    })
    .catch(() => {});
  return async () => {
    // Firefox calls it a sidebar; its API is not in Chrome's types.
    const sidebar = (browser as unknown as { sidebarAction?: { open(): Promise<void> } }).sidebarAction;
    if (sidebar) return sidebar.open();
    if (windowId === undefined) throw new Error("The side panel cannot be opened from here");
    await browser.sidePanel.open({ windowId });
    window.close();
  };
}

export function browserDeps(surface: "popup" | "sidepanel"): FlowDeps {
  return {
    createPipeline: createDefaultPipeline,
    requestHostPermission,
    download: downloadText,
    openSidePanel: surface === "popup" ? sidePanelOpener() : undefined,
  };
}
