import { eq } from "drizzle-orm";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { accessSettingsInput, updateAccessSettings } from "~/.server/access/settings";
import type { DatabaseHandle, Db } from "~/.server/db";
import { createLocalProvider } from "~/.server/generation/providers/local";
import {
  ProviderError,
  type ProviderPoll,
  type VideoProvider,
} from "~/.server/generation/providers/provider";
import { generationRequest, queueGeneration } from "~/.server/generation/quota";
import { createGenerationQueue, type GenerationQueue } from "~/.server/generation/queue";
import { hashPrompt, signProvenance } from "~/.server/generation/provenance";
import { newObjectKey, type ObjectStorage } from "~/.server/storage";
import { clips, generationJobs, quotaMovements, type User } from "~db/schema";
import { acting, createUser, testEnv, testStorage } from "./factories";

export const request = (overrides: Record<string, unknown> = {}) =>
  generationRequest.parse({
    prompt: "A lighthouse at dusk",
    durationSeconds: 5,
    resolution: "480p",
    aspectRatio: "16:9",
    style: "none",
    ...overrides,
  });

/** An artist with generation access (generous unless overridden). */
export async function artistWith(db: Db, settings: Record<string, unknown> = {}): Promise<User> {
  const admin = await createUser(db, { role: "admin" });
  const artist = await createUser(db, { role: "artist" });
  await updateAccessSettings(
    db,
    acting(admin),
    artist.id,
    accessSettingsInput.parse({
      monthlyQuotaSeconds: 600,
      maxDurationSeconds: 20,
      maxResolution: "1080p",
      maxConcurrentJobs: 2,
      ...settings,
    }),
  );
  return artist;
}

export const queueJob = (db: Db, artist: User, overrides: Record<string, unknown> = {}) =>
  queueGeneration(db, acting(artist), request(overrides));

export const tempDir = (name: string) => mkdtempSync(path.join(os.tmpdir(), `greenroom-${name}-`));

export async function jobRow(db: Db, id: string) {
  const [job] = await db.select().from(generationJobs).where(eq(generationJobs.id, id));
  return job!;
}

/** The job's quota movements, as kinds in order: ["reserve", "commit"] and so on. */
export async function movements(db: Db, jobId: string) {
  const rows = await db
    .select({ kind: quotaMovements.kind })
    .from(quotaMovements)
    .where(eq(quotaMovements.jobId, jobId))
    .orderBy(quotaMovements.id);
  return rows.map((r) => r.kind);
}

export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function localProvider() {
  return createLocalProvider();
}

/**
 * The local provider with scripted trouble: `submitErrors` are thrown by successive submits
 * before the real one runs; `slowPollMs` holds each poll back so a render can be cancelled.
 */
export function scriptedProvider(
  options: { submitErrors?: ProviderError[]; slowPollMs?: number; failWith?: string } = {},
) {
  const base = localProvider();
  const errors = [...(options.submitErrors ?? [])];
  const calls = { submit: 0, cancel: 0 };
  const provider: VideoProvider = {
    ...base,
    async submit(req) {
      calls.submit++;
      const error = errors.shift();
      if (error) throw error;
      return base.submit(req);
    },
    async poll(id): Promise<ProviderPoll> {
      if (options.failWith) return { status: "failed", progress: 0, error: options.failWith };
      if (options.slowPollMs) await new Promise((r) => setTimeout(r, options.slowPollMs));
      const state = await base.poll(id);
      // While slowed down, never report success: the job stays running until cancelled.
      return options.slowPollMs ? { ...state, status: "running" } : state;
    },
    async cancel(id) {
      calls.cancel++;
      return base.cancel(id);
    },
  };
  return { provider, calls };
}

export const transient = (message = "The provider is busy (503).") =>
  new ProviderError(message, true);

export async function startQueue(
  handle: Pick<DatabaseHandle, "db" | "executeSql">,
  providers: VideoProvider | Map<string, VideoProvider>,
  options: { workers?: number; concurrency?: number; storage?: ObjectStorage } = {},
): Promise<GenerationQueue> {
  const queue = createGenerationQueue({
    handle,
    providers: providers instanceof Map ? providers : new Map([["local", providers]]),
    concurrency: { local: options.concurrency ?? 2 },
    storage: options.storage ?? testStorage,
    provenanceSecret: testEnv.PROVENANCE_SECRET,
    logger: pino({ level: "silent" }),
    workDir: tempDir("work"),
    workers: options.workers ?? 2,
    // Long enough that a busy CI machine never mistakes a slow worker for a dead one; the
    // hand-over tests start with heartbeats a minute old.
    staleSeconds: 10,
    tickMs: 200,
    heartbeatMs: 200,
    retryBaseMs: 100,
  });
  await queue.start();
  return queue;
}

/**
 * A finished clip of `user` without rendering: a job, its clip row and stored objects (bytes
 * 0, 1, 2… so range responses can be checked exactly).
 */
export async function createFinishedClip(
  db: Db,
  user: User,
  options: { storage?: ObjectStorage; videoBytes?: number } = {},
) {
  const storage = options.storage ?? testStorage;
  const dir = tempDir("clip");
  const video = path.join(dir, "video.mp4");
  const poster = path.join(dir, "poster.jpg");
  const bytes = Buffer.alloc(options.videoBytes ?? 1000, 0);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
  writeFileSync(video, bytes);
  writeFileSync(poster, Buffer.from("poster"));
  const videoKey = newObjectKey("clips", "mp4");
  const posterKey = newObjectKey("posters", "jpg");
  await storage.putFile(videoKey, video, "video/mp4");
  await storage.putFile(posterKey, poster, "image/jpeg");
  const [job] = await db
    .insert(generationJobs)
    .values({
      userId: user.id,
      provider: "local",
      prompt: "A finished test clip",
      durationSeconds: 5,
      resolution: "480p",
      aspectRatio: "16:9",
      style: "none",
      seed: 7,
      status: "succeeded",
      progress: 1,
      attempts: 1,
      startedAt: new Date(Date.now() - 3000),
      finishedAt: new Date(),
    })
    .returning();
  const provenance = signProvenance(
    {
      clipId: job!.id,
      accountId: user.id,
      provider: "local",
      model: "greenroom-stand-in-v1",
      promptSha256: hashPrompt(job!.prompt),
      createdAt: new Date().toISOString(),
    },
    testEnv.PROVENANCE_SECRET,
  );
  const [clip] = await db
    .insert(clips)
    .values({
      id: job!.id,
      userId: user.id,
      videoKey,
      posterKey,
      sizeBytes: bytes.length,
      durationSeconds: 5,
      width: 854,
      height: 480,
      provider: "local",
      model: "greenroom-stand-in-v1",
      provenance,
    })
    .returning();
  return { clip: clip!, bytes };
}
