import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { runFfmpeg } from "~/.server/generation/media";

// A local stand-in for a server speaking the OpenAI Videos API contract
// (https://platform.openai.com/docs/api-reference/videos): Bearer auth; POST /v1/videos with a
// multipart form (prompt, model, seconds, size, input_reference file) answers a video object
// {id, object: "video", model, status, progress, seconds, size, created_at, error}; GET
// /v1/videos/{id}; GET /v1/videos/{id}/content streams the MP4 once completed (404 once expired,
// 409 before); DELETE /v1/videos/{id} answers {id, object: "video.deleted", deleted: true}.
// Errors are {"error": {"message", "type", "code"}}; 429 may carry Retry-After.
//
// A video moves one step along its plan on each GET, so a test decides what every poll sees.
// Scripted answers replace the next matching request, whatever it is.

export type RecordedVideoRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Form fields of a create (files as {name, type, size}). */
  fields?: Record<string, string | { name: string; type: string; size: number }>;
};

export type ScriptedVideoAnswer = { path?: string; method?: string } & (
  { status: number; message?: string; retryAfter?: string } | { hang: true }
);

export type VideoStep =
  | { status: "queued" }
  | { status: "in_progress"; progress: number }
  | { status: "completed" }
  | { status: "failed"; code: string; message: string };

const DEFAULT_STEPS: readonly VideoStep[] = [
  { status: "in_progress", progress: 10 },
  { status: "in_progress", progress: 60 },
  { status: "completed" },
];

type StoredVideo = {
  id: string;
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  status: "queued" | "in_progress" | "completed" | "failed";
  progress: number;
  created_at: number;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  steps: VideoStep[];
  expired: boolean;
  deleted: boolean;
};

export type FakeOpenAIVideos = Awaited<ReturnType<typeof startFakeOpenAIVideos>>;

export async function startFakeOpenAIVideos(options: { apiKey?: string } = {}) {
  const apiKey = options.apiKey ?? "sk-fake-video-key-for-tests-0123456789";
  const workDir = mkdtempSync(path.join(tmpdir(), "fake-openai-videos-"));
  const videoFile = path.join(workDir, "output.mp4");
  await runFfmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=320x180:rate=24",
    "-t",
    "5",
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    "-y",
    videoFile,
  ]);
  const videoBytes = readFileSync(videoFile);

  const requests: RecordedVideoRequest[] = [];
  const videos = new Map<string, StoredVideo>();
  const scripted: ScriptedVideoAnswer[] = [];
  const plans: VideoStep[][] = [];
  let origin = "";
  // While paused, videos stay where they are on every GET (a test holds a render mid-way).
  let paused = false;

  const view = (v: StoredVideo) => ({
    id: v.id,
    object: "video",
    model: v.model,
    status: v.status,
    progress: v.progress,
    seconds: v.seconds,
    size: v.size,
    created_at: v.created_at,
    completed_at: v.completed_at,
    expires_at: v.completed_at ? v.completed_at + 3600 : null,
    error: v.error,
  });

  function advance(v: StoredVideo) {
    if (paused || v.status === "completed" || v.status === "failed") return;
    const step = v.steps.shift();
    if (!step) return;
    v.status = step.status;
    if (step.status === "in_progress") v.progress = step.progress;
    if (step.status === "completed") {
      v.progress = 100;
      v.completed_at = Math.floor(Date.now() / 1000);
    }
    if (step.status === "failed") v.error = { code: step.code, message: step.message };
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, headers = {}) =>
    send(
      res,
      status,
      {
        error: {
          message,
          type: status >= 500 ? "server_error" : "invalid_request_error",
          code: null,
        },
      },
      headers,
    );

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const method = req.method ?? "GET";
        const url = new URL(req.url ?? "/", origin);
        const raw = Buffer.concat(chunks);
        const recorded: RecordedVideoRequest = { method, path: url.pathname, headers: req.headers };
        requests.push(recorded);

        const index = scripted.findIndex(
          (a) => (!a.path || url.pathname.startsWith(a.path)) && (!a.method || a.method === method),
        );
        if (index >= 0) {
          const [answer] = scripted.splice(index, 1);
          if ("hang" in answer!) return;
          return error(
            res,
            answer!.status,
            answer!.message ?? `HTTP ${answer!.status}`,
            answer!.retryAfter ? { "retry-after": answer!.retryAfter } : {},
          );
        }

        if (req.headers.authorization !== `Bearer ${apiKey}`)
          return error(res, 401, "Incorrect API key provided.");

        if (method === "POST" && url.pathname === "/v1/videos") {
          const type = req.headers["content-type"] ?? "";
          if (!type.startsWith("multipart/form-data"))
            return error(res, 400, "Expected a multipart form.");
          const form = await new Request(url, {
            method: "POST",
            headers: { "content-type": type },
            body: raw,
          }).formData();
          const fields: NonNullable<RecordedVideoRequest["fields"]> = {};
          for (const [key, value] of form) {
            fields[key] =
              typeof value === "string"
                ? value
                : { name: value.name, type: value.type, size: value.size };
          }
          recorded.fields = fields;
          if (typeof fields.prompt !== "string" || !fields.prompt)
            return error(res, 400, "Missing required parameter: 'prompt'.");
          const seconds = typeof fields.seconds === "string" ? fields.seconds : "4";
          if (!["4", "8", "12"].includes(seconds))
            return error(
              res,
              400,
              `Invalid value: '${seconds}'. Supported values are: '4', '8', and '12'.`,
            );
          const v: StoredVideo = {
            id: `video_${randomBytes(12).toString("hex")}`,
            model: typeof fields.model === "string" ? fields.model : "sora-2",
            prompt: fields.prompt,
            seconds,
            size: typeof fields.size === "string" ? fields.size : "720x1280",
            status: "queued",
            progress: 0,
            created_at: Math.floor(Date.now() / 1000),
            completed_at: null,
            error: null,
            steps: [...(plans.shift() ?? DEFAULT_STEPS)],
            expired: false,
            deleted: false,
          };
          videos.set(v.id, v);
          return send(res, 200, view(v));
        }

        const match = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(url.pathname);
        const video = match ? videos.get(decodeURIComponent(match[1]!)) : undefined;
        if (!match || !video || video.deleted)
          return error(res, 404, "No video found with that id.");
        if (method === "GET" && !match[2]) {
          advance(video);
          return send(res, 200, view(video));
        }
        if (method === "GET" && match[2]) {
          if (video.status !== "completed") return error(res, 409, "Video is not ready yet.");
          if (video.expired) return error(res, 404, "The video content has expired.");
          res.writeHead(200, { "content-type": "video/mp4", "content-length": videoBytes.length });
          res.end(videoBytes);
          return;
        }
        if (method === "DELETE" && !match[2]) {
          video.deleted = true;
          return send(res, 200, { id: video.id, object: "video.deleted", deleted: true });
        }
        error(res, 404, "Not found.");
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    baseUrl: `${origin}/v1`,
    apiKey,
    requests,
    videos: videos as ReadonlyMap<string, Readonly<StoredVideo>>,
    scriptNext(...answers: ScriptedVideoAnswer[]) {
      scripted.push(...answers);
    },
    planNextVideo(steps: VideoStep[]) {
      plans.push(steps);
    },
    /** Holds every video where it is until resume(). */
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    /** The video's content link expires (GET content answers 404). */
    expire(id: string) {
      const video = videos.get(id);
      if (video) video.expired = true;
    },
    reset() {
      requests.length = 0;
      scripted.length = 0;
      plans.length = 0;
      paused = false;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export function useFakeOpenAIVideos(options: { apiKey?: string } = {}) {
  let fake: FakeOpenAIVideos | undefined;
  beforeAll(async () => {
    fake = await startFakeOpenAIVideos(options);
  });
  afterAll(async () => {
    await fake?.stop();
  });
  return {
    get server(): FakeOpenAIVideos {
      if (!fake) throw new Error("The fake OpenAI Videos server is not running yet");
      return fake;
    },
  };
}
