import type pg from "pg";
import { LICENSE_CODE } from "~/lib/rights";
import { PEOPLE, SCALE, userId } from "./config";

// What must hold before the seed commits. Each check counts the rows that break a rule the app
// relies on; any count above zero fails the seed and its transaction rolls back.

type Check = { rule: string; sql: string };

const BENCHMARK = userId("1");

const CHECKS: Check[] = [
  {
    rule: "the benchmark artist has exactly 500 clips, none deleted",
    sql: `SELECT abs(count(*) - ${SCALE.benchmarkClips}) FROM clips
          WHERE user_id = ${BENCHMARK} AND deleted_at IS NULL`,
  },
  {
    rule: "every succeeded job has its clip, and only those",
    sql: `SELECT count(*) FROM generation_jobs j FULL JOIN clips c ON c.id = j.id
          WHERE (j.status = 'succeeded') IS DISTINCT FROM (c.id IS NOT NULL)`,
  },
  {
    rule: "a clip belongs to its job's artist",
    sql: `SELECT count(*) FROM clips c JOIN generation_jobs j ON j.id = c.id WHERE j.user_id <> c.user_id`,
  },
  {
    rule: "this month's quota movements: a reserve per job, one settlement per finished job",
    sql: `SELECT count(*) FROM generation_jobs j
          LEFT JOIN quota_movements r ON r.job_id = j.id AND r.kind = 'reserve'
          LEFT JOIN quota_movements s ON s.job_id = j.id AND s.kind <> 'reserve'
          WHERE j.created_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'
            AND (r.id IS NULL OR (s.id IS NULL) <> (j.status IN ('queued', 'running')))`,
  },
  {
    rule: "nobody's committed and held seconds this month exceed their quota",
    sql: `SELECT count(*) FROM access_settings a JOIN (
            SELECT user_id, sum(seconds) FILTER (WHERE kind = 'reserve')
              - sum(seconds) FILTER (WHERE kind = 'release') AS used
            FROM quota_movements GROUP BY user_id
          ) q ON q.user_id = a.user_id WHERE q.used > a.monthly_quota_seconds`,
  },
  {
    rule: "a submission has versions 1..current_version, each a live clip of its artist",
    sql: `SELECT count(*) FROM submissions s
          LEFT JOIN (
            SELECT v.submission_id, count(*) AS n, max(v.number) AS last FROM submission_versions v
            JOIN submissions s ON s.id = v.submission_id
            JOIN clips c ON c.id = v.clip_id AND c.user_id = s.user_id AND c.deleted_at IS NULL
            GROUP BY v.submission_id
          ) v ON v.submission_id = s.id
          WHERE v.n IS DISTINCT FROM s.current_version OR v.last IS DISTINCT FROM s.current_version`,
  },
  {
    rule: "approved: as many approvals on the current version as needed, by distinct reviewers",
    sql: `SELECT count(*) FROM submissions s
          LEFT JOIN (
            SELECT d.submission_id, d.version_number, count(DISTINCT d.reviewer_id) AS n
            FROM review_decisions d WHERE d.decision = 'approve' GROUP BY 1, 2
          ) a ON a.submission_id = s.id AND a.version_number = s.current_version
          WHERE s.state = 'approved' AND a.n IS DISTINCT FROM s.approvals_needed`,
  },
  {
    rule: "waiting or withdrawn: no final decision on the current version",
    sql: `SELECT count(*) FROM submissions s JOIN review_decisions d
            ON d.submission_id = s.id AND d.version_number = s.current_version
          WHERE s.state IN ('pending', 'withdrawn') OR (s.state = 'in_review' AND d.decision <> 'approve')`,
  },
  {
    rule: "every earlier version was answered with changes requested",
    sql: `SELECT count(*) FROM submission_versions v JOIN submissions s ON s.id = v.submission_id
          WHERE v.number < s.current_version AND NOT EXISTS (
            SELECT 1 FROM review_decisions d WHERE d.submission_id = s.id
              AND d.version_number = v.number AND d.decision = 'request_changes')`,
  },
  {
    rule: "decided submissions have a decision time, waiting ones do not; claims only in review",
    sql: `SELECT count(*) FROM submissions
          WHERE (decided_at IS NOT NULL) <> (state IN ('approved', 'changes_requested', 'rejected'))
             OR (claimed_by IS NOT NULL AND state <> 'in_review')
             OR submitted_at > now() OR created_at > submitted_at`,
  },
  {
    rule: "about 20,000 submissions wait in the queue",
    sql: `SELECT (count(*) NOT BETWEEN 18000 AND 22000)::int FROM submissions
          WHERE state IN ('pending', 'in_review')`,
  },
  {
    rule: "rights only on approved submissions, commercial only when approved for it",
    sql: `SELECT count(*) FROM rights_requests r JOIN submissions s ON s.id = r.submission_id
          WHERE s.state <> 'approved' OR s.user_id <> r.user_id
             OR (r.commercial AND s.intended_use <> 'commercial')`,
  },
  {
    rule: "a license exactly for each granted request, on its submission's current clip",
    sql: `SELECT count(*) FROM rights_requests r
          LEFT JOIN licenses l ON l.request_id = r.id
          LEFT JOIN submissions s ON s.id = r.submission_id
          LEFT JOIN submission_versions v ON v.submission_id = s.id AND v.number = s.current_version
          WHERE (r.state = 'granted') <> (l.id IS NOT NULL) OR l.clip_id <> v.clip_id`,
  },
  {
    rule: "license codes have the verifiable shape",
    sql: `SELECT count(*) FROM licenses WHERE code !~ '${LICENSE_CODE.source}'`,
  },
  {
    rule: "every balance is the sum of its entries, and never negative",
    sql: `SELECT count(*) FROM ledger_balances b
          FULL JOIN (SELECT user_id, currency, sum(amount_minor) AS total FROM ledger_entries GROUP BY 1, 2) e
            ON e.user_id = b.user_id AND e.currency = b.currency
          WHERE b.balance_minor IS DISTINCT FROM e.total OR b.balance_minor < 0`,
  },
  {
    rule: "no running balance ever went below zero; each payout emptied the balance",
    sql: `SELECT count(*) FROM (
            SELECT kind, sum(amount_minor) OVER (PARTITION BY user_id, currency ORDER BY id) AS running
            FROM ledger_entries) e
          WHERE e.running < 0 OR (e.kind = 'payout' AND e.running <> 0)`,
  },
  {
    rule: "each payout's debit matches it; failed payouts were reversed",
    sql: `SELECT count(*) FROM payouts p
          LEFT JOIN ledger_entries d ON d.payout_id = p.id AND d.kind = 'payout'
          LEFT JOIN ledger_entries r ON r.reverses_entry_id = d.id
          WHERE d.amount_minor IS DISTINCT FROM -p.amount_minor
             OR (p.state = 'failed') <> (r.id IS NOT NULL)`,
  },
  {
    rule: "approved contributions, accepted promotions and approved grants are credited once",
    sql: `SELECT
            (SELECT count(*) FROM contributions c
             LEFT JOIN (SELECT contribution_id, count(*) AS n FROM ledger_entries
                        WHERE contribution_id IS NOT NULL GROUP BY 1) e ON e.contribution_id = c.id
             WHERE (c.state = 'approved') <> (coalesce(e.n, 0) = 1))
          + (SELECT count(*) FROM promotions p
             LEFT JOIN (SELECT promotion_id, count(*) AS n FROM ledger_entries
                        WHERE promotion_id IS NOT NULL GROUP BY 1) e ON e.promotion_id = p.id
             WHERE (p.state = 'accepted') <> (coalesce(e.n, 0) = 1))
          + (SELECT count(*) FROM grants g
             LEFT JOIN (SELECT grant_id, count(*) AS n FROM ledger_entries
                        WHERE grant_id IS NOT NULL GROUP BY 1) e ON e.grant_id = g.id
             WHERE (g.state IN ('approved', 'paid')) <> (coalesce(e.n, 0) = 1))`,
  },
  {
    rule: "every trigger is on again (foreign keys and the ledger's own)",
    sql: `SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE c.relnamespace = 'public'::regnamespace AND t.tgenabled = 'D'`,
  },
  {
    rule: `${PEOPLE.toLocaleString("en-US")} active scale accounts with one password hash`,
    sql: `SELECT abs(count(*) - ${PEOPLE}) + (count(DISTINCT password_hash) - 1) FROM users
          WHERE status = 'active'`,
  },
];

/**
 * Rows that break a foreign key. Needed only when the seed ran with PostgreSQL's foreign-key
 * triggers off; one anti-join per constraint, built from the catalog.
 */
async function foreignKeyChecks(client: pg.Client): Promise<Check[]> {
  const { rows } = await client.query<{
    name: string;
    child: string;
    parent: string;
    childColumns: string[];
    parentColumns: string[];
  }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
       array_agg(quote_ident(a.attname) ORDER BY k.ord) AS "childColumns",
       array_agg(quote_ident(f.attname) ORDER BY k.ord) AS "parentColumns"
     FROM pg_constraint c
     CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(child_att, parent_att, ord)
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.child_att
     JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = k.parent_att
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
     GROUP BY c.oid, c.conname, c.conrelid, c.confrelid
     ORDER BY c.conname`,
  );
  return rows.map((fk) => ({
    rule: `foreign key ${fk.name}`,
    sql: `SELECT count(*) FROM ${fk.child} x
          WHERE ${fk.childColumns.map((c) => `x.${c} IS NOT NULL`).join(" AND ")}
            AND NOT EXISTS (SELECT 1 FROM ${fk.parent} y
              WHERE ${fk.childColumns.map((c, i) => `y.${fk.parentColumns[i]} = x.${c}`).join(" AND ")})`,
  }));
}

export async function checkScale(
  client: pg.Client,
  options: { foreignKeys: boolean; log: (line: string) => void },
) {
  const checks = [...CHECKS, ...(options.foreignKeys ? await foreignKeyChecks(client) : [])];
  const failures: string[] = [];
  const started = performance.now();
  for (const check of checks) {
    const result = await client.query(check.sql);
    const broken = Number(Object.values(result.rows[0] as Record<string, unknown>)[0] ?? 0);
    if (broken !== 0) failures.push(`${check.rule}: ${broken.toLocaleString("en-US")} rows`);
  }
  const fkNote = options.foreignKeys ? " (foreign keys included)" : "";
  options.log(
    `  checks: ${checks.length - failures.length} of ${checks.length} hold${fkNote}` +
      `   ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (failures.length > 0)
    throw new Error(`The scale data breaks the app's rules:\n  - ${failures.join("\n  - ")}`);
}
