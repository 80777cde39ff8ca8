// One vitest config, one project per environment (STYLE.md 6).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
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
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("worker/migrations"),
                OPERATOR_TOKEN: "test-operator-token-0123456789",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["test/worker/apply-migrations.ts"],
        },
      },
      {
        // The code's own layout: the Worker's layers and import cycles, over the real files.
        test: {
          name: "layout",
          environment: "node",
          include: ["test/layout/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "cli",
          environment: "node",
          include: ["test/cli/**/*.test.ts"],
          // The real Worker under wrangler dev, for the commands that talk to it.
          globalSetup: ["test/cli/global-setup.ts"],
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // PDFs and screenshots read into tables (issue 23): PDF.js and the OCR engine in Node.
        test: {
          name: "media",
          environment: "node",
          include: ["test/media/**/*.test.ts"],
          testTimeout: 120_000,
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
