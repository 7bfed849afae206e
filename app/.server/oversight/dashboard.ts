import { sql } from "drizzle-orm";
import { z } from "zod";
import { isoDay } from "~/lib/validation";
import { assertCan, type ActingUser } from "../auth/guards";
import { selectRows, type Db } from "../db";
import { UserError } from "../errors";
import type { FiguresCache } from "../figures-cache";

// The program's health in numbers, all aggregated by SQL over a date range (UTC days, both ends
// included). Every chart on /admin is one of these series, and its table shows the same numbers.

export const MAX_RANGE_DAYS = 366;

export const rangeInput = z
  .object({ from: isoDay, to: isoDay })
  .refine((r) => r.from <= r.to, { message: "The range ends before it starts.", path: ["to"] })
  .refine((r) => daysBetween(r.from, r.to) < MAX_RANGE_DAYS, {
    message: `Choose at most ${MAX_RANGE_DAYS} days.`,
    path: ["from"],
  });
export type DateRange = z.infer<typeof rangeInput>;

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The last 30 days up to `today`. */
export function defaultRange(today: string): DateRange {
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: today };
}

/** Every day of the range, for series that must show a zero rather than skip a day. */
export function daysOf(range: DateRange) {
  const out: string[] = [];
  for (let t = Date.parse(`${range.from}T00:00:00Z`); ; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > range.to) return out;
    out.push(day);
  }
}

// Range ends as instants in UTC, whatever the database session's time zone is.
const startOf = (r: DateRange) => sql`(${r.from}::date::timestamp at time zone 'UTC')`;
const endOf = (r: DateRange) => sql`((${r.to}::date + 1)::timestamp at time zone 'UTC')`;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Seconds of video delivered per day and provider (succeeded jobs, by the day they finished). */
async function secondsGenerated(db: Db, range: DateRange) {
  const rows = await selectRows<{ day: string; provider: string; seconds: string }>(
    db,
    sql`select to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD') as day, provider,
          sum(duration_seconds)::bigint::text as seconds
        from generation_jobs
        where status = 'succeeded'
          and finished_at >= ${startOf(range)} and finished_at < ${endOf(range)}
        group by 1, 2`,
  );
  const providers = [...new Set(rows.map((r) => r.provider))].sort();
  return {
    providers,
    days: daysOf(range).map((day) => ({
      day,
      ...Object.fromEntries(
        providers.map((p) => [
          p,
          Number(rows.find((r) => r.day === day && r.provider === p)?.seconds ?? 0),
        ]),
      ),
    })) as ({ day: string } & Record<string, number>)[],
  };
}

/**
 * Per day: how many jobs were still waiting for a slot at the day's end, and how long the jobs
 * that got a slot that day had waited (p50, p90, minutes).
 */
async function queueOverTime(db: Db, range: DateRange) {
  // Waiting at the end of day D = jobs created by then − jobs given a slot (or finished) by then,
  // as every job ends after it starts: one running sum over one pass of the jobs, instead of a
  // count per day over all of them (3 s for 30 days of a million-job program).
  const rows = await selectRows<{ day: string; depth: number; p50: unknown; p90: unknown }>(
    db,
    sql`with jobs as (
          select (created_at at time zone 'UTC')::date as created_day,
            (coalesce(dispatched_at, finished_at) at time zone 'UTC')::date as ended_day
          from generation_jobs
          -- A job waits minutes, not a month: bounding the scan keeps it on the index.
          where created_at >= ${startOf(range)} - interval '30 days' and created_at < ${endOf(range)}
        ),
        days as (
          select d::date as day from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') d
        ),
        moves as (
          select created_day as day, 1 as delta from jobs
          union all
          select ended_day, -1 from jobs where ended_day is not null
          union all
          -- Every day of the range has a row, moves or not.
          select day, 0 from days
        ),
        running as (
          select day, sum(sum(delta)) over (order by day) as depth from moves group by day
        ),
        -- Each day's waits in one grouped pass (a subquery per day rescanned them all per day).
        waits as (
          select (dispatched_at at time zone 'UTC')::date as day,
            percentile_cont(0.5) within group (order by extract(epoch from (dispatched_at - created_at)) / 60.0) as p50,
            percentile_cont(0.9) within group (order by extract(epoch from (dispatched_at - created_at)) / 60.0) as p90
          from generation_jobs
          where dispatched_at >= ${startOf(range)} and dispatched_at < ${endOf(range)}
          group by 1
        )
        select to_char(days.day, 'YYYY-MM-DD') as day, running.depth::int as depth,
          waits.p50, waits.p90
        from days
        join running on running.day = days.day
        left join waits on waits.day = days.day
        order by days.day`,
  );
  return rows.map((r) => ({
    day: r.day,
    depth: Number(r.depth),
    waitP50Minutes: round1(num(r.p50)),
    waitP90Minutes: round1(num(r.p90)),
  }));
}

/** From entering the queue to the final decision, per week (weeks start on Monday). */
async function reviewTimeByWeek(db: Db, range: DateRange) {
  const rows = await selectRows<{ week: string; decided: number; p50: unknown; p90: unknown }>(
    db,
    sql`select to_char(date_trunc('week', decided_at at time zone 'UTC'), 'YYYY-MM-DD') as week,
          count(*)::int as decided,
          percentile_cont(0.5) within group (order by extract(epoch from (decided_at - created_at)) / 3600.0) as p50,
          percentile_cont(0.9) within group (order by extract(epoch from (decided_at - created_at)) / 3600.0) as p90
        from submission_versions
        where decided_at >= ${startOf(range)} and decided_at < ${endOf(range)}
        group by 1 order by 1`,
  );
  return rows.map((r) => ({
    week: r.week,
    decided: Number(r.decided),
    medianHours: round1(num(r.p50)),
    p90Hours: round1(num(r.p90)),
  }));
}

/** Reviewers' decisions in the range, by decision and reason category. */
async function decisionsByReason(db: Db, range: DateRange) {
  const rows = await selectRows<{ decision: string; reason: string | null; count: number }>(
    db,
    sql`select decision::text as decision, reason_category as reason, count(*)::int as count
        from review_decisions
        where created_at >= ${startOf(range)} and created_at < ${endOf(range)}
        group by 1, 2 order by 3 desc, 1, 2`,
  );
  return rows.map((r) => ({ decision: r.decision, reason: r.reason, count: Number(r.count) }));
}

/**
 * Money per month and currency (never summed across currencies): earned (earnings and grants,
 * less their reversals, by the item's date) and payouts by state (by the month they were made).
 */
async function moneyByMonth(db: Db, range: DateRange) {
  const earned = await selectRows<{ currency: string; month: string; minor: string }>(
    db,
    sql`select e.currency, to_char(e.occurred_on, 'YYYY-MM') as month, sum(e.amount_minor)::bigint::text as minor
        from ledger_entries e
        left join ledger_entries o on o.id = e.reverses_entry_id
        where e.occurred_on between ${range.from}::date and ${range.to}::date
          and (e.kind in ('earning', 'grant') or (e.kind = 'reversal' and o.kind in ('earning', 'grant')))
        group by 1, 2`,
  );
  const payouts = await selectRows<{
    currency: string;
    month: string;
    state: string;
    minor: string;
  }>(
    db,
    sql`select currency, to_char(created_at at time zone 'UTC', 'YYYY-MM') as month, state::text as state,
          sum(amount_minor)::bigint::text as minor
        from payouts
        where created_at >= ${startOf(range)} and created_at < ${endOf(range)}
        group by 1, 2, 3`,
  );
  const months: string[] = [];
  for (let m = range.from.slice(0, 7); m <= range.to.slice(0, 7);) {
    months.push(m);
    const [y, mo] = m.split("-").map(Number) as [number, number];
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, "0")}`;
  }
  const currencies = [...new Set([...earned, ...payouts].map((r) => r.currency))].sort();
  return currencies.map((currency) => ({
    currency,
    months: months.map((month) => {
      const paid = (state: string) =>
        Number(
          payouts.find((p) => p.currency === currency && p.month === month && p.state === state)
            ?.minor ?? 0,
        );
      return {
        month,
        earnedMinor: Number(
          earned.find((e) => e.currency === currency && e.month === month)?.minor ?? 0,
        ),
        inPayoutMinor: paid("created") + paid("sent"),
        paidMinor: paid("paid"),
        failedMinor: paid("failed"),
      };
    }),
  }));
}

/** Artists who generated or used the portal, per day. */
async function activeArtists(db: Db, range: DateRange) {
  const rows = await selectRows<{ day: string; artists: number }>(
    db,
    sql`select to_char(day, 'YYYY-MM-DD') as day, count(distinct user_id)::int as artists from (
          select (created_at at time zone 'UTC')::date as day, user_id from generation_jobs
            where created_at >= ${startOf(range)} and created_at < ${endOf(range)}
          union all
          select (hour at time zone 'UTC')::date as day, user_id from account_activity
            where hour >= ${startOf(range)} and hour < ${endOf(range)}
        ) seen
        join users u on u.id = seen.user_id and u.role = 'artist'
        group by 1`,
  );
  return daysOf(range).map((day) => ({
    day,
    artists: Number(rows.find((r) => r.day === day)?.artists ?? 0),
  }));
}

/** Admins only, and a range the form would accept: checked before anything is computed or cached. */
function assertDashboardRequest(admin: ActingUser, range: DateRange) {
  assertCan(admin, "oversight:view");
  const parsed = rangeInput.safeParse(range);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, 400, "from");
}

export async function loadDashboard(db: Db, admin: ActingUser, range: DateRange) {
  assertDashboardRequest(admin, range);
  return computeDashboard(db, range);
}

async function computeDashboard(db: Db, range: DateRange) {
  const [generated, queue, reviewTimes, decisions, money, artists] = await Promise.all([
    secondsGenerated(db, range),
    queueOverTime(db, range),
    reviewTimeByWeek(db, range),
    decisionsByReason(db, range),
    moneyByMonth(db, range),
    activeArtists(db, range),
  ]);
  return { range, generated, queue, reviewTimes, decisions, money, activeArtists: artists };
}
export type Dashboard = Awaited<ReturnType<typeof loadDashboard>>;

/**
 * The dashboard as this process last computed it for the range: at most a minute old, refreshed in
 * the background (figures-cache.ts). Over a year of a large program each series aggregates tens of
 * thousands of rows, far too much to repeat for every page view; the page says when it was
 * computed.
 */
export async function loadDashboardCached(
  db: Db,
  figures: FiguresCache,
  admin: ActingUser,
  range: DateRange,
) {
  assertDashboardRequest(admin, range);
  return figures.get(`dashboard:${range.from}:${range.to}`, () => computeDashboard(db, range));
}
