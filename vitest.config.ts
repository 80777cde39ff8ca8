// One vitest config, one project per environment (STYLE.md 6).
import preact from "@preact/preset-vite";
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "schemas",
          environment: "node",
          include: ["test/schemas/**/*.test.ts"],
        },
      },
      {
        plugins: [WxtVitest(), preact()],
        test: {
          name: "extension",
          environment: "happy-dom",
          include: ["test/extension/**/*.test.{ts,tsx}"],
        },
      },
    ],
  },
});
