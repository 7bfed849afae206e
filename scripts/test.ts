// `npm test`: the whole suite, as CI runs it. Lint, formatting and types; unit and integration
// tests on PGlite (and on PostgreSQL when TEST_DATABASE_URL is set); a production build; then the
// Playwright suite in Debian's Chromium on the same databases. Every step runs; the exit code is
// non-zero if any failed, and the last line counts the tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const bin = (name: string) => path.resolve("node_modules/.bin", name);
const results = path.resolve("test-results");
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const pgUrl = process.env.TEST_DATABASE_URL || undefined;
const failedSteps: string[] = [];
let passed = 0;
let failed = 0;

function run(
  step: string,
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
) {
  console.log(`\n━━ ${step}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const ok = result.status === 0;
  console.log(
    `\n━━ ${step}: ${ok ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (!ok) failedSteps.push(step);
  return ok;
}

function noReport(step: string) {
  if (!failedSteps.includes(step)) failedSteps.push(`${step} (no report)`);
}

function countVitest(file: string, step: string) {
  if (!existsSync(file)) return noReport(step);
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
  };
  if (report.numTotalTests === 0) failedSteps.push(`${step} ran no tests`);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}

function countPlaywright(file: string, step: string) {
  if (!existsSync(file)) return noReport(step);
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number };
  };
  if (report.stats.expected + report.stats.unexpected + report.stats.flaky === 0)
    failedSteps.push(`${step} ran no tests`);
  passed += report.stats.expected;
  failed += report.stats.unexpected + report.stats.flaky;
}

run("ESLint", bin("eslint"), [".", "--max-warnings=0"]);
run("Prettier", bin("prettier"), ["--check", "."]);
run("TypeScript", bin("tsc"), ["--noEmit"]);

const vitest = (
  label: string,
  json: string,
  env: Record<string, string | undefined>,
  args: string[] = [],
) => {
  run(
    label,
    bin("vitest"),
    ["run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${json}`],
    env,
  );
  countVitest(json, label);
};
vitest("Unit and integration tests (PGlite)", path.join(results, "vitest-pglite.json"), {
  TEST_DATABASE_URL: "",
});
if (pgUrl)
  vitest("Unit and integration tests (PostgreSQL)", path.join(results, "vitest-postgres.json"), {
    TEST_DATABASE_URL: pgUrl,
  });

const built = run("Production build", bin("remix"), ["vite:build"], { NODE_ENV: "production" });
if (!existsSync("/usr/bin/chromium")) {
  console.error(
    "\nChromium is missing: install Debian's with `apt-get install -y chromium` (never `npx playwright install`).",
  );
  failedSteps.push("End-to-end tests (Chromium missing)");
} else if (built) {
  const e2e = (label: string, json: string, env: Record<string, string | undefined>) => {
    run(label, bin("playwright"), ["test"], { E2E_JSON_OUTPUT: json, ...env });
    countPlaywright(json, label);
  };
  // Several real web and worker processes on PostgreSQL and S3 (docs/deploy.md's recipe).
  if (pgUrl)
    vitest(
      "Topology test (PostgreSQL)",
      path.join(results, "vitest-topology.json"),
      { TEST_DATABASE_URL: pgUrl },
      ["--config", "vitest.topology.config.ts"],
    );
  e2e("End-to-end tests (PGlite)", path.join(results, "e2e-pglite.json"), { E2E_DATABASE_URL: "" });
  if (pgUrl)
    e2e("End-to-end tests (PostgreSQL)", path.join(results, "e2e-postgres.json"), {
      E2E_DATABASE_URL: pgUrl,
    });
} else {
  failedSteps.push("End-to-end tests (no build)");
}

console.log("");
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join("; ")}`);
if (!pgUrl) console.log("TEST_DATABASE_URL is not set: the suite ran on PGlite only.");
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps.length || failed ? 1 : 0);
