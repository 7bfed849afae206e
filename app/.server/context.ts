import type { Logger } from "pino";
import type { RequestAuth } from "./auth/session";
import type { Db } from "./db";
import type { Env } from "./env";
import type { GenerationService } from "./generation/setup";
import type { Mailer } from "./mail/mailer";
import type { ObjectStorage } from "./storage/storage";

// What the server hands every loader and action (server/app.ts builds it; tests build it with
// tests/support/context.ts).
declare module "@remix-run/server-runtime" {
  interface AppLoadContext {
    db: Db;
    env: Env;
    mailer: Mailer;
    logger: Logger;
    auth: RequestAuth;
    cspNonce: string;
    requestId: string;
    clientIp: string | null;
    storage: ObjectStorage;
    generation: GenerationService;
  }
}

export {};
