import { CODE_ALPHABET, PLATFORMS } from "~/lib/rights";
import {
  exec,
  plan,
  FIRST_ADMIN,
  frac,
  hours,
  lit,
  pick,
  rnd,
  SCALE,
  slice,
  userId,
  uuidOf,
  type SeedContext,
} from "./config";

// 20,000 rights requests on approved submissions (one each, so never two open on one), and the
// licenses that answer the granted ones. Commercial requests come only from submissions approved
// for commercial use; a trusted artist's non-commercial request was granted at once by the system;
// requests still open are from the last ten days. The benchmark artist's approved submissions come
// first, so they have requests and licenses of their own.

const TERRITORIES = ["AU", "BR", "CA", "DE", "FR", "GB", "JP", "US"];
const DENY_REASONS = [
  "The channels listed include a broadcaster we have no agreement with.",
  "Commercial use needs the client named in the request.",
  "The credit line must name the program.",
];
const REVOKE_REASONS = [
  "The artist asked us to withdraw the clip.",
  "A third-party mark was found in the published cut.",
];
const MASK_40 = "1099511627775";

/**
 * A license code from its number: GR-XXXX-XXXX in Crockford's alphabet. The number goes through
 * a bijection on 40 bits (odd multiplier, xor-shift, odd multiplier), so codes are distinct and
 * look as random as newLicenseCode's.
 */
function licenseCode(r: string) {
  const spread = `((${r}::bigint * 1099511627) & ${MASK_40})`;
  const mixed = `(((${spread} # (${spread} >> 20)) * 5237471) & ${MASK_40})`;
  const char = (k: number) =>
    `substr(${lit(CODE_ALPHABET)}, (((${mixed}) >> ${5 * k}) & 31)::int + 1, 1)`;
  return `'GR-' || ${[7, 6, 5, 4].map(char).join(" || ")} || '-' || ${[3, 2, 1, 0].map(char).join(" || ")}`;
}

export async function seedRights(ctx: SeedContext) {
  const { client, t, step } = ctx;
  const admin = (key: string, salt: number) =>
    userId(`${FIRST_ADMIN} + ${rnd(key, salt, SCALE.admins)}`);

  await plan(
    ctx,
    "rights",
    `CREATE TEMP TABLE scale_rights ON COMMIT DROP AS
     SELECT q.*,
       (case when auto then q.created_at
          when state = 'pending' then null
          else least(q.created_at + ${hours(`2 + 118 * ${frac("q.r", 130)}`)},
            ${t.now} - interval '1 minute') end) AS decided_at,
       (case when auto or state = 'pending' then null else ${admin("q.r", 131)} end) AS decided_by,
       (q.created_at at time zone 'UTC')::date + ${rnd("q.r", 132, 15)}::int AS term_start
     FROM (
       SELECT c.*,
         (case when auto then 'granted'
            when c.created_at > ${t.now} - interval '10 days' and ${rnd("c.r", 133, 10)} < 7 then 'pending'
            when ${rnd("c.r", 134, 100)} < 82 then 'granted' else 'denied' end)::rights_request_state AS state
       FROM (
         SELECT b.*, b.trust_tier = 'trusted' and not b.commercial AS auto
         FROM (
           SELECT a.r, a.id AS submission_id, a.user_id, a.title, p.trust_tier, p.display_name, p.email,
             a.intended_use = 'commercial' and ${rnd("a.r", 135, 10)} < 6 AS commercial,
             least(a.decided_at + ${hours(`1 + 480 * power(${frac("a.r", 136)}, 2)`)},
               ${t.now} - interval '10 minutes') AS created_at
           FROM (
             SELECT s.*, row_number() OVER (
               ORDER BY (s.user_id = ${userId("1")} and ${rnd("hashtext(s.id)", 137, 3)} > 0) DESC,
                 hashtext(s.id), s.id) AS r
             FROM submissions s WHERE s.state = 'approved'
           ) AS a
           JOIN scale_people p ON p.id = a.user_id
           WHERE a.r <= ${SCALE.rightsRequests}
         ) AS b
       ) AS c
     ) AS q`,
  );

  await step("rights_requests", () =>
    exec(
      client,
      `INSERT INTO rights_requests (id, submission_id, user_id, platforms, other_platform, commercial,
         worldwide, countries, term_start, term_end, credit_line, master_needed, master_reason, state,
         decided_by, decided_at, auto_granted, deny_reason, request_key, created_at)
       SELECT ${uuidOf("'scale-rights:' || r")}, submission_id, user_id,
         ${slice(PLATFORMS, rnd("r", 138, 7), rnd("r", 139, 3))},
         (case when ${rnd("r", 140, 20)} = 0 then 'Cinema pre-roll' end),
         commercial,
         ${rnd("r", 141, 10)} < 7,
         (case when ${rnd("r", 141, 10)} < 7 then '{}'::text[]
          else ${slice(TERRITORIES, rnd("r", 142, 6), rnd("r", 143, 3))} end),
         term_start,
         (case when ${rnd("r", 144, 100)} < 35 then null
          else term_start + (ARRAY[90, 180, 365, 730])[1 + ${rnd("r", 145, 4)}] end),
         'Made by ' || coalesce(nullif(display_name, ''), split_part(email, '@', 1)) || ' with Greenroom',
         ${rnd("r", 146, 10)} = 0,
         (case when ${rnd("r", 146, 10)} = 0
            then 'Broadcast delivery needs a clean master without the watermark.' end),
         state, decided_by, decided_at, auto,
         (case when state = 'denied' then ${pick(DENY_REASONS, rnd("r", 147, DENY_REASONS.length))} end),
         ${uuidOf("'scale-rights-key:' || r")}, created_at
       FROM scale_rights ORDER BY created_at`,
    ),
  );

  // Granted as asked (an admin may narrow terms; these did not), the watermark-free master only
  // when it was asked for and, from an admin, mostly allowed.
  await step("licenses", () =>
    exec(
      client,
      `INSERT INTO licenses (id, code, request_id, submission_id, clip_id, user_id, platforms,
         other_platform, commercial, worldwide, countries, term_start, term_end, credit_line,
         master_allowed, granted_by, granted_at, revoked_at, revoked_by, revoke_reason)
       SELECT ${uuidOf("'scale-license:' || q.r")}, ${licenseCode("q.r")}, rr.id, rr.submission_id,
         v.clip_id, rr.user_id, rr.platforms, rr.other_platform, rr.commercial, rr.worldwide,
         rr.countries, rr.term_start, rr.term_end, rr.credit_line,
         rr.master_needed and (rr.auto_granted or ${rnd("q.r", 148, 10)} < 7),
         rr.decided_by, rr.decided_at,
         revoked_at,
         (case when revoked_at is not null then ${admin("q.r", 149)} end),
         (case when revoked_at is not null
            then ${pick(REVOKE_REASONS, rnd("q.r", 150, REVOKE_REASONS.length))} end)
       FROM (
         SELECT q.*, (case when q.user_id <> ${userId("1")} and ${rnd("q.r", 151, 50)} = 0
           then q.decided_at + (${t.now} - q.decided_at) * ${frac("q.r", 152)} end) AS revoked_at
         FROM scale_rights q WHERE q.state = 'granted' OFFSET 0
       ) AS q
       JOIN rights_requests rr ON rr.id = ${uuidOf("'scale-rights:' || q.r")}
       JOIN submissions s ON s.id = rr.submission_id
       JOIN submission_versions v ON v.submission_id = s.id AND v.number = s.current_version
       ORDER BY rr.decided_at`,
    ),
  );
}
