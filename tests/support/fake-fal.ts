import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { runFfmpeg } from "~/.server/generation/media";
import { tempDir } from "./generation";

// A local stand-in for fal.ai's queue API (https://docs.fal.ai/model-apis/model-endpoints/queue):
// "Authorization: Key …"; POST /{model}[?fal_webhook=] with JSON input answers {request_id,
// response_url, status_url, cancel_url}; GET /{app}/requests/{id}/status {status: IN_QUEUE |
// IN_PROGRESS | COMPLETED, logs}; GET /{app}/requests/{id} the result {video: {url}}; PUT
// /{app}/requests/{id}/cancel. Errors are {"detail": …}; 429 may carry Retry-After. Result files
// are served without auth (fal's CDN). A request moves one step on each status GET.

export type FalStep =
  | { status: "IN_QUEUE" }
  | { status: "IN_PROGRESS"; log?: string }
  | { status: "COMPLETED"; error?: string };

type Stored = {
  id: string;
  model: string;
  input: Record<string, unknown>;
  webhook: string | null;
  status: "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";
  logs: { message: string }[];
  error: string | null;
  steps: FalStep[];
  canceled: boolean;
  expired: boolean;
};

export async function startFakeFal() {
  const apiKey = "fal-key-id:fal-key-secret-for-tests";
  const dir = tempDir("fake-fal");
  const video = path.join(dir, "out.mp4");
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
    video,
  ]);
  const bytes = readFileSync(video);
  const requests: { method: string; path: string; headers: IncomingHttpHeaders; body?: unknown }[] =
    [];
  const stored = new Map<string, Stored>();
  const plans: FalStep[][] = [];
  const scripted: { status: number; retryAfter?: string }[] = [];
  let origin = "";

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", origin);
      const method = req.method ?? "GET";
      const raw = Buffer.concat(chunks).toString();
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      requests.push({ method, path: url.pathname + url.search, headers: req.headers, body });
      const send = (status: number, value: unknown, headers = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(value));
      };
      const file = /^\/files\/([^/]+)\.mp4$/.exec(url.pathname);
      if (file) {
        const r = stored.get(file[1]!);
        if (!r || r.expired) return send(404, { detail: "Not found" });
        res.writeHead(200, { "content-type": "video/mp4" });
        return res.end(bytes);
      }
      const next = scripted.shift();
      if (next)
        return send(
          next.status,
          { detail: `HTTP ${next.status}` },
          next.retryAfter ? { "retry-after": next.retryAfter } : {},
        );
      if (req.headers.authorization !== `Key ${apiKey}`)
        return send(401, { detail: "Invalid key" });
      const request = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(
        url.pathname,
      );
      if (request) {
        const r = stored.get(decodeURIComponent(request[2]!));
        if (!r) return send(404, { detail: "Request not found" });
        if (request[3] === "/status" && method === "GET") {
          const step = r.status === "COMPLETED" ? undefined : r.steps.shift();
          if (step) {
            r.status = step.status;
            if (step.status === "IN_PROGRESS" && step.log) r.logs.push({ message: step.log });
            if (step.status === "COMPLETED" && step.error) r.error = step.error;
          }
          return send(200, {
            status: r.status,
            logs: r.logs,
            ...(r.error ? { error: r.error } : {}),
          });
        }
        if (request[3] === "/cancel" && method === "PUT") {
          r.canceled = true;
          return send(200, { status: "CANCELLATION_REQUESTED" });
        }
        if (!request[3] && method === "GET") {
          if (r.status !== "COMPLETED")
            return send(400, { detail: "Request is still in progress" });
          return send(200, {
            video: { url: `${origin}/files/${r.id}.mp4`, content_type: "video/mp4" },
          });
        }
      }
      if (method === "POST") {
        if (!body || typeof body.prompt !== "string")
          return send(422, { detail: [{ loc: ["body", "prompt"], msg: "field required" }] });
        const id = randomUUID();
        stored.set(id, {
          id,
          model: url.pathname.slice(1),
          input: body,
          webhook: url.searchParams.get("fal_webhook"),
          status: "IN_QUEUE",
          logs: [],
          error: null,
          steps: [
            ...(plans.shift() ?? [{ status: "IN_PROGRESS", log: "50%" }, { status: "COMPLETED" }]),
          ],
          canceled: false,
          expired: false,
        });
        return send(200, {
          request_id: id,
          status_url: `${origin}${url.pathname}/requests/${id}/status`,
        });
      }
      send(404, { detail: "Not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    queueUrl: origin,
    apiKey,
    requests,
    stored: stored as ReadonlyMap<string, Readonly<Stored>>,
    planNext: (steps: FalStep[]) => plans.push(steps),
    scriptNext: (...answers: { status: number; retryAfter?: string }[]) =>
      scripted.push(...answers),
    expire: (id: string) => {
      const r = stored.get(id);
      if (r) r.expired = true;
    },
    reset() {
      requests.length = 0;
      plans.length = 0;
      scripted.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function useFakeFal() {
  let fake: Awaited<ReturnType<typeof startFakeFal>> | undefined;
  beforeAll(async () => {
    fake = await startFakeFal();
  });
  afterAll(async () => fake?.stop());
  return {
    get server() {
      if (!fake) throw new Error("The fake fal server is not running yet");
      return fake;
    },
  };
}
