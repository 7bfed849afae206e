import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from "node:crypto";
import { EventEmitter } from "node:events";
import { and, eq, inArray, like, or, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { generationJobs, webhookDeliveries } from "~db/schema";
import type { DatabaseHandle, Db } from "../db";

// Signed webhooks from Replicate and fal.ai: a finished run is picked up at once instead of at the
// next poll. Nothing in a webhook is trusted beyond "look at this run now": the runner still polls
// the provider for the run's state and fetches the result itself, so a forged or replayed delivery
// could at worst cause one early poll — and it is refused before that (docs/decisions/0022).
//
// Replicate signs as Standard Webhooks: webhook-id, webhook-timestamp, and webhook-signature
// ("v1,<base64 HMAC-SHA256>" entries separated by spaces) over "{id}.{timestamp}.{body}", keyed
// with the base64 part of the account's "whsec_…" secret (GET /v1/webhooks/default/secret).
// fal signs with ED25519: X-Fal-Webhook-Request-Id, -User-Id, -Timestamp and -Signature (hex)
// over "{request id}\n{user id}\n{timestamp}\n{sha256 hex of the body}", with any key of its
// JWKS. Both: a timestamp more than five minutes away is refused, and a delivery id already seen
// (the webhook_deliveries table) is a replay.

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookVerdict =
  { ok: true; deliveryId: string } | { ok: false; status: 400 | 401; reason: string };

const refused = (status: 400 | 401, reason: string): WebhookVerdict => ({
  ok: false,
  status,
  reason,
});

function timestampProblem(raw: string | null, now: Date): WebhookVerdict | null {
  if (!raw || !/^\d{1,12}$/.test(raw))
    return refused(400, "The timestamp is missing or malformed.");
  const skew = Math.abs(now.getTime() / 1000 - Number(raw));
  if (skew > WEBHOOK_TOLERANCE_SECONDS)
    return refused(401, "The delivery is too old (or from the future).");
  return null;
}

/** Replicate's (Standard Webhooks) signature over the raw body. */
export function verifyReplicateWebhook(options: {
  headers: Headers;
  body: string;
  secret: string;
  now?: Date;
}): WebhookVerdict {
  const { headers, body } = options;
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signatures = headers.get("webhook-signature");
  if (!id || !signatures || id.length > 200)
    return refused(400, "The webhook headers are missing.");
  const stale = timestampProblem(timestamp, options.now ?? new Date());
  if (stale) return stale;
  const key = Buffer.from(options.secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, deliveryId: id } : refused(401, "The signature does not match.");
}

export type Jwk = { kty?: string; crv?: string; x?: string };

/** fal's ED25519 signature, checked against each key of its JWKS. */
export function verifyFalWebhook(options: {
  headers: Headers;
  body: string;
  keys: readonly Jwk[];
  now?: Date;
}): WebhookVerdict {
  const { headers } = options;
  const requestId = headers.get("x-fal-webhook-request-id");
  const userId = headers.get("x-fal-webhook-user-id");
  const timestamp = headers.get("x-fal-webhook-timestamp");
  const signature = headers.get("x-fal-webhook-signature");
  if (!requestId || !userId || !signature || requestId.length > 200)
    return refused(400, "The webhook headers are missing.");
  if (!/^[0-9a-f]{128}$/i.test(signature)) return refused(400, "The signature is malformed.");
  const stale = timestampProblem(timestamp, options.now ?? new Date());
  if (stale) return stale;
  const digest = createHash("sha256").update(options.body).digest("hex");
  const message = Buffer.from([requestId, userId, timestamp, digest].join("\n"));
  const signed = Buffer.from(signature, "hex");
  const valid = options.keys.some((jwk) => {
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.x) return false;
    try {
      const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
      return verify(null, message, key, signed);
    } catch {
      return false;
    }
  });
  // fal retries a delivery with the same request id and timestamp: the pair names the delivery.
  return valid
    ? { ok: true, deliveryId: `${requestId}:${timestamp}` }
    : refused(401, "The signature does not match.");
}

/**
 * fal's signing keys, fetched once and kept for a day. A signature no cached key accepts makes
 * one fresh fetch (at most every five minutes), so a rotated key is picked up.
 */
export function createJwksCache(
  url: string,
  options: { fetch?: typeof fetch; ttlMs?: number; refreshMinMs?: number } = {},
) {
  const fetchImpl = options.fetch ?? fetch;
  const ttlMs = options.ttlMs ?? 24 * 3600_000;
  const refreshMinMs = options.refreshMinMs ?? 5 * 60_000;
  let cached: { keys: Jwk[]; at: number } | null = null;
  let fetches = 0;
  const load = async () => {
    fetches++;
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`The fal JWKS answered HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    const keys = Array.isArray(body.keys) ? (body.keys as Jwk[]) : [];
    cached = { keys, at: Date.now() };
    return keys;
  };
  return {
    async keys() {
      if (cached && Date.now() - cached.at < ttlMs) return cached.keys;
      return load();
    },
    /** Fresh keys after a failed check, unless they were fetched moments ago (null then). */
    async refreshed() {
      if (cached && Date.now() - cached.at < refreshMinMs) return null;
      return load();
    },
    get fetches() {
      return fetches;
    },
  };
}

/** Fetches Replicate's webhook signing secret for the account (cached by the caller). */
export async function fetchReplicateSecret(
  baseUrl: string,
  apiToken: string,
  fetchImpl: typeof fetch = fetch,
) {
  const response = await fetchImpl(`${baseUrl.replace(/\/+$/, "")}/webhooks/default/secret`, {
    headers: { authorization: `Bearer ${apiToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(`Replicate's webhook secret could not be fetched (HTTP ${response.status})`);
  const body = (await response.json()) as { key?: unknown };
  if (typeof body.key !== "string" || !body.key.startsWith("whsec_"))
    throw new Error("Replicate's webhook secret has an unexpected form");
  return body.key;
}

/** Wakes the runner polling a provider's run in this process (runner.ts listens while it waits). */
export const runNudges = new EventEmitter();
runNudges.setMaxListeners(0);

/**
 * The channel a verified webhook is announced on, "{provider}:{run id}": every process with render
 * workers LISTENs to it (listenForRunNudges), so the runner polling that run is woken wherever it
 * runs — a separate `npm run worker` as well as the web process that took the delivery.
 */
export const RUN_NUDGE_CHANNEL = "greenroom_run_nudge";

/** Listeners on RUN_NUDGE_CHANNEL up in this process: while one is, the database carries nudges here. */
let listenersUp = 0;

const NUDGE_PATTERN = /^(local|replicate|openai|fal):[^\s]{1,1000}$/;

type Listen = NonNullable<DatabaseHandle["listen"]>;

/**
 * LISTENs for nudges and passes each on to this process's runners. A lost listener is reopened
 * after `retryMs` (meanwhile runners poll at their interval, as ever). Resolves once listening
 * (or once the first try failed and the retry is scheduled); call the result to stop.
 */
export async function listenForRunNudges(
  listen: Listen,
  logger: Logger,
  options: { retryMs?: number } = {},
) {
  let stop: (() => Promise<void>) | null = null;
  let up = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const down = () => {
    if (up) listenersUp--;
    up = false;
  };
  const open = async (): Promise<void> => {
    if (closed) return;
    try {
      stop = await listen(
        RUN_NUDGE_CHANNEL,
        (payload) => {
          if (NUDGE_PATTERN.test(payload)) runNudges.emit(payload);
        },
        (err) => {
          logger.warn({ err }, "webhook nudges: lost the database listener; retrying");
          down();
          const lost = stop;
          stop = null;
          void lost?.();
          later();
        },
      );
      if (closed) {
        await stop();
        return;
      }
      up = true;
      listenersUp++;
    } catch (err) {
      logger.warn({ err }, "webhook nudges: could not listen; runners poll at their interval");
      later();
    }
  };
  const later = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, options.retryMs ?? 2000);
    retry.unref();
  };
  await open();
  return async () => {
    closed = true;
    clearTimeout(retry);
    down();
    const last = stop;
    stop = null;
    await last?.();
  };
}

export type WebhookOutcome = "nudged" | "unknown-run" | "replayed";

/**
 * A verified delivery: remembered once (a replay is refused), then the running job of that run,
 * if any, is told to poll now — through the database, so a worker in another process hears it
 * too. Nothing about the job is changed here.
 */
export async function acceptWebhook(
  db: Db,
  provider: string,
  deliveryId: string,
  providerJobId: string,
): Promise<WebhookOutcome> {
  const inserted = await db
    .insert(webhookDeliveries)
    .values({ provider, deliveryId })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.deliveryId });
  if (inserted.length === 0) return "replayed";
  // fal's run ids are stored as "{model}|{request id}" (providers/fal.ts); its delivery names the
  // request id alone.
  const [job] = await db
    .select({ id: generationJobs.id, run: generationJobs.providerJobId })
    .from(generationJobs)
    .where(
      and(
        eq(generationJobs.provider, provider),
        provider === "fal"
          ? or(
              eq(generationJobs.providerJobId, providerJobId),
              like(generationJobs.providerJobId, `%|${providerJobId.replace(/[%_\\]/g, "\\$&")}`),
            )
          : eq(generationJobs.providerJobId, providerJobId),
        inArray(generationJobs.status, ["running"]),
      ),
    );
  if (!job) return "unknown-run";
  const event = `${provider}:${job.run}`;
  await db.execute(sql`SELECT pg_notify(${RUN_NUDGE_CHANNEL}, ${event})`);
  // Without a listener here (no workers in this process, or LISTEN down), the runners of this
  // process still hear it directly; with one, the notification above reaches them once.
  if (listenersUp === 0) runNudges.emit(event);
  return "nudged";
}

/** Whether webhooks are asked for: "on", or "auto" with a public APP_URL. */
export function webhooksEnabled(mode: "auto" | "on" | "off", appUrl: string | undefined) {
  if (mode === "off" || !appUrl) return false;
  if (mode === "on") return true;
  const host = new URL(appUrl).hostname;
  return !(
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "127.0.0.1" ||
    host === "::1" ||
    host === "[::1]" ||
    /^(10|192\.168|172\.(1[6-9]|2\d|3[01]))\./.test(host)
  );
}
