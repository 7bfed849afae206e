import express, { type Response as ExpressResponse } from "express";
import type { Logger } from "pino";
import type { Db } from "~/.server/db";
import type { Metrics } from "~/.server/metrics";
import type { Lifecycle } from "~/.server/operations/lifecycle";
import {
  checkReadiness,
  livenessResponse,
  readinessResponse,
} from "~/.server/operations/readiness";
import type { ObjectStorage } from "~/.server/storage";
import { metricsEndpoint } from "./metrics";

// What a render worker (`npm run worker`) serves on WORKER_PORT: the same /healthz, /readyz and
// /metrics a web process answers, so one scrape and probe configuration fits both.

async function send(res: ExpressResponse, response: Response) {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(Buffer.from(await response.arrayBuffer()));
}

export function createWorkerApp(deps: {
  db: Db;
  storage: ObjectStorage;
  lifecycle: Lifecycle;
  metrics: Metrics;
  metricsToken: string | undefined;
  logger: Logger;
}) {
  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  app.get("/healthz", (_req, res, next) => {
    livenessResponse(deps.db, (err) => deps.logger.error({ err }, "health check failed"))
      .then((response) => send(res, response))
      .catch(next);
  });
  app.get("/readyz", (_req, res, next) => {
    checkReadiness(deps)
      .then((readiness) => send(res, readinessResponse(readiness)))
      .catch(next);
  });
  app.get("/metrics", metricsEndpoint(deps.metrics, deps.metricsToken, deps.logger));
  app.use((_req, res) => {
    res.status(404).type("text/plain").send("Not found.");
  });
  return app;
}
