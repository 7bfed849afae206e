import { spawn, type ChildProcess } from "node:child_process";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~/.server/db";
import { createOpenAIProvider } from "~/.server/generation/providers/openai";
import { queueGeneration } from "~/.server/generation/quota";
import { clips } from "~db/schema";
import { acting, testEnv } from "../../support/factories";
import { startFakeOpenAIVideos } from "../../support/fake-openai-videos";
import { artistWith, jobRow, movements, request, tempDir, waitFor } from "../../support/generation";

// The crash test with the openai provider: a worker process is killed (SIGKILL) while the model
// server is still rendering; a second worker finds the job's heartbeat gone quiet and resumes
// polling the same remote video instead of creating another, so the model server renders once and
// the artist is charged once. On PostgreSQL and on the embedded PGlite.

const templateUrl = inject("pgTemplateUrl");
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function scratchDatabase() {
  if (!templateUrl) return "";
  const template = new URL(templateUrl);
  const name = `greenroom_oai_crash_${process.pid}_${Date.now()}`;
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
  return url.toString();
}

async function open(databaseUrl: string, dataDir: string): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databaseUrl: databaseUrl || undefined, dataDir });
  await handle.migrate();
  return handle;
}

function startWorker(env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", ...args], {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
}

describe("a worker killed while the model server renders", () => {
  it("is resumed by another worker polling the same video, created once and charged once", async () => {
    const fake = await startFakeOpenAIVideos();
    cleanups.push(() => fake.stop());
    const dataDir = tempDir("openai-crash");
    const databaseUrl = await scratchDatabase();
    let handle = await open(databaseUrl, dataDir);
    const artist = await artistWith(handle.db);
    const openai = createOpenAIProvider({ baseUrl: fake.baseUrl, model: "sora-2" });
    const job = await queueGeneration(
      handle.db,
      acting(artist),
      request({ durationSeconds: 5, resolution: "480p" }),
      { id: "openai", capabilities: openai.capabilities },
    );
    if (!databaseUrl) await handle.close();

    const env = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      GENERATION_WORKERS: "1",
      GENERATION_STALE_SECONDS: "5",
      GENERATION_PROVIDER: "openai",
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_POLL_INTERVAL_MS: "200",
      PROVENANCE_SECRET: testEnv.PROVENANCE_SECRET,
      SESSION_SECRET: testEnv.SESSION_SECRET,
      LOG_LEVEL: "error",
    };
    // The server holds every video mid-render until the first worker is gone.
    fake.pause();
    const first = startWorker(env);
    let firstStderr = "";
    first.stderr!.on("data", (c: Buffer) => (firstStderr += c.toString()));
    const videoId = await waitFor(async () => {
      if (first.exitCode !== null) throw new Error(`The first worker exited: ${firstStderr}`);
      const created = [...fake.videos.keys()][0];
      // Created, and polled at least once: the worker is waiting on the model.
      return (
        created &&
        fake.requests.some((r) => r.method === "GET" && r.path === `/v1/videos/${created}`) &&
        created
      );
    }, "the first worker to create the video and poll it");
    process.kill(-first.pid!, "SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));

    if (databaseUrl) {
      const stuck = await jobRow(handle.db, job.id);
      expect(stuck).toMatchObject({ status: "running", providerJobId: videoId });
      expect(await movements(handle.db, job.id)).toEqual(["reserve"]);
    }

    fake.resume();
    const second = startWorker(env, ["--until-idle"]);
    let stderr = "";
    second.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(code, stderr).toBe(0);

    // One video was ever created; everything after the kill asked about that one.
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(fake.videos.size).toBe(1);
    expect(fake.requests.at(-1)).toMatchObject({ path: `/v1/videos/${videoId}/content` });

    if (!databaseUrl) handle = await open(databaseUrl, dataDir);
    const done = await jobRow(handle.db, job.id);
    expect(done).toMatchObject({
      status: "succeeded",
      attempts: 2,
      progress: 1,
      providerJobId: videoId,
    });
    expect(await movements(handle.db, job.id)).toEqual(["reserve", "commit"]);
    const rows = await handle.db.select().from(clips).where(eq(clips.id, job.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: "openai", model: "sora-2", width: 854, height: 480 });
    await handle.close();
  }, 180_000);
});
