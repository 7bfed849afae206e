import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { onTestFailed, onTestFinished } from "vitest";
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
import { accountRefFor, hashPrompt, signProvenance } from "~/.server/generation/provenance";
import { runGenerationJob } from "~/.server/generation/runner";
import { newObjectKey, type ObjectStorage } from "~/.server/storage";
import { clips, generationJobs, quotaMovements, type User } from "~db/schema";
import { acting, createUser, testProvenance, testStorage } from "./factories";

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

/**
 * Fires whenever something under test may have changed what a test waits for. The queue started
 * by startQueue fires one after every call to a provider and after every job its workers run.
 */
export type Changes = {
  subscribe(listener: () => void): () => void;
};

function createChanges(): Changes & { fire(): void } {
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire() {
      for (const listener of [...listeners]) listener();
    },
  };
}

/**
 * Waits until `check` gives a value. With `changes`, it looks again each time they fire (and no
 * sooner); without, every 50 ms, for what no event marks (a folder removed after a response).
 * No clock decides the outcome: if what is awaited never happens, vitest's testTimeout ends the
 * test, and the failure names what it was still waiting for.
 */
export function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  changes?: Changes,
): Promise<T> {
  let over = false;
  let looking = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  const stop = () => {
    over = true;
    unsubscribe?.();
    clearTimeout(timer);
  };
  try {
    onTestFailed(() => {
      if (!over) console.error(`Still waiting for ${what} when the test ended.`);
    });
    // Once the test is over (its timeout, say), stop looking.
    onTestFinished(stop);
  } catch {
    // Called outside a test: there is nothing to report to.
  }
  return new Promise<T>((resolve, reject) => {
    // One check at a time; a change during a check means one more check right after it.
    const look = async () => {
      if (looking) {
        again = true;
        return;
      }
      looking = true;
      try {
        do {
          again = false;
          if (over) return;
          const value = await check();
          if (value) {
            stop();
            resolve(value);
            return;
          }
        } while (again);
        if (!changes && !over) timer = setTimeout(() => void look(), 50);
      } catch (error) {
        stop();
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        looking = false;
      }
    };
    // Subscribed before the first look, so no change between the two is missed.
    unsubscribe = changes?.subscribe(() => void look());
    void look();
  });
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

/** A provider that fires `changes` once each of its calls has settled. */
function observed(provider: VideoProvider, changes: { fire(): void }): VideoProvider {
  const after = async <T>(call: Promise<T>) => {
    try {
      return await call;
    } finally {
      changes.fire();
    }
  };
  return {
    ...provider,
    submit: (request) => after(provider.submit(request)),
    poll: (id) => after(provider.poll(id)),
    cancel: (id) => after(provider.cancel(id)),
    fetchResult: (id, dir) => after(provider.fetchResult(id, dir)),
  };
}

/** The queue under test, with the changes to wait on (see waitFor). */
export type TestQueue = GenerationQueue & { changes: Changes };

export async function startQueue(
  handle: Pick<DatabaseHandle, "db" | "executeSql" | "exclusively">,
  providers: VideoProvider | Map<string, VideoProvider>,
  options: { workers?: number; concurrency?: number; storage?: ObjectStorage } = {},
): Promise<TestQueue> {
  const changes = createChanges();
  const byId = providers instanceof Map ? providers : new Map([["local", providers]]);
  const queue = createGenerationQueue({
    handle,
    providers: new Map([...byId].map(([id, provider]) => [id, observed(provider, changes)])),
    // Every job a worker runs ends with its outcome written: look again after each.
    runJob: async (deps, jobId, bossJobId) => {
      try {
        await runGenerationJob(deps, jobId, bossJobId);
      } finally {
        changes.fire();
      }
    },
    concurrency: { local: options.concurrency ?? 2 },
    storage: options.storage ?? testStorage,
    provenance: testProvenance,
    logger: pino({ level: "silent" }),
    workDir: tempDir("work"),
    workers: options.workers ?? 2,
    // A job is handed over only when its heartbeat is older than this. The hand-over test starts
    // with heartbeats a minute old; every other test must never see a live job handed over, even
    // when a busy machine keeps a heartbeat waiting behind the embedded database's one connection
    // for many seconds (seen: 10 s was not enough with four test runs on two cores).
    staleSeconds: 50,
    tickMs: 200,
    heartbeatMs: 200,
    retryBaseMs: 100,
  });
  await queue.start();
  return Object.assign(queue, { changes });
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
  // The record as sealing would sign it (its bytes are not a video: the hash is of the bytes).
  const provenance = signProvenance(
    {
      clipId: job!.id,
      accountRef: accountRefFor(user.id, testProvenance.secret),
      provider: "local",
      model: "greenroom-stand-in-v1",
      promptSha256: hashPrompt(job!.prompt),
      createdAt: new Date().toISOString(),
      videoSha256: createHash("sha256").update(bytes).digest("hex"),
    },
    testProvenance.secret,
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
