import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

/**
 * fal's webhook signing as its documentation describes it, for tests: an ED25519 key pair whose
 * public half is served as a JWKS over HTTP (counting the fetches, to see the keys cached), and
 * the headers of a delivery signed with it (request id, user id, timestamp and the body's SHA-256,
 * one per line).
 */
export function useFalSigning() {
  const key = generateKeyPairSync("ed25519");
  let url = "";
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [{ ...key.publicKey.export({ format: "jwk" }), kid: "k1" }] }));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    key,
    /** Where the JWKS is served (FAL_JWKS_URL), once the suite has started. */
    get jwksUrl() {
      return url;
    },
    /** How many times the JWKS has been fetched so far. */
    get jwksFetches() {
      return fetches;
    },
    /** The headers fal sends with `body`, signed with `signWith` (by default the served key). */
    headers(
      body: string,
      options: { requestId: string; at?: number; signWith?: KeyObject },
    ): Record<string, string> {
      const at = String(options.at ?? Math.floor(Date.now() / 1000));
      const digest = createHash("sha256").update(body).digest("hex");
      const message = [options.requestId, "user-1", at, digest].join("\n");
      return {
        "x-fal-webhook-request-id": options.requestId,
        "x-fal-webhook-user-id": "user-1",
        "x-fal-webhook-timestamp": at,
        "x-fal-webhook-signature": sign(
          null,
          Buffer.from(message),
          options.signWith ?? key.privateKey,
        ).toString("hex"),
      };
    },
  };
}
