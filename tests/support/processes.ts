import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import readline from "node:readline";

// Real processes for tests of how Greenroom runs as deployed (the worker's shutdown, the topology
// test): started with the same entry points as `npm run worker` and `npm start`, their JSON log
// lines read as events to wait on, never a clock.

export type LogLine = { msg?: string; level?: number; [key: string]: unknown };

export type Started = {
  child: ChildProcess;
  name: string;
  /** Every log line so far. */
  lines: LogLine[];
  /** Resolves with the first line (past or future) that `match` accepts. */
  waitForLine(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
};

export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): Started {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const take = (text: string) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const waiter of [...waiters])
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
  };
  readline.createInterface({ input: child.stdout! }).on("line", take);
  readline.createInterface({ input: child.stderr! }).on("line", (text) => {
    process.stderr.write(`[${name}] ${text}\n`);
    take(text);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    name,
    lines,
    exited,
    waitForLine(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        // A process that dies first can never print it: fail with what it did print.
        void exited.then((code) =>
          reject(
            new Error(
              `${name} exited (${code}) before the awaited line; its last lines:\n${lines
                .slice(-15)
                .map((l) => JSON.stringify(l))
                .join("\n")}`,
            ),
          ),
        );
      });
    },
  };
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Stops a process still running at the end of a test (by its pid, never by name). */
export async function stopIfRunning(started: Started | undefined) {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  started.child.kill("SIGKILL");
  await started.exited;
}
