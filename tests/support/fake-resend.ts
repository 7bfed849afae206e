import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedEmail = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: { from: string; to: string | string[]; subject: string; html?: string; text?: string };
};

/**
 * A local stand-in for Resend's HTTP API (POST /emails, Bearer auth, optional Idempotency-Key;
 * 200 with `{ id }`, errors as `{ statusCode, name, message }`). It records every request and can
 * be told to fail the next N calls, so the retry path can be tested without a network.
 */
export async function startFakeResend(options: { apiKey?: string } = {}) {
  const apiKey = options.apiKey ?? "re_test_key";
  const requests: RecordedEmail[] = [];
  const seenKeys = new Map<string, string>();
  let failNext = 0;
  let counter = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return send(401, {
          statusCode: 401,
          name: "missing_api_key",
          message: "Missing API key in the authorization header.",
        });
      }
      if (req.method !== "POST" || req.url !== "/emails") {
        return send(404, {
          statusCode: 404,
          name: "not_found",
          message: "The requested endpoint does not exist.",
        });
      }
      const body = JSON.parse(raw) as RecordedEmail["body"];
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (failNext > 0) {
        failNext--;
        return send(500, {
          statusCode: 500,
          name: "application_error",
          message: "An unexpected error occurred.",
        });
      }
      const key = req.headers["idempotency-key"];
      if (typeof key === "string" && seenKeys.has(key)) return send(200, { id: seenKeys.get(key) });
      const id = `fake-${++counter}`;
      if (typeof key === "string") seenKeys.set(key, id);
      send(200, { id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    failNextRequests(n: number) {
      failNext = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
