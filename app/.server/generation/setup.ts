import { readFileSync } from "node:fs";
import path from "node:path";
import { loadSigningIdentity } from "../c2pa/certificates";
import type { Logger } from "pino";
import type { DatabaseHandle } from "../db";
import type { Env } from "../env";
import { createStorage, type ObjectStorage } from "../storage";
import { createGenerationQueue, type GenerationQueue } from "./queue";
import type { ProvenanceKeys } from "./provenance";
import { createLocalProvider } from "./providers/local";
import type { ProviderCapabilities, VideoProvider } from "./providers/provider";
import { createFalProvider } from "./providers/fal";
import { createOpenAIProvider } from "./providers/openai";
import { createReplicateProvider } from "./providers/replicate";
import { webhooksEnabled } from "./webhooks";

// Builds storage, providers and the queue from the environment, the same way in the web process
// and in `npm run worker`.

export function storageFromEnv(env: Env): ObjectStorage {
  if (env.STORAGE_DRIVER === "s3") {
    return createStorage({
      driver: "s3",
      bucket: env.S3_BUCKET!,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  return createStorage({ driver: "local", root: path.resolve(env.DATA_DIR, "media") });
}

/** PEM given as text (with \n for newlines, as .env files write it) or as a file's path. */
function pemFrom(value: string | undefined) {
  if (!value) return undefined;
  const text = value.includes("-----BEGIN") ? value : readFileSync(value, "utf8");
  return text.replace(/\\n/g, "\n");
}

let keys: { from: Env; keys: ProvenanceKeys } | undefined;

/**
 * What signs outputs in this process: PROVENANCE_SECRET for the record, and the C2PA identity from
 * C2PA_SIGNING_CERT/C2PA_SIGNING_KEY or, without them, generated once into $DATA_DIR/c2pa.
 */
export function provenanceKeysFromEnv(env: Env): ProvenanceKeys {
  if (keys?.from !== env)
    keys = {
      from: env,
      keys: {
        secret: env.PROVENANCE_SECRET,
        identity: loadSigningIdentity({
          certPem: pemFrom(env.C2PA_SIGNING_CERT),
          keyPem: pemFrom(env.C2PA_SIGNING_KEY),
          dir: path.resolve(env.DATA_DIR, "c2pa"),
        }),
      },
    };
  return keys.keys;
}

export function providersFromEnv(env: Env): Map<string, VideoProvider> {
  const providers = new Map<string, VideoProvider>();
  providers.set("local", createLocalProvider());
  if (env.REPLICATE_API_TOKEN && env.REPLICATE_MODEL) {
    providers.set(
      "replicate",
      createReplicateProvider({
        apiToken: env.REPLICATE_API_TOKEN,
        model: env.REPLICATE_MODEL,
        baseUrl: env.REPLICATE_BASE_URL,
        webhookUrl: webhooksEnabled(env.GENERATION_WEBHOOKS, env.APP_URL)
          ? `${env.APP_URL}/webhooks/replicate`
          : undefined,
      }),
    );
  }
  if (env.FAL_KEY && env.FAL_MODEL) {
    providers.set(
      "fal",
      createFalProvider({
        apiKey: env.FAL_KEY,
        model: env.FAL_MODEL,
        queueUrl: env.FAL_QUEUE_URL,
        pollIntervalMs: env.FAL_POLL_INTERVAL_MS,
        webhookUrl: webhooksEnabled(env.GENERATION_WEBHOOKS, env.APP_URL)
          ? `${env.APP_URL}/webhooks/fal`
          : undefined,
      }),
    );
  }
  if (env.OPENAI_BASE_URL) {
    providers.set(
      "openai",
      createOpenAIProvider({
        baseUrl: env.OPENAI_BASE_URL,
        apiKey: env.OPENAI_API_KEY,
        model: env.OPENAI_VIDEO_MODEL,
        seconds: env.OPENAI_VIDEO_SECONDS,
        sizes: env.OPENAI_VIDEO_SIZES,
        pollIntervalMs: env.OPENAI_POLL_INTERVAL_MS,
      }),
    );
  }
  return providers;
}

export function concurrencyFromEnv(env: Env): Record<string, number> {
  return {
    local: env.GENERATION_CONCURRENCY_LOCAL,
    replicate: env.GENERATION_CONCURRENCY_REPLICATE,
    openai: env.GENERATION_CONCURRENCY_OPENAI,
    fal: env.GENERATION_CONCURRENCY_FAL,
  };
}

/** What loaders and actions use: wake the queue after a change, and the limits for ETAs. */
export type GenerationService = {
  /** The provider new jobs go to, and what it can make. */
  provider: string;
  capabilities: ProviderCapabilities;
  concurrency: Record<string, number>;
  wake: () => void;
  /** The providers this server runs (catalog entries of others are not offered); [provider] if unset. */
  configured?: readonly string[];
  /** Which of them take a reference image. */
  takesImage?: readonly string[];
};

export function generationQueueFromEnv(
  handle: Pick<DatabaseHandle, "db" | "executeSql" | "exclusively" | "listen">,
  env: Env,
  logger: Logger,
  options: { workers: number; storage: ObjectStorage; providers: Map<string, VideoProvider> },
): GenerationQueue {
  return createGenerationQueue({
    handle,
    providers: options.providers,
    concurrency: concurrencyFromEnv(env),
    storage: options.storage,
    provenance: provenanceKeysFromEnv(env),
    logger,
    workDir: path.resolve(env.DATA_DIR, "work"),
    workers: options.workers,
    staleSeconds: env.GENERATION_STALE_SECONDS,
    appUrl: env.APP_URL,
  });
}
