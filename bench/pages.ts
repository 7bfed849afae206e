// The page benchmark (`npm run bench`): seeds the scale program when it is not there yet, starts
// the production build against it, and loads each main page with autocannon, signed in as the role
// that uses it, next to a bare baseline page served by the same server. Prints req/s, p50 and p99
// with their ratios to the baseline and writes bench/results.json; then the browser weight of the
// main pages from the build manifest and Lighthouse's scores for /login and /studio.
// Figures are printed and recorded, never asserted.
//
//   npm run bench [-- --duration 10] [--connections 10] [--warmup 3] [--only studio,verify]
//     [--no-lighthouse] [--rebuild] [--paired] [--profile]
//
// --profile runs the server under `node --cpu-prof` and writes its profile to bench/profiles/ when
// it stops; `node --import tsx bench/profile.ts <file>` says where the time went. It measures the
// pages only (with --only, those), without the baseline, and writes no results.json.
//
// Database: DATABASE_URL (PostgreSQL only), by default the scale database on 127.0.0.1:5432 that
// `npm run seed:scale` fills (bench/seed-scale.ts).
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { endSession, startSession } from "~/.server/auth/session";
import { openDatabase, selectRows, type Db } from "~/.server/db";
import { encodeTimeCursor } from "~/.server/pagination";
import { numberArg } from "./args";
import { runLighthouse, type LighthouseScores } from "./lighthouse";
import { ensureScaleSeed, SCALE_ACCOUNTS, scaleDatabaseUrl } from "./seed-scale";
import { ensureProductionBuild } from "../scripts/production-build";
import { startProductionServer } from "./server";
import { measureWeights, readAssetsManifest, type PageWeight } from "./weight";

const TARGET_RATIO = 0.6;
const TARGET_P99_RATIO = 2;
const TARGET_GZIP_KB = 150;

const DURATION = numberArg("duration", 10);
const CONNECTIONS = numberArg("connections", 10);
const WARMUP = numberArg("warmup", 3);
const onlyIndex = process.argv.indexOf("--only");
const ONLY = onlyIndex >= 0 ? new Set(process.argv[onlyIndex + 1]?.split(",")) : null;
const LIGHTHOUSE = !process.argv.includes("--no-lighthouse");
const REBUILD = process.argv.includes("--rebuild");
/**
 * Each page is measured right after a baseline run of its own and compared with it: on a machine
 * shared with other work, the baseline moved 4× within one run (33 → 126 req/s), which made
 * ratios against a run-wide mean say more about the neighbours than the page.
 */
const PAIRED = process.argv.includes("--paired");
const PROFILE = process.argv.includes("--profile");
const PROFILE_DIR = "bench/profiles";

type Role = "anonymous" | "artist" | "reviewer" | "admin" | "earner";
type Page = {
  name: string;
  path: string;
  as: Role;
  /** Text the page must contain, so an error page is never measured as if it were the page. */
  expect: string;
  /** Each request from another client address (a public page, throttled per address). */
  manyAddresses?: boolean;
};
export type PageResult = {
  name: string;
  path: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratio: number;
  p99Ratio: number;
  /** The page's HTML, uncompressed, as the check request received it. */
  bytes: number;
  /**
   * The server process's CPU time (user + system) per request while the page was measured. Unlike
   * req/s it hardly moves when other work shares the machine, so it compares pages fairly on a
   * busy one. The database's own CPU (its backends are other processes) is not in it.
   */
  cpuMsPerRequest: number | null;
  /** With --paired: the baseline run just before this page, which the ratios are against. */
  baselineReqPerSec?: number;
  baselineP99Ms?: number;
};

/** The rows the pages are pointed at, chosen the same way on every run. */
async function pickFixtures(db: Db) {
  const one = async <T>(query: ReturnType<typeof sql>, what: string) => {
    const [row] = await selectRows<T>(db, query);
    if (!row)
      throw new Error(`The scale database has no ${what}: run npm run seed:scale -- --force.`);
    return row;
  };
  const user = (email: string) =>
    one<{ id: string }>(sql`SELECT id FROM users WHERE email = ${email}`, email);
  const [artist, reviewer, admin] = await Promise.all([
    user(SCALE_ACCOUNTS.artist),
    user(SCALE_ACCOUNTS.reviewer),
    user(SCALE_ACCOUNTS.admin),
  ]);
  const outputs = await one<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM clips WHERE user_id = ${artist.id} AND deleted_at IS NULL`,
    "outputs",
  );
  // The oldest waiting item nobody else holds: what a reviewer opens from the top of the queue.
  const reviewItem = await one<{ id: string }>(
    sql`SELECT id FROM submissions
        WHERE state IN ('pending', 'in_review')
          AND (claimed_by IS NULL OR claimed_by = ${reviewer.id} OR claim_expires_at < now())
          AND NOT EXISTS (SELECT 1 FROM review_decisions d WHERE d.submission_id = submissions.id
                          AND d.version_number = submissions.current_version
                          AND d.reviewer_id = ${reviewer.id})
        ORDER BY submitted_at, id LIMIT 1`,
    "waiting submission",
  );
  // A deep page: the cursor after half the waiting items (10,000 of the 20,000 seeded).
  const waiting = await one<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM submissions WHERE state IN ('pending', 'in_review')`,
    "queue",
  );
  const deep = await one<{ at: string; id: string }>(
    sql`SELECT submitted_at::text AS at, id FROM submissions
        WHERE state IN ('pending', 'in_review')
        ORDER BY submitted_at, id OFFSET ${Math.floor(waiting.n / 2)} LIMIT 1`,
    "deep queue page",
  );
  // The artist's submission with the longest history: the heaviest of their pages.
  const submission = await one<{ id: string }>(
    sql`SELECT s.id FROM submissions s
        WHERE s.user_id = ${artist.id}
        ORDER BY (SELECT count(*) FROM review_comments c WHERE c.submission_id = s.id)
               + (SELECT count(*) FROM submission_versions v WHERE v.submission_id = s.id) DESC,
                 s.id
        LIMIT 1`,
    "submission of the benchmark artist",
  );
  // The artist whose statement is longest (the seed gives the benchmark artist about 2,000).
  const earner = await one<{ id: string; n: number }>(
    sql`SELECT user_id AS id, count(*)::int AS n FROM ledger_entries
        GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`,
    "ledger entries",
  );
  // The batch with the most payouts (trigger-kept totals: no scan of the payouts).
  const batch = await one<{ id: string; n: number }>(
    sql`SELECT batch_id AS id, sum(payouts)::int AS n FROM payout_batch_totals
        GROUP BY batch_id ORDER BY sum(payouts) DESC, batch_id LIMIT 1`,
    "payout batch",
  );
  const license = await one<{ code: string }>(
    sql`SELECT code FROM licenses WHERE revoked_at IS NULL ORDER BY granted_at DESC, id LIMIT 1`,
    "license",
  );
  return {
    users: { artist: artist.id, reviewer: reviewer.id, admin: admin.id, earner: earner.id },
    earnerEntries: earner.n,
    batch: batch.id,
    batchPayouts: batch.n,
    outputs: outputs.n,
    waiting: waiting.n,
    reviewItem: reviewItem.id,
    deepCursor: encodeTimeCursor(deep.at, deep.id),
    submission: submission.id,
    licenseCode: license.code,
  };
}

function pagesFor(f: Awaited<ReturnType<typeof pickFixtures>>): Page[] {
  return [
    { name: "baseline", path: "/bench/baseline", as: "anonymous", expect: "Greenroom is up" },
    // Signed in, with nothing of its own to load: the session, the root layout and its header.
    // Every page below pays this much more than the baseline before doing anything of its own.
    { name: "home", path: "/", as: "artist", expect: "Home · Greenroom" },
    { name: "studio", path: "/studio", as: "artist", expect: "Studio · Greenroom" },
    { name: "review", path: "/review", as: "reviewer", expect: "Review queue · Greenroom" },
    {
      name: "review-deep",
      path: `/review?after=${encodeURIComponent(f.deepCursor)}`,
      as: "reviewer",
      expect: "Review queue · Greenroom",
    },
    {
      name: "review-item",
      path: `/review/${f.reviewItem}`,
      as: "reviewer",
      // The review room (ADR 0019) shows the decision form once the page has claimed the item.
      expect: " · Review · Greenroom",
    },
    {
      name: "submission",
      path: `/submissions/${f.submission}`,
      as: "artist",
      expect: " · Submissions · Greenroom",
    },
    { name: "admin", path: "/admin", as: "admin", expect: "Dashboard · Admin · Greenroom" },
    { name: "admin-money", path: "/admin/money", as: "admin", expect: "Money · Admin · Greenroom" },
    { name: "earnings", path: "/earnings", as: "earner", expect: "Earnings · Greenroom" },
    {
      name: "admin-payouts",
      path: "/admin/money/payouts",
      as: "admin",
      expect: "Payouts · Money · Admin · Greenroom",
    },
    {
      name: "admin-batch",
      path: `/admin/money/payouts/${f.batch}`,
      as: "admin",
      expect: "Payout batch · Money · Admin · Greenroom",
    },
    { name: "admin-audit", path: "/admin/audit", as: "admin", expect: "Audit log · Greenroom" },
    {
      name: "admin-flags",
      path: "/admin/flags",
      as: "admin",
      expect: "Anomaly flags · Admin · Greenroom",
    },
    {
      name: "notifications",
      path: "/notifications",
      as: "artist",
      expect: "Notifications · Greenroom",
    },
    {
      name: "verify",
      path: `/verify/${f.licenseCode}`,
      as: "anonymous",
      expect: f.licenseCode,
      manyAddresses: true,
    },
  ];
}

/** A process's CPU time so far in ms, from /proc (Linux); null where there is no /proc. */
function cpuMsOf(pid: number): number | null {
  try {
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the
    // 12th and stime the 13th, in clock ticks of 10 ms on Linux.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** 10.x.y.z addresses in turn: a public page checked by many platforms, each under its limit. */
function addressCycle() {
  let n = 0;
  return () => {
    n = (n + 1) % 60_000;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
}

async function load(url: string, headers: Record<string, string>, page: Page, seconds: number) {
  const nextAddress = addressCycle();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
    requests: page.manyAddresses
      ? [
          {
            method: "GET",
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, "x-forwarded-for": nextAddress() },
            }),
          },
        ]
      : undefined,
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0)
    throw new Error(
      `${page.name}: ${result.non2xx} non-2xx responses, ${result.errors} errors and ${result.timeouts} timeouts under load.`,
    );
  return result;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function printTable(rows: string[][]) {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join("  "),
    );
    if (index === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

async function main() {
  const started = Date.now();
  const databaseUrl = scaleDatabaseUrl();
  const seed = await ensureScaleSeed(databaseUrl);
  console.log(
    seed.seeded
      ? `Seeded the scale program in ${fmt(seed.seconds, 1)} s.`
      : "The scale program is already seeded.",
  );
  if (ensureProductionBuild({ force: REBUILD, announce: "Building the production bundle…" }))
    console.log("Built the production bundle.");

  const handle = await openDatabase({ databaseUrl, dataDir: "data" });
  const server = await startProductionServer(
    databaseUrl,
    // /verify is throttled per client address; the benchmark sends a different one per request.
    { TRUSTED_PROXY_HEADER: "x-forwarded-for" },
    PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  );
  const sessionIds: string[] = [];
  try {
    const fixtures = await pickFixtures(handle.db);
    const cookies: Record<Role, Record<string, string>> = {
      anonymous: {},
      artist: {},
      reviewer: {},
      admin: {},
      earner: {},
    };
    for (const role of ["artist", "reviewer", "admin", "earner"] as const) {
      const { session, cookie } = await startSession(handle.db, fixtures.users[role], {
        secure: false,
      });
      sessionIds.push(session.id);
      cookies[role] = { cookie: cookie.split(";")[0]! };
    }
    const browserHeaders = {
      accept: "text/html,application/xhtml+xml",
      "accept-encoding": "gzip, deflate, br",
      "user-agent": "greenroom-bench (autocannon)",
    };

    console.log(
      `\nPages at scale: ${fmt(fixtures.outputs)} outputs for the studio's artist, ` +
        `${fmt(fixtures.waiting)} submissions waiting, ${fmt(fixtures.earnerEntries)} ledger ` +
        `entries for the earnings artist, ${fmt(fixtures.batchPayouts)} payouts in the largest ` +
        `batch. ${CONNECTIONS} connections, ` +
        `${WARMUP} s warm-up, ${DURATION} s measured per page; ${os.cpus().length} cores.`,
    );
    const pages = pagesFor(fixtures).filter(
      (p) => !ONLY || ONLY.has(p.name) || p.name === "baseline",
    );
    const measured: Awaited<ReturnType<typeof measure>>[] = [];
    const measure = async (page: Page) => {
      const url = server.url + page.path;
      const headers = { ...browserHeaders, ...cookies[page.as] };
      // One plain request first: the page must be the page, not a login redirect or an error.
      const check = await fetch(url, { headers, redirect: "manual" });
      const body = await check.text();
      if (check.status !== 200 || !body.includes(page.expect))
        throw new Error(
          `${page.name} (${page.path}) answered ${check.status} without "${page.expect}".`,
        );
      await load(url, headers, page, WARMUP);
      const cpuBefore = cpuMsOf(server.pid);
      const result = await load(url, headers, page, DURATION);
      const cpuAfter = cpuMsOf(server.pid);
      const row = {
        page,
        reqPerSec: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        bytes: Buffer.byteLength(body, "utf8"),
        cpuMsPerRequest:
          cpuBefore === null || cpuAfter === null || result.requests.total === 0
            ? null
            : Math.round(((cpuAfter - cpuBefore) / result.requests.total) * 100) / 100,
      };
      console.log(
        `  ${page.name.padEnd(13)} ${fmt(row.reqPerSec).padStart(6)} req/s  p50 ${fmt(row.p50Ms)} ms  p99 ${fmt(row.p99Ms)} ms  ${fmt(row.bytes / 1024, 1)} KB  ${row.cpuMsPerRequest === null ? "" : `${fmt(row.cpuMsPerRequest, 2)} CPU ms/req`}`,
      );
      return row;
    };
    // The baseline runs first and last; its figures are the mean of both, so a machine that
    // slows down during the run does not flatter the pages measured late. With --paired, each
    // page is also compared with a baseline run measured just before it.
    const [baselinePage, ...rest] = pages;
    if (PROFILE) {
      // Only the pages asked for, so the profile holds their work and nothing else; no ratios,
      // and bench/results.json is left as it was.
      for (const page of ONLY?.has("baseline") ? pages : rest) await measure(page);
      return;
    }
    const first = await measure(baselinePage!);
    const pairs = new Map<string, Awaited<ReturnType<typeof measure>>>();
    for (const page of rest) {
      if (PAIRED) pairs.set(page.name, await measure(baselinePage!));
      measured.push(await measure(page));
    }
    const last = await measure(baselinePage!);
    const baseline = {
      reqPerSec: (first.reqPerSec + last.reqPerSec) / 2,
      p50Ms: (first.p50Ms + last.p50Ms) / 2,
      p99Ms: (first.p99Ms + last.p99Ms) / 2,
      bytes: first.bytes,
      cpuMsPerRequest:
        first.cpuMsPerRequest === null || last.cpuMsPerRequest === null
          ? null
          : Math.round(((first.cpuMsPerRequest + last.cpuMsPerRequest) / 2) * 100) / 100,
    };

    const results: PageResult[] = [{ page: baselinePage!, ...baseline }, ...measured].map((r) => {
      const against = pairs.get(r.page.name) ?? baseline;
      return {
        name: r.page.name,
        path: r.page.path.replace(/\?after=.*/, "?after=<cursor>"),
        reqPerSec: Math.round(r.reqPerSec * 10) / 10,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        ratio: Math.round((r.reqPerSec / against.reqPerSec) * 100) / 100,
        p99Ratio: Math.round((r.p99Ms / against.p99Ms) * 100) / 100,
        bytes: r.bytes,
        cpuMsPerRequest: r.cpuMsPerRequest,
        ...(pairs.has(r.page.name)
          ? {
              baselineReqPerSec: Math.round(against.reqPerSec * 10) / 10,
              baselineP99Ms: against.p99Ms,
            }
          : {}),
      };
    });

    console.log("");
    printTable([
      ["page", "req/s", "p50 ms", "p99 ms", "ratio", "p99 ratio", "KB", "CPU ms/req", "targets"],
      ...results.map((r) => [
        r.name,
        fmt(r.reqPerSec),
        fmt(r.p50Ms),
        fmt(r.p99Ms),
        fmt(r.ratio, 2),
        fmt(r.p99Ratio, 2),
        fmt(r.bytes / 1024, 1),
        r.cpuMsPerRequest === null ? "" : fmt(r.cpuMsPerRequest, 2),
        r.name === "baseline"
          ? ""
          : r.ratio >= TARGET_RATIO && r.p99Ratio <= TARGET_P99_RATIO
            ? "met"
            : `NOT met${r.ratio < TARGET_RATIO ? " (req/s)" : ""}${r.p99Ratio > TARGET_P99_RATIO ? " (p99)" : ""}`,
      ]),
    ]);
    console.log(
      `Targets: req/s ≥ ${TARGET_RATIO} × the baseline's, p99 ≤ ${TARGET_P99_RATIO} × the baseline's. ` +
        `Baseline first run ${fmt(first.reqPerSec)} req/s, last ${fmt(last.reqPerSec)} req/s.`,
    );

    const manifest = await readAssetsManifest();
    const weights: PageWeight[] = measureWeights(manifest);
    console.log("\nJavaScript a first visit loads (gzip level 6, from the build manifest):");
    printTable([
      ["page", "files", "raw KB", "gzip KB", `≤ ${TARGET_GZIP_KB} KB`],
      ...weights.map((w) => [
        w.name,
        String(w.files),
        fmt(w.rawBytes / 1024, 1),
        fmt(w.gzipBytes / 1024, 1),
        w.gzipBytes <= TARGET_GZIP_KB * 1024 ? "met" : "NOT met",
      ]),
    ]);

    let lighthouse: LighthouseScores[] | null = null;
    if (LIGHTHOUSE) {
      lighthouse = await runLighthouse(server.url, [
        { name: "/login", path: "/login", headers: {} },
        // "Cookie", capitalised: Chromium loses the navigation's trace (NO_NAVSTART) when an
        // extra header duplicates one of its own in another case.
        { name: "/studio", path: "/studio", headers: { Cookie: cookies.artist.cookie! } },
      ]);
      console.log("\nLighthouse (default mobile profile, simulated throttling):");
      printTable([
        ["page", "performance", "accessibility", "FCP ms", "LCP ms", "TBT ms", "CLS"],
        ...lighthouse.map((l) => [
          l.name,
          String(l.performance),
          String(l.accessibility),
          fmt(l.firstContentfulPaintMs),
          fmt(l.largestContentfulPaintMs),
          fmt(l.totalBlockingTimeMs),
          fmt(l.cumulativeLayoutShift, 3),
        ]),
      ]);
    }

    writeFileSync(
      "bench/results.json",
      JSON.stringify(
        {
          pages: results,
          measuredAt: new Date().toISOString(),
          setup: {
            connections: CONNECTIONS,
            durationSeconds: DURATION,
            warmupSeconds: WARMUP,
            cores: os.cpus().length,
            paired: PAIRED,
            node: process.version,
            studioOutputs: fixtures.outputs,
            waitingSubmissions: fixtures.waiting,
            earningsLedgerEntries: fixtures.earnerEntries,
            largestBatchPayouts: fixtures.batchPayouts,
          },
          targets: { ratio: TARGET_RATIO, p99Ratio: TARGET_P99_RATIO, gzipKb: TARGET_GZIP_KB },
          javascript: weights.map((w) => ({
            name: w.name,
            files: w.files,
            rawBytes: w.rawBytes,
            gzipBytes: w.gzipBytes,
          })),
          lighthouse,
        },
        null,
        2,
      ) + "\n",
    );
    console.log(`\nWrote bench/results.json (${fmt((Date.now() - started) / 1000)} s in all).`);
  } finally {
    await server.stop();
    for (const id of sessionIds) await endSession(handle.db, id, { secure: false });
    await handle.close();
    if (PROFILE)
      console.log(
        `\nThe server's CPU profile is in ${PROFILE_DIR}/ (newest file): read it with ` +
          `node --import tsx bench/profile.ts <file>.`,
      );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
