import {
  exec,
  frac,
  pick,
  rnd,
  SCALE,
  userId,
  uuidOf,
  weighted,
  withIndexesRebuilt,
  type SeedContext,
} from "./config";

// A million generations: most succeeded with their clip, some failed or canceled, and the newest
// thirty still queued or rendering. The benchmark artist (artist 1) owns jobs 1..520, of which
// exactly 500 succeeded; every other artist's first job succeeded within hours of joining (so each
// has a clip to submit), and the rest go to artists with a skew: a few heavy users, a long tail.

const STYLES = ["none", "cinematic", "animation", "documentary", "noir", "dreamlike", "retro"];

const SUBJECTS = [
  "A lighthouse keeper",
  "Two dancers",
  "A paper boat",
  "A red fox",
  "An old tram",
  "A glass whale",
  "A street violinist",
  "A lone astronaut",
  "A flock of starlings",
  "A bonsai tree",
  "A night market",
  "A desert caravan",
  "A clockmaker",
  "A koi pond",
  "A neon diner",
  "A snow leopard",
  "A hot-air balloon",
  "A child with a kite",
  "An abandoned greenhouse",
  "A jazz trio",
];
const ACTIONS = [
  "drifting through",
  "circling above",
  "waiting in",
  "racing across",
  "dissolving into",
  "reflected in",
  "dancing through",
  "sleeping beneath",
  "emerging from",
  "walking along",
];
const SETTINGS = [
  "a rain-soaked city at dusk",
  "a field of sunflowers",
  "an ocean of clouds",
  "a frozen harbour at dawn",
  "a candlelit cathedral",
  "a bamboo forest in fog",
  "a mirrored canyon",
  "a 1970s living room",
  "a coral reef at noon",
  "a quiet train station",
  "a storm over the dunes",
  "a floating market",
  "an aurora over the fjord",
  "a library that never ends",
];
const CAMERA = [
  "slow dolly-in",
  "handheld, shallow depth of field",
  "aerial tracking shot",
  "locked-off wide shot",
  "macro close-up",
  "orbiting camera, golden hour",
];
const FAILURES = [
  "The provider did not answer within 120 seconds (3 attempts).",
  "The clip is not what was asked: h264 1280×704, 9.96 s instead of h264 1280×720, 10 s.",
  "The provider refused the prompt: it may describe a real person.",
  "Rendering stopped: ffmpeg exited with code 1.",
];

// The benchmark artist's jobs: 500 succeeded, then 12 failed and 8 canceled.
const BENCHMARK_JOBS = SCALE.benchmarkClips + 20;
const FIRST_JOBS_END = BENCHMARK_JOBS + (SCALE.artists - 1);

/** Seconds of rendering per second of clip: the local renderer's as measured, a remote model's. */
const RENDER_RATE = `(case when provider = 'replicate' then 6
  else (case resolution when '480p' then 0.2 when '720p' then 0.55 else 1.2 end) end)`;

export async function seedGeneration(ctx: SeedContext) {
  const { client, t, step } = ctx;
  const jobs = SCALE.jobs;
  const runningFrom = jobs - SCALE.queuedJobs - SCALE.runningJobs;
  const queuedFrom = jobs - SCALE.queuedJobs;
  // A job canceled while it waited never got a slot; otherwise it was canceled while rendering.
  const neverStarted = `(status = 'queued' or (status = 'canceled' and early_cancel))`;
  const prompt = [
    pick(SUBJECTS, rnd("i", 37, SUBJECTS.length)),
    `' '`,
    pick(ACTIONS, rnd("i", 38, ACTIONS.length)),
    `' '`,
    pick(SETTINGS, rnd("i", 39, SETTINGS.length)),
    `', '`,
    pick(CAMERA, rnd("i", 40, CAMERA.length)),
  ].join(" || ");

  await withIndexesRebuilt(ctx, ["generation_jobs", "clips"], async () => {
    // Four layers, each fenced with OFFSET 0 so that PostgreSQL computes a column once instead of
    // inlining its expression into every use above it.
    await step("generation_jobs", () =>
      exec(
        client,
        `INSERT INTO generation_jobs (id, user_id, provider, prompt, duration_seconds, resolution,
           aspect_ratio, style, seed, status, progress, error, attempts, provider_job_id, boss_job_id,
           heartbeat_at, created_at, dispatched_at, started_at, finished_at)
         SELECT ${uuidOf("'scale-job:' || i")}, user_id, provider, prompt, duration, resolution,
           aspect, style, seed, status, progress, error, attempts,
           (case when provider = 'replicate' and started_at is not null
              then 'rp_' || substr(md5('rp' || i), 1, 24) end),
           (case when status = 'running' then ${uuidOf("'scale-boss:' || i")} end),
           (case when status = 'running' then ${t.now} - interval '2 seconds'
                 when started_at is not null then finished_at - interval '1 second' end),
           created_at, dispatched_at, started_at, finished_at
         FROM (
           SELECT rendered.*,
             (case when ${neverStarted} then null
                   else created_at + interval '1 second' * wait_s end) AS dispatched_at,
             (case when ${neverStarted} then null
                   else created_at + interval '1 second' * (wait_s + 0.2 + 2 * ${frac("i", 30)})
              end) AS started_at,
             (case
                when status in ('queued', 'running') then null
                when status = 'canceled' and early_cancel
                  then created_at + interval '1 second' * wait_s * ${frac("i", 31)}
                when status = 'succeeded' then created_at + interval '1 second' * (wait_s + 2.2 + render_s)
                -- Failed or canceled part of the way through the render.
                else created_at + interval '1 second' * (wait_s + 2.2 + render_s * ${frac("i", 32)})
              end) AS finished_at,
             (case status when 'succeeded' then 1
                when 'running' then 0.1 + 0.8 * ${frac("i", 33)}
                when 'failed' then 0.9 * ${frac("i", 33)}
                when 'canceled' then (case when early_cancel then 0 else 0.5 * ${frac("i", 33)} end)
                else 0 end)::real AS progress,
             (case when status = 'failed'
                then ${pick(FAILURES, rnd("i", 34, FAILURES.length))} end) AS error,
             (case status when 'failed' then 3 when 'queued' then 0
                when 'canceled' then (case when early_cancel then 0 else 1 end)
                else (case when ${rnd("i", 35, 20)} = 0 then 2 else 1 end) end) AS attempts
           FROM (
             SELECT chosen.*, duration * ${RENDER_RATE} * (0.8 + 0.4 * ${frac("i", 48)}) AS render_s
             FROM (
               SELECT i, p.id AS user_id, status, early_cancel,
                 (case when ${rnd("i", 36, 10)} < 7 then 'local' else 'replicate' end) AS provider,
                 ${prompt} AS prompt,
                 -- 10 s is the most asked-for duration.
                 (ARRAY[5, 10, 10, 15, 20])[1 + ${rnd("i", 41, 5)}] AS duration,
                 (case when p.max_resolution = '1080p'
                    then ${weighted("i", 42, { "480p": 1, "720p": 3, "1080p": 2 })}
                    else ${weighted("i", 42, { "480p": 1, "720p": 2 })} end)::resolution AS resolution,
                 ${weighted("i", 43, { "16:9": 3, "9:16": 2, "1:1": 1 })} AS aspect,
                 ${pick(STYLES, rnd("i", 44, STYLES.length))} AS style,
                 ${rnd("i", 45, 2147483647)}::int AS seed,
                 (case
                    -- The newest jobs, a few seconds apart: still waiting or rendering.
                    when i > ${runningFrom} then ${t.now} - interval '25 seconds' * (${jobs} + 1 - i)
                    when i <= ${BENCHMARK_JOBS} then p.created_at + interval '1 hour'
                      + (${t.now} - interval '2 hours' - p.created_at) * ${frac("i", 46)}
                    when i <= ${FIRST_JOBS_END}
                      then p.created_at + interval '1 hour' + interval '2 hours' * ${frac("i", 46)}
                    else p.created_at + interval '3 hours'
                      + (${t.now} - interval '1 hour' - p.created_at - interval '3 hours') * ${frac("i", 46)}
                  end) AS created_at,
                 -- Most jobs get a slot within seconds; a few waited up to a quarter of an hour.
                 2 + 900 * power(${frac("i", 47)}, 4) AS wait_s
               FROM (
                 SELECT i,
                   (case when i <= ${BENCHMARK_JOBS} then 1
                         when i <= ${FIRST_JOBS_END} then i - ${BENCHMARK_JOBS - 1}
                         else 2 + floor(${SCALE.artists - 1} * power(${frac("i", 49)}, 1.5))::int
                    end) AS owner,
                   (case
                      when i > ${queuedFrom} then 'queued'
                      when i > ${runningFrom} then 'running'
                      when i <= ${SCALE.benchmarkClips} then 'succeeded'
                      when i <= ${SCALE.benchmarkClips + 12} then 'failed'
                      when i <= ${BENCHMARK_JOBS} then 'canceled'
                      when i <= ${FIRST_JOBS_END} then 'succeeded'
                      else ${weighted("i", 50, { succeeded: 905, failed: 60, canceled: 35 })}
                    end)::generation_job_status AS status,
                   ${rnd("i", 51, 10)} < 6 AS early_cancel
                 FROM generate_series(1, ${jobs}) AS i
                 OFFSET 0
               ) AS numbered
               JOIN scale_people p ON p.n = numbered.owner
               OFFSET 0
             ) AS chosen
             OFFSET 0
           ) AS rendered
           OFFSET 0
         ) AS timed
         -- In time order, as a year of inserts would have left the table.
         ORDER BY created_at`,
      ),
    );

    // The provenance is shaped like the runner's, but its hmac is not a signature (no media files
    // exist for these clips, so nothing could be checked against it anyway).
    await step("clips", () =>
      exec(
        client,
        `INSERT INTO clips (id, user_id, video_key, poster_key, original_key, size_bytes,
           duration_seconds, width, height, provider, model, provenance, created_at, deleted_at, deleted_by)
         SELECT id, user_id,
           'clips/' || md5('video' || id) || '.mp4', 'posters/' || md5('poster' || id) || '.jpg',
           (case when provider = 'replicate' then 'clips/' || md5('original' || id) || '.mp4' end),
           -- About 1.4, 3.4 and 7.2 Mbit/s.
           (duration_seconds * (0.8 + 0.4 * ${frac("hashtext(id)", 52)})
             * (case resolution when '480p' then 180000 when '720p' then 420000 else 900000 end))::int,
           duration_seconds,
           (case aspect_ratio when '16:9' then long_side else short_side end),
           (case aspect_ratio when '9:16' then long_side else short_side end),
           provider, model,
           jsonb_build_object('v', 1, 'clipId', id, 'accountId', user_id, 'provider', provider,
             'model', model, 'promptSha256', encode(sha256(convert_to(prompt, 'UTF8')), 'hex'),
             'createdAt', to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'hmac', md5('hmac' || id) || md5(id)),
           finished_at,
           deleted_at, (case when deleted_at is not null then user_id end)
         FROM (
           SELECT j.*,
             (case resolution when '480p' then 480 when '720p' then 720 else 1080 end) AS short_side,
             (case resolution when '480p' then 854 when '720p' then 1280 else 1920 end) AS long_side,
             (case provider when 'local' then 'greenroom-stand-in-v1' else 'minimax/video-01' end) AS model,
             -- The benchmark artist keeps all 500; about 1 in 100 other clips was deleted since.
             (case when j.user_id <> ${userId("1")} and ${rnd("hashtext(j.id)", 53, 100)} = 0
                then j.finished_at + (${t.now} - j.finished_at) * ${frac("hashtext(j.id)", 54)}
              end) AS deleted_at
           FROM generation_jobs j WHERE j.status = 'succeeded'
           OFFSET 0
         ) AS finished`,
      ),
    );
  });
}

/**
 * Quota movements for the current month only: a reserve per job queued this month, then its
 * commit (succeeded) or release (failed, canceled). The studio's quota display and the queue's
 * checks read only the current month; earlier months would be two million rows that nothing reads.
 */
export async function seedQuotaMovements(ctx: SeedContext) {
  const { client, t, step } = ctx;
  await withIndexesRebuilt(ctx, ["quota_movements"], () =>
    step("quota_movements", () =>
      exec(
        client,
        `INSERT INTO quota_movements (user_id, job_id, kind, seconds, month, created_at)
         SELECT user_id, id, kind::quota_movement_kind, duration_seconds,
           date_trunc('month', created_at at time zone 'UTC')::date, at
         FROM (
           SELECT j.user_id, j.id, 'reserve' AS kind, j.duration_seconds, j.created_at, j.created_at AS at
           FROM generation_jobs j
           WHERE j.created_at >= date_trunc('month', ${t.now} at time zone 'UTC') at time zone 'UTC'
           UNION ALL
           SELECT j.user_id, j.id, (case when j.status = 'succeeded' then 'commit' else 'release' end),
             j.duration_seconds, j.created_at, j.finished_at
           FROM generation_jobs j
           WHERE j.created_at >= date_trunc('month', ${t.now} at time zone 'UTC') at time zone 'UTC'
             AND j.status in ('succeeded', 'failed', 'canceled')
         ) AS movements
         ORDER BY at`,
      ),
    ),
  );
}
