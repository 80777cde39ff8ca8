// Background: the context-menu item "Send this table to Intake". Its click is the gesture that
// grants activeTab: the side panel opens, the capture script lets the admin click the table on
// the page (or takes the only one), and the table waits in session storage for the side panel.
import { captureInTab, pendingCaptureItem } from "../capture/tab.ts";

const MENU_ID = "intake-capture-table";

type Menus = typeof browser.contextMenus;

/**
 * End-to-end builds only: the page (e.g. "popup.html") the add-on opens in a tab when installed,
 * because WebDriver BiDi may refuse to navigate a tab to moz-extension:// (Firefox ESR 153 does).
 * Unset in every other build, where this is dead code.
 */
const E2E_OPEN_PAGE: string | undefined = import.meta.env.WXT_E2E_OPEN_PAGE;

export default defineBackground(() => {
  if (E2E_OPEN_PAGE) {
    const page = E2E_OPEN_PAGE;
    browser.runtime.onInstalled.addListener(() => {
      void browser.tabs.create({ url: browser.runtime.getURL(`/${page}` as "/popup.html") });
    });
  }
  // Firefox names the API `menus` (contextMenus is its alias); Chrome only has contextMenus.
  const menus: Menus | undefined =
    browser.contextMenus ?? (browser as unknown as { menus?: Menus }).menus ?? undefined;
  if (!menus) return;
  browser.runtime.onInstalled.addListener(() => {
    menus.removeAll().then(
      () => menus.create({ id: MENU_ID, title: "Send this table to Intake", contexts: ["all"] }),
      () => {},
    );
  });
  menus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID || tab?.id === undefined) return;
    const tabId = tab.id;
    // Opening the panel must happen inside the click, before anything is awaited.
    const sidebar = (browser as unknown as { sidebarAction?: { open(): Promise<void> } }).sidebarAction;
    const opened = sidebar ? sidebar.open() : browser.sidePanel?.open({ tabId });
    void Promise.resolve(opened).catch(() => {});
    void (async () => {
      const reply = await captureInTab(tabId, { mode: "pick" });
      if (reply.status === "captured") await pendingCaptureItem.setValue(reply.captured);
    })();
  });
});
