import type { ServerBuild } from "@remix-run/node";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createMailer } from "~/.server/mail/mailer";
import { createMetrics } from "~/.server/metrics";
import { redactUrl } from "~/.server/redact";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import { createApp } from "../../../server/app";
import { useTestDatabase } from "../../support/db";
import { testEnv, testProvenance, testStorage } from "../../support/factories";

// The HTTP edge (server/app.ts) in front of a tiny Remix build: what it refuses before any route
// runs, and what it writes to the request log.

const t = useTestDatabase();

let routeCalls = 0;
const answer = () => {
  routeCalls++;
  return new Response("a page");
};
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
    "routes/$": {
      id: "routes/$",
      parentId: "root",
      path: "*",
      module: { loader: answer, action: answer },
    },
  },
} as unknown as ServerBuild;

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve() {
  const lines: string[] = [];
  const waiting: (() => void)[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      for (const wake of waiting.splice(0)) wake();
      done();
    },
  });
  /** The request line is written when the response finishes: wait for it, not for a time. */
  const requestLine = async () => {
    for (;;) {
      const line = lines
        .map((l) => JSON.parse(l) as { msg: string; url?: string })
        .find((l) => l.msg === "request");
      if (line) return line;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  const app = createApp({
    db: t.db,
    env: testEnv,
    mailer: createMailer({ EMAIL_FROM: testEnv.EMAIL_FROM }),
    logger: pino({ level: "info" }, sink),
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
    metrics: createMetrics(),
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, lines, requestLine };
}

// The addresses the attack report listed, each with a NUL where a person could type one.
const NUL_ADDRESSES = [
  "/studio?again=%00",
  "/review?cohort=%00",
  "/admin/people?q=a%00b",
  "/admin/audit?action=%00",
  "/admin/audit?actor=%00",
  "/review/%00",
  "/submissions/abc%00def",
  "/verify/GR-%00",
  "/earnings?after=%00",
  "/notifications?cursor=%00",
];

describe("an address holding a NUL byte", () => {
  it.each(NUL_ADDRESSES)("GET %s is refused with 400 before any route runs", async (address) => {
    const { base } = await serve();
    routeCalls = 0;
    const res = await fetch(`${base}${address}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/cannot be used \(a NUL byte/);
    expect(routeCalls).toBe(0);
  });

  it.each(["/studio?x=%00", "/review/%00"])("POST %s is refused the same way", async (address) => {
    const { base } = await serve();
    routeCalls = 0;
    const res = await fetch(`${base}${address}`, {
      method: "POST",
      headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: "intent=x",
    });
    expect(res.status).toBe(400);
    expect(routeCalls).toBe(0);
  });

  it("leaves an ordinary address alone", async () => {
    const { base } = await serve();
    const res = await fetch(`${base}/studio?again=abc&q=100%25`);
    expect(res.status).toBe(200);
  });
});

describe("the request log", () => {
  const TOKEN = "k3Zp0-secret_TOKEN-value-0123456789abcdefghijk";
  const addresses = [
    `/reset-password/${TOKEN}`,
    `/reset-password/${TOKEN}.data`,
    `/invite/${TOKEN}`,
    `/invite/${TOKEN}.data?_routes=routes%2Finvite.%24token`,
    `/login?redirectTo=${encodeURIComponent(`/invite/${TOKEN}`)}`,
    `/anything?token=${TOKEN}`,
    `/anything?code=${TOKEN}&page=2`,
  ];

  it.each(addresses)("never holds the secret of %s", async (address) => {
    const { base, lines, requestLine } = await serve();
    await fetch(`${base}${address}`);
    expect((await requestLine()).url).toContain("[redacted]");
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("keeps what is not secret, so the log still says which page was asked for", () => {
    expect(redactUrl(`/reset-password/${TOKEN}.data`)).toBe("/reset-password/[redacted].data");
    expect(redactUrl(`/invite/${TOKEN}`)).toBe("/invite/[redacted]");
    expect(redactUrl("/admin/invites?state=pending")).toBe("/admin/invites?state=pending");
    expect(redactUrl("/review?cohort=spring&page=2")).toBe("/review?cohort=spring&page=2");
    expect(redactUrl(`/login?redirectTo=/invite/${TOKEN}`)).toBe(
      "/login?redirectTo=/invite/[redacted]",
    );
    expect(redactUrl(`http://localhost:3000/reset-password/${TOKEN}`)).toBe(
      "http://localhost:3000/reset-password/[redacted]",
    );
  });
});
