// WXT build of the Intake extension (Chrome MV3 and Firefox). Sources live in extension/.
import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";

export default defineConfig({
  srcDir: "extension",
  outDir: ".output",
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: "Intake",
    description: "Validate, fix and submit CSV/JSON files to Intake from any page.",
    permissions: ["storage", "sidePanel"],
    optional_host_permissions: ["http://*/*", "https://*/*"],
  },
});
