import { sql } from "drizzle-orm";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { selectRows } from "~/.server/db";
import { createMetrics } from "~/.server/metrics";
import { createLifecycle } from "~/.server/operations/lifecycle";
import { checkReadiness, migrationsApplied } from "~/.server/operations/readiness";
import type { ObjectStorage } from "~/.server/storage";
import { closeServer } from "../../../server/shutdown";
import { createWorkerApp } from "../../../server/worker-http";
import { useTestDatabase } from "../../support/db";
import { testStorage } from "../../support/factories";

const t = useTestDatabase();
const logger = pino({ level: "silent" });
const TOKEN = "worker-metrics-token-0123456789abcdef";

/** A bucket that does not answer. */
const unreachable: ObjectStorage = {
  ...testStorage,
  ping: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9")),
};

describe("readiness", () => {
  it("is ready when migrations are applied and the database and the bucket answer", async () => {
    const readiness = await checkReadiness({
      db: t.db,
      storage: testStorage,
      lifecycle: createLifecycle(),
    });
    expect(readiness).toEqual({
      ready: true,
      checks: { process: "serving", database: "ok", migrations: "ok", storage: "ok" },
    });
  });

  it("is not ready while a migration this code ships is missing from the database", async () => {
    expect(await migrationsApplied(t.db)).toBe(true);
    const [row] = await selectRows<{ latest: string }>(
      t.db,
      sql`SELECT max(created_at)::text AS latest FROM drizzle.__drizzle_migrations`,
    );
    // A release one migration ahead of this database.
    expect(await migrationsApplied(t.db, Number(row!.latest) + 1)).toBe(false);
  });

  it("is not ready when the bucket does not answer", async () => {
    const readiness = await checkReadiness({
      db: t.db,
      storage: unreachable,
      lifecycle: createLifecycle(),
    });
    expect(readiness.ready).toBe(false);
    expect(readiness.checks).toMatchObject({ database: "ok", storage: "failed" });
  });

  it("says stopping at once, without asking the database, once shutdown begins", async () => {
    const lifecycle = createLifecycle();
    lifecycle.beginShutdown();
    const noDatabase = new Proxy(
      {},
      {
        get() {
          throw new Error("a stopping process must not touch the database");
        },
      },
    );
    const readiness = await checkReadiness({
      db: noDatabase as never,
      storage: testStorage,
      lifecycle,
    });
    expect(readiness).toMatchObject({ ready: false, checks: { process: "stopping" } });
  });
});

async function listen(app: Parameters<typeof createServer>[1]) {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("a render worker's port", () => {
  it("answers /healthz, /readyz and, with the token, /metrics; /readyz turns 503 on shutdown", async () => {
    const lifecycle = createLifecycle();
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.collectFrom(t.db, { providers: ["local"] });
    const app = createWorkerApp({
      db: t.db,
      storage: testStorage,
      lifecycle,
      metrics,
      metricsToken: TOKEN,
      logger,
    });
    const { server, base } = await listen(app);
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", database: "ok" });

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.headers.get("cache-control")).toBe("no-store");
      expect(await ready.json()).toMatchObject({ status: "ready", migrations: "ok" });

      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain(
        'greenroom_generation_queue_depth{provider="local",state="queued"} 0',
      );

      expect((await fetch(`${base}/studio`)).status).toBe(404);

      lifecycle.beginShutdown();
      const stopping = await fetch(`${base}/readyz`);
      expect(stopping.status).toBe(503);
      expect(await stopping.json()).toMatchObject({ status: "not ready", process: "stopping" });
    } finally {
      await closeServer(server, 1000);
    }
  });
});

describe("closing a server gracefully", () => {
  it("refuses new connections at once and lets a request in flight finish", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const { server, base } = await listen((req, res) => {
      arrived();
      void released.then(() => res.end("finished"));
    });
    const answer = fetch(`${base}/slow`).then((r) => r.text());
    await inFlight;
    let closed = false;
    // A grace period far longer than the test: only the request's end may close the server.
    const closing = closeServer(server, 600_000).then(() => (closed = true));
    await expect(fetch(`${base}/another`)).rejects.toThrow();
    expect(closed).toBe(false);
    release();
    expect(await answer).toBe("finished");
    await closing;
    expect(closed).toBe(true);
  });

  it("cuts a request still running when the grace period ends", async () => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const { server, base } = await listen(() => arrived());
    const answer = fetch(`${base}/never`).then(
      () => "answered",
      () => "cut",
    );
    await inFlight;
    await closeServer(server, 10);
    expect(await answer).toBe("cut");
  });
});
