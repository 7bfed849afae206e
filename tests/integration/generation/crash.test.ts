import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~/.server/db";
import { readProvenance } from "~/.server/generation/provenance";
import { createStorage } from "~/.server/storage";
import { clips } from "~db/schema";
import { testEnv } from "../../support/factories";
import {
  artistWith,
  jobRow,
  movements,
  queueJob,
  tempDir,
  waitFor,
} from "../../support/generation";

// A worker process is killed with SIGKILL in the middle of a render (with its ffmpeg, as a crashed
// machine would lose both); a second worker process finds the job's heartbeat gone quiet, renders
// it again, and the artist is charged exactly once. Runs on PostgreSQL and on the embedded PGlite
// (where the second process takes over the dead one's lock).

const templateUrl = inject("pgTemplateUrl");
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database of its own that child processes can reach: a PostgreSQL database, or "" for PGlite in DATA_DIR. */
async function scratchDatabase() {
  if (templateUrl) {
    const template = new URL(templateUrl);
    const name = `greenroom_crash_${process.pid}_${Date.now()}`;
    const admin = new URL(templateUrl);
    admin.pathname = "/postgres";
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template.pathname.slice(1)}`);
    cleanups.push(async () => {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    });
    const url = new URL(templateUrl);
    url.pathname = `/${name}`;
    return { databaseUrl: url.toString() };
  }
  return { databaseUrl: "" };
}

async function open(databaseUrl: string, dataDir: string): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databaseUrl: databaseUrl || undefined, dataDir });
  await handle.migrate();
  return handle;
}

function startWorker(env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", ...args], {
    env: { ...process.env, ...env },
    // Its own process group, so the kill takes its ffmpeg with it.
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
}

describe("a worker process killed mid-render", () => {
  it("is replaced by another that finishes the job once, charging the quota once", async () => {
    const dataDir = tempDir("crash");
    const { databaseUrl } = await scratchDatabase();
    let handle = await open(databaseUrl, dataDir);
    const artist = await artistWith(handle.db);
    const job = await queueJob(handle.db, artist, { durationSeconds: 10, resolution: "1080p" });
    // The embedded database belongs to one process at a time: hand it to the worker.
    if (!databaseUrl) await handle.close();

    const env = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      GENERATION_WORKERS: "1",
      GENERATION_STALE_SECONDS: "5",
      PROVENANCE_SECRET: testEnv.PROVENANCE_SECRET,
      SESSION_SECRET: testEnv.SESSION_SECRET,
      LOG_LEVEL: "error",
    };
    const first = startWorker(env);
    let firstStderr = "";
    first.stderr!.on("data", (c: Buffer) => (firstStderr += c.toString()));
    const workDir = path.join(dataDir, "work");
    // ffmpeg has started writing the clip: the render is under way.
    await waitFor(async () => {
      if (first.exitCode !== null) throw new Error(`The first worker exited: ${firstStderr}`);
      if (!existsSync(workDir)) return false;
      // The only job: its try's folder holds the growing file.
      return readdirSync(workDir).some((d) => {
        const file = path.join(workDir, d, "render", "video.mp4");
        return existsSync(file) && statSync(file).size > 0;
      });
    }, "the first worker to start rendering");
    process.kill(-first.pid!, "SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));

    if (databaseUrl) {
      const stuck = await jobRow(handle.db, job.id);
      expect(stuck.status).toBe("running");
      expect(await movements(handle.db, job.id)).toEqual(["reserve"]);
    }

    const second = startWorker(env, ["--until-idle"]);
    let stderr = "";
    second.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(code, stderr).toBe(0);

    if (!databaseUrl) handle = await open(databaseUrl, dataDir);
    const done = await jobRow(handle.db, job.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, progress: 1 });
    expect(await movements(handle.db, job.id)).toEqual(["reserve", "commit"]);
    const rows = await handle.db.select().from(clips).where(eq(clips.id, job.id));
    expect(rows).toHaveLength(1);
    const storage = createStorage({ driver: "local", root: path.join(dataDir, "media") });
    const copy = path.join(tempDir("crash-copy"), "clip.mp4");
    await storage.download(rows[0]!.videoKey, copy);
    const check = await readProvenance(copy, testEnv.PROVENANCE_SECRET);
    expect(check.status).toBe("valid");
    // The killed worker's half-rendered folder is gone too (removed by the worker that took over).
    expect(readdirSync(workDir)).toEqual([]);
    await handle.close();
  }, 180_000);
});
