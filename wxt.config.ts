// WXT build of the Intake extension (Chrome MV3 and Firefox). Sources live in extension/.
import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";

/** Any Worker URL the admin configures; each origin is requested at run time, never granted up front. */
const WORKER_ORIGINS = ["http://*/*", "https://*/*"];
/** The local Worker of `npm start` (loopback only) is granted at install, so local use needs no prompt. */
const LOCAL_WORKER = ["http://127.0.0.1/*", "http://localhost/*"];
/** Capturing a table from the page the admin is on, on their gesture (issue 12). */
const CAPTURE = ["activeTab", "scripting"];

export default defineConfig({
  srcDir: "extension",
  // INTAKE_OUT_DIR lets parallel end-to-end runs build into their own folders.
  outDir: process.env.INTAKE_OUT_DIR || ".output",
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser, manifestVersion }) => ({
    name: "Intake",
    description: "Validate, fix and submit CSV/JSON files to Intake from any page.",
    // activeTab + scripting + a context menu: a table is captured from the page the admin is on,
    // on their gesture only, with no host permission for that page.
    permissions:
      browser === "firefox"
        ? ["storage", ...CAPTURE, "menus", ...(manifestVersion === 3 ? [] : LOCAL_WORKER)]
        : ["storage", "sidePanel", ...CAPTURE, "contextMenus"],
    ...(manifestVersion === 3
      ? { host_permissions: LOCAL_WORKER, optional_host_permissions: WORKER_ORIGINS }
      : { optional_permissions: WORKER_ORIGINS }),
    browser_specific_settings: {
      gecko: { id: "intake@intake.dev", data_collection_permissions: { required: ["none"] } },
    },
  }),
});
