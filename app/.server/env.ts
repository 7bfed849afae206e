import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

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
  // Resend: without a key every email stays in the outbox (/admin/outbox).
  RESEND_API_KEY: z.string().optional(),
  RESEND_BASE_URL: z.url().optional(),
  EMAIL_FROM: z.string().default("Greenroom <no-reply@greenroom.test>"),
  // Header holding the client address when behind a proxy you trust (e.g. x-forwarded-for).
  TRUSTED_PROXY_HEADER: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
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
  return {
    ...env,
    SESSION_SECRET: env.SESSION_SECRET ?? persistentSecret(env.DATA_DIR, "session-secret"),
    PROVENANCE_SECRET: env.PROVENANCE_SECRET ?? persistentSecret(env.DATA_DIR, "provenance-secret"),
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
  };
}
