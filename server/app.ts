import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { secureCookies } from "~/.server/auth/cookie-security";
import { resolveSession } from "~/.server/auth/session";
import type { Db } from "~/.server/db";
import type { Env } from "~/.server/env";
import type { ProvenanceKeys } from "~/.server/generation/provenance";
import type { GenerationService } from "~/.server/generation/setup";
import { createLiveService, type LiveService } from "~/.server/live/live-service";
import type { Mailer } from "~/.server/mail/mailer";
import { processMetrics, type Metrics } from "~/.server/metrics";
import { createFiguresCache } from "~/.server/figures-cache";
import { createLifecycle, type Lifecycle } from "~/.server/operations/lifecycle";
import { createActivityRecorder } from "~/.server/oversight/activity";
import { urlHasUnstorable } from "~/.server/http";
import { redactUrl } from "~/.server/redact";
import type { ObjectStorage } from "~/.server/storage/storage";
import { httpMetrics, metricsEndpoint } from "./metrics";

export type AppOptions = {
  db: Db;
  env: Env;
  mailer: Mailer;
  logger: Logger;
  storage: ObjectStorage;
  generation: GenerationService;
  provenance: ProvenanceKeys;
  /** Serving or shutting down; /readyz reads it. A fresh one (always serving) by default. */
  lifecycle?: Lifecycle;
  /** Production: the built server bundle. Development: Vite's dev server loads it per request. */
  build: ServerBuild | (() => Promise<ServerBuild>);
  /** Development only: Vite's middleware for assets and HMR. */
  viteMiddleware?: express.RequestHandler;
  clientAssetsDir?: string;
  /** Where /metrics reads from and requests are timed into; this process's registry by default. */
  metrics?: Metrics;
  /**
   * The live update streams. The server passes one that LISTENs to the database (start.ts), and
   * closes it on shutdown; without it, a service that only hears this process's own signals.
   */
  live?: LiveService;
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin the browser must send on writes: APP_URL when set, else the Host header's. */
export function expectedOrigin(
  req: { protocol: string; headers: Record<string, unknown> },
  env: Env,
) {
  const host = req.headers["host"];
  if (typeof host === "string" && host) return `${req.protocol}://${host}`;
  return env.APP_URL;
}

/**
 * Cross-site request forgery guard: a write must name our own origin. Browsers send `Origin` on
 * every POST; a missing one means a non-browser client or a very old browser, and both are
 * refused rather than trusted.
 */
export function isAllowedOrigin(method: string, origin: string | undefined, allowed: string[]) {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  if (!origin || origin === "null") return false;
  return allowed.includes(origin);
}

export function contentSecurityPolicy(nonce: string, dev: boolean) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // React and Vite set style attributes; inline <style> blocks carry no script risk.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function clientIp(
  req: Pick<Request, "get" | "socket">,
  env: Pick<Env, "TRUSTED_PROXY_HEADER">,
): string | null {
  if (env.TRUSTED_PROXY_HEADER) {
    const value = req.get(env.TRUSTED_PROXY_HEADER);
    // A proxy appends the address it saw to x-forwarded-for; anything before it was written by
    // the client and could be forged, so only the last entry is trusted.
    const last = value?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? null;
}

export function createApp(options: AppOptions) {
  const { env, logger, db } = options;
  const dev = Boolean(options.viteMiddleware);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  // Never an event stream: compression would hold each event back until a buffer fills.
  app.use(
    compression({
      filter: (req, res) =>
        !String(req.headers.accept ?? "").includes("text/event-stream") &&
        compression.filter(req, res),
    }),
  );

  // First, so every response is timed, static files and refusals included.
  const lifecycle = options.lifecycle ?? createLifecycle();
  const metrics = options.metrics ?? processMetrics();
  metrics.collectFrom(db, { providers: [options.generation.provider] });
  app.use(httpMetrics(metrics, options.build, logger));

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    const nonce = randomBytes(16).toString("base64");
    res.locals.requestId = requestId;
    res.locals.cspNonce = nonce;
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, dev));
    // Every response, media included (stored bytes come from providers we do not control: no
    // browser may guess HTML from them). Routes never set it again: the Remix adapter appends a
    // route's headers to these, so a second one would be sent twice.
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    // Browsers ignore HSTS received over plain HTTP, so the local demo is unaffected.
    if (env.NODE_ENV === "production") {
      res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: req.method,
          // Reset and invite links open accounts: never in a log line.
          url: redactUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        "request",
      );
    });
    next();
  });

  // NUL can be in no stored string (PostgreSQL refuses it): an address holding one, in its path
  // or its query, is refused here once, before any route reads a parameter. Form bodies are
  // checked where they are read (readForm in app/.server/http.ts), next to their fields.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!urlHasUnstorable(req.originalUrl)) return next();
    res
      .status(400)
      .type("text/plain")
      .send(
        "This address contains a character that cannot be used (a NUL byte, %00). Remove it and try again.",
      );
  });

  // Prometheus's scrape: with the security headers and request log, outside Remix.
  app.get("/metrics", metricsEndpoint(metrics, env.METRICS_TOKEN, logger));

  app.use((req: Request, res: Response, next: NextFunction) => {
    // Provider webhooks come from no page: their signature is checked instead (webhooks.ts).
    if (req.path === "/webhooks/replicate" || req.path === "/webhooks/fal") return next();
    const allowed = [env.APP_URL, expectedOrigin(req, env)];
    if (!isAllowedOrigin(req.method, req.get("origin"), allowed)) {
      res
        .status(403)
        .type("text/plain")
        .send(
          "This request was refused because it did not come from a Greenroom page. Reload the page and try again.",
        );
      return;
    }
    next();
  });

  if (options.viteMiddleware) {
    app.use(options.viteMiddleware);
  } else if (options.clientAssetsDir) {
    app.use(
      "/assets",
      express.static(`${options.clientAssetsDir}/assets`, { immutable: true, maxAge: "1y" }),
    );
    // The few files from public/ (favicon, robots.txt), listed once: asking the file system
    // about every page's path cost a stat call per request.
    const publicFiles = listPublicFiles(options.clientAssetsDir);
    const servePublic = express.static(options.clientAssetsDir, { maxAge: "1h" });
    app.use((req: Request, res: Response, next: NextFunction) =>
      publicFiles.has(req.path) ? servePublic(req, res, next) : next(),
    );
  }

  // Forms are small: refuse a large declared body before anything reads it. Only the provenance
  // check takes a video, and it enforces its own limit while streaming.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.get("content-length") ?? 0);
    const upload = req.path === "/provenance" || req.path === "/provenance.data";
    // The studio's form may carry a reference image (at most 8 MB, reference-images.ts).
    const studio = req.path === "/studio" || req.path === "/studio.data";
    if (!upload && declared > (studio ? 9 : 1) * 1024 * 1024) {
      res.status(413).type("text/plain").send("This request is too large.");
      return;
    }
    // A body without a declared length could be of any size; browsers always declare form posts.
    if (!upload && !req.get("content-length") && req.get("transfer-encoding")) {
      res.status(411).type("text/plain").send("Send this request with its length.");
      return;
    }
    next();
  });

  // /verify/<code>.json is the JSON twin of the public verification page; Remix cannot match a
  // parameter with a suffix, so it is served by its own resource route.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const json = /^\/verify\/([^/]+)\.json$/.exec(req.path);
    // The Remix adapter reads originalUrl, so both change.
    if (json && req.method === "GET") req.url = req.originalUrl = `/api/verify/${json[1]}`;
    next();
  });

  const activity = createActivityRecorder(db, logger);
  const figures = createFiguresCache({
    onRefreshError: (err, key) => logger.error({ err, key }, "refreshing cached figures failed"),
  });
  const live =
    options.live ?? createLiveService({ db, logger, concurrency: options.generation.concurrency });
  const handler = createRequestHandler({
    build: options.build,
    mode: dev ? "development" : "production",
    getLoadContext: async (req, res) => {
      // Secure or not, decided once per request for every cookie it sets (cookie-security.ts).
      const secure = secureCookies(env, {
        protocol: `${req.protocol}:`,
        header: (name) => req.get(name),
      });
      const resolved = await resolveSession(db, req.get("cookie") ?? null, { secure });
      // The unread count read with the session holds for a page view; an action may change it
      // before the loaders run, so a request that posts counts again (root loader).
      const auth =
        req.method === "GET" || req.method === "HEAD"
          ? resolved
          : { ...resolved, unreadNotifications: undefined };
      for (const cookie of auth.setCookies) res.append("Set-Cookie", cookie);
      const requestId = res.locals.requestId as string;
      const ip = clientIp(req, env);
      // Where each account is used from, for the anomaly scan. Not awaited: the request never
      // waits for it, and the recorder logs its own failures instead of throwing.
      if (auth.user)
        void activity.recordRequest({
          userId: auth.user.id,
          ip,
          userAgent: req.get("user-agent") ?? null,
        });
      return {
        db,
        env,
        mailer: options.mailer,
        logger: logger.child({ requestId }),
        auth,
        secureCookies: secure,
        cspNonce: res.locals.cspNonce as string,
        requestId,
        clientIp: ip,
        storage: options.storage,
        generation: options.generation,
        provenance: options.provenance,
        figures,
        lifecycle,
        live,
      };
    },
  });
  app.all("*", (req, res, next) => {
    Promise.resolve(handler(req, res, next)).catch((error: unknown) => {
      logger.error({ err: error, requestId: res.locals.requestId }, "unhandled request error");
      if (!res.headersSent)
        res
          .status(500)
          .type("text/plain")
          .send("Something went wrong on our side. Please try again.");
    });
  });
  return app;
}

/** URL paths of the files in the client build outside /assets (what public/ held). */
export function listPublicFiles(clientDir: string) {
  const files = new Set<string>();
  if (!existsSync(clientDir)) return files;
  for (const entry of readdirSync(clientDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = path.relative(clientDir, path.join(entry.parentPath, entry.name));
    const urlPath = `/${relative.split(path.sep).join("/")}`;
    if (!urlPath.startsWith("/assets/") && !urlPath.startsWith("/.vite/")) files.add(urlPath);
  }
  return files;
}
