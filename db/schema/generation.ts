import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  doublePrecision,
  jsonb,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./users";

export const resolutionEnum = pgEnum("resolution", ["480p", "720p", "1080p"]);

// What each artist may generate. One row per artist; an artist without a row has no access yet.
export const accessSettings = pgTable(
  "access_settings",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    monthlyQuotaSeconds: integer("monthly_quota_seconds").notNull().default(300),
    maxDurationSeconds: integer("max_duration_seconds").notNull().default(10),
    maxResolution: resolutionEnum("max_resolution").notNull().default("720p"),
    maxConcurrentJobs: integer("max_concurrent_jobs").notNull().default(2),
    accessFrom: timestamp("access_from", { withTimezone: true }),
    accessUntil: timestamp("access_until", { withTimezone: true }),
    cohort: text("cohort"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    check("access_settings_quota_nonnegative", sql`${t.monthlyQuotaSeconds} >= 0`),
    check("access_settings_duration_positive", sql`${t.maxDurationSeconds} > 0`),
    check("access_settings_concurrency_positive", sql`${t.maxConcurrentJobs} > 0`),
    check(
      "access_settings_window_ordered",
      sql`${t.accessFrom} IS NULL OR ${t.accessUntil} IS NULL OR ${t.accessFrom} < ${t.accessUntil}`,
    ),
    index("access_settings_cohort_idx").on(t.cohort),
  ],
);

export const jobStatus = pgEnum("generation_job_status", [
  "queued",
  "running",
  "succeeded",
  "failed",
  "canceled",
]);

// One request to generate a clip. Its quota is reserved in the transaction that inserts it.
export const generationJobs = pgTable(
  "generation_jobs",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    prompt: text("prompt").notNull(),
    durationSeconds: integer("duration_seconds").notNull(),
    resolution: resolutionEnum("resolution").notNull(),
    aspectRatio: text("aspect_ratio").notNull(),
    style: text("style").notNull(),
    seed: integer("seed").notNull(),
    status: jobStatus("status").notNull().default("queued"),
    progress: real("progress").notNull().default(0),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    providerJobId: text("provider_job_id"),
    // The catalog entry the artist picked (generation_models.id); null for jobs from before it.
    modelId: text("model_id"),
    // The artist's reference image (image-to-video), a stored PNG stripped of metadata.
    referenceImageKey: text("reference_image_key"),
    // The pg-boss job currently carrying this job. A worker may only write results while it holds
    // the current one, so a worker presumed dead that wakes up again changes nothing.
    bossJobId: text("boss_job_id"),
    // Set by the worker rendering it, every few seconds; a stale heartbeat means the worker died.
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // When the dispatcher gave it a slot (status becomes running); startedAt is when a worker began.
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    // The artist cleared it from the studio's Jobs panel (finished, failed or cancelled jobs only).
    dismissedAt: timestamp("dismissed_at", { withTimezone: true }),
  },
  (t) => [
    index("generation_jobs_user_created_idx").on(t.userId, t.createdAt),
    index("generation_jobs_status_created_idx").on(t.status, t.createdAt),
    // The dispatcher and the studio only ever look at unfinished jobs: keep that index small.
    index("generation_jobs_active_idx")
      .on(t.provider, t.status, t.createdAt)
      .where(sql`${t.status} IN ('queued', 'running')`),
    // The studio's list of an artist's jobs still waiting or recently failed: a handful of rows
    // per artist, where the artist's succeeded jobs number in the hundreds.
    index("generation_jobs_user_unsettled_idx")
      .on(t.userId, t.createdAt)
      .where(sql`${t.status} IN ('queued', 'running', 'failed', 'canceled')`),
    check("generation_jobs_progress_range", sql`${t.progress} >= 0 AND ${t.progress} <= 1`),
    // The dashboard's ranges: delivered seconds by finish day, waits by the day a slot was given,
    // and jobs by creation day (queue depth, active artists).
    index("generation_jobs_finished_idx")
      .on(t.finishedAt)
      .where(sql`${t.status} = 'succeeded'`),
    index("generation_jobs_dispatched_idx").on(t.dispatchedAt),
    index("generation_jobs_created_idx").on(t.createdAt),
    // A webhook names the provider's run: find its job.
    index("generation_jobs_provider_job_idx")
      .on(t.provider, t.providerJobId)
      .where(sql`${t.providerJobId} IS NOT NULL`),
  ],
);

export const quotaMovementKind = pgEnum("quota_movement_kind", ["reserve", "commit", "release"]);

// The quota ledger: seconds reserved when a job is queued, then committed on success or released
// on failure or cancel. The unique (job, kind) makes each movement happen at most once, whatever
// crashes or retries; the month is the one the job was queued in.
export const quotaMovements = pgTable(
  "quota_movements",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    jobId: text("job_id")
      .notNull()
      .references(() => generationJobs.id, { onDelete: "cascade" }),
    kind: quotaMovementKind("kind").notNull(),
    seconds: integer("seconds").notNull(),
    month: date("month", { mode: "string" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("quota_movements_job_kind_unique").on(t.jobId, t.kind),
    // A job is settled once: committed or released, never both.
    uniqueIndex("quota_movements_one_settlement")
      .on(t.jobId)
      .where(sql`${t.kind} <> 'reserve'`),
    index("quota_movements_user_month_idx").on(t.userId, t.month),
    check("quota_movements_seconds_positive", sql`${t.seconds} > 0`),
  ],
);

// A finished output. Its id is the job's id, so the clip id written into provenance and burned into
// the watermark is known before rendering starts. Object keys are random (storage/index.ts).
export const clips = pgTable(
  "clips",
  {
    id: text("id")
      .primaryKey()
      .references(() => generationJobs.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    videoKey: text("video_key").notNull(),
    posterKey: text("poster_key").notNull(),
    // A remote provider's file as received, before our watermark: the source of a licensed
    // watermark-free master. Null for the local renderer, which re-renders without the mark.
    originalKey: text("original_key"),
    sizeBytes: integer("size_bytes").notNull(),
    durationSeconds: doublePrecision("duration_seconds").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    // The video stream's frame rate as ffprobe's r_frame_rate writes it ("24/1", "30000/1001"):
    // the review player counts frames and timecodes at it. Every output is finished at
    // outputs.ts FPS, so clips made before the column existed are "24/1".
    frameRate: text("frame_rate").notNull().default("24/1"),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    // The signed provenance exactly as written into the file.
    provenance: jsonb("provenance").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedBy: text("deleted_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("clips_user_created_idx")
      .on(t.userId, t.createdAt)
      .where(sql`${t.deletedAt} IS NULL`),
    check("clips_frame_rate_rational", sql`${t.frameRate} ~ '^[1-9][0-9]{0,6}/[1-9][0-9]{0,6}$'`),
  ],
);

export type AccessSettings = typeof accessSettings.$inferSelect;
export type GenerationJob = typeof generationJobs.$inferSelect;
export type Clip = typeof clips.$inferSelect;
