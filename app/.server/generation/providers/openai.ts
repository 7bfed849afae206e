import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  ASPECT_RATIOS,
  DURATIONS,
  RESOLUTIONS,
  frameSize,
  type AspectRatio,
  type Resolution,
} from "~/lib/generation";
import { runFfmpeg } from "../media";
import {
  connectionError,
  downloadTo,
  MIN_RATE_LIMIT_WAIT_MS,
  retryAfterMs,
  scrubber,
  smallestAtLeast,
  styledPrompt,
} from "./http";
import {
  ProviderError,
  type ProviderCapabilities,
  type ProviderPoll,
  type ProviderRequest,
  type VideoProvider,
} from "./provider";

// The OpenAI Videos API contract against any server that speaks it: OpenAI's own (Sora 2, shut
// down on 2026-09-24), a gateway, or a model team's own server (docs/decisions/0022).
//
//   POST   {base}/videos               multipart: prompt, model, seconds ("4"), size ("1280x720"),
//                                      input_reference (an image file); answers a video object
//   GET    {base}/videos/{id}          the video object: status queued | in_progress | completed |
//                                      failed, progress 0–100, error {code, message}
//   GET    {base}/videos/{id}/content  the MP4, once completed
//   DELETE {base}/videos/{id}          removes it (our cancel)
//
// Errors come as {"error": {"message", "type", "code"}}. As with Replicate, a create is never
// repeated after an answer we did not read (it could start a second paid render): only a 429,
// which started nothing, is asked again. Polls and downloads are safe to repeat, and the runner
// resumes polling a video id it already stored, so a worker that dies mid-job costs nothing more.

export type OpenAIProviderConfig = {
  /** e.g. https://api.openai.com/v1 or http://model.internal/v1 */
  baseUrl: string;
  /** Sent as a Bearer token when set (a self-hosted server may need none). */
  apiKey?: string;
  /** e.g. sora-2 */
  model: string;
  /** The lengths the server renders, in seconds. Default: Sora 2's 4, 8 and 12. */
  seconds?: readonly number[];
  /** The frame sizes the server renders ("WxH"). Default: Sora 2's four. */
  sizes?: readonly string[];
  /** Per request, including reading the answer or downloading the video. Default 30000. */
  requestTimeoutMs?: number;
  /** How long one call may wait out 429 answers before handing the wait to the runner. */
  maxRateLimitWaitMs?: number;
  /** How often the runner polls. Default 5000 (backoff between polls is the runner's interval). */
  pollIntervalMs?: number;
  fetch?: typeof fetch;
  /** How a rate-limit wait is spent; tests record the waits instead of waiting them. */
  sleep?: (ms: number) => Promise<void>;
};

export const OPENAI_DEFAULT_SECONDS = [4, 8, 12] as const;
export const OPENAI_DEFAULT_SIZES = ["720x1280", "1280x720", "1024x1792", "1792x1024"] as const;

type Size = { width: number; height: number; text: string };

/** "1280x720" as numbers; throws on anything else (env parsing reports it). */
export function parseSize(text: string): Size {
  const match = /^(\d{2,5})x(\d{2,5})$/.exec(text.trim());
  if (!match)
    throw new Error(`A video size is written WIDTHxHEIGHT (like 1280x720), not "${text}".`);
  return { width: Number(match[1]), height: Number(match[2]), text: text.trim() };
}

const orientation = (width: number, height: number): AspectRatio =>
  width === height ? "1:1" : width > height ? "16:9" : "9:16";

/**
 * What the artist may ask of a server with these lengths and sizes. A length is offered when the
 * server renders at least that long (the runner cuts the file to the length asked); a shape when
 * the server has a size of that orientation; a resolution when that size's short side reaches it.
 */
export function openAICapabilities(
  seconds: readonly number[],
  sizes: readonly Size[],
): ProviderCapabilities {
  const longest = Math.max(...seconds);
  const aspectRatios = ASPECT_RATIOS.filter((a) =>
    sizes.some((s) => orientation(s.width, s.height) === a),
  );
  const shortest = Math.max(...sizes.map((s) => Math.min(s.width, s.height)));
  return {
    durations: DURATIONS.filter((d) => d <= longest),
    resolutions: RESOLUTIONS.filter((r) => Number.parseInt(r, 10) <= shortest),
    aspectRatios,
  };
}

/** The smallest size of the asked shape that covers the asked frame. */
function sizeFor(sizes: readonly Size[], resolution: Resolution, aspect: AspectRatio) {
  const { width, height } = frameSize(resolution, aspect);
  return [...sizes]
    .filter((s) => orientation(s.width, s.height) === aspect)
    .sort((a, b) => a.width * a.height - b.width * b.height)
    .find((s) => Math.min(s.width, s.height) >= Math.min(width, height));
}

type Video = {
  id: string;
  status: string;
  progress?: unknown;
  error?: { code?: unknown; message?: unknown } | null;
};

export function createOpenAIProvider(config: OpenAIProviderConfig): VideoProvider {
  if (!config.baseUrl) throw new Error("OPENAI_BASE_URL is empty.");
  if (!config.model) throw new Error("OPENAI_VIDEO_MODEL is empty.");
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const seconds = [...(config.seconds ?? OPENAI_DEFAULT_SECONDS)];
  const sizes = (config.sizes ?? OPENAI_DEFAULT_SIZES).map(parseSize);
  if (seconds.length === 0 || sizes.length === 0)
    throw new Error("The OpenAI video server needs at least one length and one size.");
  const timeoutMs = config.requestTimeoutMs ?? 30_000;
  const maxRateLimitWaitMs = config.maxRateLimitWaitMs ?? 60_000;
  const fetchImpl = config.fetch ?? fetch;
  const sleep =
    config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const capabilities = openAICapabilities(seconds, sizes);
  const readable = scrubber(config.apiKey);
  const label = "The video model server";

  async function send(
    url: string,
    init: { method: "GET" | "POST" | "DELETE"; form?: () => FormData; what: string },
  ) {
    const headers: Record<string, string> = { accept: "application/json" };
    if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      let problem: string;
      try {
        response = await fetchImpl(url, {
          method: init.method,
          headers,
          // Built again for each attempt: a FormData body is read once.
          body: init.form?.(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) return response;
        problem = await describeProblem(response);
      } catch (error) {
        throw connectionError(error, label, timeoutMs);
      }
      const { status } = response;
      if (status === 401 || status === 403)
        throw new ProviderError(
          `${label} refused our credentials (HTTP ${status}). An administrator needs to check OPENAI_API_KEY.`,
          false,
        );
      if (status === 404)
        throw new ProviderError(
          readable(`${label} no longer has ${init.what} (HTTP 404): ${problem}`),
          false,
        );
      // 409: the video is not in a state for this yet (its content before it completed).
      if (status === 409 || status >= 500)
        throw new ProviderError(
          readable(`${label} could not answer for now (HTTP ${status}): ${problem}`),
          true,
        );
      if (status !== 429)
        throw new ProviderError(readable(`${label} did not accept the request: ${problem}`), false);
      const waitMs = Math.max(
        MIN_RATE_LIMIT_WAIT_MS,
        retryAfterMs(response.headers.get("retry-after")) ?? 1000 * 2 ** attempt,
      );
      if (waitedMs + waitMs > maxRateLimitWaitMs)
        throw new ProviderError(
          `${label} is limiting how fast we may send requests; we should wait ${Math.ceil(waitMs / 1000)} s before trying again.`,
          true,
          waitMs,
        );
      await sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  async function readVideo(response: Response): Promise<Video> {
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new ProviderError(`${label} sent an answer we could not read.`, true);
      throw connectionError(error, label, timeoutMs);
    }
    const video = body as Partial<Video> | null;
    if (typeof video?.id !== "string" || typeof video.status !== "string")
      throw new ProviderError(`${label} sent an answer we could not read.`, true);
    return video as Video;
  }

  const videoUrl = (id: string) => `${baseUrl}/videos/${encodeURIComponent(id)}`;

  /** The reference image fitted to the exact frame, as the contract asks of input_reference. */
  async function fittedReference(request: ProviderRequest, size: Size) {
    const out = path.join(request.workDir, "input-reference.png");
    await runFfmpeg([
      "-y",
      "-i",
      request.referenceImagePath!,
      "-vf",
      `scale=${size.width}:${size.height}:force_original_aspect_ratio=decrease,pad=${size.width}:${size.height}:(ow-iw)/2:(oh-ih)/2`,
      "-frames:v",
      "1",
      "-map_metadata",
      "-1",
      out,
    ]);
    return new Blob([await readFile(out)], { type: "image/png" });
  }

  return {
    id: "openai",
    model: config.model,
    capabilities,
    takesImage: true,
    resumable: true,
    pollIntervalMs: config.pollIntervalMs ?? 5000,

    async submit(request) {
      const length = smallestAtLeast(seconds, request.durationSeconds);
      const size = sizeFor(sizes, request.resolution, request.aspectRatio);
      if (length === undefined || !size)
        throw new ProviderError(
          `This model cannot make a ${request.durationSeconds} s ${request.aspectRatio} clip at ${request.resolution}.`,
          false,
        );
      const reference = request.referenceImagePath ? await fittedReference(request, size) : null;
      const form = () => {
        const body = new FormData();
        body.set("model", request.model ?? config.model);
        body.set("prompt", styledPrompt(request.prompt, request.style));
        body.set("seconds", String(length));
        body.set("size", size.text);
        if (reference) body.set("input_reference", reference, "reference.png");
        return body;
      };
      const video = await readVideo(
        await send(`${baseUrl}/videos`, { method: "POST", form, what: "this request" }),
      );
      return { providerJobId: video.id };
    },

    async poll(providerJobId): Promise<ProviderPoll> {
      const video = await readVideo(
        await send(videoUrl(providerJobId), { method: "GET", what: "this video" }),
      );
      return toPoll(video, readable);
    },

    async cancel(providerJobId) {
      await send(videoUrl(providerJobId), { method: "DELETE", what: "this video" });
    },

    async fetchResult(providerJobId, dir) {
      const response = await send(`${videoUrl(providerJobId)}/content`, {
        method: "GET",
        what: "this video's file (it may have expired)",
      });
      const videoPath = await downloadTo(response, dir, label, timeoutMs);
      return { videoPath, finished: false };
    },
  };
}

function toPoll(video: Video, readable: (text: string) => string): ProviderPoll {
  const reported =
    typeof video.progress === "number" && Number.isFinite(video.progress)
      ? Math.max(0, Math.min(1, video.progress / 100))
      : 0;
  switch (video.status) {
    case "queued":
      return { status: "queued", progress: 0 };
    case "in_progress":
      // 100% can still be encoding: only completed means done.
      return { status: "running", progress: Math.min(0.99, reported) };
    case "completed":
      return { status: "succeeded", progress: 1 };
    case "failed": {
      const message = typeof video.error?.message === "string" ? video.error.message.trim() : "";
      return {
        status: "failed",
        progress: reported,
        error: readable(
          message
            ? `The model could not make this clip: ${message}`
            : "The model could not make this clip and did not say why.",
        ),
      };
    }
    default:
      throw new ProviderError(
        readable(`The video model server reported a status we do not know: "${video.status}".`),
        false,
      );
  }
}

/** The contract's {"error": {"message"}}; the status line otherwise. */
async function describeProblem(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string };
    if (typeof body.error === "string" && body.error) return body.error;
    if (typeof body.error === "object" && typeof body.error?.message === "string")
      return body.error.message;
  } catch {
    // Not JSON: a proxy's page, say. Its status says enough.
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}
