import { and, count, desc, eq, gt, gte, lte, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  describeAnomaly,
  EVIDENCE_ITEMS_MAX,
  isAnomalyEvidence,
  type AnomalyEvidence,
  type EvidenceItem,
  type HourlyEvidence,
  type VolumeEvidence,
} from "~/lib/anomaly-evidence";
import { FLAG_STATES, type AnomalyKind, type FlagState } from "~/lib/oversight";
import { accountActivity, anomalyFlags, generationJobs, users, type AnomalyFlag } from "~db/schema";
import { suspendAccount } from "../access/people";
import { recordAudit, SYSTEM_ACTOR } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db, DbOrTx } from "../db";
import type { Env } from "../env";
import { UserError } from "../errors";
import type { Mailer } from "../mail/mailer";
import { deliverEmails } from "../mail/send";
import { encodeTimeCursor, requireTimeCursor } from "../pagination";
import { hourOf } from "./activity";

// Anomaly flags: the pattern that ended the 2024 program (one invited account shared through a
// public frontend) shows as one account used from many addresses or browsers at once, signing in
// from many places, or generating far more than it ever did. A scan every few minutes raises a
// flag per account and kind with its evidence; admins dismiss it or act on it at /admin/flags,
// and with ANOMALY_AUTO_SUSPEND a strong flag suspends the artist at once.

export type AnomalyThresholds = {
  /** Flag above this many distinct addresses in the last hour. */
  maxAddressesPerHour: number;
  /** Flag above this many distinct browsers (user agents) in the last hour. */
  maxAgentsPerHour: number;
  /** Flag above this many distinct addresses signed in from in the last hour. */
  maxSignInAddresses: number;
  /** Flag at this many times the account's usual daily volume. */
  volumeFactor: number;
  /** ...and never below this many jobs in the 24 hours. */
  volumeMinJobs: number;
};

export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  maxAddressesPerHour: 8,
  maxAgentsPerHour: 5,
  maxSignInAddresses: 4,
  volumeFactor: 5,
  volumeMinJobs: 20,
};

/** A count this many times its limit makes a strong flag (addresses, browsers, sign-ins). */
export const STRONG_MULTIPLE = 3;
/** A volume flag is strong only for an account with this many active days in its history. */
const MIN_ACTIVE_DAYS_FOR_STRONG = 3;
/** Volume at this many times the factor makes a strong flag. */
export const STRONG_VOLUME_MULTIPLE = 2;
/** Days of history the volume is compared against. */
export const VOLUME_HISTORY_DAYS = 14;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** An open flag whose evidence has not changed is still refreshed this often while it goes on. */
const REFRESH_MS = HOUR_MS;

export function thresholdsFromEnv(
  env: Pick<
    Env,
    | "ANOMALY_MAX_ADDRESSES_PER_HOUR"
    | "ANOMALY_MAX_AGENTS_PER_HOUR"
    | "ANOMALY_MAX_SIGNIN_ADDRESSES"
    | "ANOMALY_VOLUME_FACTOR"
  >,
): AnomalyThresholds {
  return {
    ...DEFAULT_THRESHOLDS,
    maxAddressesPerHour: env.ANOMALY_MAX_ADDRESSES_PER_HOUR,
    maxAgentsPerHour: env.ANOMALY_MAX_AGENTS_PER_HOUR,
    maxSignInAddresses: env.ANOMALY_MAX_SIGNIN_ADDRESSES,
    volumeFactor: env.ANOMALY_VOLUME_FACTOR,
  };
}

export type ScanOptions = {
  now: Date;
  thresholds: AnomalyThresholds;
  /** ANOMALY_AUTO_SUSPEND: a strong flag on an active artist suspends the account. */
  autoSuspend: boolean;
  appUrl: string;
  /** Given: the suspension emails are delivered once their transactions commit. */
  mailer?: Mailer;
};

export type ScanResult = {
  /** New flags. */
  raised: number;
  /** Open flags whose evidence changed. */
  updated: number;
  /** Accounts the scan suspended. */
  suspended: string[];
  emailIds: string[];
};

/** What one scan saw for one account and kind. */
type Observation = {
  userId: string;
  kind: AnomalyKind;
  strength: "weak" | "strong";
  evidence: AnomalyEvidence;
  windowStart: Date;
  windowEnd: Date;
};

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * When each kind's evidence may start for this account: the window's own start, or the moment an
 * admin (or the scan) closed a flag of that kind, if later. A dismissed flag therefore stays
 * dismissed for what was already seen, and a new one needs the anomaly again in activity after
 * the decision.
 */
async function evidenceStarts(db: DbOrTx, userId: string, windowStart: Date) {
  const closed = await db
    .select({ kind: anomalyFlags.kind, decidedAt: sql<string>`max(${anomalyFlags.decidedAt})` })
    .from(anomalyFlags)
    .where(
      and(
        eq(anomalyFlags.userId, userId),
        ne(anomalyFlags.state, "open"),
        gt(anomalyFlags.decidedAt, windowStart),
      ),
    )
    .groupBy(anomalyFlags.kind);
  const starts = new Map(closed.map((c) => [c.kind, new Date(c.decidedAt)]));
  return (kind: AnomalyKind) => {
    const decided = starts.get(kind);
    return decided && decided > windowStart ? decided : windowStart;
  };
}

/** Accounts over an hourly limit: distinct addresses, browsers, sign-in addresses. */
async function observeHourly(db: Db, now: Date, t: AnomalyThresholds): Promise<Observation[]> {
  const since = new Date(now.getTime() - HOUR_MS);
  // Rows last used within the hour: `hour` narrows by the index, last_seen_at makes the window
  // slide (to the minute the recorder writes at) rather than jump at each full hour.
  const inWindow = (from: Date) =>
    and(
      gte(accountActivity.hour, hourOf(from)),
      lte(accountActivity.hour, now),
      gt(accountActivity.lastSeenAt, from),
      lte(accountActivity.lastSeenAt, now),
    );
  const addresses = sql<number>`count(DISTINCT ${accountActivity.ip})::int`;
  const agents = sql<number>`count(DISTINCT ${accountActivity.userAgent})::int`;
  const signInAddresses = sql<number>`(count(DISTINCT ${accountActivity.ip}) FILTER (WHERE ${accountActivity.signIns} > 0))::int`;
  const candidates = await db
    .select({ userId: accountActivity.userId })
    .from(accountActivity)
    .innerJoin(users, eq(users.id, accountActivity.userId))
    .where(and(eq(users.status, "active"), inWindow(since)))
    .groupBy(accountActivity.userId)
    .having(
      or(
        gt(addresses, t.maxAddressesPerHour),
        gt(agents, t.maxAgentsPerHour),
        gt(signInAddresses, t.maxSignInAddresses),
      ),
    );

  const observations: Observation[] = [];
  for (const { userId } of candidates) {
    const startOf = await evidenceStarts(db, userId, since);
    const rows = await db
      .select({
        ip: accountActivity.ip,
        userAgent: accountActivity.userAgent,
        requests: accountActivity.requests,
        signIns: accountActivity.signIns,
        lastSeenAt: accountActivity.lastSeenAt,
      })
      .from(accountActivity)
      .where(and(eq(accountActivity.userId, userId), inWindow(since)));

    const kinds: {
      kind: AnomalyKind;
      threshold: number;
      key: "ip" | "userAgent";
      signInsOnly: boolean;
    }[] = [
      { kind: "many_addresses", threshold: t.maxAddressesPerHour, key: "ip", signInsOnly: false },
      {
        kind: "many_user_agents",
        threshold: t.maxAgentsPerHour,
        key: "userAgent",
        signInsOnly: false,
      },
      {
        kind: "many_sign_in_addresses",
        threshold: t.maxSignInAddresses,
        key: "ip",
        signInsOnly: true,
      },
    ];
    for (const { kind, threshold, key, signInsOnly } of kinds) {
      const from = startOf(kind);
      const grouped = new Map<string, EvidenceItem>();
      for (const row of rows) {
        if (row.lastSeenAt <= from) continue;
        if (signInsOnly && row.signIns === 0) continue;
        const value = row[key] || "(none sent)";
        const item = grouped.get(value) ?? {
          value,
          requests: 0,
          signIns: 0,
          lastSeenAt: row.lastSeenAt.toISOString(),
        };
        item.requests += row.requests;
        item.signIns += row.signIns;
        if (row.lastSeenAt.toISOString() > item.lastSeenAt)
          item.lastSeenAt = row.lastSeenAt.toISOString();
        grouped.set(value, item);
      }
      const countSeen = grouped.size;
      if (countSeen <= threshold) continue;
      const strongAt = threshold * STRONG_MULTIPLE;
      // The busiest first: what an admin reads before deciding.
      const items = [...grouped.values()].sort(
        (a, b) =>
          b.signIns - a.signIns ||
          b.requests - a.requests ||
          b.lastSeenAt.localeCompare(a.lastSeenAt) ||
          a.value.localeCompare(b.value),
      );
      const evidence: HourlyEvidence = {
        type: "hourly",
        count: countSeen,
        threshold,
        strongAt,
        peak: countSeen,
        items: items.slice(0, EVIDENCE_ITEMS_MAX),
        more: Math.max(0, items.length - EVIDENCE_ITEMS_MAX),
      };
      observations.push({
        userId,
        kind,
        strength: countSeen >= strongAt ? "strong" : "weak",
        evidence,
        windowStart: from,
        windowEnd: now,
      });
    }
  }
  return observations;
}

/** Accounts that queued far more in the last 24 hours than their own daily median. */
async function observeVolume(db: Db, now: Date, t: AnomalyThresholds): Promise<Observation[]> {
  const windowStart = new Date(now.getTime() - DAY_MS);
  const candidates = await db
    .select({ userId: generationJobs.userId })
    .from(generationJobs)
    .innerJoin(users, eq(users.id, generationJobs.userId))
    .where(
      and(
        eq(users.status, "active"),
        gt(generationJobs.createdAt, windowStart),
        lte(generationJobs.createdAt, now),
      ),
    )
    .groupBy(generationJobs.userId)
    .having(gte(count(), t.volumeMinJobs));

  const observations: Observation[] = [];
  for (const { userId } of candidates) {
    const from = (await evidenceStarts(db, userId, windowStart))("volume_spike");
    const [recent] = await db
      .select({ n: count() })
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.userId, userId),
          gt(generationJobs.createdAt, from),
          lte(generationJobs.createdAt, now),
        ),
      );
    const jobs = recent?.n ?? 0;
    // Day 0 is the 24 hours before the window, day 13 the oldest; days without a job count as 0.
    const historyStart = new Date(windowStart.getTime() - VOLUME_HISTORY_DAYS * DAY_MS);
    const day = sql<number>`floor(extract(epoch FROM (${windowStart.toISOString()}::timestamptz - ${generationJobs.createdAt})) / 86400)::int`;
    const history = await db
      .select({ day, n: count() })
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.userId, userId),
          gt(generationJobs.createdAt, historyStart),
          lte(generationJobs.createdAt, windowStart),
        ),
      )
      // By position: the expression's parameters are numbered anew in GROUP BY, so PostgreSQL
      // would not see it as the selected one.
      .groupBy(sql`1`);
    const dailyCounts = Array.from({ length: VOLUME_HISTORY_DAYS }, () => 0);
    for (const h of history)
      if (h.day >= 0 && h.day < VOLUME_HISTORY_DAYS) dailyCounts[h.day] = h.n;
    const medianPerDay = median(dailyCounts);
    // A quiet history (median 0) still needs a baseline: one a day.
    const baseline = Math.max(1, medianPerDay);
    const flagAt = Math.max(t.volumeMinJobs, Math.ceil(t.volumeFactor * baseline));
    const strongAt = Math.max(
      t.volumeMinJobs,
      Math.ceil(t.volumeFactor * STRONG_VOLUME_MULTIPLE * baseline),
    );
    if (jobs < flagAt) continue;
    // Days in the history with any generation. Without a few, there is no "usual" to be far above:
    // a new artist's busy first day is worth a look (weak), never an automatic suspension.
    const activeDays = dailyCounts.filter((n) => n > 0).length;
    const established = activeDays >= MIN_ACTIVE_DAYS_FOR_STRONG;
    const evidence: VolumeEvidence = {
      type: "volume",
      jobs,
      medianPerDay,
      baseline,
      factor: t.volumeFactor,
      minJobs: t.volumeMinJobs,
      flagAt,
      strongAt,
      peak: jobs,
      dailyCounts,
    };
    observations.push({
      userId,
      kind: "volume_spike",
      strength: established && jobs >= strongAt ? "strong" : "weak",
      evidence,
      windowStart: from,
      windowEnd: now,
    });
  }
  return observations;
}

const strengthRank = { weak: 0, strong: 1 } as const;

function sameEvidence(a: AnomalyEvidence, b: AnomalyEvidence) {
  if (a.type === "hourly" && b.type === "hourly")
    return (
      a.count === b.count &&
      a.items.map((i) => i.value).join("\n") === b.items.map((i) => i.value).join("\n")
    );
  if (a.type === "volume" && b.type === "volume")
    return a.jobs === b.jobs && a.medianPerDay === b.medianPerDay;
  return false;
}

/**
 * Records one observation: a new open flag, or the open one of that account and kind brought up
 * to date (the partial unique index makes it one, whatever runs at once). Then, with auto-suspend,
 * a strong flag on an active artist suspends the account in the same transaction.
 */
async function applyObservation(db: Db, obs: Observation, options: ScanOptions) {
  return db.transaction(async (tx) => {
    let outcome: "raised" | "updated" | "unchanged" = "raised";
    const [inserted] = await tx
      .insert(anomalyFlags)
      .values({
        userId: obs.userId,
        kind: obs.kind,
        strength: obs.strength,
        evidence: obs.evidence,
        windowStart: obs.windowStart,
        windowEnd: obs.windowEnd,
        createdAt: options.now,
        updatedAt: options.now,
      })
      .onConflictDoNothing({
        target: [anomalyFlags.userId, anomalyFlags.kind],
        where: sql.raw(`state = 'open'`),
      })
      .returning();
    let flag: AnomalyFlag;
    if (inserted) {
      flag = inserted;
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: "anomaly_flag.raised",
        subjectType: "anomaly_flag",
        subjectId: flag.id,
        data: {
          userId: obs.userId,
          kind: obs.kind,
          strength: obs.strength,
          ...summary(obs.evidence),
        },
      });
    } else {
      const [open] = await tx
        .select()
        .from(anomalyFlags)
        .where(
          and(
            eq(anomalyFlags.userId, obs.userId),
            eq(anomalyFlags.kind, obs.kind),
            eq(anomalyFlags.state, "open"),
          ),
        )
        .for("update");
      // Closed between the insert and this select (a dismissal): the next scan decides anew.
      if (!open) return { outcome: "unchanged" as const, suspension: null };
      flag = open;
      const before = isAnomalyEvidence(open.evidence) ? open.evidence : null;
      // A flag never weakens while open: it was strong once, and that is what an admin must see.
      const strength =
        strengthRank[obs.strength] >= strengthRank[open.strength] ? obs.strength : open.strength;
      const peak = Math.max(peakOf(before), peakOf(obs.evidence));
      const stale = options.now.getTime() - open.updatedAt.getTime() >= REFRESH_MS;
      if (before && sameEvidence(before, obs.evidence) && strength === open.strength && !stale) {
        outcome = "unchanged";
      } else {
        outcome = "updated";
        const evidence = { ...obs.evidence, peak };
        [flag] = (await tx
          .update(anomalyFlags)
          .set({ strength, evidence, windowEnd: obs.windowEnd, updatedAt: options.now })
          .where(eq(anomalyFlags.id, open.id))
          .returning()) as [AnomalyFlag];
        await recordAudit(tx, SYSTEM_ACTOR, {
          action: "anomaly_flag.updated",
          subjectType: "anomaly_flag",
          subjectId: open.id,
          data: {
            userId: obs.userId,
            kind: obs.kind,
            strength,
            was: { strength: open.strength, ...(before ? summary(before) : {}) },
            ...summary(evidence),
          },
        });
      }
    }

    if (!options.autoSuspend || flag.strength !== "strong") return { outcome, suspension: null };
    const [account] = await tx
      .select({ role: users.role })
      .from(users)
      .where(eq(users.id, obs.userId));
    // Only artists: an admin or reviewer flagged is for another admin to judge, never a machine
    // (an automatic suspension of the last admin would lock everyone out).
    if (account?.role !== "artist") return { outcome, suspension: null };
    const reason = describeAnomaly(obs.kind, flag.evidence as AnomalyEvidence);
    const suspension = await suspendAccount(tx, SYSTEM_ACTOR, obs.userId, reason, {
      appUrl: options.appUrl,
      automatic: true,
    });
    if (!suspension) return { outcome, suspension: null };
    await tx
      .update(anomalyFlags)
      .set({
        state: "actioned",
        autoSuspended: true,
        decidedAt: options.now,
        note: reason,
        updatedAt: options.now,
      })
      .where(eq(anomalyFlags.id, flag.id));
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "anomaly_flag.actioned",
      subjectType: "anomaly_flag",
      subjectId: flag.id,
      data: { userId: obs.userId, kind: obs.kind, automatic: true, ...suspension },
    });
    return { outcome, suspension };
  });
}

function peakOf(evidence: AnomalyEvidence | null) {
  if (!evidence) return 0;
  return evidence.type === "volume"
    ? Math.max(evidence.peak ?? 0, evidence.jobs)
    : Math.max(evidence.peak ?? 0, evidence.count);
}

/** The numbers of a flag's evidence, for the audit log (never its lists). */
function summary(evidence: AnomalyEvidence) {
  return evidence.type === "volume"
    ? { jobs: evidence.jobs, medianPerDay: evidence.medianPerDay, flagAt: evidence.flagAt }
    : { count: evidence.count, threshold: evidence.threshold };
}

/**
 * One scan over every active account (server/start.ts runs it every 5 minutes). Each observation
 * commits on its own, so one account's trouble never holds back another's flag or suspension.
 */
export async function scanForAnomalies(db: Db, options: ScanOptions): Promise<ScanResult> {
  const observations = [
    ...(await observeHourly(db, options.now, options.thresholds)),
    ...(await observeVolume(db, options.now, options.thresholds)),
  ];
  const result: ScanResult = { raised: 0, updated: 0, suspended: [], emailIds: [] };
  for (const obs of observations) {
    const { outcome, suspension } = await applyObservation(db, obs, options);
    if (outcome === "raised") result.raised++;
    if (outcome === "updated") result.updated++;
    if (suspension) {
      result.suspended.push(obs.userId);
      result.emailIds.push(suspension.emailId);
    }
  }
  if (options.mailer && result.emailIds.length > 0)
    await deliverEmails(db, options.mailer, result.emailIds);
  return result;
}

// --- /admin/flags ---------------------------------------------------------------------------

export const FLAGS_PAGE_SIZE = 20;
const decider = alias(users, "decider");

/** One state's flags, newest first, in keyset pages, with each state's count for the tabs. */
export async function listFlags(
  db: Db,
  admin: SessionUser,
  options: { state: FlagState; after?: string | null },
) {
  assertCan(admin, "oversight:view");
  const after = requireTimeCursor(options.after);
  // The page and the tab counts in parallel on the pool: one round trip of waiting, not two.
  const [rows, byState] = await Promise.all([
    db
      .select({
        flag: anomalyFlags,
        cursorAt: sql<string>`${anomalyFlags.createdAt}::text`,
        account: {
          id: users.id,
          email: users.email,
          displayName: users.displayName,
          role: users.role,
          status: users.status,
        },
        decidedByName: decider.displayName,
        decidedByEmail: decider.email,
      })
      .from(anomalyFlags)
      .innerJoin(users, eq(users.id, anomalyFlags.userId))
      .leftJoin(decider, eq(decider.id, anomalyFlags.decidedBy))
      .where(
        and(
          eq(anomalyFlags.state, options.state),
          after
            ? sql`(${anomalyFlags.createdAt}, ${anomalyFlags.id}) < (${after.at}::timestamptz, ${after.id})`
            : undefined,
        ),
      )
      .orderBy(desc(anomalyFlags.createdAt), desc(anomalyFlags.id))
      .limit(FLAGS_PAGE_SIZE + 1),
    db
      .select({ state: anomalyFlags.state, n: count() })
      .from(anomalyFlags)
      .groupBy(anomalyFlags.state),
  ]);
  const counts = Object.fromEntries(FLAG_STATES.map((s) => [s, 0])) as Record<FlagState, number>;
  for (const row of byState) counts[row.state] = Number(row.n);
  const hasMore = rows.length > FLAGS_PAGE_SIZE;
  const page = rows.slice(0, FLAGS_PAGE_SIZE);
  const last = page.at(-1);
  return {
    flags: page.map(({ cursorAt: _, flag, ...rest }) => ({
      ...rest,
      flag: { ...flag, evidence: isAnomalyEvidence(flag.evidence) ? flag.evidence : null },
    })),
    counts,
    nextCursor: hasMore && last ? encodeTimeCursor(last.cursorAt, last.flag.id) : null,
  };
}

/** The open flag, locked for the decision; anything else is a 404 or a 409 the admin reads. */
async function lockOpenFlag(tx: DbOrTx, flagId: string) {
  const [flag] = await tx
    .select()
    .from(anomalyFlags)
    .where(eq(anomalyFlags.id, flagId))
    .for("update");
  if (!flag) throw new UserError("There is no such flag.", 404);
  if (flag.state !== "open")
    throw new UserError(
      `This flag was already ${flag.state === "dismissed" ? "dismissed" : "acted on"}.`,
      409,
    );
  return flag;
}

/** An admin looked and found nothing wrong: the flag closes with their note. */
export async function dismissFlag(db: Db, admin: ActingUser, flagId: string, note: string) {
  assertCan(admin, "oversight:view");
  return db.transaction(async (tx) => {
    const flag = await lockOpenFlag(tx, flagId);
    const [dismissed] = await tx
      .update(anomalyFlags)
      .set({
        state: "dismissed",
        decidedBy: admin.id,
        decidedAt: sql`now()`,
        note,
        updatedAt: sql`now()`,
      })
      .where(eq(anomalyFlags.id, flag.id))
      .returning();
    await recordAudit(tx, auditActor(admin), {
      action: "anomaly_flag.dismissed",
      subjectType: "anomaly_flag",
      subjectId: flag.id,
      data: { userId: flag.userId, kind: flag.kind, note },
    });
    return dismissed!;
  });
}

/**
 * An admin acts on a flag: the account is suspended (sessions end, jobs are cancelled, the person
 * is emailed; see suspendAccount) and the flag is marked actioned, in one transaction. An account
 * already suspended (by another admin, or a moment ago) only closes the flag.
 */
export async function suspendFromFlag(
  db: Db,
  admin: ActingUser,
  flagId: string,
  reason: string,
  options: { appUrl: string },
) {
  assertCan(admin, "oversight:view");
  assertCan(admin, "people:manage");
  return db.transaction(async (tx) => {
    const flag = await lockOpenFlag(tx, flagId);
    if (flag.userId === admin.id)
      throw new UserError("You cannot suspend your own account; ask another admin.", 400);
    const suspension = await suspendAccount(tx, auditActor(admin), flag.userId, reason, options);
    if (!suspension) {
      const [account] = await tx
        .select({ status: users.status })
        .from(users)
        .where(eq(users.id, flag.userId));
      if (account?.status !== "suspended")
        throw new UserError(
          `This account is ${account?.status ?? "gone"}: it cannot be suspended.`,
          409,
        );
    }
    await tx
      .update(anomalyFlags)
      .set({
        state: "actioned",
        decidedBy: admin.id,
        decidedAt: sql`now()`,
        note: reason,
        updatedAt: sql`now()`,
      })
      .where(eq(anomalyFlags.id, flag.id));
    await recordAudit(tx, auditActor(admin), {
      action: "anomaly_flag.actioned",
      subjectType: "anomaly_flag",
      subjectId: flag.id,
      data: {
        userId: flag.userId,
        kind: flag.kind,
        automatic: false,
        alreadySuspended: !suspension,
        reason,
      },
    });
    return { suspension, alreadySuspended: !suspension };
  });
}
