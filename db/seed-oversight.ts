import { inArray } from "drizzle-orm";
import { actingAs } from "~/.server/auth/guards";
import { recordAudit, SYSTEM_ACTOR } from "~/.server/audit/audit-log";
import type { Db } from "~/.server/db";
import { recordActivity } from "~/.server/oversight/activity";
import {
  DEFAULT_THRESHOLDS,
  dismissFlag,
  scanForAnomalies,
  STRONG_MULTIPLE,
} from "~/.server/oversight/flags";
import { describeAnomaly, type HourlyEvidence } from "~/lib/anomaly-evidence";
import { anomalyFlags, users, type User } from "./schema";

// What /admin/flags shows in the demo: ten days of ordinary use (one or two addresses a day) for a
// few artists, and the patterns the scan exists for. Jonas Berg's access is being used from 30
// addresses right now (an open, strong flag); Lucía Ferraro signed in from six places while
// travelling (open, weak: the one to dismiss); Mira Okafor's workshop on loaned laptops was
// flagged three days ago and dismissed; Theo Marchetti (suspended by the seed) was suspended
// automatically nine days ago. The live flags come from the real scan over recorded activity.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const BROWSERS = {
  mac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/17.6 Safari/605.1.15",
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 Version/17.6 Mobile/15E148 Safari/604.1",
  linux: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0.0.0 Safari/537.36",
  windows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0.0.0 Safari/537.36",
  android:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130.0.0.0 Mobile Safari/537.36",
  firefox: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
};

const acting = (user: User) =>
  actingAs(user, { ip: "127.0.0.1", userAgent: "greenroom demo seed" });

/** The addresses a shared account is used from: a spread of networks, as a public frontend's. */
function sharedAddresses(n: number, seed: number) {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 2
      ? `2001:db8:${(seed + i).toString(16)}::${(i * 7 + 3).toString(16)}`
      : `${i % 3 ? "198.51.100" : "203.0.113"}.${((seed + i * 11) % 250) + 2}`,
  );
}

export async function seedDemoOversight(db: Db, options: { appUrl: string; now?: Date }) {
  const [existing] = await db.select({ id: anomalyFlags.id }).from(anomalyFlags).limit(1);
  if (existing) return 0;
  const emails = [
    "admin@greenroom.test",
    "artist@greenroom.test",
    "artist2@greenroom.test",
    "mira.okafor@greenroom.test",
    "jonas.berg@greenroom.test",
    "lucia.ferraro@greenroom.test",
    "theo.marchetti@greenroom.test",
  ];
  const people = await db.select().from(users).where(inArray(users.email, emails));
  const [ada, ari, bea, mira, jonas, lucia, theo] = emails.map((e) =>
    people.find((p) => p.email === e),
  );
  if (!ada || !ari || !bea || !mira || !jonas || !lucia || !theo) return 0;
  const now = options.now ?? new Date();
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);
  const scanAt = (moment: Date) =>
    scanForAnomalies(db, {
      now: moment,
      thresholds: DEFAULT_THRESHOLDS,
      autoSuspend: false,
      appUrl: options.appUrl,
    });

  // Ten days of ordinary use: a home address on a laptop, the phone in the evening.
  const ordinary = [
    { user: ari, home: "203.0.113.20", mobile: "198.51.100.120", laptop: BROWSERS.mac },
    { user: bea, home: "192.0.2.44", mobile: "198.51.100.144", laptop: BROWSERS.windows },
    { user: mira, home: "203.0.113.61", mobile: "198.51.100.161", laptop: BROWSERS.linux },
  ];
  for (let d = 10; d >= 1; d--) {
    for (const [i, p] of ordinary.entries()) {
      const morning = at(d * DAY - (9 + i) * HOUR);
      await recordActivity(db, {
        userId: p.user.id,
        ip: p.home,
        userAgent: p.laptop,
        now: morning,
        requests: 35 + ((d * 7 + i * 5) % 30),
        signIns: d % 3 === 0 ? 1 : 0,
      });
      if ((d + i) % 2 === 0)
        await recordActivity(db, {
          userId: p.user.id,
          ip: p.mobile,
          userAgent: BROWSERS.iphone,
          now: at(d * DAY - (20 + i) * HOUR),
          requests: 8 + ((d + i) % 6),
        });
    }
  }

  // Three days ago: Mira's workshop, seven loaned laptops on one network. Flagged, and dismissed.
  const workshop = at(3 * DAY + 2 * HOUR);
  const loaners = Object.values(BROWSERS).concat(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
  );
  for (const [i, agent] of loaners.entries())
    await recordActivity(db, {
      userId: mira.id,
      ip: "192.0.2.200",
      userAgent: agent,
      now: new Date(workshop.getTime() - (40 - i * 5) * MIN),
      requests: 12 + i,
      signIns: 1,
    });
  await scanAt(workshop);
  const [miraFlag] = await db
    .select({ id: anomalyFlags.id })
    .from(anomalyFlags)
    .where(inArray(anomalyFlags.userId, [mira.id]));
  if (miraFlag)
    await dismissFlag(
      db,
      acting(ada),
      miraFlag.id,
      "Mira ran the storyboard workshop on loaned laptops at the studio; one network, seven browsers.",
    );

  // Nine days ago: Theo's access behind a public frontend. Suspended automatically at the time
  // (the seed has already suspended him), so the flag is written as the scan wrote it then.
  const leak = at(9 * DAY);
  const theoAddresses = sharedAddresses(30, 17);
  for (const [i, ip] of theoAddresses.entries())
    await recordActivity(db, {
      userId: theo.id,
      ip,
      userAgent: i % 2 ? BROWSERS.linux : BROWSERS.android,
      now: new Date(leak.getTime() - (30 - i) * MIN),
      requests: 3 + (i % 9),
    });
  const theoEvidence: HourlyEvidence = {
    type: "hourly",
    count: theoAddresses.length,
    threshold: DEFAULT_THRESHOLDS.maxAddressesPerHour,
    strongAt: DEFAULT_THRESHOLDS.maxAddressesPerHour * STRONG_MULTIPLE,
    peak: theoAddresses.length,
    items: theoAddresses.map((ip, i) => ({
      value: ip,
      requests: 3 + (i % 9),
      signIns: 0,
      lastSeenAt: new Date(leak.getTime() - (30 - i) * MIN).toISOString(),
    })),
    more: 0,
  };
  const theoReason = describeAnomaly("many_addresses", theoEvidence);
  await db.transaction(async (tx) => {
    const [flag] = await tx
      .insert(anomalyFlags)
      .values({
        userId: theo.id,
        kind: "many_addresses",
        strength: "strong",
        evidence: theoEvidence,
        windowStart: new Date(leak.getTime() - HOUR),
        windowEnd: leak,
        state: "actioned",
        autoSuspended: true,
        decidedAt: leak,
        note: theoReason,
        createdAt: leak,
        updatedAt: leak,
      })
      .returning({ id: anomalyFlags.id });
    for (const action of ["anomaly_flag.raised", "anomaly_flag.actioned"])
      await recordAudit(tx, SYSTEM_ACTOR, {
        action,
        subjectType: "anomaly_flag",
        subjectId: flag!.id,
        data: { userId: theo.id, kind: "many_addresses", count: 30, seeded: true },
      });
  });

  // Now: Jonas's account, used from 30 addresses in the last 40 minutes (three of them signed in).
  for (const [i, ip] of sharedAddresses(30, 40).entries())
    await recordActivity(db, {
      userId: jonas.id,
      ip,
      userAgent: [BROWSERS.linux, BROWSERS.windows, BROWSERS.android, BROWSERS.firefox][i % 4]!,
      now: at((40 - i) * MIN),
      requests: 2 + ((i * 5) % 13),
      signIns: i < 3 ? 1 : 0,
    });
  // ...and Lucía, travelling: airport, train, hotel and two cafés, signing in at each.
  const stops = [
    "192.0.2.10",
    "198.51.100.31",
    "203.0.113.77",
    "192.0.2.133",
    "198.51.100.212",
    "203.0.113.154",
  ];
  for (const [i, ip] of stops.entries())
    await recordActivity(db, {
      userId: lucia.id,
      ip,
      userAgent: i % 2 ? BROWSERS.iphone : BROWSERS.mac,
      now: at((55 - i * 9) * MIN),
      requests: 6 + i,
      signIns: 1,
    });
  await scanAt(now);

  const flags = await db.select({ id: anomalyFlags.id }).from(anomalyFlags);
  return flags.length;
}
