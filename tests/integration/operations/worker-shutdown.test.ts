import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~/.server/db";
import { useTestDatabase } from "../../support/db";
import { artistWith, jobRow, movements, queueJob } from "../../support/generation";
import { freePort, startProcess, stopIfRunning, type Started } from "../../support/processes";

// `npm run worker` as deployed: a real process, sent SIGTERM while it renders. It must stop taking
// work, let its running job finish or hand it back (never leave it held by a dead worker, never
// settle its seconds twice), and exit 0. On PGlite the worker holds the data folder alone, so the
// test seeds it first and reads it after; on PostgreSQL it shares the test's database.

const t = useTestDatabase();
let worker: Started | undefined;
const folders: string[] = [];

afterEach(async () => {
  await stopIfRunning(worker);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The database the worker will use, and how the test reaches it before and after. */
async function workerDatabase(dataDir: string) {
  if (t.url)
    return {
      env: { DATABASE_URL: t.url },
      open: async () => t.handle,
      release: async (_handle: DatabaseHandle) => {},
    };
  return {
    env: { DATABASE_URL: "" },
    open: async () => {
      const handle = await openDatabase({ dataDir });
      await handle.migrate();
      return handle;
    },
    release: (handle: DatabaseHandle) => handle.close(),
  };
}

it("a worker sent SIGTERM mid-render finishes or hands back its job and exits 0", async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "greenroom-worker-stop-"));
  folders.push(dataDir);
  const database = await workerDatabase(dataDir);

  let handle = await database.open();
  const artist = await artistWith(handle.db);
  // A long, large clip, so the SIGTERM most likely lands mid-render; either ending is correct.
  const job = await queueJob(handle.db, artist, { durationSeconds: 20, resolution: "1080p" });
  await database.release(handle);

  const port = await freePort();
  worker = startProcess("worker", "scripts/worker.ts", {
    ...database.env,
    DATA_DIR: dataDir,
    GENERATION_WORKERS: "1",
    GENERATION_PROVIDER: "local",
    WORKER_PORT: String(port),
    HOST: "127.0.0.1",
    SHUTDOWN_GRACE_SECONDS: "30",
    LOG_LEVEL: "info",
  });
  await worker.waitForLine((line) => line.msg === "generation worker started");
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(ready.status).toBe(200);

  await worker.waitForLine((line) => line.msg === "render started" && line.jobId === job.id);
  worker.child.kill("SIGTERM");
  expect(await worker.exited).toBe(0);
  const stopped = await worker.waitForLine((line) => line.msg === "stopped");
  // Measured, not asserted against a clock: how long the worker took to stop.
  console.info(`worker stopped ${String(stopped.ms)} ms after SIGTERM`);
  expect(typeof stopped.ms).toBe("number");

  handle = await database.open();
  try {
    const after = await jobRow(handle.db, job.id);
    if (after.status === "succeeded") {
      expect(await movements(handle.db, job.id)).toEqual(["reserve", "commit"]);
    } else {
      // Handed back: held by no worker (no heartbeat, dispatched at the epoch, so the next
      // stale-job sweep of any process gives it to another), the interrupted try not counted.
      expect(after.status).toBe("running");
      expect(after.heartbeatAt).toBeNull();
      expect(after.dispatchedAt?.getTime()).toBe(0);
      expect(after.attempts).toBe(0);
      expect(await movements(handle.db, job.id)).toEqual(["reserve"]);
    }
  } finally {
    await database.release(handle);
  }
  // Starting a process, migrating an embedded database and rendering 20 s of 1080p take a while
  // on a busy machine; only the events above decide the result.
}, 300_000);
