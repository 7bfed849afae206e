// The production build, made when it is missing or older than the sources it is built from.
// `npm run demo` and the page benchmark (`npm run bench`) both serve it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const BUILD_FILE = path.resolve("build/server/index.js");
const SOURCES = ["app", "emails", "db"];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds when needed (or always, with `force`); true when it built. Exits on a failed build. */
export function ensureProductionBuild(options: { force?: boolean; announce?: string } = {}) {
  const stale =
    options.force ||
    !existsSync(BUILD_FILE) ||
    Math.max(...SOURCES.map(newestMtime)) > statSync(BUILD_FILE).mtimeMs;
  if (!stale) return false;
  if (options.announce) console.log(options.announce);
  const result = spawnSync(
    process.execPath,
    [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
    { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  return true;
}
