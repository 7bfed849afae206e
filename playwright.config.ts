import { defineConfig } from "@playwright/test";

// The suite runs against the production build (`npx remix vite:build` first), served by
// scripts/e2e-server.ts on a fresh, seeded database that is dropped when Playwright stops it.
// E2E_DATABASE_URL=postgres://… runs it on PostgreSQL; without it, on the embedded PGlite.
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.E2E_JSON_OUTPUT || "test-results/e2e-results.json" }],
  ],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: never `npx playwright install`.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "npx tsx scripts/e2e-server.ts",
    url: `${baseURL}/healthz`,
    env: { E2E_PORT: String(port) },
    reuseExistingServer: false,
    timeout: 180_000,
    // Without this Playwright SIGKILLs the server and the test database would be left behind.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
