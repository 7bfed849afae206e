import { createWriteStream, readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { StylePreset } from "~/lib/generation";
import {
  ProviderError,
  type ProviderCapabilities,
  type ProviderPoll,
  type ProviderRequest,
  type VideoProvider,
} from "./provider";

// Replicate through its predictions HTTP API (https://replicate.com/docs/reference/http), with
// plain fetch rather than the SDK so that every status code maps to exactly one of our errors.
//
// Replicate documents no idempotency key, so a create request is never repeated after an answer
// we did not read (a 5xx, a timeout, a dropped connection): that could start a second paid run.
// Those errors go back to the runner as transient, and it decides. The one request we repeat
// ourselves is a 429, which Replicate documents as throttled, so nothing was started. Polls and
// downloads are safe to repeat, and the runner resumes polling a prediction it already stored.

export type ReplicateProviderConfig = {
  apiToken: string;
  /** "owner/name" for an official model, or "owner/name:versionhash" to pin a version. */
  model: string;
  /** Default https://api.replicate.com/v1. */
  baseUrl?: string;
  /** Per request, including reading the answer or downloading the video. Default 30000. */
  requestTimeoutMs?: number;
  /** How long one call may wait out 429 answers before handing the wait to the runner. */
  maxRateLimitWaitMs?: number;
  /** What the model accepts, when it differs from the defaults below. */
  capabilities?: Partial<ProviderCapabilities>;
  /**
   * Where Replicate POSTs a signed webhook once a prediction completes (APP_URL/webhooks/replicate),
   * so the runner polls at once; without one, polling alone.
   */
  webhookUrl?: string;
  fetch?: typeof fetch;
  /** How a rate-limit wait is spent; tests record the waits asked for instead of waiting them. */
  sleep?: (ms: number) => Promise<void>;
};

const DEFAULT_CAPABILITIES: ProviderCapabilities = {
  durations: [5, 10],
  resolutions: ["480p", "720p"],
  aspectRatios: ["16:9", "9:16", "1:1"],
};

/** Our style presets as words a text-to-video model understands. */
const STYLE_PHRASES: Record<StylePreset, string> = {
  none: "",
  cinematic: "cinematic film look",
  animation: "animation style, bright saturated flat colour",
  documentary: "documentary footage, muted colour, film grain",
  noir: "film noir, black and white, hard contrast",
  dreamlike: "dreamlike, soft focus, drifting hues",
  retro: "retro 1970s film, faded colour, vignette",
};

const OUTPUT_FILE_NAME = "provider-output.mp4";

/** Replicate's prediction object, as far as we read it. */
type Prediction = {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  logs?: string | null;
};

// A server that answers 429 with a date already past would otherwise be asked again at once, in
// a tight loop until the budget runs out.
const MIN_RATE_LIMIT_WAIT_MS = 500;
const MAX_MESSAGE_LENGTH = 500;

export function createReplicateProvider(config: ReplicateProviderConfig): VideoProvider {
  const match = /^([\w.-]+)\/([\w.-]+)(?::([0-9a-f]+))?$/i.exec(config.model);
  if (!match) {
    throw new Error(
      `REPLICATE_MODEL must be "owner/name" or "owner/name:version", not "${config.model}".`,
    );
  }
  if (!config.apiToken) throw new Error("The Replicate API token is empty.");
  const owner = match[1]!;
  const name = match[2]!;
  const version = match[3];
  const baseUrl = (config.baseUrl ?? "https://api.replicate.com/v1").replace(/\/+$/, "");
  const apiOrigin = new URL(baseUrl).origin;
  const timeoutMs = config.requestTimeoutMs ?? 30_000;
  const maxRateLimitWaitMs = config.maxRateLimitWaitMs ?? 60_000;
  const fetchImpl = config.fetch ?? fetch;
  const sleep =
    config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const capabilities = { ...DEFAULT_CAPABILITIES, ...config.capabilities };

  /** Scrubs the token from anything we show, in case an error ever echoes a header back. */
  const readable = (text: string) =>
    text.split(config.apiToken).join("[redacted]").slice(0, MAX_MESSAGE_LENGTH);

  const connectionError = (error: unknown) => {
    if (error instanceof ProviderError) return error;
    const errorName = (error as { name?: unknown } | null)?.name;
    if (errorName === "TimeoutError" || errorName === "AbortError") {
      return new ProviderError(`Replicate did not answer within ${timeoutMs / 1000} s.`, true);
    }
    const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    return new ProviderError(
      `Could not reach Replicate${typeof code === "string" ? ` (${code})` : ""}.`,
      true,
    );
  };

  /**
   * Sends one request and returns the response once it is a 2xx, with its body still unread (and
   * still under the timeout). Waits out 429s within the budget; every other failure is thrown as
   * a ProviderError.
   */
  async function send(url: string, init: { method: "GET" | "POST"; json?: unknown }) {
    const headers: Record<string, string> = {};
    // Output files live on another host (replicate.delivery) that needs no token: never send it
    // anywhere but the API.
    if (new URL(url).origin === apiOrigin) headers.authorization = `Bearer ${config.apiToken}`;
    if (init.json !== undefined) headers["content-type"] = "application/json";

    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      let problem: string;
      try {
        response = await fetchImpl(url, {
          method: init.method,
          headers,
          body: init.json === undefined ? undefined : JSON.stringify(init.json),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) return response;
        problem = await describeProblem(response);
      } catch (error) {
        throw connectionError(error);
      }

      const { status } = response;
      if (status === 401 || status === 403) {
        throw new ProviderError(
          `Replicate refused our credentials (HTTP ${status}). An administrator needs to check the Replicate API token.`,
          false,
        );
      }
      if (status >= 500) {
        throw new ProviderError(
          readable(`Replicate had a problem on its side (HTTP ${status}): ${problem}`),
          true,
        );
      }
      if (status !== 429) {
        throw new ProviderError(
          readable(`Replicate did not accept the request: ${problem}`),
          false,
        );
      }

      const waitMs = Math.max(
        MIN_RATE_LIMIT_WAIT_MS,
        retryAfterMs(response.headers.get("retry-after"), problem) ?? 1000 * 2 ** attempt,
      );
      if (waitedMs + waitMs > maxRateLimitWaitMs) {
        throw new ProviderError(
          `Replicate is limiting how fast we may send requests; we should wait ${Math.ceil(waitMs / 1000)} s before trying again.`,
          true,
          waitMs,
        );
      }
      await sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  async function readPrediction(response: Response): Promise<Prediction> {
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new ProviderError("Replicate sent an answer we could not read.", true);
      }
      throw connectionError(error);
    }
    const prediction = body as Partial<Prediction> | null;
    if (typeof prediction?.id !== "string" || typeof prediction.status !== "string") {
      throw new ProviderError("Replicate sent an answer we could not read.", true);
    }
    return prediction as Prediction;
  }

  const predictionUrl = (id: string) => `${baseUrl}/predictions/${encodeURIComponent(id)}`;

  return {
    id: "replicate",
    model: config.model,
    capabilities,
    // The image goes to the model's `image` input (as a data URL): for models that have one.
    takesImage: true,
    resumable: true,
    pollIntervalMs: 2000,

    async submit(request) {
      checkCapabilities(request, capabilities);
      const input = modelInput(request);
      const webhook = config.webhookUrl
        ? { webhook: config.webhookUrl, webhook_events_filter: ["completed"] }
        : {};
      const response = version
        ? await send(`${baseUrl}/predictions`, {
            method: "POST",
            json: { version, input, ...webhook },
          })
        : await send(
            `${baseUrl}/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/predictions`,
            { method: "POST", json: { input, ...webhook } },
          );
      const prediction = await readPrediction(response);
      return { providerJobId: prediction.id };
    },

    async poll(providerJobId) {
      const prediction = await readPrediction(
        await send(predictionUrl(providerJobId), { method: "GET" }),
      );
      return toPoll(prediction, readable);
    },

    async cancel(providerJobId) {
      await send(`${predictionUrl(providerJobId)}/cancel`, { method: "POST" });
    },

    async fetchResult(providerJobId, dir) {
      const prediction = await readPrediction(
        await send(predictionUrl(providerJobId), { method: "GET" }),
      );
      if (prediction.status !== "succeeded") {
        throw new ProviderError(
          `The Replicate prediction has not succeeded (it is ${prediction.status}), so there is no video to fetch.`,
          false,
        );
      }
      const url = outputUrl(prediction.output);
      if (!url) {
        throw new ProviderError("Replicate reported success but gave no video to download.", false);
      }

      const response = await send(url, { method: "GET" });
      if (!response.body) {
        throw new ProviderError("Replicate sent an empty video file.", true);
      }
      await mkdir(dir, { recursive: true });
      const videoPath = path.join(dir, OUTPUT_FILE_NAME);
      // Written beside the final name and renamed, so a cut-off download never looks finished.
      const partialPath = `${videoPath}.part`;
      try {
        await pipeline(
          Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
          createWriteStream(partialPath),
        );
        await rename(partialPath, videoPath);
      } catch (error) {
        await rm(partialPath, { force: true });
        // Our own disk failing (it has a syscall: open, write) is not Replicate's connection.
        const local = typeof (error as { syscall?: unknown } | null)?.syscall === "string";
        throw local ? error : connectionError(error);
      }
      return { videoPath, finished: false };
    },
  };
}

function checkCapabilities(request: ProviderRequest, capabilities: ProviderCapabilities) {
  if (!capabilities.durations.includes(request.durationSeconds)) {
    throw new ProviderError(
      `This Replicate model makes clips of ${capabilities.durations.join(" or ")} seconds, not ${request.durationSeconds}.`,
      false,
    );
  }
  if (!capabilities.resolutions.includes(request.resolution)) {
    throw new ProviderError(
      `This Replicate model makes ${capabilities.resolutions.join(" or ")} clips, not ${request.resolution}.`,
      false,
    );
  }
  if (!capabilities.aspectRatios.includes(request.aspectRatio)) {
    throw new ProviderError(
      `This Replicate model makes ${capabilities.aspectRatios.join(" or ")} clips, not ${request.aspectRatio}.`,
      false,
    );
  }
}

/** Our request as the input of a Replicate text-to-video model. */
function modelInput(request: ProviderRequest) {
  const phrase = STYLE_PHRASES[request.style];
  const prompt = request.prompt.trim();
  return {
    ...(request.referenceImagePath
      ? {
          image: `data:image/png;base64,${readFileSync(request.referenceImagePath).toString("base64")}`,
        }
      : {}),
    prompt: phrase ? `${prompt}, ${phrase}` : prompt,
    duration: request.durationSeconds,
    resolution: request.resolution,
    aspect_ratio: request.aspectRatio,
    seed: request.seed,
  };
}

function toPoll(prediction: Prediction, readable: (text: string) => string): ProviderPoll {
  const reported = progressFromLogs(prediction.logs);
  switch (prediction.status) {
    case "starting":
      return { status: "queued", progress: 0 };
    case "processing":
      // A model can log 100% and still be encoding: only success means done.
      return { status: "running", progress: Math.min(0.99, reported ?? 0) };
    case "succeeded":
      return { status: "succeeded", progress: 1 };
    case "canceled":
      return { status: "canceled", progress: reported ?? 0 };
    case "failed":
      return {
        status: "failed",
        progress: reported ?? 0,
        error: readable(failureMessage(prediction.error)),
      };
    case "aborted":
      // Aborted means a deadline passed before the run started: nothing the artist did.
      return {
        status: "failed",
        progress: 0,
        error: "Replicate gave up on this clip before it could start.",
      };
    default:
      throw new ProviderError(
        readable(`Replicate reported a status we do not know: "${prediction.status}".`),
        false,
      );
  }
}

function failureMessage(error: unknown): string {
  const text =
    typeof error === "string"
      ? error
      : error && typeof error === "object" && "detail" in error
        ? String(error.detail)
        : "";
  // Models often fail with a whole traceback; its last line names the exception.
  const lastLine = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .pop();
  return lastLine
    ? `Replicate could not make this clip: ${lastLine}`
    : "Replicate could not make this clip and did not say why.";
}

/** The last percentage in the logs (tqdm prints "45%|███..."), as 0–1. */
function progressFromLogs(logs: string | null | undefined): number | undefined {
  const percentages = [...(logs ?? "").matchAll(/(\d{1,3}(?:\.\d+)?)\s*%/g)];
  const last = percentages.at(-1);
  if (!last) return undefined;
  return Math.min(1, Number(last[1]) / 100);
}

/** A video model answers with one URL or a list of them; the first is the video. */
function outputUrl(output: unknown): string | undefined {
  const first = Array.isArray(output) ? (output as unknown[])[0] : output;
  return typeof first === "string" && /^https?:\/\//.test(first) ? first : undefined;
}

/** Replicate's errors carry a `detail` (problem+json); fall back to the status line. */
async function describeProblem(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { detail?: unknown; title?: unknown };
    if (typeof body.detail === "string" && body.detail) return body.detail;
    if (Array.isArray(body.detail)) {
      return body.detail
        .map((item: { msg?: unknown }) =>
          typeof item?.msg === "string" ? item.msg : JSON.stringify(item),
        )
        .join("; ");
    }
    if (typeof body.title === "string" && body.title) return body.title;
  } catch {
    // Not JSON: a proxy's page, say. Its status says enough.
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}

/**
 * Retry-After in seconds or as an HTTP date. Without one, Replicate's documented 429 body says
 * "Your rate limit resets in ~30s.", which is the next best hint.
 */
function retryAfterMs(header: string | null, detail: string): number | undefined {
  const value = header?.trim();
  if (value) {
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const hinted = /resets in ~?(\d+(?:\.\d+)?)\s*s/i.exec(detail);
  return hinted ? Number(hinted[1]) * 1000 : undefined;
}
