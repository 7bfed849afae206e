import type { Server } from "node:http";
import type { Logger } from "pino";

// SIGTERM (an orchestrator, systemd, Playwright) and SIGINT (Ctrl-C) end a process the same way:
// `stop` runs once, then the process exits 0, or 1 if stopping failed. A stop that hangs past the
// grace period (plus a margin for closing the database) exits 1 instead of waiting forever, so
// the orchestrator's SIGKILL is never what ends us.

export function stopOnSignals(logger: Logger, stop: () => Promise<void>, graceMs: number) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    logger.info({ signal, graceMs }, "shutting down");
    setTimeout(() => {
      logger.error({ graceMs }, "shutdown overran its grace period; exiting");
      process.exit(1);
    }, graceMs + 5_000).unref();
    stop().then(
      () => {
        logger.info({ ms: Date.now() - started }, "stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, onSignal);
}

/**
 * Closes an HTTP server gracefully: no new connections from now on, idle keep-alive connections
 * closed at once, requests in flight given until the grace period ends, then cut.
 */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
