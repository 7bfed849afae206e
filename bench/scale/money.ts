import { CURRENCIES, FEEDBACK_CATEGORIES, PROMOTION_CHANNELS } from "~/lib/money";
import {
  exec,
  plan,
  FIRST_ADMIN,
  frac,
  hours,
  lit,
  moneyText,
  dayText,
  pick,
  rnd,
  scalar,
  SCALE,
  slice,
  userId,
  uuidOf,
  withIndexesRebuilt,
  type SeedContext,
} from "./config";

// A year of compensation, laid out as the money domain (app/.server/money/) would have written it:
//
// - rate cards per currency: launch rates from the program's first day, a raise six months later,
//   and a USD raise announced for next month;
// - a stipend per artist per month, recorded on the 2nd at 09:00 for everyone who had joined;
// - testing hours and feedback reports, priced at the card in force on their day when approved,
//   plus rejected ones and a pending backlog from the last two weeks;
// - grants (some awaiting a second approval, some cancelled before it), accepted promotions;
// - a payout batch per currency on the 5th of every month at 10:00, each payout the artist's whole
//   balance then. One in 200 payouts (never two in a row for an artist) failed two days later and
//   was reversed, so the next payout carries its money too. The latest batch is sent, not yet paid.
// - a few hundred earnings reversed by an admin the day after, before any payout carried them.
//
// Entries get their ids in time order (and credits before a payout made at the same moment), so
// allocation.ts reads each payout as carrying exactly the credits since the one before. The
// balance triggers are off while the entries go in; ledger_balances is then the sum per artist and
// currency, and checkScale verifies every balance and every running balance is never negative.

type Card = [hourly: number, feedback: number, promo: number, stipend: number];
const RATE_CARDS: Record<(typeof CURRENCIES)[number], { launch: Card; raise: Card; next?: Card }> =
  {
    USD: {
      launch: [4000, 6000, 25000, 20000],
      raise: [4500, 7500, 30000, 25000],
      next: [5000, 7500, 30000, 25000],
    },
    EUR: { launch: [4200, 6500, 27500, 22000], raise: [4600, 7800, 31000, 26000] },
    GBP: { launch: [3600, 5500, 22000, 18000], raise: [4000, 6600, 26000, 21500] },
    CAD: { launch: [5400, 8200, 34000, 27000], raise: [6100, 10000, 40000, 33500] },
  };

const HOURS_NOTES = [
  "Stress-tested long prompts with camera moves; logged where motion smeared.",
  "Compared 9:16 and 16:9 framing across twenty prompts.",
  "Ran the style presets against the same seed and wrote up the differences.",
  "Tried dialogue-free storyboards end to end, six shots each.",
  "Checked how the watermark reads on dark and bright footage.",
];
const FEEDBACK_REPORTS = [
  "Water reflections flicker in the last second of every 8-second clip at 1080p.",
  "Hands merge into the background whenever the camera pans quickly.",
  "The noir preset crushes shadows so far that faces disappear indoors.",
  "Text on signs is legible now but often spells a real brand's name.",
  "Would love a way to extend a clip from its last frame.",
];
const REJECT_REASONS = [
  "Logged twice: the same session is already approved.",
  "The report is about another artist's generation.",
  "Outside the testing brief for that week.",
];
const GRANT_PURPOSES = [
  "Travel to present at a festival screening",
  "Equipment: a calibrated monitor for grading",
  "Two-week research residency",
  "Score and sound design for the program showcase",
  "Workshop for the cohort on prompt direction",
];
const PROMOTION_PURPOSES = [
  "Opening sequence of the program's showcase reel",
  "Header video on the program website",
  "Launch post for the next cohort",
];
const PAYOUT_FAILURES = [
  "The bank returned the transfer: account closed.",
  "Beneficiary name does not match the account.",
];
const CREDIT_REVERSALS = ["Logged twice by mistake", "Approved against the wrong rate card month"];

/** The batch after which an entry made at `at` is paid: 1 is the first batch (month 1's 5th). */
function batchIndexOf(t: SeedContext["t"], at: string) {
  const utc = `(${at} at time zone 'UTC')`;
  const monthIndex = `((extract(year from ${utc}) * 12 + extract(month from ${utc}))::int
      - (extract(year from ${t.start}) * 12 + extract(month from ${t.start}))::int)`;
  const batchOfMonth = batchTime(t, monthIndex);
  return `greatest(1, ${monthIndex} + (case when ${at} <= ${batchOfMonth} then 0 else 1 end))`;
}

/** When batch k (one per currency) was made: the 5th of the program's month k at 10:00 UTC. */
function batchTime(t: SeedContext["t"], k: string) {
  const day = `(${t.start} + interval '1 month' * (${k}) + interval '4 days 10 hours')`;
  return `(${day}::timestamp at time zone 'UTC')`;
}

const hoursText = (minutes: string) =>
  `(case
      when ${minutes} % 60 = 0
        then (${minutes} / 60)::text || (case when ${minutes} = 60 then ' hour' else ' hours' end)
      else regexp_replace(to_char(${minutes} / 60.0, 'FM990.00'), '0$', '') || ' hours'
    end)`;

export async function seedMoney(ctx: SeedContext) {
  const { client, t, step } = ctx;
  const admin = (key: string, salt: number) =>
    userId(`${FIRST_ADMIN} + ${rnd(key, salt, SCALE.admins)}`);

  // --- rate cards -------------------------------------------------------------------------
  const cardRows = Object.entries(RATE_CARDS).flatMap(([currency, cards]) => {
    const row = (from: string, card: Card, note: string) =>
      `(${lit(currency)}, ${from}, ${card.join(", ")}, ${lit(note)})`;
    return [
      row(`${t.start}`, cards.launch, "Launch rates."),
      row(
        `(${t.start} + interval '6 months')::date`,
        cards.raise,
        "Raised after the first program review.",
      ),
      ...(cards.next
        ? [
            row(
              `(date_trunc('month', ${t.now} at time zone 'UTC') + interval '1 month')::date`,
              cards.next,
              "Announced: the hourly rate rises next month.",
            ),
          ]
        : []),
    ];
  });
  await plan(
    ctx,
    "rates",
    `CREATE TEMP TABLE scale_rates ON COMMIT DROP AS
     SELECT ${uuidOf("'scale-rate:' || currency || ':' || effective_from")} AS id, *,
       coalesce(lead(effective_from) OVER (PARTITION BY currency ORDER BY effective_from),
         'infinity'::date) AS effective_until
     FROM (VALUES ${cardRows.join(", ")}) AS c(currency, effective_from, hourly_minor,
       feedback_report_minor, promo_clip_minor, stipend_monthly_minor, note)`,
  );
  await step("rate_cards", () =>
    exec(
      client,
      `INSERT INTO rate_cards (id, currency, effective_from, hourly_minor, feedback_report_minor,
         promo_clip_minor, stipend_monthly_minor, note, created_by, created_at)
       SELECT id, currency, effective_from, hourly_minor, feedback_report_minor, promo_clip_minor,
         stipend_monthly_minor, note, ${userId(String(FIRST_ADMIN))},
         least((effective_from - 10)::timestamp at time zone 'UTC' + interval '14 hours',
           ${t.now} - interval '1 day')
       FROM scale_rates ORDER BY effective_from, currency`,
    ),
  );
  const rateOn = (alias: string, currency: string, day: string) =>
    `JOIN scale_rates ${alias} ON ${alias}.currency = ${currency}
       AND ${day} >= ${alias}.effective_from AND ${day} < ${alias}.effective_until`;

  // --- batches ----------------------------------------------------------------------------
  await plan(
    ctx,
    "batches",
    `CREATE TEMP TABLE scale_batches ON COMMIT DROP AS
     SELECT c.currency, k, ${batchTime(t, "k")} AS at,
       ${uuidOf("'scale-batch:' || c.currency || ':' || k")} AS id,
       ${uuidOf("'scale-batch-key:' || c.currency || ':' || k")} AS batch_key,
       ${admin("k", 160)} AS created_by
     FROM unnest(ARRAY[${CURRENCIES.map(lit).join(", ")}]) AS c(currency)
     CROSS JOIN generate_series(1, 13) AS k
     WHERE ${batchTime(t, "k")} <= ${t.now}`,
  );
  const lastBatch = await scalar<number>(client, `SELECT max(k) FROM scale_batches`);

  // --- credits that do not depend on contributions ----------------------------------------
  await plan(
    ctx,
    "stipends",
    `CREATE TEMP TABLE scale_stipends ON COMMIT DROP AS
     SELECT p.n, p.id AS user_id, p.currency, m.month, rc.stipend_monthly_minor AS amount,
       (m.month + interval '1 day 9 hours')::timestamp at time zone 'UTC' AS at
     FROM scale_people p
     CROSS JOIN LATERAL (
       SELECT d::date AS month
       FROM generate_series(${t.start}, ${t.now} at time zone 'UTC', interval '1 month') AS d
     ) AS m
     ${rateOn("rc", "p.currency", "m.month")}
     WHERE p.role = 'artist'
       AND (m.month + interval '1 day 9 hours')::timestamp at time zone 'UTC' <= ${t.now}
       AND p.created_at < (m.month + interval '1 day 9 hours')::timestamp at time zone 'UTC'
       AND rc.stipend_monthly_minor > 0`,
  );

  // Grants: most approved at once or by a second admin; a few awaiting that second approval
  // (recent), a few cancelled before it. Amounts above 500.00 need the second approval.
  await plan(
    ctx,
    "grants",
    `CREATE TEMP TABLE scale_grants ON COMMIT DROP AS
     SELECT g.*, g.amount > 50000 AS needs_second,
       (case
          when plan <> 'approved' then null
          when g.amount > 50000 then g.created_at + ${hours(`2 + 46 * ${frac("g.g", 170)}`)}
          else g.created_at
        end) AS approved_at,
       ${FIRST_ADMIN} + g.awarder AS awarded_by_n,
       -- Above the threshold the approver is another admin (the CHECK grants_second_approver).
       ${FIRST_ADMIN} + (case when g.amount > 50000
         then (g.awarder + 1 + ${rnd("g.g", 179, SCALE.admins - 1)}) % ${SCALE.admins}
         else g.awarder end) AS approved_by_n
     FROM (
       SELECT g, p.n, p.id AS user_id, p.currency, plan, ${rnd("g", 171, SCALE.admins)} AS awarder,
         (case
            when plan = 'approved' then round((5000 + 95000 * power(${frac("g", 172)}, 2)) / 500) * 500
            else 60000 + 500 * ${rnd("g", 173, 80)}
          end)::int AS amount,
         (case
            when plan = 'awarded' then ${t.now} - ${hours(`1 + 100 * ${frac("g", 174)}`)}
            else p.created_at + interval '7 days'
              + (${t.now} - interval '3 days' - p.created_at - interval '7 days') * ${frac("g", 175)}
          end) AS created_at
       FROM (
         SELECT g,
           (case when g <= 3 then 1 else 2 + ${rnd("g", 176, SCALE.artists - 1)} end) AS owner,
           (case when g <= 3 then 'approved' when ${rnd("g", 177, 100)} < 3 then 'cancelled'
            when ${rnd("g", 177, 100)} < 5 then 'awarded' else 'approved' end) AS plan
         FROM generate_series(1, ${SCALE.grants}) AS g
       ) AS planned
       JOIN scale_people p ON p.n = planned.owner
     ) AS g`,
  );

  // Promotions: asks on approved submissions' clips (one per clip), mostly accepted.
  await plan(
    ctx,
    "promos",
    `CREATE TEMP TABLE scale_promos ON COMMIT DROP AS
     SELECT q.*,
       (case when q.state in ('accepted', 'declined')
          then least(q.created_at + ${hours(`2 + 70 * ${frac("q.r", 180)}`)},
            ${t.now} - interval '1 minute') end) AS answered_at,
       rc.promo_clip_minor * (case when ${rnd("q.r", 181, 3)} = 0 then 1.2 else 1 end) AS fee
     FROM (
       SELECT a.*, (case when ${rnd("a.r", 182, 100)} < 65 then 'accepted'
           when ${rnd("a.r", 182, 100)} < 85 then 'asked' else 'declined' end)::promotion_state AS state,
         greatest(a.decided_at + interval '1 hour',
           least(a.decided_at + ${hours(`24 + 480 * ${frac("a.r", 183)}`)}, ${t.now} - interval '1 hour')
         ) AS created_at
       FROM (
         SELECT d.*, row_number() OVER (ORDER BY hashtext(d.clip_id), d.clip_id) AS r
         FROM (
           SELECT DISTINCT ON (v.clip_id) s.id AS submission_id, s.user_id, s.decided_at, v.clip_id,
             p.currency, p.n
           FROM submissions s
           JOIN submission_versions v ON v.submission_id = s.id AND v.number = s.current_version
           JOIN scale_people p ON p.id = s.user_id
           WHERE s.state = 'approved' AND s.decided_at < ${t.now} - interval '3 days'
           ORDER BY v.clip_id, s.decided_at
         ) AS d
       ) AS a
       WHERE a.r <= ${SCALE.promotions}
     ) AS q
     ${rateOn("rc", "q.currency", "(q.created_at at time zone 'UTC')::date")}`,
  );

  // How many approved contributions bring the ledger to its target: every other entry is known
  // now (a payout per artist and batch with money in it; one in 200 of them failed and reversed).
  const others = await scalar<string>(
    client,
    `WITH credits AS (
       SELECT n, at FROM scale_stipends
       UNION ALL SELECT n, approved_at FROM scale_grants WHERE approved_at IS NOT NULL
       UNION ALL SELECT n, answered_at FROM scale_promos WHERE state = 'accepted'
     ), windows AS (
       SELECT DISTINCT n, ${batchIndexOf(t, "at")} AS k FROM credits
     )
     SELECT (SELECT count(*) FROM credits)
       + count(*) FILTER (WHERE k <= ${lastBatch})
       + count(*) FILTER (WHERE k < ${lastBatch} AND k % 2 = 0 AND ${rnd("n * 16 + k", 190, 1000)} < 5)
       + ${SCALE.creditReversals}
     FROM windows`,
  );
  const approvedContributions = SCALE.ledgerEntries - Number(others);
  const rejectedContributions = Math.round(approvedContributions * 0.04);
  const pending = 12_000;
  const isHours = `(${rnd("a.c", 203, 10)} < 6)`;

  // --- contributions ----------------------------------------------------------------------
  // Approved ones happened at least ten days ago (logged within days, decided within five more);
  // rejected ones likewise; pending ones are from the last two weeks.
  await plan(
    ctx,
    "contribs",
    `CREATE TEMP TABLE scale_contribs ON COMMIT DROP AS
     SELECT c.*, ${uuidOf("'scale-contribution:' || c.c")} AS id,
       (case when c.state <> 'pending'
          then c.created_at + ${hours(`4 + 116 * ${frac("c.c", 200)}`)} end) AS decided_at,
       (case when c.state <> 'pending' then ${admin("c.c", 201)} end) AS decided_by,
       rc.id AS rate_card_id,
       -- priceOf: hours at the hourly rate rounded half up once per item, a report at its rate.
       (case
          when c.state <> 'approved' then null
          when c.kind = 'hours' then floor((c.minutes * rc.hourly_minor + 30) / 60.0)
          else rc.feedback_report_minor
        end)::int AS amount
     FROM (
       SELECT b.*,
         (case
            when b.kind = 'hours' then least(b.occurred_on + ${hours(`18 + 60 * ${frac("b.c", 202)}`)},
              ${t.now} - interval '10 minutes')
            -- A report is dated the day it is filed.
            else greatest(b.occurred_on::timestamp at time zone 'UTC',
              least(b.occurred_on + ${hours(`8 + 14 * ${frac("b.c", 202)}`)},
                ${t.now} - interval '5 minutes'))
          end) AS created_at
       FROM (
         SELECT a.c, a.state, p.n, p.id AS user_id, p.currency,
           (case when ${isHours} then 'hours' else 'feedback' end)::contribution_kind AS kind,
           (case when ${isHours} then 15 * (2 + ${rnd("a.c", 204, 31)})::int end) AS minutes,
           (case when not ${isHours} then ${pick(FEEDBACK_CATEGORIES, rnd("a.c", 205, 4))}
            end)::feedback_category AS category,
           (case
              when a.state = 'pending'
                then (${t.now} - interval '14 days' + interval '13 days' * ${frac("a.c", 206)})::date
              else (p.created_at + (${t.now} - interval '10 days' - p.created_at) * ${frac("a.c", 206)})::date
            end) AS occurred_on
         FROM (
           SELECT c, (case when c <= ${approvedContributions} then 'approved'
               when c <= ${approvedContributions + rejectedContributions} then 'rejected'
               else 'pending' end)::contribution_state AS state,
             (case when c <= ${SCALE.benchmarkContributions} or c = ${approvedContributions + rejectedContributions + 1} then 1
              else 2 + floor(${SCALE.artists - 1} * power(${frac("c", 207)}, 1.2))::int end) AS owner
           FROM generate_series(1, ${approvedContributions + rejectedContributions + pending}) AS c
         ) AS a
         JOIN scale_people p ON p.n = a.owner
         OFFSET 0
       ) AS b
       OFFSET 0
     ) AS c
     ${rateOn("rc", "c.currency", "c.occurred_on")}`,
  );

  await withIndexesRebuilt(ctx, ["contributions"], () =>
    step("contributions", () =>
      exec(
        client,
        `INSERT INTO contributions (id, user_id, kind, occurred_on, minutes, generation_id, category,
           description, state, decided_by, decided_at, reject_reason, rate_card_id, amount_minor,
           currency, client_key, created_at)
         SELECT c.id, c.user_id, c.kind, c.occurred_on, c.minutes, job.id, c.category,
           (case when c.kind = 'hours' then ${pick(HOURS_NOTES, rnd("c.c", 208, HOURS_NOTES.length))}
            else ${pick(FEEDBACK_REPORTS, rnd("c.c", 208, FEEDBACK_REPORTS.length))} end),
           c.state, c.decided_by, c.decided_at,
           (case when c.state = 'rejected'
              then ${pick(REJECT_REASONS, rnd("c.c", 209, REJECT_REASONS.length))} end),
           (case when c.state = 'approved' then c.rate_card_id end), c.amount,
           (case when c.state = 'approved' then c.currency end),
           ${uuidOf("'scale-contribution-key:' || c.c")}, c.created_at
         FROM scale_contribs c
         -- A feedback report is about one of the artist's own generations: their latest then.
         LEFT JOIN LATERAL (
           SELECT j.id FROM generation_jobs j
           WHERE c.kind = 'feedback' AND j.user_id = c.user_id AND j.created_at <= c.created_at
           ORDER BY j.created_at DESC LIMIT 1
         ) AS job ON true
         ORDER BY c.created_at`,
      ),
    ),
  );

  // --- the ledger, planned in full before anything is written -----------------------------
  await plan(
    ctx,
    "ledger",
    `CREATE TEMP TABLE scale_ledger ON COMMIT DROP AS
     SELECT n, user_id, currency, kind::ledger_kind AS kind, amount::bigint AS amount, occurred_on,
       description, contribution_id, promotion_id, grant_id, NULL::text AS payout_id, stipend_month,
       key, NULL::text AS reverses_key, created_by, at, 0 AS kind_rank
     FROM (
       SELECT n, user_id, currency, 'earning' AS kind, amount, month AS occurred_on,
         'Stipend for ' || to_char(month, 'YYYY-MM')
           || ' (' || ${moneyText("amount", "currency")} || ')' AS description,
         NULL::text AS contribution_id, NULL::text AS promotion_id, NULL::text AS grant_id,
         to_char(month, 'YYYY-MM') AS stipend_month, 'stipend:' || n || ':' || month AS key,
         ${userId(String(FIRST_ADMIN))} AS created_by, at
       FROM scale_stipends
       UNION ALL
       SELECT n, user_id, currency, 'earning', amount, occurred_on,
         -- contributionSummary's words.
         (case when kind = 'hours'
            then ${hoursText("minutes")} || ' of testing on ' || ${dayText("occurred_on")}
          else 'Feedback report (' || category || ') of ' || ${dayText("occurred_on")} end),
         id, NULL, NULL, NULL, 'contribution:' || id, decided_by, decided_at
       FROM scale_contribs WHERE state = 'approved' AND amount > 0
       UNION ALL
       SELECT n, user_id, currency, 'grant', amount, (approved_at at time zone 'UTC')::date,
         'Grant: ' || ${pick(GRANT_PURPOSES, rnd("g", 178, GRANT_PURPOSES.length))},
         NULL, NULL, ${uuidOf("'scale-grant:' || g")}, NULL, 'grant:' || g,
         ${userId("approved_by_n")}, approved_at
       FROM scale_grants WHERE approved_at IS NOT NULL
       UNION ALL
       SELECT n, user_id, currency, 'earning', fee, (answered_at at time zone 'UTC')::date,
         'Promotional use: ' || ${pick(PROMOTION_PURPOSES, rnd("r", 184, PROMOTION_PURPOSES.length))},
         NULL, ${uuidOf("'scale-promotion:' || r")}, NULL, NULL, 'promotion:' || r, user_id, answered_at
       FROM scale_promos WHERE state = 'accepted'
     ) AS credits`,
  );

  // Admin corrections: earnings reversed the next day, inside the window no payout had closed.
  await plan(
    ctx,
    "ledger",
    `INSERT INTO scale_ledger
     SELECT n, user_id, currency, 'reversal', -amount, (at + interval '1 day')::date,
       'Reversal: ' || ${pick(CREDIT_REVERSALS, rnd("hashtext(key)", 210, CREDIT_REVERSALS.length))},
       NULL, NULL, NULL, NULL, NULL, 'reversal:' || key, key, ${admin("hashtext(key)", 211)},
       at + interval '1 day', 0
     FROM (
       SELECT l.* FROM scale_ledger l
       WHERE l.contribution_id IS NOT NULL AND l.at + interval '1 day' < ${t.now}
         AND (${batchIndexOf(t, "l.at")} > ${lastBatch}
           OR l.at + interval '1 day' < ${batchTime(t, batchIndexOf(t, "l.at"))})
       ORDER BY hashtext(l.key), l.key LIMIT ${SCALE.creditReversals}
     ) AS chosen`,
  );

  // Payouts: for every artist and batch, the money credited since the batch before (plus what a
  // failed payout returned). A payout fails only in an even batch that is not the last one.
  await plan(
    ctx,
    "payouts",
    `CREATE TEMP TABLE scale_payouts ON COMMIT DROP AS
     SELECT w.*, b.id AS batch_id, b.batch_key, b.at, b.created_by,
       ${uuidOf("'scale-payout:' || w.n || ':' || w.k")} AS id,
       (case
          when w.failed then 'failed'
          when w.k = ${lastBatch} and b.at + interval '1 day' > ${t.now} then 'created'
          when w.k = ${lastBatch} then 'sent'
          else 'paid'
        end)::payout_state AS state
     FROM (
       SELECT g.*, g.window_amount + (case when lag(g.failed) OVER (PARTITION BY g.n ORDER BY g.k)
           then lag(g.window_amount) OVER (PARTITION BY g.n ORDER BY g.k) else 0 end) AS amount
       FROM (
         SELECT p.n, p.id AS user_id, p.currency, k.k, coalesce(s.window_amount, 0) AS window_amount,
           coalesce(s.window_amount, 0) > 0 AND k.k < ${lastBatch} AND k.k % 2 = 0
             AND ${rnd("p.n * 16 + k.k", 190, 1000)} < 5 AS failed
         FROM scale_people p CROSS JOIN generate_series(1, ${lastBatch}) AS k(k)
         LEFT JOIN (
           SELECT n, ${batchIndexOf(t, "at")} AS k, sum(amount) AS window_amount
           FROM scale_ledger GROUP BY 1, 2
         ) AS s ON s.n = p.n AND s.k = k.k
         WHERE p.role = 'artist'
       ) AS g
     ) AS w
     JOIN scale_batches b ON b.currency = w.currency AND b.k = w.k
     WHERE w.amount > 0`,
  );
  await exec(client, `CREATE INDEX ON scale_payouts (n, k)`);
  await plan(
    ctx,
    "ledger",
    `INSERT INTO scale_ledger
     SELECT n, user_id, currency, 'payout'::ledger_kind, -amount, (at at time zone 'UTC')::date, 'Payout',
       NULL, NULL, NULL, id, NULL, 'payout:' || id, NULL, created_by, at, 1
     FROM scale_payouts
     UNION ALL
     SELECT n, user_id, currency, 'reversal'::ledger_kind, amount,
       (at at time zone 'UTC' + interval '2 days')::date,
       'Payout failed: ' || ${pick(PAYOUT_FAILURES, rnd("n", 212, PAYOUT_FAILURES.length))},
       NULL, NULL, NULL, NULL, NULL, 'payout-failed:' || id, 'payout:' || id, created_by,
       at + interval '2 days', 2
     FROM scale_payouts WHERE state = 'failed'`,
  );

  // Ids in the order things happened; the payout debits of a batch after the credits of the
  // same moment, as createBatch sees them.
  await plan(
    ctx,
    "entries",
    `CREATE TEMP TABLE scale_entries ON COMMIT DROP AS
     SELECT row_number() OVER (ORDER BY at, kind_rank, n, key) AS id, l.*
     FROM scale_ledger l`,
  );
  await exec(client, `CREATE UNIQUE INDEX ON scale_entries (key)`);
  await exec(client, `CREATE INDEX ON scale_entries (n, id)`);
  await exec(client, `ANALYZE scale_entries`);

  // --- writes, in foreign-key order -------------------------------------------------------
  await step("grants", () =>
    exec(
      client,
      `INSERT INTO grants (id, user_id, amount_minor, currency, purpose, state, needs_second_approval,
         awarded_by, approved_by, approved_at, paid_at, cancelled_by, cancelled_at, cancel_reason,
         award_key, created_at)
       SELECT ${uuidOf("'scale-grant:' || g.g")}, g.user_id, g.amount, g.currency,
         ${pick(GRANT_PURPOSES, rnd("g.g", 178, GRANT_PURPOSES.length))},
         (case when g.plan <> 'approved' then g.plan
            when carrier.state = 'paid' then 'paid' else 'approved' end)::grant_state,
         g.needs_second, ${userId("g.awarded_by_n")}, e.created_by, g.approved_at,
         (case when carrier.state = 'paid' then carrier.at + interval '3 days' end),
         (case when g.plan = 'cancelled' then ${userId("g.awarded_by_n")} end),
         (case when g.plan = 'cancelled' then g.created_at + ${hours(`1 + 23 * ${frac("g.g", 213)}`)} end),
         (case when g.plan = 'cancelled' then 'Awarded twice for the same trip.' end),
         ${uuidOf("'scale-grant-key:' || g.g")}, g.created_at
       FROM scale_grants g
       LEFT JOIN scale_entries e ON e.key = 'grant:' || g.g
       -- The payout carrying the credit now: the next batch's, or the one after if that failed.
       LEFT JOIN LATERAL (
         SELECT p.state, p.at FROM scale_payouts p
         WHERE p.n = g.n AND p.k >= ${batchIndexOf(t, "g.approved_at")} AND p.state <> 'failed'
         ORDER BY p.k LIMIT 1
       ) AS carrier ON g.approved_at IS NOT NULL
       ORDER BY g.created_at`,
    ),
  );

  await step("promotions", () =>
    exec(
      client,
      `INSERT INTO promotions (id, user_id, clip_id, submission_id, purpose, channels, fee_minor,
         currency, state, asked_by, answered_at, decline_reason, request_key, created_at)
       SELECT ${uuidOf("'scale-promotion:' || r")}, user_id, clip_id, submission_id,
         ${pick(PROMOTION_PURPOSES, rnd("r", 184, PROMOTION_PURPOSES.length))},
         ${slice(PROMOTION_CHANNELS, rnd("r", 185, 5), "1")},
         fee, currency, state, ${admin("r", 186)}, answered_at,
         (case when state = 'declined' then 'I would rather keep this one for my own release first.' end),
         ${uuidOf("'scale-promotion-key:' || r")}, created_at
       FROM scale_promos ORDER BY created_at`,
    ),
  );

  await step("payout_batches", () =>
    exec(
      client,
      `INSERT INTO payout_batches (id, currency, note, created_by, batch_key, created_at)
       SELECT id, currency, 'Monthly payouts, ' || to_char(at at time zone 'UTC', 'FMMonth YYYY'),
         created_by, batch_key, at
       FROM scale_batches WHERE k <= ${lastBatch} ORDER BY at, currency`,
    ),
  );

  await step("payouts", () =>
    exec(
      client,
      `INSERT INTO payouts (id, batch_id, user_id, currency, amount_minor, state, idempotency_key,
         through_entry_id, reference, sent_at, paid_at, failed_at, failure_reason, created_at)
       SELECT p.id, p.batch_id, p.user_id, p.currency, p.amount, p.state,
         p.batch_key || ':' || p.user_id,
         (SELECT max(e.id) FROM scale_entries e WHERE e.n = p.n AND e.id < debit.id),
         (case when p.state in ('sent', 'paid')
            then 'TRF-' || to_char(p.at at time zone 'UTC', 'YYYYMM') || '-' || lpad(p.n::text, 5, '0') end),
         (case when p.state <> 'created' then p.at + interval '1 day' end),
         (case when p.state = 'paid' then p.at + interval '3 days' end),
         (case when p.state = 'failed' then p.at + interval '2 days' end),
         (case when p.state = 'failed'
            then ${pick(PAYOUT_FAILURES, rnd("p.n", 212, PAYOUT_FAILURES.length))} end),
         p.at
       FROM scale_payouts p JOIN scale_entries debit ON debit.key = 'payout:' || p.id
       ORDER BY p.at, p.n`,
    ),
  );
  await exec(client, `ALTER TABLE ledger_entries DISABLE TRIGGER USER`);
  await withIndexesRebuilt(ctx, ["ledger_entries"], () =>
    step("ledger_entries", () =>
      exec(
        client,
        `INSERT INTO ledger_entries (id, user_id, currency, kind, amount_minor, occurred_on, description,
           contribution_id, promotion_id, grant_id, payout_id, stipend_month, reverses_entry_id,
           created_by, created_at)
         SELECT e.id, e.user_id, e.currency, e.kind, e.amount, e.occurred_on, e.description,
           e.contribution_id, e.promotion_id, e.grant_id, e.payout_id, e.stipend_month, original.id,
           e.created_by, e.at
         FROM scale_entries e LEFT JOIN scale_entries original ON original.key = e.reverses_key
         ORDER BY e.id`,
      ),
    ),
  );
  await exec(
    client,
    `SELECT setval('ledger_entries_id_seq', (SELECT max(id) FROM ledger_entries))`,
  );
  await step("ledger_balances", () =>
    exec(
      client,
      `INSERT INTO ledger_balances (user_id, currency, balance_minor)
       SELECT user_id, currency, sum(amount_minor) FROM ledger_entries GROUP BY 1, 2`,
    ),
  );
  await exec(client, `ALTER TABLE ledger_entries ENABLE TRIGGER USER`);
}
