import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { bearerTokenMatches, routeLabel, type Metrics } from "~/.server/metrics";

// The Express side of /metrics: a middleware that times every request, and the endpoint itself.
// What is measured and how labels are bounded lives in app/.server/metrics.ts.

/** The Remix routes to label requests with; in development Vite rebuilds them, so ask each time. */
type BuildSource = ServerBuild | (() => Promise<ServerBuild>);

/** Times every response and records it under its route pattern once it has been sent. */
export function httpMetrics(metrics: Metrics, build: BuildSource, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // originalUrl: the path as the browser asked for it (req.path is relative to any mount).
      const pathname = req.originalUrl.split("?")[0] ?? "/";
      const label = res.locals.metricsRoute as string | undefined;
      const routes = label
        ? Promise.resolve(null)
        : Promise.resolve(typeof build === "function" ? build() : build).then((b) => b.routes);
      routes
        .then((manifest) =>
          metrics.observeRequest({
            method: req.method,
            route: label ?? routeLabel(manifest!, pathname, res.statusCode),
            status: res.statusCode,
            seconds,
          }),
        )
        .catch((err: unknown) => logger.warn({ err }, "could not record request metrics"));
    });
    next();
  };
}

/**
 * GET /metrics for Prometheus. Without METRICS_TOKEN it does not exist (404); with it, only a
 * request bearing that token gets the numbers (401 otherwise): they describe the program's
 * activity, which is not public.
 */
export function metricsEndpoint(
  metrics: Metrics,
  token: string | undefined,
  logger: Logger,
): RequestHandler {
  return (req: Request, res: Response) => {
    res.locals.metricsRoute = "/metrics";
    res.setHeader("Cache-Control", "no-store");
    if (!token) {
      res.status(404).type("text/plain").send("Not found.");
      return;
    }
    if (!bearerTokenMatches(req.get("authorization"), token)) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Bearer realm="metrics"')
        .type("text/plain")
        .send("Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.");
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => {
        // end(), not send(): send() would rewrite the content type's parameters.
        res.status(200).setHeader("Content-Type", contentType);
        res.end(body);
      },
      (err: unknown) => {
        // Most likely the database is unreachable: fail the scrape, so Prometheus's `up` says so.
        logger.error({ err }, "metrics scrape failed");
        res.status(503).type("text/plain").send("Metrics are unavailable right now.");
      },
    );
  };
}
