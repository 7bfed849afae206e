import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { probe, runFfmpeg } from "~/.server/generation/media";
import { createFalProvider, type FalProviderConfig } from "~/.server/generation/providers/fal";
import { ProviderError, type ProviderRequest } from "~/.server/generation/providers/provider";
import { useFakeFal } from "../../support/fake-fal";

// The fal provider against a local server following fal's queue API.

const fal = useFakeFal();
const fake = () => fal.server;
const root = mkdtempSync(path.join(tmpdir(), "greenroom-fal-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, String(++n));
beforeEach(() => fake().reset());

const MODEL = "fal-ai/kling-video/v2.1/standard/text-to-video";
const provider = (overrides: Partial<FalProviderConfig> = {}) =>
  createFalProvider({
    apiKey: fake().apiKey,
    model: MODEL,
    queueUrl: fake().queueUrl,
    ...overrides,
  });

const request = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  jobId: "job-1",
  prompt: "A lighthouse at dusk",
  durationSeconds: 5,
  resolution: "720p",
  aspectRatio: "16:9",
  style: "noir",
  seed: 9,
  watermark: "GREENROOM",
  workDir: freshDir(),
  ...overrides,
});

async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error("Expected a ProviderError");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as Error).message).not.toContain(fake().apiKey);
  return error as ProviderError;
}

describe("fal provider", () => {
  it("submits to the model with the webhook, polls the app's request, downloads the video", async () => {
    const falProvider = provider({ webhookUrl: "https://greenroom.example.org/webhooks/fal" });
    const { providerJobId } = await falProvider.submit(request());
    const [submit] = fake().requests;
    expect(submit).toMatchObject({
      method: "POST",
      path: `/${MODEL}?fal_webhook=${encodeURIComponent("https://greenroom.example.org/webhooks/fal")}`,
      body: {
        prompt: expect.stringMatching(/^A lighthouse at dusk, film noir/),
        duration: "5",
        aspect_ratio: "16:9",
        seed: 9,
      },
    });
    expect(submit!.headers.authorization).toBe(`Key ${fake().apiKey}`);
    expect(providerJobId).toMatch(new RegExp(`^${MODEL}\\|`));
    const polls = [await falProvider.poll(providerJobId), await falProvider.poll(providerJobId)];
    expect(polls).toEqual([
      { status: "running", progress: 0.5 },
      { status: "succeeded", progress: 1 },
    ]);
    expect(fake().requests.at(-1)?.path).toMatch(
      /^\/fal-ai\/kling-video\/requests\/[^/]+\/status\?logs=1$/,
    );
    const { videoPath } = await falProvider.fetchResult(providerJobId, freshDir());
    expect(await probe(videoPath)).toMatchObject({ width: 320, height: 180 });
  });

  it("sends a reference image as image_url, and cancels with PUT", async () => {
    const image = path.join(root, "ref.png");
    await runFfmpeg(["-f", "lavfi", "-i", "color=c=blue:s=64x64", "-frames:v", "1", "-y", image]);
    const falProvider = provider();
    const { providerJobId } = await falProvider.submit(request({ referenceImagePath: image }));
    expect((fake().requests[0]!.body as { image_url: string }).image_url).toMatch(
      /^data:image\/png;base64,/,
    );
    await falProvider.cancel(providerJobId);
    expect(fake().requests.at(-1)).toMatchObject({ method: "PUT" });
    expect([...fake().stored.values()].at(-1)?.canceled).toBe(true);
  });

  it("reports a failed request with its reason", async () => {
    fake().planNext([{ status: "COMPLETED", error: "Content policy violation" }]);
    const falProvider = provider();
    const { providerJobId } = await falProvider.submit(request());
    expect(await falProvider.poll(providerJobId)).toEqual({
      status: "failed",
      progress: 0,
      error: "fal.ai could not make this clip: Content policy violation",
    });
  });

  it("maps 401, 429 with Retry-After, 5xx, a validation error and an expired file", async () => {
    const wrong = await failure(provider({ apiKey: "bad:key-that-is-wrong" }).submit(request()));
    expect(wrong).toMatchObject({ transient: false });
    expect(wrong.message).toMatch(/HTTP 401/);

    fake().scriptNext({ status: 429, retryAfter: "2" });
    const waits: number[] = [];
    await provider({ sleep: async (ms) => void waits.push(ms) }).submit(request());
    expect(waits).toEqual([2000]);

    fake().scriptNext({ status: 503 });
    expect((await failure(provider().submit(request()))).transient).toBe(true);

    fake().scriptNext({ status: 422 });
    const invalid = await failure(provider().submit(request()));
    expect(invalid.transient).toBe(false);

    fake().planNext([{ status: "COMPLETED" }]);
    const falProvider = provider();
    const { providerJobId } = await falProvider.submit(request());
    await falProvider.poll(providerJobId);
    fake().expire(providerJobId.split("|")[1]!);
    const expired = await failure(falProvider.fetchResult(providerJobId, freshDir()));
    expect(expired.transient).toBe(false);
  });
});
