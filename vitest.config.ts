// One vitest config, one project per environment (STYLE.md 6).
import { defineConfig } from "vitest/config";

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
    ],
  },
});
