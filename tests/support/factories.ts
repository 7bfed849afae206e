import { randomBytes } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { pino } from "pino";
import { secureCookies, transportOf } from "~/.server/auth/cookie-security";
import { hashPassword } from "~/.server/auth/passwords";
import { resolveSession, startSession } from "~/.server/auth/session";
import { actingAs, type ActingUser } from "~/.server/auth/guards";
import { loadSigningIdentity } from "~/.server/c2pa/certificates";
import type { ProvenanceKeys } from "~/.server/generation/provenance";
import type { Db } from "~/.server/db";
import { parseEnv, type Env } from "~/.server/env";
import { uncachedFigures, type FiguresCache } from "~/.server/figures-cache";
import { quietLiveService, type LiveService } from "~/.server/live/live-service";
import { createMailer, type Mailer } from "~/.server/mail/mailer";
import { createLifecycle, type Lifecycle } from "~/.server/operations/lifecycle";
import { createStorage, type ObjectStorage } from "~/.server/storage";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { users, type Role, type User, type UserStatus } from "~db/schema";

export const TEST_PASSWORD = "correct horse battery";
export const APP_URL = "http://localhost:3000";

let passwordHash: Promise<string> | undefined;

export async function createUser(
  db: Db,
  overrides: Partial<Pick<User, "email" | "displayName" | "trustTier">> & {
    role?: Role;
    status?: UserStatus;
    password?: string;
  } = {},
): Promise<User> {
  const hash = overrides.password
    ? hashPassword(overrides.password)
    : (passwordHash ??= hashPassword(TEST_PASSWORD));
  const role = overrides.role ?? "artist";
  const [user] = await db
    .insert(users)
    .values({
      email: overrides.email ?? `${role}-${randomBytes(4).toString("hex")}@example.test`,
      displayName: overrides.displayName ?? `Test ${role}`,
      role,
      status: overrides.status ?? "active",
      trustTier: overrides.trustTier ?? "standard",
      passwordHash: overrides.status === "invited" ? null : await hash,
    })
    .returning();
  return user!;
}

export function acting(user: User): ActingUser {
  return actingAs(user, { ip: "203.0.113.7", userAgent: "vitest" });
}

/** A session cookie header for `user`, as the browser would send it. */
export async function sessionCookieFor(db: Db, user: User) {
  const { cookie } = await startSession(db, user.id, { secure: false });
  return cookie.split(";")[0]!;
}

export const testEnv = parseEnv({
  NODE_ENV: "test",
  APP_URL,
  SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
  PROVENANCE_SECRET: "test-provenance-secret-test-provenance-01",
  DATA_DIR: "./data/test",
  LOG_LEVEL: "silent",
});

/**
 * What signs outputs in tests: the test secret and a C2PA identity generated once per test process
 * (a program CA and its signing certificate, as a fresh DATA_DIR would get).
 */
export const testProvenance: ProvenanceKeys = {
  secret: testEnv.PROVENANCE_SECRET,
  identity: loadSigningIdentity({ dir: mkdtempSync(path.join(os.tmpdir(), "greenroom-c2pa-")) }),
};

/** Media storage for route tests: a local folder private to this test process. */
export const testStorage: ObjectStorage = createStorage({
  driver: "local",
  root: mkdtempSync(path.join(os.tmpdir(), "greenroom-media-")),
});

export type ContextOptions = {
  mailer?: Mailer;
  /** Settings that differ from testEnv for this request (e.g. an https APP_URL). */
  env?: Partial<Env>;
  ip?: string;
  storage?: ObjectStorage;
  /** Called when a route wakes the generation queue. */
  wake?: () => void;
  figures?: FiguresCache;
  lifecycle?: Lifecycle;
  /** The live update streams; a quiet one that never listens by default. */
  live?: LiveService;
};

/** The load context the server would build for this request (server/app.ts does the same). */
export async function contextFor(
  db: Db,
  request: Request,
  options: ContextOptions = {},
): Promise<AppLoadContext> {
  const env = { ...testEnv, ...options.env };
  const secure = secureCookies(env, transportOf(request));
  return {
    db,
    env,
    mailer:
      options.mailer ??
      createMailer({ EMAIL_FROM: testEnv.EMAIL_FROM, SESSION_SECRET: testEnv.SESSION_SECRET }),
    logger: pino({ level: "silent" }),
    auth: await resolveSession(db, request.headers.get("cookie"), { secure }),
    secureCookies: secure,
    cspNonce: "test-nonce",
    requestId: "test-request",
    clientIp: options.ip ?? "203.0.113.7",
    storage: options.storage ?? testStorage,
    generation: {
      provider: "local",
      capabilities: { durations: DURATIONS, resolutions: RESOLUTIONS, aspectRatios: ASPECT_RATIOS },
      concurrency: { local: 2 },
      wake: options.wake ?? (() => {}),
    },
    provenance: testProvenance,
    // Every call computes: a test reads the figures of the data it just wrote.
    figures: options.figures ?? uncachedFigures,
    lifecycle: options.lifecycle ?? createLifecycle(),
    live: options.live ?? quietLiveService(db, pino({ level: "silent" })),
  };
}

export function makeRequest(
  path: string,
  options: {
    method?: string;
    cookie?: string;
    form?: Record<string, string> | FormData;
    headers?: Record<string, string>;
  } = {},
) {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("cookie", options.cookie);
  headers.set("origin", APP_URL);
  headers.set("user-agent", "vitest");
  let body: BodyInit | undefined;
  if (options.form instanceof FormData) body = options.form;
  else if (options.form) body = new URLSearchParams(options.form);
  return new Request(`${APP_URL}${path}`, {
    method: options.method ?? (body ? "POST" : "GET"),
    headers,
    body,
  });
}

type RouteFn = (args: {
  request: Request;
  params: Record<string, string>;
  context: AppLoadContext;
}) => unknown;

/**
 * Calls a route's loader or action the way Remix does and returns a Response either way: a
 * thrown Response (redirect, 403, 404) is returned, a `data()` result becomes a Response.
 */
export async function callRoute(
  db: Db,
  fn: RouteFn,
  request: Request,
  params: Record<string, string> = {},
  options: ContextOptions = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const context = await contextFor(db, request, options);
  let result: unknown;
  try {
    result = await fn({ request, params, context });
  } catch (thrown) {
    if (thrown instanceof Response) result = thrown;
    else throw thrown;
  }
  if (result instanceof Response) {
    // An event stream never ends by itself: its first chunk is its answer, then it is closed.
    if (result.headers.get("content-type")?.startsWith("text/event-stream") && result.body) {
      const reader = result.body.getReader();
      const first = await reader.read();
      await reader.cancel();
      return {
        status: result.status,
        headers: result.headers,
        body: new TextDecoder().decode(first.value),
      };
    }
    const text = await result.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: result.status, headers: result.headers, body };
  }
  if (
    result &&
    typeof result === "object" &&
    "type" in result &&
    (result as { type: unknown }).type === "DataWithResponseInit"
  ) {
    const d = result as unknown as { data: unknown; init?: ResponseInit | null };
    return { status: d.init?.status ?? 200, headers: new Headers(d.init?.headers), body: d.data };
  }
  return { status: 200, headers: new Headers(), body: result };
}
