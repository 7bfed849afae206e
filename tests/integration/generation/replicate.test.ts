import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { probe } from "~/.server/generation/media";
import { ProviderError, type ProviderRequest } from "~/.server/generation/providers/provider";
import {
  createReplicateProvider,
  type ReplicateProviderConfig,
} from "~/.server/generation/providers/replicate";
import { useFakeReplicate } from "../../support/fake-replicate";

const replicate = useFakeReplicate();
const fake = () => replicate.server;
const VERSION = "9dcd6d78e7c6560c340d916fe32e9f24aabfa331e5cce95fe31f77fb03121426";

const root = mkdtempSync(path.join(tmpdir(), "greenroom-replicate-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => path.join(root, String(++dirCount));

beforeEach(() => fake().reset());

function provider(overrides: Partial<ReplicateProviderConfig> = {}) {
  return createReplicateProvider({
    apiToken: fake().apiToken,
    model: "acme/video-model",
    baseUrl: fake().baseUrl,
    ...overrides,
  });
}

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    jobId: "3f9a1c2e-0000-4000-8000-000000000001",
    prompt: "A lighthouse at dusk, waves rolling in",
    durationSeconds: 5,
    resolution: "720p",
    aspectRatio: "16:9",
    style: "cinematic",
    seed: 42,
    watermark: "GREENROOM · 3f9a1c2e",
    workDir: "/nonexistent/replicate-renders-nothing-here",
    ...overrides,
  };
}

/** The ProviderError a call fails with; every one of them is checked for the token. */
async function providerError(call: Promise<unknown>, token = fake().apiToken) {
  const error = await call.then(
    () => {
      throw new Error("Expected the call to fail with a ProviderError");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message).not.toContain(token);
  return providerError;
}

const posts = () => fake().requests.filter((r) => r.method === "POST");

/** A provider that records the rate-limit waits it asks for instead of spending them. */
function patientProvider(overrides: Partial<ReplicateProviderConfig> = {}) {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { waits, replicate: provider({ sleep, ...overrides }) };
}

describe("Replicate provider: the happy path", () => {
  it("submits to the model's endpoint, reports status and progress, and downloads a real video", async () => {
    fake().planNextPrediction([
      { status: "starting" },
      { status: "processing", log: "Loading model weights" },
      { status: "processing", log: " 10%|█         | 2/20 [00:01<00:09]\n 45%|████▌     | 9/20" },
      { status: "processing", log: "100%|██████████| 20/20 [00:09<00:00]\nEncoding video" },
      { status: "succeeded" },
    ]);
    const replicateProvider = provider();
    expect(replicateProvider).toMatchObject({
      id: "replicate",
      model: "acme/video-model",
      resumable: true,
      pollIntervalMs: 2000,
      capabilities: {
        durations: [5, 10],
        resolutions: ["480p", "720p"],
        aspectRatios: ["16:9", "9:16", "1:1"],
      },
    });

    const { providerJobId } = await replicateProvider.submit(request());
    expect(fake().predictions.get(providerJobId)?.status).toBe("starting");
    const [create] = fake().requests;
    expect(create).toMatchObject({
      method: "POST",
      path: "/v1/models/acme/video-model/predictions",
      body: {
        input: {
          prompt: "A lighthouse at dusk, waves rolling in, cinematic film look",
          duration: 5,
          resolution: "720p",
          aspect_ratio: "16:9",
          seed: 42,
        },
      },
    });
    expect(create!.body).not.toHaveProperty("version");
    expect(create!.headers.authorization).toBe(`Bearer ${fake().apiToken}`);
    expect(create!.headers["content-type"]).toBe("application/json");
    expect(create!.headers.prefer).toBeUndefined();

    const polls = [];
    for (let i = 0; i < 5; i++) polls.push(await replicateProvider.poll(providerJobId));
    expect(polls).toEqual([
      { status: "queued", progress: 0 },
      { status: "running", progress: 0 },
      { status: "running", progress: 0.45 },
      // The model logged 100% but is still encoding: not done until it says succeeded.
      { status: "running", progress: 0.99 },
      { status: "succeeded", progress: 1 },
    ]);
    expect(fake().requests.at(-1)).toMatchObject({
      method: "GET",
      path: `/v1/predictions/${providerJobId}`,
    });

    const dir = freshDir();
    const fetched = await replicateProvider.fetchResult(providerJobId, dir);
    expect(fetched).toEqual({ videoPath: path.join(dir, "provider-output.mp4"), finished: false });
    expect(readdirSync(dir)).toEqual(["provider-output.mp4"]);
    const probed = await probe(fetched.videoPath);
    expect(probed).toMatchObject({ width: 320, height: 240, codec: "h264" });
    expect(probed.durationSeconds).toBeCloseTo(2, 1);
    expect(fake().requests.at(-1)).toMatchObject({
      method: "GET",
      path: `/files/${providerJobId}/output.mp4`,
    });
  });

  it("pins a version through POST /predictions with {version, input}", async () => {
    const { providerJobId } = await provider({ model: `acme/video-model:${VERSION}` }).submit(
      request({ style: "none", durationSeconds: 10, resolution: "480p", aspectRatio: "9:16" }),
    );
    expect(posts()).toHaveLength(1);
    expect(posts()[0]).toMatchObject({
      path: "/v1/predictions",
      body: {
        version: VERSION,
        input: {
          prompt: "A lighthouse at dusk, waves rolling in",
          duration: 10,
          resolution: "480p",
          aspect_ratio: "9:16",
          seed: 42,
        },
      },
    });
    expect(fake().predictions.get(providerJobId)?.version).toBe(VERSION);
  });

  it("downloads an output given as a list of URLs", async () => {
    fake().planNextPrediction([{ status: "succeeded", output: "url-list" }]);
    const replicateProvider = provider();
    const { providerJobId } = await replicateProvider.submit(request());
    expect(await replicateProvider.poll(providerJobId)).toEqual({
      status: "succeeded",
      progress: 1,
    });
    const { videoPath } = await replicateProvider.fetchResult(providerJobId, freshDir());
    expect((await probe(videoPath)).width).toBe(320);
  });

  it("cancels a running prediction", async () => {
    const replicateProvider = provider();
    const { providerJobId } = await replicateProvider.submit(request());
    expect((await replicateProvider.poll(providerJobId)).status).toBe("running");

    await replicateProvider.cancel(providerJobId);
    expect(fake().requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/v1/predictions/${providerJobId}/cancel`,
    });
    expect(fake().predictions.get(providerJobId)?.status).toBe("canceled");
    expect((await replicateProvider.poll(providerJobId)).status).toBe("canceled");
  });

  it("lets configuration override what the model can make", async () => {
    const replicateProvider = provider({ capabilities: { durations: [4, 8] } });
    expect(replicateProvider.capabilities).toEqual({
      durations: [4, 8],
      resolutions: ["480p", "720p"],
      aspectRatios: ["16:9", "9:16", "1:1"],
    });
    await replicateProvider.submit(request({ durationSeconds: 8 }));
    expect(posts()[0]?.body).toMatchObject({ input: { duration: 8 } });

    const error = await providerError(replicateProvider.submit(request({ durationSeconds: 5 })));
    expect(error.transient).toBe(false);
    expect(error.message).toContain("4 or 8 seconds");
    expect(posts()).toHaveLength(1);
  });
});

describe("Replicate provider: failures", () => {
  it("turns a 422 into a non-transient error that carries Replicate's detail", async () => {
    const detail = "- input.duration: Input should be 5 or 10";
    fake().scriptNext({ status: 422, detail });
    const error = await providerError(provider().submit(request()));
    expect(error.transient).toBe(false);
    expect(error.message).toContain(detail);
    expect(posts()).toHaveLength(1);
  });

  it.each([500, 502, 503])(
    "treats HTTP %i as transient and does not repeat the create",
    async (status) => {
      fake().scriptNext({ status });
      const error = await providerError(provider().submit(request()));
      expect(error.transient).toBe(true);
      expect(error.message).toContain(`HTTP ${status}`);
      // Replicate has no idempotency key: a second create could start a second paid run.
      expect(posts()).toHaveLength(1);
    },
  );

  it("treats a 5xx while polling as transient", async () => {
    const replicateProvider = provider();
    const { providerJobId } = await replicateProvider.submit(request());
    fake().scriptNext({ status: 503, path: "/v1/predictions/" });
    const error = await providerError(replicateProvider.poll(providerJobId));
    expect(error.transient).toBe(true);
  });

  it("gives up on a request that hangs past the timeout, as a transient error", async () => {
    fake().scriptNext({ hang: true });
    const error = await providerError(provider({ requestTimeoutMs: 200 }).submit(request()));
    expect(error.transient).toBe(true);
    // Only the request's own timeout says this (the fake never answers).
    expect(error.message).toContain("did not answer within 0.2 s");
  });

  it("treats a refused connection as transient", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probeServer = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probeServer.address() as { port: number };
        probeServer.close(() => resolve(port));
      });
    });
    const error = await providerError(
      provider({ baseUrl: `http://127.0.0.1:${closedPort}/v1` }).submit(request()),
    );
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/^Could not reach Replicate/);
  });

  it("polls a failed prediction as failed, with a readable error", async () => {
    fake().planNextPrediction([
      { status: "processing", log: " 20%|██        | 4/20" },
      {
        status: "failed",
        error:
          "Traceback (most recent call last):\n  File predict.py\nRuntimeError: CUDA out of memory",
      },
    ]);
    const replicateProvider = provider();
    const { providerJobId } = await replicateProvider.submit(request());
    expect(await replicateProvider.poll(providerJobId)).toEqual({
      status: "running",
      progress: 0.2,
    });
    expect(await replicateProvider.poll(providerJobId)).toEqual({
      status: "failed",
      progress: 0.2,
      error: "Replicate could not make this clip: RuntimeError: CUDA out of memory",
    });
  });

  it("polls an aborted prediction as failed, not as cancelled by the artist", async () => {
    fake().planNextPrediction([{ status: "aborted" }]);
    const replicateProvider = provider();
    const { providerJobId } = await replicateProvider.submit(request());
    const poll = await replicateProvider.poll(providerJobId);
    expect(poll.status).toBe("failed");
    expect(poll.error).toMatch(/gave up/);
  });

  it("fails fetchResult without retry when a succeeded prediction has no output URL", async () => {
    fake().planNextPrediction([{ status: "succeeded", output: "none" }]);
    const replicateProvider = provider();
    const { providerJobId } = await replicateProvider.submit(request());
    expect((await replicateProvider.poll(providerJobId)).status).toBe("succeeded");

    const dir = freshDir();
    const error = await providerError(replicateProvider.fetchResult(providerJobId, dir));
    expect(error.transient).toBe(false);
    expect(error.message).toContain("no video");
    expect(existsSync(path.join(dir, "provider-output.mp4"))).toBe(false);
  });

  it("refuses a clip the model cannot make before calling Replicate", async () => {
    const error = await providerError(provider().submit(request({ resolution: "1080p" })));
    expect(error.transient).toBe(false);
    expect(error.message).toContain("1080p");
    expect(fake().requests).toHaveLength(0);
  });
});

describe("Replicate provider: rate limits", () => {
  it("waits out a 429 with Retry-After in seconds, then succeeds", async () => {
    fake().scriptNext({ status: 429, retryAfter: "1" });
    const { waits, replicate } = patientProvider();
    const result = await replicate.submit(request());
    expect(fake().predictions.has(result.providerJobId)).toBe(true);
    expect(posts()).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });

  it("waits out a 429 with Retry-After as an HTTP date", async () => {
    const { waits, replicate } = patientProvider();
    const { providerJobId } = await replicate.submit(request());
    // HTTP dates count whole seconds: ten seconds ahead is at least nine seconds of waiting.
    fake().scriptNext({ status: 429, retryAfter: new Date(Date.now() + 10_000).toUTCString() });
    const result = await replicate.poll(providerJobId);
    expect(result.status).toBe("running");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(8_000);
    expect(waits[0]).toBeLessThanOrEqual(10_000);
    expect(fake().requests.filter((r) => r.method === "GET")).toHaveLength(2);
  });

  it("without Retry-After, waits as long as Replicate's documented 429 body says", async () => {
    fake().scriptNext({
      status: 429,
      detail: "Request was throttled. Your rate limit resets in ~2s.",
    });
    const { waits, replicate } = patientProvider();
    const result = await replicate.submit(request());
    expect(fake().predictions.has(result.providerJobId)).toBe(true);
    expect(posts()).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it("hands a wait longer than allowed to the runner as transient, with retryAfterMs", async () => {
    fake().scriptNext({ status: 429, retryAfter: "120" });
    const { waits, replicate } = patientProvider();
    const error = await providerError(replicate.submit(request()));
    expect(error.transient).toBe(true);
    expect(error.retryAfterMs).toBe(120_000);
    expect(waits).toEqual([]);
    expect(posts()).toHaveLength(1);
  });

  it("counts every wait in one call against maxRateLimitWaitMs", async () => {
    fake().scriptNext({ status: 429, retryAfter: "1" }, { status: 429, retryAfter: "1" });
    const { waits, replicate } = patientProvider({ maxRateLimitWaitMs: 1500 });
    const error = await providerError(replicate.submit(request()));
    expect(error.transient).toBe(true);
    expect(error.retryAfterMs).toBe(1000);
    expect(posts()).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });
});

describe("Replicate provider: credentials", () => {
  it("reports a wrong token as refused credentials, not transient, without showing it", async () => {
    const wrongToken = "r8_wrong_token_0123456789";
    const error = await providerError(
      provider({ apiToken: wrongToken }).submit(request()),
      wrongToken,
    );
    expect(error.transient).toBe(false);
    expect(error.message).toContain("refused our credentials");
    expect(fake().requests[0]?.headers.authorization).toBe(`Bearer ${wrongToken}`);
  });

  it("reports a 403 the same way", async () => {
    fake().scriptNext({ status: 403, detail: "You do not have permission to run this model" });
    const error = await providerError(provider().submit(request()));
    expect(error.transient).toBe(false);
    expect(error.message).toContain("refused our credentials");
  });

  it("scrubs the token from an error even when Replicate's detail echoes it", async () => {
    fake().scriptNext({ status: 422, detail: `Token ${fake().apiToken} may not run this model` });
    const error = await providerError(provider().submit(request()));
    expect(error.message).toContain("Token [redacted] may not run this model");
  });
});
