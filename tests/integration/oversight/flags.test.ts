import { and, asc, eq, inArray } from "drizzle-orm";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { resolveSession } from "~/.server/auth/session";
import type { Db } from "~/.server/db";
import { quotaUsage } from "~/.server/generation/quota";
import { createMailer } from "~/.server/mail/mailer";
import { createActivityRecorder, recordActivity } from "~/.server/oversight/activity";
import {
  DEFAULT_THRESHOLDS,
  dismissFlag,
  scanForAnomalies,
  type ScanOptions,
} from "~/.server/oversight/flags";
import type { HourlyEvidence, VolumeEvidence } from "~/lib/anomaly-evidence";
import {
  anomalyFlags,
  auditLog,
  emailOutbox,
  generationJobs,
  sessions,
  users,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, APP_URL, createUser, sessionCookieFor } from "../../support/factories";
import { artistWith, jobRow, movements, queueJob } from "../../support/generation";

const t = useTestDatabase();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const silent = pino({ level: "silent" });
const outboxMailer = createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" });

const scan = (now: Date, options: Partial<ScanOptions> = {}) =>
  scanForAnomalies(t.db, {
    now,
    thresholds: DEFAULT_THRESHOLDS,
    autoSuspend: false,
    appUrl: APP_URL,
    ...options,
  });

/** `n` distinct addresses used by `user`, one request each, spread over the minutes before `end`. */
async function usedFrom(
  user: User,
  n: number,
  end: Date,
  options: {
    prefix?: string;
    agent?: (i: number) => string;
    signIns?: boolean;
    spanMs?: number;
  } = {},
) {
  const span = options.spanMs ?? 10 * MIN;
  for (let i = 0; i < n; i++) {
    await recordActivity(t.db, {
      userId: user.id,
      ip: `${options.prefix ?? "198.51.100"}.${i + 1}`,
      userAgent: options.agent?.(i) ?? "Mozilla/5.0 (X11; Linux x86_64) Chrome/130",
      now: new Date(end.getTime() - span + Math.floor((span * i) / Math.max(1, n))),
      requests: 1,
      signIns: options.signIns ? 1 : 0,
    });
  }
}

async function flagsOf(userId: string) {
  return t.db
    .select()
    .from(anomalyFlags)
    .where(eq(anomalyFlags.userId, userId))
    .orderBy(asc(anomalyFlags.createdAt));
}

async function actions(subjectIds: string[]) {
  const rows = await t.db
    .select({ action: auditLog.action, actorId: auditLog.actorId })
    .from(auditLog)
    .where(inArray(auditLog.subjectId, subjectIds))
    .orderBy(asc(auditLog.id));
  return rows;
}

/** Generation jobs created at the given moments (finished ones: only their count matters). */
async function jobsAt(db: Db, userId: string, times: Date[]) {
  if (times.length === 0) return;
  await db.insert(generationJobs).values(
    times.map((createdAt) => ({
      userId,
      provider: "local",
      prompt: "A steady day's work",
      durationSeconds: 5,
      resolution: "480p" as const,
      aspectRatio: "16:9",
      style: "none",
      seed: 1,
      status: "succeeded" as const,
      createdAt,
      finishedAt: createdAt,
    })),
  );
}

/** `perDay` jobs on each of the 14 days before the 24 hours ending at `now`, then `recent` in them. */
async function history(userId: string, now: Date, perDay: number, recent: number) {
  const windowStart = now.getTime() - DAY;
  const times: Date[] = [];
  for (let d = 0; d < 14; d++)
    for (let j = 0; j < perDay; j++)
      times.push(new Date(windowStart - d * DAY - (j + 1) * ((DAY - MIN) / (perDay + 1))));
  for (let j = 0; j < recent; j++)
    times.push(new Date(now.getTime() - (j + 1) * ((DAY - MIN) / (recent + 1))));
  await jobsAt(t.db, userId, times);
}

describe("a simulated leak", () => {
  it("flags one account used from 30 addresses within minutes, strong, with its evidence", async () => {
    const artist = await createUser(t.db, { displayName: "Leaky Artist" });
    const bystander = await createUser(t.db);
    const now = new Date();
    // The way the server records it: the per-process recorder, one request per address, plus
    // repeated requests that the recorder holds back.
    let clock = new Date(now.getTime() - 12 * MIN);
    const recorder = createActivityRecorder(t.db, silent, { clock: () => clock });
    for (let i = 0; i < 30; i++) {
      clock = new Date(now.getTime() - 12 * MIN + i * 20_000);
      for (let r = 0; r < 3; r++)
        await recorder.recordRequest({
          userId: artist.id,
          ip: `203.0.113.${i + 10}`,
          userAgent: `Mozilla/5.0 frontend-${i % 3}`,
        });
    }
    await usedFrom(bystander, 2, now);

    const result = await scan(now);
    expect(result).toMatchObject({ raised: 1, updated: 0, suspended: [] });
    const [flag] = await flagsOf(artist.id);
    expect(flag).toMatchObject({
      kind: "many_addresses",
      strength: "strong",
      state: "open",
      autoSuspended: false,
    });
    const evidence = flag!.evidence as HourlyEvidence;
    expect(evidence).toMatchObject({ type: "hourly", count: 30, threshold: 8, strongAt: 24 });
    expect(evidence.items).toHaveLength(30);
    expect(new Set(evidence.items.map((i) => i.value)).size).toBe(30);
    expect(evidence.items.every((i) => i.requests === 1)).toBe(true);
    expect(flag!.windowEnd.getTime()).toBe(now.getTime());
    expect(flag!.windowStart.getTime()).toBe(now.getTime() - HOUR);
    expect(await flagsOf(bystander.id)).toEqual([]);
    // Without auto-suspend nothing else happens: the account is still active.
    const [still] = await t.db.select().from(users).where(eq(users.id, artist.id));
    expect(still!.status).toBe("active");
    expect((await actions([flag!.id])).map((a) => a.action)).toEqual(["anomaly_flag.raised"]);
  });

  it("with auto-suspend, suspends the artist within that one scan: sessions end, queued jobs are cancelled with their seconds back, email and audit", async () => {
    const artist = await artistWith(t.db);
    const cookie = await sessionCookieFor(t.db, artist);
    const jobs = [await queueJob(t.db, artist), await queueJob(t.db, artist)];
    // One of them already rendering: cancelled as well.
    await t.db
      .update(generationJobs)
      .set({ status: "running", startedAt: new Date() })
      .where(eq(generationJobs.id, jobs[1]!.id));
    const before = await quotaUsage(t.db, artist.id, 600);
    expect(before.reservedSeconds).toBe(10);
    const now = new Date();
    await usedFrom(artist, 30, now, { spanMs: 5 * MIN });

    const result = await scan(now, { autoSuspend: true, mailer: outboxMailer });
    expect(result.suspended).toEqual([artist.id]);

    const [flag] = await flagsOf(artist.id);
    expect(flag).toMatchObject({
      kind: "many_addresses",
      strength: "strong",
      state: "actioned",
      autoSuspended: true,
      decidedBy: null,
    });
    expect(flag!.note).toMatch(/30 different addresses/);
    const [account] = await t.db.select().from(users).where(eq(users.id, artist.id));
    expect(account).toMatchObject({ status: "suspended" });
    expect(account!.statusReason).toMatch(/Used from 30 different addresses within an hour/);

    // Sessions died in the same transaction: the old cookie now says why.
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, artist.id))).toEqual([]);
    const auth = await resolveSession(t.db, cookie, { secure: false });
    expect(auth).toMatchObject({ user: null, ended: "suspended" });

    for (const job of jobs) {
      expect((await jobRow(t.db, job.id)).status).toBe("canceled");
      expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
    }
    const after = await quotaUsage(t.db, artist.id, 600);
    expect(after).toMatchObject({ reservedSeconds: 0, remainingSeconds: 600 });

    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(email).toMatchObject({ template: "account-suspended", status: "sent" });
    expect(email!.subject).toBe("Your Greenroom account is suspended");
    const text = email!.text.replace(/\s+/g, " ");
    expect(text).toMatch(/suspended your account automatically/);
    expect(text).toMatch(/2 generations that were waiting or rendering were cancelled/);

    const trail = await actions([flag!.id, artist.id, ...jobs.map((j) => j.id)]);
    expect(trail.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "anomaly_flag.raised",
        "user.suspended",
        "generation.canceled",
        "anomaly_flag.actioned",
      ]),
    );
    expect(trail.filter((a) => a.action === "generation.canceled")).toHaveLength(2);
    // Everything the scan did, it did as the system, not as a person.
    const byScan = trail.filter((a) =>
      /^(anomaly_flag\.|user\.suspended|generation\.canceled)/.test(a.action),
    );
    expect(byScan).toHaveLength(5);
    expect(byScan.every((a) => a.actorId === null)).toBe(true);

    // A job queued after the suspension is refused, whatever session it came through.
    await expect(queueJob(t.db, artist)).rejects.toMatchObject({ status: 403 });
    // The next scan leaves the decided flag alone and raises nothing new.
    expect(await scan(new Date(now.getTime() + 5 * MIN), { autoSuspend: true })).toMatchObject({
      raised: 0,
      updated: 0,
      suspended: [],
    });
  });

  it("never auto-suspends an admin or a reviewer: their strong flag waits for a person", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const reviewer = await createUser(t.db, { role: "reviewer" });
    await sessionCookieFor(t.db, admin);
    const now = new Date();
    await usedFrom(admin, 30, now);
    await usedFrom(reviewer, 30, now, { prefix: "192.0.2" });
    const result = await scan(now, { autoSuspend: true, mailer: outboxMailer });
    expect(result).toMatchObject({ raised: 2, suspended: [] });
    for (const person of [admin, reviewer]) {
      const [flag] = await flagsOf(person.id);
      expect(flag).toMatchObject({ strength: "strong", state: "open", autoSuspended: false });
      const [row] = await t.db.select().from(users).where(eq(users.id, person.id));
      expect(row!.status).toBe("active");
    }
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, admin.id))).toHaveLength(1);
    expect(await t.db.select().from(emailOutbox)).toEqual([]);
  });

  it("a weak flag does not auto-suspend; it does once it grows strong", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    await usedFrom(artist, 10, now);
    expect(await scan(now, { autoSuspend: true })).toMatchObject({ raised: 1, suspended: [] });
    expect((await flagsOf(artist.id))[0]).toMatchObject({ strength: "weak", state: "open" });
    await usedFrom(artist, 20, new Date(now.getTime() + MIN), { prefix: "192.0.2" });
    const later = await scan(new Date(now.getTime() + 2 * MIN), { autoSuspend: true });
    expect(later).toMatchObject({ raised: 0, updated: 1, suspended: [artist.id] });
    const flags = await flagsOf(artist.id);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ strength: "strong", state: "actioned", autoSuspended: true });
    expect((flags[0]!.evidence as HourlyEvidence).count).toBe(30);
  });
});

describe("ordinary use", () => {
  it("raises no flag over two weeks of one or two addresses a day and a steady volume", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    const laptop = "Mozilla/5.0 (Macintosh) Safari/17";
    const phone = "Mozilla/5.0 (iPhone) Safari/17";
    for (let d = 14; d >= 0; d--) {
      const day = now.getTime() - d * DAY;
      // Home in the morning, a café or the phone in the afternoon: a new home address now and then.
      for (let h = 0; h < 8; h++) {
        const at = new Date(day - (8 - h) * HOUR);
        const afternoon = h >= 5;
        await recordActivity(t.db, {
          userId: artist.id,
          ip: afternoon ? `198.51.100.${100 + (d % 3)}` : `203.0.113.${d < 7 ? 5 : 6}`,
          userAgent: afternoon ? phone : laptop,
          now: at,
          requests: 40,
          signIns: h === 0 || h === 5 ? 1 : 0,
        });
      }
      await jobsAt(
        t.db,
        artist.id,
        [1, 2, 3, 4, 5].map((j) => new Date(day - j * 90 * MIN)),
      );
      // Scanned the way the server does, several times a day.
      for (const offset of [0, 3 * HOUR, 6 * HOUR])
        expect(await scan(new Date(day - offset))).toMatchObject({ raised: 0, updated: 0 });
    }
    expect(await flagsOf(artist.id)).toEqual([]);
  });
});

describe("thresholds", () => {
  it("flags above each limit, not at it, and is strong from three times the limit", async () => {
    const now = new Date();
    const make = () => createUser(t.db);
    const [a8, a9, a23, a24, u5, u6, u15, s4, s5, s12, stale] = await Promise.all(
      Array.from({ length: 11 }, make),
    );
    await usedFrom(a8!, 8, now);
    await usedFrom(a9!, 9, now);
    await usedFrom(a23!, 23, now);
    await usedFrom(a24!, 24, now);
    // Browsers: one address, many user agents.
    const agents = (n: number) => async (user: User) => {
      for (let i = 0; i < n; i++)
        await recordActivity(t.db, {
          userId: user.id,
          ip: "198.51.100.1",
          userAgent: `Agent/${i}`,
          now: new Date(now.getTime() - i * MIN),
          requests: 1,
        });
    };
    await agents(5)(u5!);
    await agents(6)(u6!);
    await agents(15)(u15!);
    // Sign-ins from many addresses (few enough not to be "many addresses" as well).
    await usedFrom(s4!, 4, now, { signIns: true });
    await usedFrom(s5!, 5, now, { signIns: true });
    await usedFrom(s12!, 12, now, { signIns: true });
    // Nine addresses, but four of them last used over an hour ago: only five count.
    await usedFrom(stale!, 5, now);
    await usedFrom(stale!, 4, new Date(now.getTime() - HOUR - MIN), { prefix: "192.0.2" });

    await scan(now);
    const flags = await t.db.select().from(anomalyFlags);
    const seen = Object.fromEntries(
      flags.map((f) => [`${f.userId}:${f.kind}`, { strength: f.strength, evidence: f.evidence }]),
    );
    const of = (u: User | undefined, kind: string) => seen[`${u!.id}:${kind}`]?.strength ?? "none";
    expect({
      a8: of(a8, "many_addresses"),
      a9: of(a9, "many_addresses"),
      a23: of(a23, "many_addresses"),
      a24: of(a24, "many_addresses"),
      u5: of(u5, "many_user_agents"),
      u6: of(u6, "many_user_agents"),
      u15: of(u15, "many_user_agents"),
      s4: of(s4, "many_sign_in_addresses"),
      s5: of(s5, "many_sign_in_addresses"),
      s12: of(s12, "many_sign_in_addresses"),
      stale: of(stale, "many_addresses"),
    }).toEqual({
      a8: "none",
      a9: "weak",
      a23: "weak",
      a24: "strong",
      u5: "none",
      u6: "weak",
      u15: "strong",
      s4: "none",
      s5: "weak",
      s12: "strong",
      stale: "none",
    });
    // The sign-in accounts raised only that kind (12 addresses is also "many addresses").
    expect(flags.filter((f) => f.userId === s5!.id).map((f) => f.kind)).toEqual([
      "many_sign_in_addresses",
    ]);
    expect(
      flags
        .filter((f) => f.userId === s12!.id)
        .map((f) => f.kind)
        .sort(),
    ).toEqual(["many_addresses", "many_sign_in_addresses"]);
    expect(flags).toHaveLength(8);
  });

  it("reads its limits from the options: a stricter limit flags what the default does not", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    await usedFrom(artist, 4, now);
    expect(await scan(now)).toMatchObject({ raised: 0 });
    const strict = { ...DEFAULT_THRESHOLDS, maxAddressesPerHour: 3 };
    expect(await scan(now, { thresholds: strict })).toMatchObject({ raised: 1 });
    expect((await flagsOf(artist.id))[0]!.evidence).toMatchObject({ threshold: 3, strongAt: 9 });
  });

  it("caps the listed addresses at 50 and counts the rest", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    await usedFrom(artist, 60, now);
    await scan(now);
    const evidence = (await flagsOf(artist.id))[0]!.evidence as HourlyEvidence;
    expect(evidence).toMatchObject({ count: 60, more: 10 });
    expect(evidence.items).toHaveLength(50);
  });
});

describe("volume against the account's own history", () => {
  it("flags at five times the median and 20 jobs, strong at ten times; a quiet history counts as one a day but is never strong", async () => {
    const now = new Date();
    const users_ = await Promise.all(Array.from({ length: 8 }, () => createUser(t.db)));
    const [a, b, c, d, e, f, g, h] = users_ as [User, User, User, User, User, User, User, User];
    await history(a.id, now, 4, 19); // 5 × 4 = 20: not yet
    await history(b.id, now, 4, 20); // weak
    await history(c.id, now, 4, 40); // 10 × 4: strong
    await history(d.id, now, 0, 19); // a new account: below 20 jobs
    await history(e.id, now, 10, 49); // 5 × 10 = 50: not yet
    await history(f.id, now, 10, 50); // weak
    await history(g.id, now, 10, 100); // strong
    // Baseline 1 a day: 20 jobs are far above it, but with no usual to compare against, a new
    // artist's busy first day is worth a look, not an automatic suspension.
    await history(h.id, now, 0, 20);
    await scan(now);
    const flags = await t.db
      .select()
      .from(anomalyFlags)
      .where(eq(anomalyFlags.kind, "volume_spike"));
    const strength = (u: User) => flags.find((x) => x.userId === u.id)?.strength ?? "none";
    expect(users_.map(strength)).toEqual([
      "none",
      "weak",
      "strong",
      "none",
      "none",
      "weak",
      "strong",
      "weak",
    ]);
    const evidence = flags.find((x) => x.userId === c.id)!.evidence as VolumeEvidence;
    expect(evidence).toMatchObject({
      type: "volume",
      jobs: 40,
      medianPerDay: 4,
      baseline: 4,
      flagAt: 20,
      strongAt: 40,
    });
    expect(evidence.dailyCounts).toEqual(Array.from({ length: 14 }, () => 4));
    expect(flags.find((x) => x.userId === h.id)!.evidence).toMatchObject({
      medianPerDay: 0,
      baseline: 1,
    });
  });

  it("uses the median, so one busy day in the history does not hide a spike", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    await history(artist.id, now, 2, 25);
    // One festival day of 80 jobs a week ago: the median stays 2.
    await jobsAt(
      t.db,
      artist.id,
      Array.from({ length: 80 }, (_, i) => new Date(now.getTime() - 8 * DAY + i * MIN)),
    );
    await scan(now);
    const [flag] = await flagsOf(artist.id);
    expect(flag).toMatchObject({ kind: "volume_spike", strength: "strong" });
    expect((flag!.evidence as VolumeEvidence).medianPerDay).toBe(2);
  });
});

describe("rescans", () => {
  it("keep one open flag per account and kind and bring its evidence up to date", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    await usedFrom(artist, 10, now);
    expect(await scan(now)).toMatchObject({ raised: 1, updated: 0 });
    // Nothing new: nothing written, nothing audited.
    expect(await scan(new Date(now.getTime() + MIN))).toMatchObject({ raised: 0, updated: 0 });
    // Twenty more addresses: the same flag, stronger, with the new numbers.
    await usedFrom(artist, 20, new Date(now.getTime() + 2 * MIN), { prefix: "192.0.2" });
    const later = new Date(now.getTime() + 3 * MIN);
    expect(await scan(later)).toMatchObject({ raised: 0, updated: 1 });
    const flags = await flagsOf(artist.id);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ strength: "strong", state: "open" });
    expect(flags[0]!.evidence).toMatchObject({ count: 30, peak: 30 });
    expect(flags[0]!.windowEnd.getTime()).toBe(later.getTime());
    // The window keeps its start: what the admin reads is "seen from … to …".
    expect(flags[0]!.windowStart.getTime()).toBe(now.getTime() - HOUR);
    expect((await actions([flags[0]!.id])).map((a) => a.action)).toEqual([
      "anomaly_flag.raised",
      "anomaly_flag.updated",
    ]);
    // An hour on, the old addresses age out of the window; the flag keeps its strength and peak.
    await usedFrom(artist, 9, new Date(later.getTime() + HOUR), { prefix: "203.0.113" });
    await scan(new Date(later.getTime() + HOUR));
    const [aged] = await flagsOf(artist.id);
    expect(aged).toMatchObject({ strength: "strong", state: "open" });
    expect(aged!.evidence).toMatchObject({ count: 9, peak: 30 });
  });

  it("running at once in several processes still makes one flag", async () => {
    const artist = await createUser(t.db);
    const now = new Date();
    await usedFrom(artist, 12, now);
    const results = await Promise.all([scan(now), scan(now), scan(now), scan(now)]);
    expect(results.reduce((n, r) => n + r.raised, 0)).toBe(1);
    expect(await flagsOf(artist.id)).toHaveLength(1);
  });

  it("a dismissed flag does not reopen for what was already seen, only for new activity", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db);
    const now = new Date(Date.now() - 5 * MIN);
    await usedFrom(artist, 12, now);
    await scan(now);
    const [flag] = await flagsOf(artist.id);
    await dismissFlag(t.db, acting(admin), flag!.id, "Festival week: shared wifi at the venue");

    // The same hour, scanned again (and again with one old address used once more): dismissed.
    expect(await scan(new Date())).toMatchObject({ raised: 0, updated: 0 });
    await recordActivity(t.db, {
      userId: artist.id,
      ip: "198.51.100.1",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130",
      now: new Date(Date.now() + 1000),
      requests: 1,
    });
    expect(await scan(new Date(Date.now() + 2000))).toMatchObject({ raised: 0 });
    const afterDismissal = await flagsOf(artist.id);
    expect(afterDismissal).toHaveLength(1);
    expect(afterDismissal[0]).toMatchObject({ state: "dismissed", decidedBy: admin.id });

    // The pattern again, in activity after the dismissal: a new flag, with only what was seen
    // since (the ten new addresses and the old one used again).
    const later = new Date(Date.now() + 5 * MIN);
    await usedFrom(artist, 10, later, { prefix: "192.0.2", spanMs: 2 * MIN });
    expect(await scan(later)).toMatchObject({ raised: 1 });
    const all = await flagsOf(artist.id);
    expect(all.map((f) => f.state)).toEqual(["dismissed", "open"]);
    expect(all[1]!.evidence).toMatchObject({ count: 11 });
    expect(all[1]!.windowStart.getTime()).toBe(afterDismissal[0]!.decidedAt!.getTime());
  });

  it("leaves suspended accounts out of the scan", async () => {
    const artist = await createUser(t.db, { status: "suspended" });
    const now = new Date();
    await usedFrom(artist, 30, now);
    expect(await scan(now)).toMatchObject({ raised: 0 });
  });
});

describe("suspension by an admin", () => {
  it("also cancels the account's jobs with their quota, and emails them", async () => {
    const { suspendUser } = await import("~/.server/access/people");
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await artistWith(t.db);
    const job = await queueJob(t.db, artist);
    const result = await suspendUser(t.db, acting(admin), artist.id, "Shared their password", {
      appUrl: APP_URL,
    });
    expect(result).toMatchObject({ jobsCanceled: 1 });
    expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
    const [email] = await t.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.recipient, artist.email), eq(emailOutbox.id, result.emailId)));
    expect(email!.template).toBe("account-suspended");
    const text = email!.text.replace(/\s+/g, " ");
    expect(text).toMatch(/The program team suspended your Greenroom account/);
    expect(text).toMatch(/Reason: Shared their password/);
    const [canceled] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "generation.canceled"), eq(auditLog.subjectId, job.id)));
    expect(canceled).toMatchObject({ actorId: admin.id });
  });
});
