import type { ServerBuild } from "@remix-run/node";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "~/.server/env";
import type { GenerationQueue } from "~/.server/generation/queue";
import { createMailer } from "~/.server/mail/mailer";
import {
  bearerTokenMatches,
  createMetrics,
  processMetrics,
  routeLabel,
  type Metrics,
} from "~/.server/metrics";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import { emailOutbox, generationJobs, type User } from "~db/schema";
import { createApp } from "../../server/app";
import { useTestDatabase } from "../support/db";
import { createUser, testEnv, testProvenance, testStorage } from "../support/factories";
import {
  artistWith,
  jobRow,
  localProvider,
  queueJob,
  scriptedProvider,
  startQueue,
  waitFor,
} from "../support/generation";

const t = useTestDatabase();
const TOKEN = "metrics-token-for-tests-0123456789";

// A Remix build of three routes, shaped like the real one (ids, parents, paths): the review item
// page, the catch-all 404 and the root. Its routes are loader-only, so Remix answers them without
// rendering a document.
const build = {
  mode: "production",
  basename: "/",
  publicPath: "/assets/",
  assetsBuildDirectory: "build/client/assets",
  isSpaMode: false,
  future: { v3_singleFetch: true },
  entry: { module: { default: () => new Response("no documents here", { status: 500 }) } },
  assets: { entry: { module: "", imports: [] }, routes: {}, url: "", version: "test" },
  routes: {
    root: { id: "root", path: "", module: {} },
    "routes/_index": {
      id: "routes/_index",
      parentId: "root",
      index: true,
      module: { loader: () => new Response("home") },
    },
    "routes/review.$submissionId": {
      id: "routes/review.$submissionId",
      parentId: "root",
      path: "review/:submissionId",
      module: { loader: () => new Response("an item") },
    },
    "routes/$": {
      id: "routes/$",
      parentId: "root",
      path: "*",
      module: {
        loader: () => {
          throw new Response("Not found", { status: 404 });
        },
      },
    },
  },
} as unknown as ServerBuild;

const servers: { close(): void }[] = [];
let queue: GenerationQueue | null = null;
afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  await queue?.stop();
  queue = null;
});

/** The real Express app (server/app.ts) on a free port, with a registry of its own. */
async function serve(env: Partial<Env> = {}) {
  const metrics = createMetrics();
  const app = createApp({
    db: t.db,
    env: { ...testEnv, ...env },
    mailer: createMailer({ EMAIL_FROM: testEnv.EMAIL_FROM }),
    logger: pino({ level: "silent" }),
    storage: testStorage,
    generation: {
      provider: "local",
      capabilities: { durations: DURATIONS, resolutions: RESOLUTIONS, aspectRatios: ASPECT_RATIOS },
      concurrency: { local: 2 },
      wake: () => {},
    },
    provenance: testProvenance,
    build,
    clientAssetsDir: path.resolve("public"),
    metrics,
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (pathname: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${pathname}`, { headers });
  const scrape = async () => {
    const res = await get("/metrics", { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    return res.text();
  };
  return { get, scrape, metrics };
}

/** The value of one sample in Prometheus text, or undefined when there is no such series. */
function sample(body: string, name: string, labels: Record<string, string> = {}) {
  for (const line of body.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

async function seedJobs(artist: User) {
  const job = (provider: string, status: "queued" | "running" | "succeeded" | "failed") => ({
    userId: artist.id,
    provider,
    prompt: "Seeded for metrics",
    durationSeconds: 5,
    resolution: "480p" as const,
    aspectRatio: "16:9",
    style: "none",
    seed: 1,
    status,
  });
  await t.db
    .insert(generationJobs)
    .values([
      job("local", "queued"),
      job("local", "queued"),
      job("replicate", "running"),
      job("local", "succeeded"),
      job("local", "failed"),
    ]);
}

async function seedEmails() {
  const email = (status: "queued" | "sent" | "failed") => ({
    recipient: "someone@example.test",
    template: "review-comment",
    subject: "S",
    html: "<p>H</p>",
    text: "T",
    status,
  });
  await t.db
    .insert(emailOutbox)
    .values([
      email("queued"),
      email("queued"),
      email("queued"),
      email("sent"),
      email("failed"),
      email("failed"),
    ]);
}

describe("/metrics access", () => {
  it("does not exist without METRICS_TOKEN", async () => {
    const { get } = await serve({ METRICS_TOKEN: undefined });
    expect((await get("/metrics")).status).toBe(404);
    // A token is no key to a door that is not there.
    expect((await get("/metrics", { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it("refuses a missing or wrong token with 401 and answers the right one", async () => {
    const { get } = await serve({ METRICS_TOKEN: TOKEN });
    const refused = await get("/metrics");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    const body = await refused.text();
    expect(body).not.toContain("greenroom_");
    for (const authorization of [
      "Bearer wrong-token-wrong-token-0000",
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      "Bearer ",
      `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}`,
      TOKEN,
    ])
      expect((await get("/metrics", { authorization })).status, authorization).toBe(401);

    const ok = await get("/metrics", { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(ok.headers.get("cache-control")).toBe("no-store");
    // The scheme is case-insensitive (RFC 9110).
    expect((await get("/metrics", { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it("compares tokens without caring about their length", () => {
    expect(bearerTokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches(undefined, TOKEN)).toBe(false);
    expect(bearerTokenMatches("Bearer", TOKEN)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
    expect(bearerTokenMatches("Bearer a", TOKEN)).toBe(false);
  });
});

describe("/metrics content", () => {
  it("reports the generation queue and the outbox as the database has them", async () => {
    await seedJobs(await createUser(t.db));
    await seedEmails();
    const { scrape } = await serve({ METRICS_TOKEN: TOKEN });
    // The CPU counter counts from the registry's creation, and the process clock can be coarse:
    // while the test mostly waits on the database it may not have moved yet. Make it move.
    const userCpu = process.cpuUsage().user;
    while (process.cpuUsage().user - userCpu < 1000);
    const body = await scrape();
    const depth = (provider: string, state: string) =>
      sample(body, "greenroom_generation_queue_depth", { provider, state });
    expect(depth("local", "queued")).toBe(2);
    expect(depth("local", "running")).toBe(0);
    expect(depth("replicate", "running")).toBe(1);
    expect(depth("replicate", "queued")).toBeUndefined();
    const emails = (state: string) => sample(body, "greenroom_email_outbox_messages", { state });
    expect([emails("queued"), emails("sent"), emails("failed")]).toEqual([3, 1, 2]);
    // prom-client's process metrics come along.
    expect(sample(body, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(body).toContain("# TYPE greenroom_http_request_duration_seconds histogram");
    expect(body).toContain("# TYPE greenroom_generation_job_duration_seconds histogram");
  });

  it("reads the database afresh at every scrape, zeros included", async () => {
    const { scrape } = await serve({ METRICS_TOKEN: TOKEN });
    const before = await scrape();
    expect(sample(before, "greenroom_generation_queue_depth", { state: "queued" })).toBe(0);
    expect(sample(before, "greenroom_email_outbox_messages", { state: "queued" })).toBe(0);
    await seedJobs(await createUser(t.db));
    await seedEmails();
    const after = await scrape();
    expect(
      sample(after, "greenroom_generation_queue_depth", { provider: "local", state: "queued" }),
    ).toBe(2);
    expect(sample(after, "greenroom_email_outbox_messages", { state: "queued" })).toBe(3);
  });

  it("times requests under their route pattern, never their ids", async () => {
    const { get, scrape } = await serve({ METRICS_TOKEN: TOKEN });
    const ids = [crypto.randomUUID(), crypto.randomUUID(), "sub_k29xq"];
    for (const id of ids) expect((await get(`/review/${id}`)).status).toBe(200);
    expect((await get("/no/such/page/7f3a9c")).status).toBe(404);
    expect((await get("/favicon.svg")).status).toBe(200);
    expect((await get("/")).status).toBe(200);

    await scrape();

    const count = (labels: Record<string, string>) =>
      sample(body, "greenroom_http_request_duration_seconds_count", labels);
    // Requests are recorded once their response has gone: wait for the last two to show.
    let body = "";
    await waitFor(async () => {
      body = await scrape();
      return count({ route: "/" }) === 1 && count({ route: "/metrics" }) !== undefined;
    }, "the requests to be recorded");
    expect(count({ method: "GET", route: "/review/:submissionId", status_class: "2xx" })).toBe(3);
    expect(count({ route: "(unmatched)", status_class: "4xx" })).toBe(1);
    expect(count({ route: "(static)", status_class: "2xx" })).toBe(1);
    // Scrapes are timed too (the one that read this body was not over yet).
    expect(count({ method: "GET", route: "/metrics", status_class: "2xx" })).toBeGreaterThanOrEqual(
      1,
    );
    for (const id of ids) expect(body).not.toContain(id);
    expect(body).not.toContain("7f3a9c");
  });

  it("labels paths by the routes they match", () => {
    const label = (p: string, status = 200) => routeLabel(build.routes, p, status);
    expect(label("/review/abc")).toBe("/review/:submissionId");
    // Remix's data requests count as their page.
    expect(label("/review/abc.data")).toBe("/review/:submissionId");
    expect(label("/_root.data")).toBe("/");
    expect(label("/")).toBe("/");
    expect(label("/assets/entry.client-ABC123.js")).toBe("/assets/*");
    expect(label("/review/abc/extra/segments", 404)).toBe("(unmatched)");
    expect(label("/wp-login.php", 404)).toBe("(unmatched)");
  });

  it("labels every path of one shape as route matching does, however many were seen before", () => {
    // Static and dynamic segments at one depth, a layout with a path and its index, a splat: the
    // cases where remembering a label per shape could go wrong.
    const route = (id: string, parentId: string | undefined, path?: string, index?: true) => ({
      id,
      parentId,
      path,
      index,
      module: {},
    });
    const manifest = Object.fromEntries(
      [
        route("root", undefined, ""),
        route("routes/_index", "root", undefined, true),
        route("routes/review._index", "root", "review", true),
        route("routes/review.new", "root", "review/new"),
        route("routes/review.$submissionId", "root", "review/:submissionId"),
        route("routes/admin", "root", "admin"),
        route("routes/admin._index", "routes/admin", undefined, true),
        route("routes/admin.people.$userId", "routes/admin", "people/:userId"),
        route("routes/$", "root", "*"),
      ].map((r) => [r.id, r]),
    ) as unknown as typeof build.routes;
    const paths = [
      "/",
      "/review",
      "/review/new",
      "/review/NEW",
      "/review/%6Eew",
      "/review/abc",
      "/review/def",
      "/review/admin",
      "/review/abc/def",
      "/admin",
      "/admin/people/u1",
      "/admin/people/u2",
      "/admin/people",
      "/admin/review",
      "/people/u1",
      "/x",
      "/x/y/z",
      "//review",
    ];
    const warm = (p: string) => routeLabel(manifest, p, 404);
    // A fresh copy of the manifest has nothing remembered: matching from scratch.
    const fresh = (p: string) => routeLabel({ ...manifest }, p, 404);
    for (const p of paths) warm(p);
    for (const p of [...paths].reverse()) expect(warm(p), p).toBe(fresh(p));
    expect(warm("/review/%6Eew")).toBe("/review/new");
    expect(warm("/review/xyz")).toBe("/review/:submissionId");
    expect(warm("/admin")).toBe("/admin");
    expect(warm("/admin/people/u3")).toBe("/admin/people/:userId");
    expect(warm("/admin/people")).toBe("(unmatched)");
  });
});

describe("generation job metrics", () => {
  /** This process's registry, where the runner records (workers run without an app). */
  const finishedCount = async (metrics: Metrics, outcome: string) =>
    sample((await metrics.render()).body, "greenroom_generation_jobs_finished_total", {
      provider: "local",
      outcome,
    }) ?? 0;
  const durationCount = async (metrics: Metrics, outcome: string) =>
    sample((await metrics.render()).body, "greenroom_generation_job_duration_seconds_count", {
      provider: "local",
      outcome,
    }) ?? 0;

  it("counts a job that renders as succeeded and times it", async () => {
    const metrics = processMetrics();
    const before = await finishedCount(metrics, "succeeded");
    const beforeDurations = await durationCount(metrics, "succeeded");
    const failedBefore = await finishedCount(metrics, "failed");
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist, { durationSeconds: 5, resolution: "480p" });
    queue = await startQueue(t.handle, localProvider());
    await waitFor(
      async () => (await finishedCount(metrics, "succeeded")) === before + 1,
      "the finished job to be counted",
    );
    expect((await jobRow(t.db, job.id)).status).toBe("succeeded");
    expect(await durationCount(metrics, "succeeded")).toBe(beforeDurations + 1);
    expect(await finishedCount(metrics, "failed")).toBe(failedBefore);
  });

  it("counts a job the provider refuses as failed", async () => {
    const metrics = processMetrics();
    const before = await finishedCount(metrics, "failed");
    const beforeDurations = await durationCount(metrics, "failed");
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const { provider } = scriptedProvider({ failWith: "The model refused this prompt." });
    queue = await startQueue(t.handle, provider);
    await waitFor(
      async () => (await finishedCount(metrics, "failed")) === before + 1,
      "the failed job to be counted",
    );
    expect((await jobRow(t.db, job.id)).status).toBe("failed");
    expect(await durationCount(metrics, "failed")).toBe(beforeDurations + 1);
  });
});
