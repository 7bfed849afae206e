import type { AppLoadContext } from "@remix-run/node";
import {
  acceptWebhook,
  createJwksCache,
  fetchReplicateSecret,
  verifyFalWebhook,
  verifyReplicateWebhook,
  type WebhookVerdict,
} from "../generation/webhooks";

// The HTTP side of provider webhooks (POST /webhooks/replicate, /webhooks/fal): read the raw body
// (signatures are over its exact bytes), verify, then hand the run's id to the domain. Answers are
// plain text and say little: 400 malformed, 401 bad signature or stale, 409 replayed, 202 taken.

const MAX_BODY_BYTES = 256 * 1024;

let replicateSecret: { key: string; for: string } | null = null;
let falKeys: { cache: ReturnType<typeof createJwksCache>; for: string } | null = null;

async function replicateSecretFor(context: AppLoadContext) {
  const { REPLICATE_BASE_URL, REPLICATE_API_TOKEN } = context.env;
  if (!REPLICATE_API_TOKEN) return null;
  const id = `${REPLICATE_BASE_URL}|${REPLICATE_API_TOKEN}`;
  if (replicateSecret?.for !== id)
    replicateSecret = {
      key: await fetchReplicateSecret(REPLICATE_BASE_URL, REPLICATE_API_TOKEN),
      for: id,
    };
  return replicateSecret.key;
}

function falKeysFor(context: AppLoadContext) {
  const url = context.env.FAL_JWKS_URL;
  if (falKeys?.for !== url) falKeys = { cache: createJwksCache(url), for: url };
  return falKeys.cache;
}

const answer = (status: number, text: string) =>
  new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

async function rawBody(request: Request) {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  const text = await request.text();
  return text.length > MAX_BODY_BYTES ? null : text;
}

/** The run id a delivery names: Replicate's prediction id, fal's request id. */
function runIdOf(provider: "replicate" | "fal", body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { id?: unknown; request_id?: unknown };
    const id = provider === "replicate" ? parsed.id : parsed.request_id;
    return typeof id === "string" && id.length > 0 && id.length <= 200 ? id : null;
  } catch {
    return null;
  }
}

export async function handleWebhook(
  provider: "replicate" | "fal",
  request: Request,
  context: AppLoadContext,
): Promise<Response> {
  if (request.method !== "POST") return answer(405, "Webhooks are POSTed.");
  const body = await rawBody(request);
  if (body === null) return answer(413, "This delivery is too large.");
  // A delivery without its headers is refused before any key is fetched.
  const malformed =
    provider === "replicate"
      ? verifyReplicateWebhook({ headers: request.headers, body, secret: "" })
      : verifyFalWebhook({ headers: request.headers, body, keys: [] });
  if (!malformed.ok && malformed.status === 400) return answer(400, malformed.reason);
  let verdict: WebhookVerdict;
  if (provider === "replicate") {
    const secret = await replicateSecretFor(context).catch((err: unknown) => {
      context.logger.warn({ err }, "replicate webhook secret unavailable");
      return null;
    });
    if (!secret) return answer(503, "Replicate is not configured here.");
    verdict = verifyReplicateWebhook({ headers: request.headers, body, secret });
  } else {
    const cache = falKeysFor(context);
    const check = (keys: Awaited<ReturnType<typeof cache.keys>>) =>
      verifyFalWebhook({ headers: request.headers, body, keys });
    try {
      verdict = check(await cache.keys());
      if (!verdict.ok && verdict.status === 401) {
        const fresh = await cache.refreshed();
        if (fresh) verdict = check(fresh);
      }
    } catch (err) {
      context.logger.warn({ err }, "fal signing keys unavailable");
      return answer(503, "The signing keys could not be fetched; deliver again later.");
    }
  }
  if (!verdict.ok) return answer(verdict.status, verdict.reason);
  const runId = runIdOf(provider, body);
  if (!runId) return answer(400, "The delivery names no run.");
  const outcome = await acceptWebhook(context.db, provider, verdict.deliveryId, runId);
  if (outcome === "replayed") return answer(409, "This delivery was already received.");
  return answer(202, outcome === "nudged" ? "Picked up." : "No running job has this run.");
}

/** For tests: forget cached secrets and keys. */
export function resetWebhookKeys() {
  replicateSecret = null;
  falKeys = null;
}
