import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { probe, runFfmpeg } from "~/.server/generation/media";
import {
  createOpenAIProvider,
  type OpenAIProviderConfig,
} from "~/.server/generation/providers/openai";
import { ProviderError, type ProviderRequest } from "~/.server/generation/providers/provider";
import { useFakeOpenAIVideos } from "../../support/fake-openai-videos";

// The openai provider against a local server following the OpenAI Videos API contract.

const server = useFakeOpenAIVideos();
const fake = () => server.server;

const root = mkdtempSync(path.join(tmpdir(), "greenroom-openai-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => path.join(root, String(++dirCount));

beforeEach(() => fake().reset());

function provider(overrides: Partial<OpenAIProviderConfig> = {}) {
  return createOpenAIProvider({
    baseUrl: fake().baseUrl,
    apiKey: fake().apiKey,
    model: "sora-2",
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
    workDir: freshDir(),
    ...overrides,
  };
}

async function providerError(call: Promise<unknown>, key = fake().apiKey) {
  const error = await call.then(
    () => {
      throw new Error("Expected the call to fail with a ProviderError");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).message).not.toContain(key);
  return error as ProviderError;
}

const creates = () => fake().requests.filter((r) => r.method === "POST");

function patient(overrides: Partial<OpenAIProviderConfig> = {}) {
  const waits: number[] = [];
  return {
    waits,
    openai: provider({
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...overrides,
    }),
  };
}

describe("openai provider: the contract", () => {
  it("offers what Sora 2's lengths and sizes allow, and maps a request to seconds and size", async () => {
    const openai = provider();
    expect(openai).toMatchObject({
      id: "openai",
      model: "sora-2",
      resumable: true,
      takesImage: true,
      capabilities: {
        // 4/8/12 s renders, cut to our lengths; no square size.
        durations: [5, 10],
        // The largest short side is 1024 px: no 1080p.
        resolutions: ["480p", "720p"],
        aspectRatios: ["16:9", "9:16"],
      },
    });
    const { providerJobId } = await openai.submit(request());
    const [create] = creates();
    expect(create).toMatchObject({
      path: "/v1/videos",
      fields: {
        model: "sora-2",
        prompt: "A lighthouse at dusk, waves rolling in, cinematic film look",
        seconds: "8",
        size: "1280x720",
      },
    });
    expect(create!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(create!.headers.authorization).toBe(`Bearer ${fake().apiKey}`);
    expect(fake().videos.get(providerJobId)?.status).toBe("queued");

    await openai.submit(
      request({
        durationSeconds: 10,
        resolution: "720p",
        aspectRatio: "9:16",
        model: "sora-2-pro",
      }),
    );
    expect(creates()[1]?.fields).toMatchObject({
      model: "sora-2-pro",
      seconds: "12",
      size: "720x1280",
    });
  });

  it("polls progress to completion and downloads the content at once", async () => {
    const openai = provider();
    const { providerJobId } = await openai.submit(request());
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push(await openai.poll(providerJobId));
    expect(polls).toEqual([
      { status: "running", progress: 0.1 },
      { status: "running", progress: 0.6 },
      { status: "succeeded", progress: 1 },
    ]);
    const dir = freshDir();
    const fetched = await openai.fetchResult(providerJobId, dir);
    expect(fetched).toEqual({ videoPath: path.join(dir, "provider-output.mp4"), finished: false });
    expect(readdirSync(dir)).toEqual(["provider-output.mp4"]);
    expect(await probe(fetched.videoPath)).toMatchObject({ width: 320, height: 180 });
    expect(fake().requests.at(-1)).toMatchObject({
      method: "GET",
      path: `/v1/videos/${providerJobId}/content`,
    });
  });

  it("sends a reference image as input_reference, fitted to the size", async () => {
    const image = `${freshDir()}-img.png`;
    await runFfmpeg(["-f", "lavfi", "-i", "color=c=red:s=300x200", "-frames:v", "1", "-y", image]);
    const workDir = freshDir();
    mkdirSync(workDir, { recursive: true });
    await provider().submit(request({ referenceImagePath: image, workDir }));
    expect(creates()[0]?.fields?.input_reference).toMatchObject({
      name: "reference.png",
      type: "image/png",
    });
    expect(readdirSync(workDir)).toEqual(["input-reference.png"]);
  });

  it("cancels with DELETE", async () => {
    const openai = provider();
    const { providerJobId } = await openai.submit(request());
    await openai.cancel(providerJobId);
    expect(fake().requests.at(-1)).toMatchObject({
      method: "DELETE",
      path: `/v1/videos/${providerJobId}`,
    });
    expect(fake().videos.get(providerJobId)?.deleted).toBe(true);
  });

  it("refuses a shape the server has no size for, before calling it", async () => {
    const error = await providerError(provider().submit(request({ aspectRatio: "1:1" })));
    expect(error.transient).toBe(false);
    expect(creates()).toHaveLength(0);
  });
});

describe("openai provider: failures", () => {
  it("reports a failed video with its reason (moderation), readable", async () => {
    fake().planNextVideo([
      { status: "in_progress", progress: 30 },
      {
        status: "failed",
        code: "moderation_blocked",
        message: "Your request was blocked by our moderation system.",
      },
    ]);
    const openai = provider();
    const { providerJobId } = await openai.submit(request());
    await openai.poll(providerJobId);
    expect(await openai.poll(providerJobId)).toEqual({
      status: "failed",
      progress: 0.3,
      error:
        "The model could not make this clip: Your request was blocked by our moderation system.",
    });
  });

  it("turns a 400 into a permanent error carrying the server's message", async () => {
    fake().scriptNext({ status: 400, message: "Invalid size '1x1'." });
    const error = await providerError(provider().submit(request()));
    expect(error.transient).toBe(false);
    expect(error.message).toContain("Invalid size '1x1'.");
  });

  it("reports a wrong key as refused credentials, permanent, without showing either key", async () => {
    const wrong = "sk-wrong-key-that-must-not-leak-000000";
    const error = await providerError(provider({ apiKey: wrong }).submit(request()), wrong);
    expect(error).toMatchObject({ transient: false });
    expect(error.message).toMatch(/refused our credentials \(HTTP 401\)/);
    expect(error.message).not.toContain(fake().apiKey);
  });

  it("scrubs the key even when the server echoes it", async () => {
    fake().scriptNext({ status: 400, message: `Bad header: Bearer ${fake().apiKey}` });
    const error = await providerError(provider().submit(request()));
    expect(error.message).toContain("[redacted]");
  });

  it("treats a 5xx as transient and a 409 (content not ready) as transient", async () => {
    const openai = provider();
    const { providerJobId } = await openai.submit(request());
    fake().scriptNext({ status: 503, message: "Service unavailable" });
    expect((await providerError(openai.poll(providerJobId))).transient).toBe(true);
    const early = await providerError(openai.fetchResult(providerJobId, freshDir()));
    expect(early.transient).toBe(true);
    expect(early.message).toContain("HTTP 409");
  });

  it("fails for good when the content link has expired (404)", async () => {
    fake().planNextVideo([{ status: "completed" }]);
    const openai = provider();
    const { providerJobId } = await openai.submit(request());
    await openai.poll(providerJobId);
    fake().expire(providerJobId);
    const error = await providerError(openai.fetchResult(providerJobId, freshDir()));
    expect(error.transient).toBe(false);
    expect(error.message).toMatch(/no longer has this video's file/);
  });

  it("gives up on a request that hangs past the timeout, as transient", async () => {
    fake().scriptNext({ hang: true });
    const error = await providerError(provider({ requestTimeoutMs: 200 }).submit(request()));
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/did not answer within 0.2 s/);
  });

  it("treats a refused connection as transient", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await providerError(
      provider({ baseUrl: `http://127.0.0.1:${port}/v1` }).submit(request()),
    );
    expect(error.transient).toBe(true);
  });
});

describe("openai provider: rate limits", () => {
  it("waits out a 429 with Retry-After, then creates once", async () => {
    fake().scriptNext({ status: 429, retryAfter: "3", method: "POST" });
    const { waits, openai } = patient();
    const { providerJobId } = await openai.submit(request());
    expect(waits).toEqual([3000]);
    expect(fake().videos.has(providerJobId)).toBe(true);
    expect(fake().videos.size).toBeGreaterThan(0);
    expect(creates()).toHaveLength(2);
  });

  it("hands a wait longer than allowed to the runner as transient with retryAfterMs", async () => {
    fake().scriptNext({ status: 429, retryAfter: "120" });
    const { waits, openai } = patient({ maxRateLimitWaitMs: 10_000 });
    const error = await providerError(openai.submit(request()));
    expect(error).toMatchObject({ transient: true, retryAfterMs: 120_000 });
    expect(waits).toEqual([]);
  });

  it("never repeats a create after a 5xx (it could start a second paid render)", async () => {
    fake().scriptNext({ status: 502, method: "POST" });
    const error = await providerError(provider().submit(request()));
    expect(error.transient).toBe(true);
    expect(creates()).toHaveLength(1);
  });
});

describe("openai provider: configuration", () => {
  it("takes other lengths and sizes, and a keyless private server", async () => {
    const openai = createOpenAIProvider({
      baseUrl: fake().baseUrl,
      model: "house-model-v3",
      seconds: [4, 8, 12, 20],
      sizes: ["1024x1024", "854x480"],
    });
    expect(openai.capabilities).toEqual({
      durations: [5, 10, 15, 20],
      // The largest short side is 1024 px.
      resolutions: ["480p", "720p"],
      aspectRatios: ["16:9", "1:1"],
    });
    // No key: the fake answers 401, which is the server's call to make.
    const error = await providerError(openai.submit(request({ aspectRatio: "1:1" })));
    expect(fake().requests.at(-1)?.headers.authorization).toBeUndefined();
    expect(error.message).toMatch(/HTTP 401/);
  });

  it("refuses a malformed size at start", () => {
    expect(() => provider({ sizes: ["big"] })).toThrow(/WIDTHxHEIGHT/);
  });
});
