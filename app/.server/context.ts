import type { Logger } from "pino";
import type { RequestAuth } from "./auth/session";
import type { Db } from "./db";
import type { Env } from "./env";
import type { FiguresCache } from "./figures-cache";
import type { ProvenanceKeys } from "./generation/provenance";
import type { GenerationService } from "./generation/setup";
import type { LiveService } from "./live/live-service";
import type { Mailer } from "./mail/mailer";
import type { Lifecycle } from "./operations/lifecycle";
import type { ObjectStorage } from "./storage/storage";

// What the server hands every loader and action (server/app.ts builds it; tests build it with
// contextFor in tests/support/factories.ts).
declare module "@remix-run/server-runtime" {
  interface AppLoadContext {
    db: Db;
    env: Env;
    mailer: Mailer;
    logger: Logger;
    auth: RequestAuth;
    /** Whether cookies set in answer to this request carry Secure (auth/cookie-security.ts). */
    secureCookies: boolean;
    cspNonce: string;
    requestId: string;
    clientIp: string | null;
    storage: ObjectStorage;
    generation: GenerationService;
    /** Signs and checks provenance: the record's secret and the C2PA identity. */
    provenance: ProvenanceKeys;
    /** This process's cache of slow-to-compute figures (figures-cache.ts). */
    figures: FiguresCache;
    /** Serving or shutting down (readiness answers 503 once shutdown begins). */
    lifecycle: Lifecycle;
    /** This process's live update streams (live/live-service.ts); closed on shutdown. */
    live: LiveService;
  }
}

export {};
