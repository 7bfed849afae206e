import { DEFAULT_CHECKLIST, REASON_CATEGORIES } from "~/lib/review";
import {
  exec,
  plan,
  FIRST_REVIEWER,
  frac,
  hours,
  lit,
  pick,
  rnd,
  SCALE,
  slice,
  userId,
  uuidOf,
  weighted,
  withIndexesRebuilt,
  type SeedContext,
} from "./config";

// 200,000 submissions laid out the way the review rules would have moved them (app/lib/review.ts,
// app/.server/review/): each version after the first answers a "changes requested" on the one
// before it; an approved submission has `approvals_needed` approvals by distinct reviewers on its
// current version; a first-of-two approval leaves it in review with no claim; a claim is a
// reviewer and an expiry; a withdrawal happened before any decision on the current version. About
// 20,000 wait in the queue (pending or in review), most of them past the 48-hour target: a backlog.

const ADJECTIVES = `
  Quiet Neon Paper Golden Hollow Electric Salt Velvet Last Glass Midnight Northern Borrowed
  Slow Tidal Amber Silver Open Distant Wild Falling Secret Winter Coral
`
  .trim()
  .split(/\s+/);
const NOUNS = `
  Harbour Orbit Garden Signal Lanterns Tides Letters Cathedral Static Bloom Machines
  Meridian Echoes Parade Island Weather Thread Canyon Frequencies Arcade Lullaby Horizon
  Mosaic Departures
`
  .trim()
  .split(/\s+/);
const USE_SENTENCES: Record<string, string> = {
  portfolio: "A short study for my portfolio site, part of a series on light and motion.",
  social: "A loop for my channels; I cut it to 9:16 for stories and reels.",
  festival: "Submitted to a short-film festival's experimental programme as an interstitial.",
  commercial: "For a client campaign: the opening shot of a 30-second spot.",
  press: "For an interview feature about AI-assisted filmmaking.",
};
const SOCIAL_CHANNELS = [
  "Instagram",
  "TikTok",
  "YouTube",
  "Vimeo",
  "Personal website",
  "Festival screening",
  "Broadcast",
  "Print",
];
const CHANGE_NOTES = [
  "The storefront at 0:04 shows a real brand's logo. Please choose a take without it.",
  "The face in the crowd at 0:07 looks like a recognisable person. Regenerate with another seed.",
  "The declared use is commercial but the description mentions a client we have no agreement with.",
  "Banding in the sky throughout; render at 1080p or pick a take without the gradient.",
  "The music bed is not cleared. Submit without audio or with licensed audio.",
];
const REJECT_NOTES = [
  "This depicts a real public figure without consent; it cannot be approved for any use.",
  "The clip reproduces a trademarked character. It cannot be published under the program.",
  "Graphic content outside the program's policy.",
];
const STAFF_BROWSER =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15";
const COMMENTS = [
  "Lovely motion here, the light wrap holds up.",
  "Watch the hands in this stretch: the fingers merge for a few frames.",
  "Logo visible on the left edge from here.",
  "The cut feels abrupt; is this the intended loop point?",
  "Colour shift between these frames.",
  "This is the frame I would use as the poster.",
  "Text on the sign is garbled: might read as a real brand.",
];

/** Reviewer or admin number for a version's first (0) or second (1) decision: never the same. */
function reviewer(s: string, k: string, nth: 0 | 1) {
  const first = rnd(`${s} * 4 + ${k}`, 91, 200);
  if (nth === 0) return `(${FIRST_REVIEWER} + ${first})`;
  return `(${FIRST_REVIEWER} + (${first} + 1 + ${rnd(`${s} * 4 + ${k}`, 92, 199)}) % 200)`;
}

const reviewerId = userId;

/** The time between a version entering the queue and its decision (1-71 h, most in a day). */
const reviewDelay = (s: string, k: string) =>
  hours(`1 + 70 * power(${frac(`${s} * 4 + ${k}`, 70)}, 2)`);
/** The time the artist took to send the next version after a "changes requested". */
const responseDelay = (s: string, k: string) => hours(`2 + 94 * ${frac(`${s} * 4 + ${k}`, 80)}`);
/** From version k entering the queue to version k + 1 entering it. */
const roundTrip = (s: string, k: string) => `(${reviewDelay(s, k)} + ${responseDelay(s, k)})`;

function checklist(key: string, allChecked: boolean) {
  return `jsonb_build_array(${DEFAULT_CHECKLIST.map(
    (item, i) =>
      `jsonb_build_object('item', ${lit(item)},
        'checked', ${allChecked ? "true" : `${rnd(key, 100 + i, 5)} > 0`})`,
  ).join(", ")})`;
}

export async function seedReview(ctx: SeedContext) {
  const { client, t, step } = ctx;
  const states = [
    "pending",
    "in_review",
    "approved",
    "changes_requested",
    "rejected",
    "withdrawn",
  ] as const;

  // The plan: one row per submission with its owner, state, versions and the moment its current
  // version entered the queue (the anchor every other time is counted back or forward from).
  await plan(
    ctx,
    "subs",
    `CREATE TEMP TABLE scale_subs ON COMMIT DROP AS
     SELECT s, ${uuidOf("'scale-sub:' || s")} AS id, p.id AS user_id, owner, state, nv, use,
       (case when use = 'commercial' then 2 else 1 end) AS approvals_needed,
       (case
          when state <> 'in_review' then 'none'
          when use = 'commercial' and ${rnd("s", 65, 2)} = 0 then 'first_approval'
          when ${rnd("s", 66, 100)} < 3 or age < interval '1 hour' then 'live_claim'
          else 'expired_claim'
        end) AS waiting_kind,
       (case when state in ('pending', 'in_review') then ${t.now} - age
        else p.created_at + interval '25 days'
          + (${t.now} - interval '6 days' - p.created_at - interval '25 days') * ${frac("s", 64)}
        end) AS anchor
     FROM (
       SELECT s,
         (case when s <= ${SCALE.benchmarkSubmissions} then 1
          else 2 + floor(${SCALE.artists - 1} * power(${frac("s", 60)}, 1.3))::int end) AS owner,
         -- The benchmark artist's first six cover every state; 10% of all wait for review.
         (case when s <= ${states.length} then ${pick(states, "s - 1")}
          else ${weighted("s", 61, {
            pending: 60,
            in_review: 40,
            approved: 600,
            changes_requested: 90,
            rejected: 120,
            withdrawn: 90,
          })} end)::submission_state AS state,
         ${weighted("s", 62, { 1: 80, 2: 15, 3: 5 })}::int AS nv,
         ${weighted("s", 63, {
           commercial: 15,
           social: 30,
           portfolio: 25,
           festival: 15,
           press: 15,
         })}::intended_use AS use,
         -- Waiting items: up to 40 days old, most of them recent.
         interval '2 minutes' + interval '40 days' * power(${frac("s", 67)}, 2.5) AS age
       FROM generate_series(1, ${SCALE.submissions}) AS s
       OFFSET 0
     ) AS planned
     JOIN scale_people p ON p.n = planned.owner`,
  );
  await exec(client, `ALTER TABLE scale_subs ADD PRIMARY KEY (s)`);

  // One row per version: when it entered the queue, when it was decided (or, for a waiting
  // version, when a reviewer last touched it), and its clip: the artist's latest clip made before.
  await plan(
    ctx,
    "versions",
    `CREATE TEMP TABLE scale_versions ON COMMIT DROP AS
     SELECT v.*, coalesce(latest.id, earliest.id) AS clip_id,
       coalesce(latest.duration_seconds, earliest.duration_seconds) AS clip_seconds,
       (case
          when v.k < v.nv or v.state in ('approved', 'changes_requested', 'rejected')
            then v.created_at + ${reviewDelay("v.s", "v.k")}
          when v.waiting_kind <> 'none'
            then v.created_at + (${t.now} - v.created_at) * (0.2 + 0.6 * ${frac("v.s", 68)})
        end) AS touched_at
     FROM (
       -- Counted back from the anchor: each earlier version waited for its review, then for
       -- the artist's next version.
       SELECT sub.*, k,
         sub.anchor
           - (case when k <= sub.nv - 1 then ${roundTrip("sub.s", "sub.nv - 1")} else interval '0' end)
           - (case when k <= sub.nv - 2 then ${roundTrip("sub.s", "sub.nv - 2")} else interval '0' end)
           AS created_at
       FROM scale_subs sub CROSS JOIN LATERAL generate_series(1, sub.nv) AS k
     ) AS v
     -- The artist's latest clip made before the version; only when there is none, their first.
     LEFT JOIN LATERAL (
       SELECT c.id, c.duration_seconds FROM clips c
       WHERE c.user_id = v.user_id AND c.deleted_at IS NULL
         AND c.created_at <= v.created_at - interval '10 minutes'
       ORDER BY c.created_at DESC LIMIT 1
     ) AS latest ON true
     LEFT JOIN LATERAL (
       SELECT c.id, c.duration_seconds FROM clips c
       WHERE c.user_id = v.user_id AND c.deleted_at IS NULL
       ORDER BY c.created_at LIMIT 1
     ) AS earliest ON latest.id IS NULL`,
  );
  await exec(client, `ALTER TABLE scale_versions ADD PRIMARY KEY (s, k)`);
  await exec(client, `ANALYZE scale_versions`);

  // Every decision, in the order they were made: "changes requested" on each earlier version,
  // then the current version's outcome.
  await plan(
    ctx,
    "decisions",
    `CREATE TEMP TABLE scale_decisions ON COMMIT DROP AS
     SELECT v.s, v.k, v.id AS submission_id, v.user_id, 0 AS nth,
       ${reviewer("v.s", "v.k", 0)} AS reviewer,
       (case
          when v.k < v.nv or v.state = 'changes_requested' then 'request_changes'
          when v.state = 'rejected' then 'reject'
          else 'approve' end)::review_decision AS decision,
       v.touched_at AS created_at
     FROM scale_versions v
     WHERE v.k < v.nv or v.state in ('approved', 'changes_requested', 'rejected')
       or v.waiting_kind = 'first_approval'
     UNION ALL
     SELECT v.s, v.k, v.id, v.user_id, 1, ${reviewer("v.s", "v.k", 1)}, 'approve',
       v.touched_at + ${hours(`1 + 30 * ${frac("v.s", 90)}`)}
     FROM scale_versions v
     WHERE v.k = v.nv AND v.state = 'approved' AND v.approvals_needed = 2`,
  );
  await exec(client, `CREATE INDEX ON scale_decisions (s, k)`);
  await exec(client, `ANALYZE scale_decisions`);

  await withIndexesRebuilt(
    ctx,
    ["submissions", "submission_versions", "review_decisions", "review_comments", "notifications"],
    async () => {
      await step("submissions", () =>
        exec(
          client,
          `INSERT INTO submissions (id, user_id, title, description, intended_use, channels, state,
             current_version, approvals_needed, revision, claimed_by, claim_expires_at,
             terms_accepted_at, submitted_at, decided_at, created_at, submit_key)
           SELECT sub.id, sub.user_id,
             ${pick(ADJECTIVES, rnd("sub.s", 110, ADJECTIVES.length))}
               || ' ' || ${pick(NOUNS, rnd("sub.s", 111, NOUNS.length))},
             (case sub.use ${Object.entries(USE_SENTENCES)
               .map(([use, sentence]) => `when '${use}' then ${lit(sentence)}`)
               .join(" ")} end),
             sub.use,
             ${slice(SOCIAL_CHANNELS, rnd("sub.s", 112, 6), rnd("sub.s", 113, 3))},
             sub.state, sub.nv, sub.approvals_needed,
             1 + 2 * (sub.nv - 1)
               + (case sub.state when 'approved' then sub.approvals_needed
                    when 'changes_requested' then 1 when 'rejected' then 1 when 'withdrawn' then 1
                    else (case when sub.waiting_kind = 'first_approval' then 1 else 0 end) end),
             (case when sub.waiting_kind in ('live_claim', 'expired_claim')
                then ${reviewerId(reviewer("sub.s", "sub.nv", 0))} end),
             (case sub.waiting_kind
                when 'live_claim' then ${t.now} + interval '1 minute' * (3 + 12 * ${frac("sub.s", 114)})
                when 'expired_claim' then least(current_version.touched_at + interval '15 minutes',
                  ${t.now} - interval '1 minute') end),
             first_version.created_at, sub.anchor,
             (case when sub.state in ('approved', 'changes_requested', 'rejected')
                then (SELECT max(d.created_at) FROM scale_decisions d
                       WHERE d.s = sub.s AND d.k = sub.nv) end),
             first_version.created_at,
             ${uuidOf("'scale-submit:' || sub.s")}
           FROM scale_subs sub
           JOIN scale_versions first_version ON first_version.s = sub.s AND first_version.k = 1
           JOIN scale_versions current_version ON current_version.s = sub.s AND current_version.k = sub.nv
           ORDER BY first_version.created_at`,
        ),
      );
      await step("submission_versions", () =>
        exec(
          client,
          `INSERT INTO submission_versions (submission_id, number, clip_id, note, created_at, decided_at)
           SELECT v.id, v.k, v.clip_id,
             (case when v.k > 1 then ${pick(
               [
                 "Took out the logo and re-rendered with a new seed.",
                 "New take without the crowd shot.",
                 "Fixed the banding; this one is at 1080p.",
                 "Removed the audio.",
               ],
               rnd("v.s * 4 + v.k", 115, 4),
             )} end),
             v.created_at,
             (case when v.k < v.nv or v.state in ('approved', 'changes_requested', 'rejected')
                then (SELECT max(d.created_at) FROM scale_decisions d WHERE d.s = v.s AND d.k = v.k) end)
           FROM scale_versions v ORDER BY v.created_at`,
        ),
      );

      await step("review_decisions", () =>
        exec(
          client,
          `INSERT INTO review_decisions (submission_id, version_number, reviewer_id, decision,
             reason_category, note, checklist, created_at)
           SELECT d.submission_id, d.k, ${reviewerId("d.reviewer")}, d.decision,
             (case when d.decision <> 'approve'
                then ${pick(REASON_CATEGORIES, rnd("d.s * 4 + d.k", 116, REASON_CATEGORIES.length))} end),
             (case d.decision
                when 'request_changes'
                  then ${pick(CHANGE_NOTES, rnd("d.s * 4 + d.k", 117, CHANGE_NOTES.length))}
                when 'reject' then ${pick(REJECT_NOTES, rnd("d.s * 4 + d.k", 117, REJECT_NOTES.length))} end),
             (case when d.decision = 'approve' then ${checklist("d.s", true)}
                else ${checklist("d.s * 4 + d.k", false)} end),
             d.created_at
           FROM scale_decisions d ORDER BY d.created_at`,
        ),
      );

      // Comments are left while a reviewer holds the claim, before the version's decision.
      await step("review_comments", () =>
        exec(
          client,
          `INSERT INTO review_comments (submission_id, version_number, author_id, frame, body,
             created_at, client_key)
           SELECT v.id, v.k, ${reviewerId(reviewer("v.s", "v.k", 0))},
             least(floor(v.clip_seconds * 24 * ${frac("v.s * 16 + v.k * 4 + c", 118)}),
               v.clip_seconds * 24 - 1)::int,
             ${pick(COMMENTS, rnd("v.s * 16 + v.k * 4 + c", 119, COMMENTS.length))},
             v.touched_at - (v.touched_at - v.created_at) * 0.2 * c / 4.0,
             ${uuidOf("'scale-comment:' || v.s || ':' || v.k || ':' || c")}
           FROM scale_versions v
           CROSS JOIN LATERAL generate_series(1, ${rnd("v.s * 4 + v.k", 93, 4)}::int) AS c
           WHERE v.touched_at IS NOT NULL
           ORDER BY 6`,
        ),
      );

      // What the artist was told about each decision (read unless it is from the last week).
      // The emails that went with them are not seeded: the outbox is not part of these pages.
      await step("notifications", () =>
        exec(
          client,
          `INSERT INTO notifications (id, user_id, kind, title, body, link, read_at, created_at)
           SELECT ${uuidOf("'scale-note:' || d.s || ':' || d.k || ':' || d.nth")}, d.user_id,
             'submission_' || outcome,
             (case outcome when 'approved' then 'Approved' when 'first_approval' then '1 of 2 approvals'
                when 'rejected' then 'Rejected' else 'Changes requested' end) || ': ' || s.title,
             (case when d.decision <> 'approve' then r.reason_category || ' — ' || r.note
                when outcome = 'first_approval'
                  then '1 of 2 approvals. Commercial use needs a second reviewer''s approval.'
                else 'Version ' || d.k || ' is approved.' end),
             '/submissions/' || d.submission_id,
             (case when d.created_at < ${t.now} - interval '7 days' or ${rnd("d.s", 120, 2)} = 0
                then d.created_at + ${hours(`0.5 + 47 * ${frac("d.s", 121)}`)} end),
             d.created_at
           FROM (
             SELECT d.*, (case
               when d.decision = 'reject' then 'rejected'
               when d.decision = 'request_changes' then 'changes_requested'
               when d.nth = 0 and sub.approvals_needed = 2 then 'first_approval'
               else 'approved' end) AS outcome
             FROM scale_decisions d JOIN scale_subs sub ON sub.s = d.s
           ) AS d
           JOIN submissions s ON s.id = d.submission_id
           JOIN review_decisions r ON r.submission_id = d.submission_id AND r.version_number = d.k
             AND r.reviewer_id = ${reviewerId("d.reviewer")}
           ORDER BY d.created_at`,
        ),
      );
    },
  );

  // The audit entries the submission timeline reads: claims (one before each decision, and the
  // claims still standing) and withdrawals. The rest of a real audit log is not seeded.
  await step("audit_log", () =>
    exec(
      client,
      `INSERT INTO audit_log (actor_id, action, subject_type, subject_id, data, ip, user_agent, created_at)
       SELECT actor, action, 'submission', subject, '{}'::jsonb, '10.200.0.' || (hashtext(actor) & 255),
         ${lit(STAFF_BROWSER)},
         at
       FROM (
         SELECT ${reviewerId("d.reviewer")} AS actor, 'submission.claimed' AS action,
           d.submission_id AS subject,
           d.created_at - interval '1 minute' * (4 + 10 * ${frac("d.s * 8 + d.k * 2 + d.nth", 122)}) AS at
         FROM scale_decisions d
         UNION ALL
         SELECT s.claimed_by, 'submission.claimed', s.id, s.claim_expires_at - interval '15 minutes'
         FROM submissions s WHERE s.claimed_by IS NOT NULL
         UNION ALL
         SELECT sub.user_id, 'submission.withdrawn', sub.id,
           sub.anchor + ${hours(`1 + 47 * ${frac("sub.s", 123)}`)}
         FROM scale_subs sub WHERE sub.state = 'withdrawn'
       ) AS entries
       ORDER BY at`,
    ),
  );
}
