import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The topology test (tests/topology): several real web and worker processes on one PostgreSQL and
// an S3 bucket, against the production build. `npm test` runs it after the build when
// TEST_DATABASE_URL is set; it makes its own database there.
export default defineConfig({
  resolve: {
    alias: {
      "~": fileURLToPath(new URL("./app", import.meta.url)),
      "~db": fileURLToPath(new URL("./db", import.meta.url)),
      "~emails": fileURLToPath(new URL("./emails", import.meta.url)),
    },
  },
  test: {
    include: ["tests/topology/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    maxWorkers: 1,
    // Processes start, migrate and render real clips; only the awaited events decide the result.
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
});
