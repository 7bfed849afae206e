// `npm run demo`: migrate, seed the demo accounts, build if needed, and serve the production build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// Production mode must be set before React and the app load: they pick their build on import.
process.env.NODE_ENV = "production";
const { DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("~db/seed");
const { describeSeeded, seedDemoData } = await import("~db/demo-data");
const { storageFromEnv } = await import("~/.server/generation/setup");
const { loadDotEnv, startServer } = await import("../server/start");
loadDotEnv();

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const buildFile = path.resolve("build/server/index.js");
const stale =
  !existsSync(buildFile) ||
  Math.max(...["app", "emails", "db"].map(newestMtime)) > statSync(buildFile).mtimeMs;
if (stale) {
  console.log("Building the portal (first run only)…");
  const result = spawnSync(
    process.execPath,
    [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
    {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

try {
  const { url, handle } = await startServer({
    beforeListen: async (h, env) => {
      const seeded = await seedDemoData(h.db, {
        appUrl: env.APP_URL,
        storage: storageFromEnv(env),
        provenanceSecret: env.PROVENANCE_SECRET,
      });
      console.log(describeSeeded(seeded));
    },
  });
  console.log(
    `\nGreenroom is running at ${url} (${handle.kind === "pglite" ? "embedded database" : "PostgreSQL"})\n`,
  );
  console.log(`Demo accounts (password: ${DEMO_PASSWORD}):`);
  for (const account of DEMO_ACCOUNTS) console.log(`  ${account.role.padEnd(9)} ${account.email}`);
  console.log("\nPress Ctrl+C to stop.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
