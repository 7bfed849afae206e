// Starts the production build as its own process, the way `npm start` does, for the page
// benchmark and Lighthouse. The child is always stopped: on success, on failure and when this
// process is interrupted.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";

export type RunningServer = { url: string; pid: number; stop: () => Promise<void> };

async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm start` on a free port against `databaseUrl`. Render workers are off (GENERATION_WORKERS=0):
 * the benchmark measures pages, and a render would take a core from them. Request logs are off
 * (LOG_LEVEL=warn) for every page alike, the baseline included.
 */
export async function startProductionServer(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
  /** Extra flags for node, e.g. --cpu-prof to see where a page's time goes. */
  nodeArgs: string[] = [],
): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", "server/index.ts"],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        HOST: "127.0.0.1",
        PORT: String(port),
        APP_URL: url,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        GENERATION_WORKERS: "0",
        LOG_LEVEL: "warn",
        // The scale program's addresses are made up: whatever .env says, its email stays in the
        // outbox (the daily digest would otherwise write to 200 reviewers).
        RESEND_API_KEY: "",
        ...extraEnv,
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const kill = () => {
    if (!exited) child.kill("SIGKILL");
  };
  process.once("exit", kill);
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(kill, 10_000);
    await exit;
    clearTimeout(timer);
    process.removeListener("exit", kill);
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error("The server exited while starting (see its output above).");
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, pid: child.pid!, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error("The server did not answer /healthz within 60 s.");
}
