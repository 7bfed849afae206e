import { readFile } from "node:fs/promises";
import { DURATIONS, RESOLUTIONS, ASPECT_RATIOS } from "~/lib/generation";
import {
  connectionError,
  downloadTo,
  MIN_RATE_LIMIT_WAIT_MS,
  retryAfterMs,
  scrubber,
  styledPrompt,
} from "./http";
import {
  ProviderError,
  type ProviderCapabilities,
  type ProviderPoll,
  type VideoProvider,
} from "./provider";

// fal.ai's queue API over plain HTTP (https://docs.fal.ai/model-apis/model-endpoints/queue):
//   POST {queue}/{model}[?fal_webhook=url]          JSON input → {request_id, status_url, …}
//   GET  {queue}/{app}/requests/{id}/status?logs=1  {status: IN_QUEUE | IN_PROGRESS | COMPLETED}
//   GET  {queue}/{app}/requests/{id}                the result: {video: {url}}
//   PUT  {queue}/{app}/requests/{id}/cancel
// where {app} is the model's first two segments ("fal-ai/kling-video" of
// "fal-ai/kling-video/v2.1/standard/text-to-video"). Auth is "Key $FAL_KEY". The provider's run
// id is "{model}|{request id}", so a resumed job polls the right app. A webhook (signed with
// ED25519, webhooks.ts) makes the runner poll at once; polling is the fallback.

export type FalProviderConfig = {
  apiKey: string;
  model: string;
  /** Default https://queue.fal.run */
  queueUrl?: string;
  webhookUrl?: string;
  capabilities?: Partial<ProviderCapabilities>;
  requestTimeoutMs?: number;
  maxRateLimitWaitMs?: number;
  pollIntervalMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
};

const DEFAULT_CAPABILITIES: ProviderCapabilities = {
  durations: DURATIONS.filter((d) => d <= 10),
  resolutions: RESOLUTIONS.filter((r) => r !== "1080p"),
  aspectRatios: ASPECT_RATIOS,
};

const appOf = (model: string) => model.split("/").slice(0, 2).join("/");

export function createFalProvider(config: FalProviderConfig): VideoProvider {
  if (!config.apiKey) throw new Error("FAL_KEY is empty.");
  if (!/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*$/.test(config.model))
    throw new Error(`FAL_MODEL must look like "owner/app[/path]", not "${config.model}".`);
  const queueUrl = (config.queueUrl ?? "https://queue.fal.run").replace(/\/+$/, "");
  const queueOrigin = new URL(queueUrl).origin;
  const timeoutMs = config.requestTimeoutMs ?? 30_000;
  const maxRateLimitWaitMs = config.maxRateLimitWaitMs ?? 60_000;
  const fetchImpl = config.fetch ?? fetch;
  const sleep =
    config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const readable = scrubber(config.apiKey);
  const label = "fal.ai";

  async function send(
    url: string,
    init: { method: "GET" | "POST" | "PUT"; json?: unknown; what: string },
  ) {
    const headers: Record<string, string> = {};
    // Result files live on fal's CDN: the key goes to the queue only.
    if (new URL(url).origin === queueOrigin) headers.authorization = `Key ${config.apiKey}`;
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
        throw connectionError(error, label, timeoutMs);
      }
      const { status } = response;
      if (status === 401 || status === 403)
        throw new ProviderError(
          `fal.ai refused our credentials (HTTP ${status}). An administrator needs to check FAL_KEY.`,
          false,
        );
      if (status === 404 || status === 410)
        throw new ProviderError(readable(`fal.ai no longer has ${init.what}: ${problem}`), false);
      if (status >= 500)
        throw new ProviderError(
          readable(`fal.ai had a problem (HTTP ${status}): ${problem}`),
          true,
        );
      if (status !== 429)
        throw new ProviderError(readable(`fal.ai did not accept the request: ${problem}`), false);
      const waitMs = Math.max(
        MIN_RATE_LIMIT_WAIT_MS,
        retryAfterMs(response.headers.get("retry-after")) ?? 1000 * 2 ** attempt,
      );
      if (waitedMs + waitMs > maxRateLimitWaitMs)
        throw new ProviderError(
          `fal.ai is limiting how fast we may send requests; we should wait ${Math.ceil(waitMs / 1000)} s.`,
          true,
          waitMs,
        );
      await sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  async function json<T>(response: Response): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new ProviderError("fal.ai sent an answer we could not read.", true);
      throw connectionError(error, label, timeoutMs);
    }
  }

  const split = (providerJobId: string) => {
    const at = providerJobId.lastIndexOf("|");
    return at < 0
      ? { model: config.model, id: providerJobId }
      : { model: providerJobId.slice(0, at), id: providerJobId.slice(at + 1) };
  };
  const requestUrl = (providerJobId: string) => {
    const { model, id } = split(providerJobId);
    return `${queueUrl}/${appOf(model)}/requests/${encodeURIComponent(id)}`;
  };

  return {
    id: "fal",
    model: config.model,
    capabilities: { ...DEFAULT_CAPABILITIES, ...config.capabilities },
    takesImage: true,
    resumable: true,
    pollIntervalMs: config.pollIntervalMs ?? 3000,

    async submit(request) {
      const model = request.model ?? config.model;
      const image = request.referenceImagePath
        ? `data:image/png;base64,${(await readFile(request.referenceImagePath)).toString("base64")}`
        : undefined;
      const input = {
        prompt: styledPrompt(request.prompt, request.style),
        duration: String(request.durationSeconds),
        aspect_ratio: request.aspectRatio,
        resolution: request.resolution,
        seed: request.seed,
        ...(image ? { image_url: image } : {}),
      };
      const query = config.webhookUrl
        ? `?fal_webhook=${encodeURIComponent(config.webhookUrl)}`
        : "";
      const answer = await json<{ request_id?: unknown }>(
        await send(`${queueUrl}/${model}${query}`, {
          method: "POST",
          json: input,
          what: "this model",
        }),
      );
      if (typeof answer.request_id !== "string")
        throw new ProviderError("fal.ai sent an answer we could not read.", true);
      return { providerJobId: `${model}|${answer.request_id}` };
    },

    async poll(providerJobId): Promise<ProviderPoll> {
      const state = await json<{ status?: unknown; error?: unknown; logs?: unknown }>(
        await send(`${requestUrl(providerJobId)}/status?logs=1`, {
          method: "GET",
          what: "this request",
        }),
      );
      switch (state.status) {
        case "IN_QUEUE":
          return { status: "queued", progress: 0 };
        case "IN_PROGRESS":
          return { status: "running", progress: Math.min(0.99, progressFromLogs(state.logs)) };
        case "COMPLETED":
          if (typeof state.error === "string" && state.error)
            return {
              status: "failed",
              progress: 0,
              error: readable(`fal.ai could not make this clip: ${state.error}`),
            };
          return { status: "succeeded", progress: 1 };
        default:
          throw new ProviderError(
            readable(`fal.ai reported a status we do not know: "${String(state.status)}".`),
            false,
          );
      }
    },

    async cancel(providerJobId) {
      await send(`${requestUrl(providerJobId)}/cancel`, { method: "PUT", what: "this request" });
    },

    async fetchResult(providerJobId, dir) {
      const result = await json<{ video?: { url?: unknown } }>(
        await send(requestUrl(providerJobId), { method: "GET", what: "this request's result" }),
      );
      const url = result.video?.url;
      if (typeof url !== "string" || !/^https?:\/\//.test(url))
        throw new ProviderError("fal.ai reported success but gave no video to download.", false);
      const response = await send(url, { method: "GET", what: "this video (its link expired)" });
      return { videoPath: await downloadTo(response, dir, label, timeoutMs), finished: false };
    },
  };
}

/** The last percentage in the log messages, as 0–1. */
function progressFromLogs(logs: unknown): number {
  if (!Array.isArray(logs)) return 0;
  const text = logs.map((l: { message?: unknown }) => String(l?.message ?? "")).join("\n");
  const last = [...text.matchAll(/(\d{1,3}(?:\.\d+)?)\s*%/g)].at(-1);
  return last ? Math.min(1, Number(last[1]) / 100) : 0;
}

/** fal's errors: {"detail": "…"} or a list of validation problems. */
async function describeProblem(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail))
      return body.detail.map((d: { msg?: unknown }) => String(d?.msg ?? "")).join("; ");
  } catch {
    // Not JSON.
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}
