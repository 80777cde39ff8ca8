// WXT build of the Intake extension (Chrome MV3 and Firefox). Sources live in extension/.
import { createRequire } from "node:module";
import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";
import { OCR_ASSET_DIR, OCR_ASSETS } from "./extension/pipeline/media/assets.ts";

const require = createRequire(import.meta.url);

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
  hooks: {
    // The OCR engine's worker, core and English model ship in the extension (issue 23): MV3 runs no
    // fetched code, and the admin's screenshot never leaves the machine.
    "build:publicAssets": (_wxt, files) => {
      for (const asset of OCR_ASSETS)
        files.push({
          absoluteSrc: require.resolve(asset.from),
          relativeDest: `${OCR_ASSET_DIR}/${asset.to}`,
        });
    },
  },
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
    // The default policy plus WebAssembly, which the OCR engine is (issue 23); scripts stay the
    // extension's own.
    content_security_policy:
      manifestVersion === 3
        ? { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';" }
        : "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
    browser_specific_settings: {
      gecko: { id: "intake@intake.dev", data_collection_permissions: { required: ["none"] } },
    },
  }),
});
