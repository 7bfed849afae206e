import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseMoneyInput } from "~/lib/money";

// Every variable the portal reads, validated once. `.env.example` mirrors this list.
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  // Public address of the portal, used in email links. Defaults to http://localhost:$PORT.
  APP_URL: z.url().optional(),
  // PostgreSQL connection string; when empty the embedded PGlite database in $DATA_DIR is used.
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default("./data"),
  // Signs the flash-message cookie. When empty a random one is generated once into $DATA_DIR.
  SESSION_SECRET: z.string().min(32).optional(),
  // Signs the provenance metadata of every output (HMAC-SHA256). When empty a random one is
  // generated once into $DATA_DIR; set it in production, the same for every instance, and keep it:
  // files signed with a lost key can no longer be verified.
  PROVENANCE_SECRET: z.string().min(32).optional(),
  // C2PA Content Credentials (docs/decisions/0021). The signing certificate chain (signing
  // certificate first) and its private key, as PEM text (newlines may be written as \n) or as paths
  // to PEM files. Set both in production, with a certificate from a CA on the C2PA trust list,
  // the same for every process. Unset: a program CA and a signing certificate are generated once
  // into $DATA_DIR/c2pa/.
  C2PA_SIGNING_CERT: z.string().optional(),
  C2PA_SIGNING_KEY: z.string().optional(),
  // Resend: without a key every email stays in the outbox (/admin/outbox).
  RESEND_API_KEY: z.string().optional(),
  RESEND_BASE_URL: z.url().optional(),
  EMAIL_FROM: z.string().default("Greenroom <no-reply@greenroom.test>"),
  // `npm run demo` sets it: without an email provider, a message with a secret link (a password
  // reset) is shown once on the server's console instead of going nowhere. Development does the
  // same. Never in production with real accounts: whoever reads the console could reset them.
  DEMO_MODE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  // Header holding the client address when behind a proxy you trust (e.g. x-forwarded-for).
  TRUSTED_PROXY_HEADER: z.string().optional(),
  // Header in which a TLS-terminating proxy you trust says the protocol the browser used (e.g.
  // x-forwarded-proto). "https" there makes the auth cookies Secure for that request, as an https
  // APP_URL does for every request (app/.server/auth/cookie-security.ts).
  TRUSTED_PROTO_HEADER: z.string().optional(),
  // Bearer token Prometheus sends to read /metrics. Unset: /metrics does not exist (404). The
  // numbers describe the program's activity, so they are never public; 16 characters at least so
  // it cannot be guessed.
  METRICS_TOKEN: z
    .string()
    .min(16, "use at least 16 characters")
    .regex(/^\S+$/, "use no spaces")
    .optional(),
  // Generation. The provider of the default catalog entry (/admin/models): "local" (the stand-in
  // renderer), "replicate", "openai" (any server speaking the OpenAI Videos API) or "fal".
  GENERATION_PROVIDER: z.enum(["local", "replicate", "openai", "fal"]).default("local"),
  // Render workers inside the web process (0: only separate `npm run worker` processes render).
  GENERATION_WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  // At most this many jobs run at once per provider, across every process.
  GENERATION_CONCURRENCY_LOCAL: z.coerce.number().int().min(1).max(256).default(2),
  GENERATION_CONCURRENCY_REPLICATE: z.coerce.number().int().min(1).max(256).default(4),
  // A running job whose worker has not reported for this long is handed to another worker.
  GENERATION_STALE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  REPLICATE_API_TOKEN: z.string().optional(),
  // "owner/name" (an official model) or "owner/name:version".
  REPLICATE_MODEL: z.string().optional(),
  REPLICATE_BASE_URL: z.url().default("https://api.replicate.com/v1"),
  // The OpenAI Videos API contract (POST /videos, GET /videos/{id}, …/content, DELETE): OpenAI's
  // own base URL, a gateway, or your model server (e.g. http://model.internal/v1).
  OPENAI_BASE_URL: z.url().optional(),
  // Sent as a Bearer token; never logged or shown. A private server may need none.
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_VIDEO_MODEL: z.string().default("sora-2"),
  // What the server renders: lengths in seconds and sizes WIDTHxHEIGHT, comma-separated.
  OPENAI_VIDEO_SECONDS: z
    .string()
    .default("4,8,12")
    .transform((v, ctx) => {
      const list = v.split(",").map((s) => Number(s.trim()));
      if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 120)) {
        ctx.addIssue({ code: "custom", message: "use whole seconds like 4,8,12" });
        return z.NEVER;
      }
      return list;
    }),
  OPENAI_VIDEO_SIZES: z
    .string()
    .default("720x1280,1280x720,1024x1792,1792x1024")
    .transform((v, ctx) => {
      const list = v.split(",").map((s) => s.trim());
      if (list.some((s) => !/^\d{2,5}x\d{2,5}$/.test(s))) {
        ctx.addIssue({ code: "custom", message: "use sizes like 1280x720,720x1280" });
        return z.NEVER;
      }
      return list;
    }),
  OPENAI_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  GENERATION_CONCURRENCY_OPENAI: z.coerce.number().int().min(1).max(256).default(4),
  // fal.ai's queue API: the key ("id:secret") and the model, e.g. fal-ai/kling-video/v2.1/standard/text-to-video.
  FAL_KEY: z.string().optional(),
  FAL_MODEL: z.string().optional(),
  FAL_QUEUE_URL: z.url().default("https://queue.fal.run"),
  // Where fal's webhook signing keys are published (cached for a day).
  FAL_JWKS_URL: z.url().default("https://rest.alpha.fal.ai/.well-known/jwks.json"),
  // How often a running fal job is polled; a verified webhook cuts the wait short.
  FAL_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
  GENERATION_CONCURRENCY_FAL: z.coerce.number().int().min(1).max(256).default(4),
  // Webhooks (Replicate, fal) need the portal reachable from the internet at APP_URL. "auto": on
  // when APP_URL is set and is not localhost; "off": polling alone.
  GENERATION_WEBHOOKS: z.enum(["auto", "on", "off"]).default("auto"),
  // Media storage: "local" keeps files in $DATA_DIR/media; "s3" uses any S3-compatible bucket.
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ENDPOINT: z.url().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  // Review. Items waiting longer than this are marked overdue and listed in the reviewers' digest.
  REVIEW_TARGET_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(48),
  // The content-policy checklist reviewers tick before approving, items separated by "|".
  // Empty: the built-in list (see app/lib/review.ts).
  REVIEW_CHECKLIST: z.string().optional(),
  // Hour of the day (UTC) from which the daily overdue digest goes to reviewers.
  REVIEW_DIGEST_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(8),
  // Money. Grants above this amount (in any currency, e.g. 500 or 500.00) need a second admin's
  // approval before they are payable.
  GRANT_APPROVAL_THRESHOLD: z
    .string()
    .default("500.00")
    .transform((v, ctx) => {
      const minor = parseMoneyInput(v);
      if (minor === null) {
        ctx.addIssue({ code: "custom", message: "use an amount like 500 or 500.00" });
        return z.NEVER;
      }
      return minor;
    }),
  // Anomaly flags (app/.server/oversight/flags.ts). A scan every 5 minutes flags an account used
  // in the last hour from more distinct addresses, browsers or sign-in addresses than these;
  // at 3 times the limit the flag is strong.
  ANOMALY_MAX_ADDRESSES_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(8),
  ANOMALY_MAX_AGENTS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(5),
  ANOMALY_MAX_SIGNIN_ADDRESSES: z.coerce.number().int().min(1).max(10_000).default(4),
  // ... and one that queued at least this many times its own usual daily count (the median of the
  // previous 14 days) in the last 24 hours, and at least 20 jobs; strong at twice the factor.
  ANOMALY_VOLUME_FACTOR: z.coerce.number().min(1.5).max(1000).default(5),
  // true: a strong flag on an active artist suspends the account at once (never an admin).
  ANOMALY_AUTO_SUSPEND: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // On SIGTERM a process stops taking work at once, then waits this long for requests in flight
  // before closing their connections; running renders are handed back to other workers.
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  // `npm run worker` only: the port it serves /healthz, /readyz and /metrics on. Unset: none.
  WORKER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export type Env = z.infer<typeof schema> & {
  SESSION_SECRET: string;
  PROVENANCE_SECRET: string;
  APP_URL: string;
};

function blankToUndefined(source: Record<string, string | undefined>) {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

function persistentSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, `.${name}`);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = schema.safeParse(blankToUndefined(source));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = result.data;
  if (env.GENERATION_PROVIDER === "replicate" && (!env.REPLICATE_API_TOKEN || !env.REPLICATE_MODEL))
    throw new Error(
      "Invalid environment:\n  GENERATION_PROVIDER=replicate needs REPLICATE_API_TOKEN and REPLICATE_MODEL",
    );
  if (env.GENERATION_PROVIDER === "openai" && !env.OPENAI_BASE_URL)
    throw new Error(
      "Invalid environment:\n  GENERATION_PROVIDER=openai needs OPENAI_BASE_URL (e.g. http://model.internal/v1)",
    );
  if (env.GENERATION_PROVIDER === "fal" && (!env.FAL_KEY || !env.FAL_MODEL))
    throw new Error("Invalid environment:\n  GENERATION_PROVIDER=fal needs FAL_KEY and FAL_MODEL");
  if (Boolean(env.C2PA_SIGNING_CERT) !== Boolean(env.C2PA_SIGNING_KEY))
    throw new Error(
      "Invalid environment:\n  C2PA_SIGNING_CERT and C2PA_SIGNING_KEY go together: set both, or neither",
    );
  if (env.STORAGE_DRIVER === "s3" && !env.S3_BUCKET)
    throw new Error("Invalid environment:\n  STORAGE_DRIVER=s3 needs S3_BUCKET");
  return {
    ...env,
    SESSION_SECRET: env.SESSION_SECRET ?? persistentSecret(env.DATA_DIR, "session-secret"),
    PROVENANCE_SECRET: env.PROVENANCE_SECRET ?? persistentSecret(env.DATA_DIR, "provenance-secret"),
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
  };
}
