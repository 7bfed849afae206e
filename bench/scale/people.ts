import {
  exec,
  plan,
  FIRST_ADMIN,
  FIRST_REVIEWER,
  frac,
  PEOPLE,
  pick,
  rnd,
  SCALE_DOMAIN,
  weighted,
  userId,
  type SeedContext,
} from "./config";

// The people: 10,000 artists who joined over the program's first ten months, 160 reviewers and
// 40 admins who were there from the start. Everyone is active and shares one password hash.
// Nobody has notification preferences: no row means "email me", the default most people keep.

const FIRST_NAMES = `
  Ada Bruno Chiara Dmitri Elif Farah Gabriel Hana Ines Jonas Kofi Lena Mateo Nadia Omar
  Priya Quentin Rosa Sven Tomoko Uma Viktor Wen Ximena Yusuf Zoe Amara Bea Caio Dalia Emil
  Freya Goran Hugo Isla Jae Kira Luis Mira Noor
`
  .trim()
  .split(/\s+/);

const LAST_NAMES = `
  Okafor Berg Castillo Ivanova Nakamura Haddad Moreau Lindqvist Rossi Adeyemi Novak Kowalski
  Silva Chen Murphy Schmidt Dubois Kaya Fernandes Tanaka Osei Petrov Larsen Ahmed Romero
  Jansen Park Costa Varga Singh Mendes Horvat Yilmaz Nguyen Quinn Alvarez Bianchi Sato
  Eriksen Mbeki
`
  .trim()
  .split(/\s+/);

/**
 * Artist n's join time: the benchmark artist and most others in the program's first month, the
 * rest spread until two months ago (every artist has at least 60 days of history).
 */
function joinedAt(t: SeedContext["t"], n: string) {
  return `(case
    when ${n} = 1 then ${t.start}::timestamptz + interval '2 hours'
    when ${frac(n, 1)} < 0.7 then ${t.start}::timestamptz + interval '30 days' * ${frac(n, 2)}
    else ${t.start}::timestamptz + interval '30 days'
      + (${t.now} - interval '60 days' - ${t.start}::timestamptz - interval '30 days') * ${frac(n, 2)}
  end)`;
}

export async function seedPeople(ctx: SeedContext, passwordHash: string) {
  const { client, t, step } = ctx;

  // Who is who, kept for the session: the other steps join on it instead of recomputing.
  await plan(
    ctx,
    "people",
    `CREATE TEMP TABLE scale_people ON COMMIT DROP AS
     SELECT n, ${userId("n")} AS id,
       (case when n < ${FIRST_REVIEWER} then 'artist' when n < ${FIRST_ADMIN} then 'reviewer'
        else 'admin' end)::user_role AS role,
       (case
          when n < ${FIRST_REVIEWER} then 'artist-' || lpad(n::text, 5, '0')
          when n < ${FIRST_ADMIN} then 'reviewer-' || lpad((n - ${FIRST_REVIEWER - 1})::text, 3, '0')
          else 'admin-' || lpad((n - ${FIRST_ADMIN - 1})::text, 3, '0')
        end) || '@${SCALE_DOMAIN}' AS email,
       -- A few artists never set a display name: pages fall back to the address.
       (case when n < ${FIRST_REVIEWER} and n > 1 and ${rnd("n", 3, 100)} < 3 then ''
        else ${pick(FIRST_NAMES, rnd("n", 4, FIRST_NAMES.length))}
          || ' ' || ${pick(LAST_NAMES, rnd("n", 5, LAST_NAMES.length))}
        end) AS display_name,
       (case when n < ${FIRST_REVIEWER} then ${joinedAt(t, "n")}
        else ${t.start}::timestamptz - interval '20 days' + interval '10 days' * ${frac("n", 6)}
        end) AS created_at,
       -- One artist in ten is trusted: their non-commercial rights requests are granted at once.
       (case when n < ${FIRST_REVIEWER} and n > 1 and ${rnd("n", 7, 10)} = 0 then 'trusted'
        else 'standard' end)::trust_tier AS trust_tier,
       (case when n = 1 then 'USD'
        else ${weighted("n", 8, { USD: 85, EUR: 7, GBP: 5, CAD: 3 })} end) AS currency,
       (case when n = 1 or ${rnd("n", 9, 10)} < 3 then '1080p'
        else '720p' end)::resolution AS max_resolution
     FROM generate_series(1, ${PEOPLE}) AS n`,
  );
  await exec(client, `ALTER TABLE scale_people ADD PRIMARY KEY (n)`);
  await exec(client, `CREATE UNIQUE INDEX ON scale_people (id)`);
  await exec(client, `ANALYZE scale_people`);

  await step("users", () =>
    exec(
      client,
      `INSERT INTO users (id, email, display_name, password_hash, role, status, trust_tier,
         created_at, updated_at)
       SELECT id, email, display_name, $1, role, 'active', trust_tier, created_at, created_at
       FROM scale_people ORDER BY n`,
      [passwordHash],
    ),
  );

  await step("payout_accounts", () =>
    exec(
      client,
      `INSERT INTO payout_accounts (user_id, currency, updated_at)
       SELECT id, currency, created_at FROM scale_people WHERE role = 'artist'`,
    ),
  );
}

/**
 * Access for every artist, with a monthly quota that covers their busiest month by a margin: the
 * seeded history must be one the quota rules would have allowed.
 */
export async function seedAccessSettings(ctx: SeedContext) {
  const { client, step } = ctx;
  await step("access_settings", () =>
    exec(
      client,
      `WITH monthly AS (
         SELECT user_id, date_trunc('month', created_at) AS month,
           sum(duration_seconds) FILTER (WHERE status <> 'canceled') AS seconds
         FROM generation_jobs GROUP BY 1, 2
       ), busiest AS (
         SELECT user_id, max(seconds) AS seconds FROM monthly GROUP BY 1
       )
       INSERT INTO access_settings (user_id, monthly_quota_seconds, max_duration_seconds,
         max_resolution, max_concurrent_jobs, access_from, cohort, updated_at, updated_by)
       SELECT p.id,
         greatest(600, ceil(coalesce(b.seconds, 0) * 1.25 / 300.0)::int * 300),
         20, p.max_resolution, 2, p.created_at,
         'Wave ' || (1 + (extract(year from p.created_at) * 12 + extract(month from p.created_at)
           - extract(year from ${ctx.t.start}) * 12 - extract(month from ${ctx.t.start}))::int / 2),
         p.created_at, ${userId(String(FIRST_ADMIN))}
       FROM scale_people p LEFT JOIN busiest b ON b.user_id = p.id
       WHERE p.role = 'artist'`,
    ),
  );
}

/**
 * A light trace of the last 14 days in account_activity: one row per person for each day they
 * generated (artists) or worked (staff), from one address and browser each. The dashboard's
 * active-artist series reads it beside the jobs; the anomaly scan finds nothing to flag in it.
 * Older activity is pruned by the server after 90 days, so a full year would not be realistic.
 */
export async function seedAccountActivity(ctx: SeedContext) {
  const { client, t, step } = ctx;
  const agents = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  ];
  await step("account_activity", () =>
    exec(
      client,
      `WITH seen AS (
         SELECT j.user_id, min(date_trunc('hour', j.created_at)) AS hour, count(*) AS jobs
         FROM generation_jobs j
         WHERE j.created_at >= ${t.now} - interval '14 days'
         GROUP BY j.user_id, date_trunc('day', j.created_at)
         UNION ALL
         SELECT p.id, date_trunc('day', ${t.now}) - interval '1 day' * d
           + interval '9 hours' + interval '1 hour' * ${rnd("p.n * 31 + d", 10, 8)}, 0
         FROM scale_people p CROSS JOIN generate_series(1, 14) AS d
         WHERE p.role <> 'artist' AND ${rnd("p.n * 31 + d", 11, 7)} < 5
       )
       INSERT INTO account_activity (user_id, hour, ip, user_agent, requests, sign_ins, last_seen_at)
       SELECT s.user_id, s.hour,
         '10.' || (p.n / 65536) || '.' || ((p.n / 256) % 256) || '.' || (p.n % 256),
         ${pick(agents, rnd("p.n", 12, agents.length))},
         (12 + s.jobs * 6 + ${rnd("p.n + extract(epoch from s.hour)::bigint", 13, 40)})::int,
         (case when ${rnd("p.n + extract(epoch from s.hour)::bigint", 14, 4)} = 0 then 1 else 0 end),
         least(s.hour + interval '47 minutes', ${t.now})
       FROM seen s JOIN scale_people p ON p.id = s.user_id`,
    ),
  );
}
