import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { runFfmpeg } from "~/.server/generation/media";

// A local stand-in for Replicate's predictions API, following its documented HTTP contract
// (https://replicate.com/docs/reference/http): Bearer auth; POST /v1/models/{owner}/{name}/predictions
// with {input} and POST /v1/predictions with {version, input} answer 201 with a prediction;
// GET /v1/predictions/{id}; POST /v1/predictions/{id}/cancel; statuses starting, processing,
// succeeded, failed, canceled and aborted; cumulative `logs`; errors as problem+json with a
// `detail`; 429 with Retry-After. Output files are served without auth, as replicate.delivery does.
//
// Predictions move one step along a plan on each GET, so a test decides exactly what every poll
// sees. Scripted answers replace the next matching request, whatever it is.

export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when the body was not JSON, or undefined when empty. */
  body: unknown;
};

/** Replaces the answer to the next request whose path starts with `path` (any request if unset). */
export type ScriptedAnswer = { path?: string } & (
  { status: number; detail?: string; retryAfter?: string } | { hang: true }
);

/** What a prediction becomes on each GET after it was created as "starting". */
export type PredictionStep =
  | { status: "starting" }
  | { status: "processing"; log?: string }
  | { status: "succeeded"; output?: "url" | "url-list" | "none" }
  | { status: "failed"; error: string; log?: string }
  | { status: "aborted" };

const DEFAULT_STEPS: readonly PredictionStep[] = [
  { status: "processing", log: "Loading model weights" },
  { status: "processing", log: " 45%|████▌     | 9/20 [00:04<00:05,  2.10it/s]" },
  { status: "succeeded" },
];

type StoredPrediction = {
  id: string;
  model?: string;
  version?: string;
  input: Record<string, unknown>;
  status: "starting" | "processing" | "succeeded" | "failed" | "canceled" | "aborted";
  logs: string;
  output: string | string[] | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  steps: PredictionStep[];
};

export type FakeReplicate = Awaited<ReturnType<typeof startFakeReplicate>>;

export async function startFakeReplicate(options: { apiToken?: string } = {}) {
  const apiToken = options.apiToken ?? "r8_fake_token_for_tests";
  const workDir = mkdtempSync(path.join(tmpdir(), "fake-replicate-"));
  const videoFile = path.join(workDir, "output.mp4");
  await runFfmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=320x240:rate=24",
    "-t",
    "2",
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    "-y",
    videoFile,
  ]);

  const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const requests: RecordedRequest[] = [];
  const predictions = new Map<string, StoredPrediction>();
  const scripted: ScriptedAnswer[] = [];
  const plans: PredictionStep[][] = [];
  let origin = "";

  const now = () => new Date().toISOString();
  const outputUrl = (id: string) => `${origin}/files/${id}/output.mp4`;
  const view = (p: StoredPrediction) => ({
    id: p.id,
    ...(p.model ? { model: p.model } : {}),
    ...(p.version ? { version: p.version } : {}),
    input: p.input,
    logs: p.logs,
    output: p.output,
    data_removed: false,
    error: p.error,
    status: p.status,
    created_at: p.created_at,
    started_at: p.started_at,
    completed_at: p.completed_at,
    urls: {
      get: `${origin}/v1/predictions/${p.id}`,
      cancel: `${origin}/v1/predictions/${p.id}/cancel`,
    },
  });

  const finished = (p: StoredPrediction) =>
    ["succeeded", "failed", "canceled", "aborted"].includes(p.status);

  function advance(p: StoredPrediction) {
    if (finished(p)) return;
    const step = p.steps.shift();
    if (!step) return;
    p.status = step.status;
    if ("log" in step && step.log) p.logs += `${step.log}\n`;
    if (step.status === "processing") p.started_at ??= now();
    else if (step.status !== "starting") p.completed_at = now();
    if (step.status === "failed") p.error = step.error;
    if (step.status === "succeeded") {
      const output = step.output ?? "url";
      p.output =
        output === "url" ? outputUrl(p.id) : output === "url-list" ? [outputUrl(p.id)] : null;
    }
  }

  function create(input: unknown, target: { model?: string; version?: string }) {
    const p: StoredPrediction = {
      id: randomBytes(16).toString("hex").slice(0, 26),
      ...target,
      input: input as Record<string, unknown>,
      status: "starting",
      logs: "",
      output: null,
      error: null,
      created_at: now(),
      started_at: null,
      completed_at: null,
      steps: [...(plans.shift() ?? DEFAULT_STEPS)],
    };
    predictions.set(p.id, p);
    return p;
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const problem = (res: ServerResponse, status: number, detail: string, headers = {}) =>
    send(res, status, { title: titleFor(status), detail, status }, headers);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const url = new URL(req.url ?? "/", origin);
      const raw = Buffer.concat(chunks).toString();
      let body: unknown = raw || undefined;
      try {
        if (raw) body = JSON.parse(raw);
      } catch {
        // Kept as text: the route answers 400 below.
      }
      requests.push({ method, path: url.pathname, headers: req.headers, body });

      const index = scripted.findIndex((a) => !a.path || url.pathname.startsWith(a.path));
      if (index >= 0) {
        const [answer] = scripted.splice(index, 1);
        if ("hang" in answer!) return; // The client's timeout has to end it.
        if (answer!.status === 429) {
          return problem(
            res,
            429,
            answer!.detail ?? "Request was throttled. Your rate limit resets in ~1s.",
            answer!.retryAfter ? { "retry-after": answer!.retryAfter } : {},
          );
        }
        return problem(res, answer!.status, answer!.detail ?? titleFor(answer!.status));
      }

      const fileMatch = /^\/files\/([^/]+)\/output\.mp4$/.exec(url.pathname);
      if (method === "GET" && fileMatch && predictions.get(fileMatch[1]!)?.output) {
        res.writeHead(200, {
          "content-type": "video/mp4",
          "content-length": statSync(videoFile).size,
        });
        createReadStream(videoFile).pipe(res);
        return;
      }

      if (!url.pathname.startsWith("/v1/")) return problem(res, 404, "Not found.");
      if (req.headers.authorization !== `Bearer ${apiToken}`) {
        return problem(res, 401, "You did not pass a valid authentication token");
      }

      // The account's webhook signing secret (GET /v1/webhooks/default/secret).
      if (method === "GET" && url.pathname === "/v1/webhooks/default/secret")
        return send(res, 200, { key: webhookSecret });

      const isJsonObject = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v);
      const modelRoute = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(url.pathname);
      const predictionRoute = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(url.pathname);

      if (method === "POST" && (modelRoute || url.pathname === "/v1/predictions")) {
        if (raw && !isJsonObject(body)) return problem(res, 400, "JSON parse error.");
        const request = isJsonObject(body) ? body : {};
        if (!isJsonObject(request.input)) {
          return problem(res, 422, "- input: Input is required and must be an object");
        }
        if (modelRoute) {
          const model = `${decodeURIComponent(modelRoute[1]!)}/${decodeURIComponent(modelRoute[2]!)}`;
          return send(res, 201, view(create(request.input, { model })));
        }
        if (typeof request.version !== "string" || !/^[0-9a-f]{64}$/.test(request.version)) {
          return problem(res, 422, "Invalid version or not permitted");
        }
        return send(res, 201, view(create(request.input, { version: request.version })));
      }

      const prediction = predictionRoute && predictions.get(predictionRoute[1]!);
      if (predictionRoute && !prediction) return problem(res, 404, "Not found.");
      if (prediction && method === "GET" && !predictionRoute![2]) {
        advance(prediction);
        return send(res, 200, view(prediction));
      }
      if (prediction && method === "POST" && predictionRoute![2]) {
        if (!finished(prediction)) {
          prediction.status = "canceled";
          prediction.completed_at = now();
          prediction.steps = [];
        }
        return send(res, 200, view(prediction));
      }
      problem(res, 404, "Not found.");
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    /** What the provider's `baseUrl` should be. */
    baseUrl: `${origin}/v1`,
    apiToken,
    webhookSecret,
    requests,
    predictions: predictions as ReadonlyMap<string, Readonly<StoredPrediction>>,
    /** Answers the next matching request(s) this way instead, in order. */
    scriptNext(...answers: ScriptedAnswer[]) {
      scripted.push(...answers);
    },
    /** The steps the next created prediction goes through (one per GET) instead of the default. */
    planNextPrediction(steps: PredictionStep[]) {
      plans.push(steps);
    },
    /** Forgets recorded requests, scripts and plans between tests; predictions stay. */
    reset() {
      requests.length = 0;
      scripted.length = 0;
      plans.length = 0;
    },
    async stop() {
      // Hanging requests keep their sockets open; close() alone would wait for them forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Starts a fake for the current test file and stops it in afterAll. */
export function useFakeReplicate(options: { apiToken?: string } = {}) {
  let fake: FakeReplicate | undefined;
  beforeAll(async () => {
    fake = await startFakeReplicate(options);
  });
  afterAll(async () => {
    await fake?.stop();
  });
  return {
    get server(): FakeReplicate {
      if (!fake) throw new Error("The fake Replicate server is not running yet");
      return fake;
    },
  };
}

function titleFor(status: number): string {
  const titles: Record<number, string> = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    422: "Input validation failed",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
  };
  return titles[status] ?? `HTTP ${status}`;
}
