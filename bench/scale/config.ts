import type pg from "pg";

// The scale program's size and the small SQL vocabulary every step shares. Rows are made by
// PostgreSQL itself (INSERT ... SELECT over generate_series); every "random" choice is a hash of
// the row's number and a salt, so a seed is reproducible: the same ids and the same choices each
// time, laid out around the moment it runs.

export const SCALE = {
  artists: 10_000,
  reviewers: 160,
  admins: 40,
  jobs: 1_000_000,
  /** Jobs still waiting or rendering when the seed ran: the newest ones. */
  queuedJobs: 20,
  runningJobs: 10,
  benchmarkClips: 500,
  submissions: 200_000,
  /** Submissions of the benchmark artist (numbers 1..n). */
  benchmarkSubmissions: 80,
  /** Approved contributions of the benchmark artist: with stipends and payouts, about 2,000
   * ledger entries, the statement the earnings benchmark pages through. */
  benchmarkContributions: 1_960,
  rightsRequests: 20_000,
  ledgerEntries: 1_000_000,
  grants: 1_200,
  promotions: 300,
  creditReversals: 400,
} as const;

export const SCALE_DOMAIN = "scale.greenroom.test";
export const SCALE_PASSWORD = "scale-password-1234";

export const FIRST_REVIEWER = SCALE.artists + 1;
export const FIRST_ADMIN = SCALE.artists + SCALE.reviewers + 1;
export const PEOPLE = SCALE.artists + SCALE.reviewers + SCALE.admins;

const pad = (n: number, width: number) => String(n).padStart(width, "0");
export const artistEmail = (n: number) => `artist-${pad(n, 5)}@${SCALE_DOMAIN}`;
export const reviewerEmail = (n: number) => `reviewer-${pad(n, 3)}@${SCALE_DOMAIN}`;
export const adminEmail = (n: number) => `admin-${pad(n, 3)}@${SCALE_DOMAIN}`;

/** The moments the whole program is laid out around, as SQL literals. */
export type Timeline = {
  /** When the seed ran: nothing happens after it. */
  now: string;
  /** The first day of the program (the month twelve months before this one), a date. */
  start: string;
};

export function timelineFor(now: Date): Timeline {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 1));
  return {
    now: `'${now.toISOString()}'::timestamptz`,
    start: `'${start.toISOString().slice(0, 10)}'::date`,
  };
}

/** The connection every step writes through, inside the seed's one transaction. */
export type SeedContext = {
  client: pg.Client;
  t: Timeline;
  /** Runs one step and prints its row count and duration. */
  step: (label: string, run: () => Promise<number>) => Promise<number>;
};

export async function exec(client: pg.Client, text: string, values?: unknown[]): Promise<number> {
  const result = await client.query(text, values);
  return result.rowCount ?? 0;
}

export async function scalar<T = number>(client: pg.Client, text: string): Promise<T> {
  const result = await client.query(text);
  const row = result.rows[0] as Record<string, unknown> | undefined;
  return (row ? Object.values(row)[0] : undefined) as T;
}

/**
 * Loads `tables` with their secondary indexes dropped, then builds them again: one sorted build
 * is several times faster than a million random insertions into each index. It runs inside the
 * seed's transaction, so a failure restores the indexes with everything else, and a unique index
 * rebuilt over data that breaks it fails the seed instead of going unnoticed.
 */
export async function withIndexesRebuilt<T>(
  ctx: SeedContext,
  tables: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  const { rows } = await ctx.client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
     WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const index of rows) await ctx.client.query(`DROP INDEX ${index.name}`);
  const result = await run();
  await ctx.step(`  indexes (${rows.length})`, async () => {
    for (const index of rows) await ctx.client.query(index.definition);
    return rows.length;
  });
  return result;
}

/** A step that builds one of the seed's own working tables (dropped at commit). */
export function plan(ctx: SeedContext, label: string, text: string) {
  return ctx.step(`  (plan) ${label}`, () => exec(ctx.client, text));
}

// --- SQL fragments --------------------------------------------------------------------------

const POSITIVE = "9223372036854775807";

/** A pseudo-random integer in [0, n) decided by `key` (an integer expression) and `salt`. */
export const rnd = (key: string, salt: number, n: number) =>
  `((hashint8extended((${key})::bigint, ${salt}) & ${POSITIVE}) % ${n})`;

/** A pseudo-random float in [0, 1) decided by `key` and `salt`. */
export const frac = (key: string, salt: number) =>
  `((hashint8extended((${key})::bigint, ${salt}) & 16777215)::float8 / 16777216.0)`;

/**
 * A version-4-shaped UUID derived from a text: deterministic ids let one step name another
 * step's rows by their number instead of looking them up.
 */
export const uuidOf = (text: string) =>
  `(overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid::text)`;

export const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** One of `values`, chosen by a zero-based index expression. */
export const pick = (values: readonly string[], index: string) =>
  `((ARRAY[${values.map(lit).join(", ")}]::text[])[1 + (${index})::int])`;

/**
 * One of `choices`' keys, with the odds of its weight, decided by `key` and `salt`; the hash is
 * computed once (width_bucket finds the value's band), where a CASE would compute it per branch.
 */
export function weighted(key: string, salt: number, choices: Record<string, number>) {
  const entries = Object.entries(choices);
  const bounds: number[] = [];
  let total = 0;
  for (const [, weight] of entries) bounds.push((total += weight));
  const values = entries.map(([value]) => lit(value)).join(", ");
  const band = `width_bucket(${rnd(key, salt, total)}, ARRAY[${bounds.slice(0, -1).join(", ")}]::bigint[])`;
  return `((ARRAY[${values}]::text[])[1 + ${band}])`;
}

/**
 * A run of `length + 1` consecutive values (1 to a few), starting at a zero-based `start`: a
 * plausible choice of channels or platforms. Both are SQL expressions.
 */
export const slice = (values: readonly string[], start: string, length: string) =>
  `(ARRAY[${values.map(lit).join(", ")}]::text[])[1 + ${start} : 1 + ${start} + ${length}]`;

/** A user id from the user's number (artists 1.., then reviewers, then admins). */
export const userId = (n: string) => uuidOf(`'scale-user:' || (${n})::text`);

/** An interval of `hours` (a float expression). */
export const hours = (expr: string) => `(interval '1 hour' * (${expr}))`;

/**
 * An amount as the app's formatMoney writes it in en-US ("$62.50", "€62.50", "£62.50",
 * "CA$62.50"), for the few descriptions that carry one.
 */
export const moneyText = (minor: string, currency: string) =>
  `((case ${currency} when 'EUR' then '€' when 'GBP' then '£' when 'CAD' then 'CA$' else '$' end)
    || to_char((${minor}) / 100.0, 'FM999,999,990.00'))`;

/** "3 Nov 2026", as dayInWords writes a day. */
export const dayText = (day: string) => `to_char(${day}, 'FMDD Mon YYYY')`;
