import { createHmac, generateKeyPairSync } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { handleWebhook, resetWebhookKeys } from "~/.server/http/webhooks";
import { runNudges, webhooksEnabled } from "~/.server/generation/webhooks";
import { generationJobs, webhookDeliveries } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { contextFor, makeRequest } from "../../support/factories";
import { useFakeReplicate } from "../../support/fake-replicate";
import { useFalSigning } from "../../support/fal-signing";
import { artistWith, jobRow } from "../../support/generation";

// Signed webhooks: a valid delivery makes the runner of that run poll at once; a wrong key, a
// replay, a stale or a malformed delivery is a 4xx and changes nothing.

const t = useTestDatabase();
const replicate = useFakeReplicate();

// fal's signing keys, served as a JWKS the way fal publishes them, and a key fal never published.
const fal = useFalSigning();
const otherKey = generateKeyPairSync("ed25519");
beforeEach(() => resetWebhookKeys());

const now = () => Math.floor(Date.now() / 1000);

async function runningJob(provider: string, providerJobId: string) {
  const artist = await artistWith(t.db);
  const [job] = await t.db
    .insert(generationJobs)
    .values({
      userId: artist.id,
      provider,
      prompt: "A lighthouse",
      durationSeconds: 5,
      resolution: "480p",
      aspectRatio: "16:9",
      style: "none",
      seed: 1,
      status: "running",
      providerJobId,
      bossJobId: crypto.randomUUID(),
      dispatchedAt: new Date(),
    })
    .returning();
  return job!;
}

async function deliver(
  provider: "replicate" | "fal",
  body: string,
  headers: Record<string, string>,
) {
  const request = makeRequest(`/webhooks/${provider}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
  });
  const withBody = new Request(request, { body, method: "POST" });
  const context = await contextFor(t.db, withBody);
  context.env = {
    ...context.env,
    REPLICATE_API_TOKEN: replicate.server.apiToken,
    REPLICATE_BASE_URL: replicate.server.baseUrl,
    FAL_JWKS_URL: fal.jwksUrl,
  };
  const response = await handleWebhook(provider, withBody, context);
  return { status: response.status, text: await response.text() };
}

function replicateHeaders(
  body: string,
  options: { secret?: string; id?: string; at?: number } = {},
) {
  const id = options.id ?? `msg_${crypto.randomUUID()}`;
  const at = String(options.at ?? now());
  const secret = options.secret ?? replicate.server.webhookSecret;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${at}.${body}`).digest("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": at,
    "webhook-signature": `v1,${signature}`,
  };
}

async function deliveries() {
  return (await t.db.select().from(webhookDeliveries)).length;
}

describe("Replicate's signed webhook", () => {
  it("takes a valid delivery once: the run's worker is nudged; a replay is a 409", async () => {
    const job = await runningJob("replicate", "pred-valid");
    const nudged = new Promise<void>((resolve) => runNudges.once("replicate:pred-valid", resolve));
    const body = JSON.stringify({ id: "pred-valid", status: "succeeded" });
    const headers = replicateHeaders(body);
    expect(await deliver("replicate", body, headers)).toEqual({ status: 202, text: "Picked up." });
    await nudged;
    const again = await deliver("replicate", body, headers);
    expect(again.status).toBe(409);
    // Nothing about the job changed: the runner polls Replicate itself.
    expect(await jobRow(t.db, job.id)).toEqual(job);
  });

  it("refuses a wrong key, a stale timestamp and missing headers, remembering nothing", async () => {
    await runningJob("replicate", "pred-refused");
    const before = await deliveries();
    const body = JSON.stringify({ id: "pred-refused", status: "succeeded" });
    const wrong = await deliver(
      "replicate",
      body,
      replicateHeaders(body, {
        secret: `whsec_${Buffer.from("not the secret").toString("base64")}`,
      }),
    );
    expect(wrong.status).toBe(401);
    const stale = await deliver("replicate", body, replicateHeaders(body, { at: now() - 600 }));
    expect(stale).toMatchObject({ status: 401, text: expect.stringMatching(/too old/) });
    expect((await deliver("replicate", body, {})).status).toBe(400);
    // A body changed after signing.
    const headers = replicateHeaders(body);
    expect((await deliver("replicate", body.replace("succeeded", "failed"), headers)).status).toBe(
      401,
    );
    expect(await deliveries()).toBe(before);
  });
});

describe("fal's ED25519 webhook", () => {
  it("takes a valid delivery (keys from the JWKS, fetched once) and refuses its replay", async () => {
    const job = await runningJob("fal", "fal-ai/kling-video/v2|req-1");
    const nudged = new Promise<void>((resolve) =>
      runNudges.once("fal:fal-ai/kling-video/v2|req-1", resolve),
    );
    // fal names its own request id; our run id also carries the model.
    const body = JSON.stringify({ request_id: "req-1", status: "OK" });
    const headers = fal.headers(body, { requestId: "req-1" });
    const fetchesBefore = fal.jwksFetches;
    expect(await deliver("fal", body, headers)).toEqual({ status: 202, text: "Picked up." });
    await nudged;
    expect((await deliver("fal", body, headers)).status).toBe(409);
    expect(fal.jwksFetches - fetchesBefore).toBe(1);
    expect(await jobRow(t.db, job.id)).toEqual(job);
  });

  it("refuses a wrong key, a stale delivery and a malformed signature, remembering nothing", async () => {
    const before = await deliveries();
    const body = JSON.stringify({ request_id: "req-2", status: "OK" });
    const wrong = await deliver(
      "fal",
      body,
      fal.headers(body, { requestId: "req-2", signWith: otherKey.privateKey }),
    );
    expect(wrong.status).toBe(401);
    const stale = await deliver(
      "fal",
      body,
      fal.headers(body, { requestId: "req-2", at: now() - 3600 }),
    );
    expect(stale.status).toBe(401);
    const malformed = await deliver("fal", body, {
      ...fal.headers(body, { requestId: "req-2" }),
      "x-fal-webhook-signature": "zz",
    });
    expect(malformed.status).toBe(400);
    expect(await deliveries()).toBe(before);
  });
});

describe("when webhooks are asked for", () => {
  it("only with a public APP_URL, unless forced on or off", () => {
    expect(webhooksEnabled("auto", "http://localhost:3000")).toBe(false);
    expect(webhooksEnabled("auto", "http://192.168.1.20:3000")).toBe(false);
    expect(webhooksEnabled("auto", "https://greenroom.example.org")).toBe(true);
    expect(webhooksEnabled("off", "https://greenroom.example.org")).toBe(false);
    expect(webhooksEnabled("on", "http://localhost:3000")).toBe(true);
  });
});
